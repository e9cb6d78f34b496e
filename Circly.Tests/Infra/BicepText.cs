using System.Text.RegularExpressions;
using Circly.Tests.Infrastructure;

namespace Circly.Tests.Infra;

/// <summary>
/// Just enough Bicep for the contract tests. <see cref="Code"/> is the file with comments and
/// the contents of strings (interpolations included) blanked out, same length and same line
/// breaks, so brackets, keys and declarations are found by position without being fooled by
/// a '//' in a URL or a brace in a string; string values are read back from <see cref="Text"/>
/// at the same offsets. Anything it cannot read makes it throw, naming the file and line.
/// </summary>
public sealed partial class BicepText
{
    public BicepText(string path)
    {
        Path = path;
        Text = File.ReadAllText(path).ReplaceLineEndings("\n");
        Code = Mask(Text);
    }

    public string Path { get; }

    public string Text { get; }

    public string Code { get; }

    /// <summary>The members (key, value span) of the object whose '{' is at <paramref name="openBrace"/>; nested resource declarations are skipped.</summary>
    public IEnumerable<(string Key, int ValueStart, int ValueEnd)> Members(int openBrace)
    {
        var i = openBrace + 1;
        while (true)
        {
            while (i < Code.Length && (char.IsWhiteSpace(Code[i]) || Code[i] == ','))
            {
                i++;
            }
            if (i >= Code.Length || Code[i] == '}')
            {
                yield break;
            }
            if (NestedResource().Match(Code, i).Success)
            {
                i = EndOfExpression(i);
                continue;
            }
            var key = ObjectKey().Match(Code, i);
            if (!key.Success)
            {
                throw Unreadable(i, "an object member");
            }
            var name = key.Groups["id"].Success ? key.Groups["id"].Value : Text.Substring(key.Groups["quoted"].Index + 1, key.Groups["quoted"].Length - 2);
            var start = SkipBlanks(key.Index + key.Length);
            var end = EndOfExpression(start);
            yield return (name, start, end);
            i = end;
        }
    }

    /// <summary>The value of <paramref name="key"/> in the object at <paramref name="openBrace"/>, or null.</summary>
    public (int Start, int End)? Member(int openBrace, string key)
    {
        foreach (var member in Members(openBrace))
        {
            if (member.Key == key)
            {
                return (member.ValueStart, member.ValueEnd);
            }
        }
        return null;
    }

    /// <summary>
    /// The strings an expression stands for: a string literal, an array of them, or the name of
    /// a var (or param default) holding either. Anything else (interpolation, functions) throws.
    /// </summary>
    public IReadOnlyList<string> Strings(int start, int end)
    {
        start = SkipBlanks(start);
        while (end > start && char.IsWhiteSpace(Code[end - 1]))
        {
            end--;
        }
        var code = Code[start..end];
        if (code.Length >= 2 && code[0] == '\'' && code[^1] == '\'' && code.AsSpan(1, code.Length - 2).IndexOfAnyExcept(' ') < 0)
        {
            var value = Text[(start + 1)..(end - 1)];
            return value.Contains("${", StringComparison.Ordinal) || value.Contains('\\', StringComparison.Ordinal) || value.Contains('\n', StringComparison.Ordinal)
                ? throw Unreadable(start, "a plain string")
                : [value];
        }
        if (code.StartsWith('['))
        {
            var items = new List<string>();
            var i = start + 1;
            while (true)
            {
                while (i < end && (char.IsWhiteSpace(Code[i]) || Code[i] == ','))
                {
                    i++;
                }
                if (i >= end || Code[i] == ']')
                {
                    return items;
                }
                var itemEnd = EndOfExpression(i);
                items.AddRange(Strings(i, itemEnd));
                i = itemEnd;
            }
        }
        if (Identifier().IsMatch(code))
        {
            var declaration = new Regex($@"^[ \t]*(?:var[ \t]+{code}|param[ \t]+{code}[ \t]+[\w\[\]]+)[ \t]*=[ \t]*", RegexOptions.Multiline).Match(Code);
            return declaration.Success
                ? Strings(declaration.Index + declaration.Length, EndOfExpression(declaration.Index + declaration.Length))
                : throw Unreadable(start, $"a var or param named {code}");
        }
        throw Unreadable(start, "a string, an array of strings or a var holding them");
    }

    /// <summary>
    /// Where the expression at <paramref name="start"/> ends: a line break, ',' or closing bracket
    /// outside brackets, unless the next line continues it (a leading ?, :, . or operator).
    /// </summary>
    public int EndOfExpression(int start)
    {
        var depth = 0;
        for (var i = start; i < Code.Length; i++)
        {
            switch (Code[i])
            {
                case '{' or '[' or '(':
                    depth++;
                    break;
                case '}' or ']' or ')':
                    if (depth == 0)
                    {
                        return i;
                    }
                    depth--;
                    break;
                case ',' when depth == 0:
                    return i;
                case '\n' when depth == 0:
                    var next = SkipBlanks(i);
                    if (next >= Code.Length || !"?:.|&+-*/=<>!".Contains(Code[next], StringComparison.Ordinal))
                    {
                        return i;
                    }
                    break;
            }
        }
        return Code.Length;
    }

    public int Line(int index) => Text.AsSpan(0, Math.Min(index, Text.Length)).Count('\n') + 1;

    public FormatException Unreadable(int index, string expected) =>
        new($"{System.IO.Path.GetRelativePath(RepoPaths.Root, Path)}:{Line(index)}: expected {expected}, found " +
            $"'{Text[index..Math.Min(Text.Length, index + 60)].Split('\n')[0]}'. Write it plainly or teach Circly.Tests/Infra/BicepText.cs to read it.");

    private int SkipBlanks(int i)
    {
        while (i < Code.Length && char.IsWhiteSpace(Code[i]))
        {
            i++;
        }
        return i;
    }

    private static string Mask(string text)
    {
        var code = text.ToCharArray();
        void Blank(int from, int to, bool lineBreaksToo = false)
        {
            for (var k = from; k < Math.Min(to, code.Length); k++)
            {
                if (lineBreaksToo || code[k] != '\n')
                {
                    code[k] = ' ';
                }
            }
        }

        // Empty: top-level code. -1 on top: inside a string. n >= 0 on top: inside ${...} with n open braces.
        var modes = new Stack<int>();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var next = i + 1 < text.Length ? text[i + 1] : '\0';
            if (modes.TryPeek(out var mode) && mode < 0)
            {
                if (c == '\'')
                {
                    modes.Pop();
                    if (modes.Count > 0)
                    {
                        Blank(i, i + 1);
                    }
                }
                else if (c == '\\' || (c == '$' && next == '{'))
                {
                    if (c == '$')
                    {
                        modes.Push(0);
                    }
                    Blank(i, i + 2);
                    i++;
                }
                else
                {
                    Blank(i, i + 1);
                }
                continue;
            }
            if (c == '/' && next is '/' or '*')
            {
                var close = next == '/' ? text.IndexOf('\n', i) : text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                close = close < 0 ? text.Length : next == '/' ? close : close + 2;
                Blank(i, close);
                i = close - 1;
            }
            else if (text.AsSpan(i).StartsWith("'''"))
            {
                var close = text.IndexOf("'''", i + 3, StringComparison.Ordinal);
                close = close < 0 ? text.Length : close + 3;
                // One token, like a single-line string: a quote, blanks (line breaks too), a quote.
                Blank(i, close, lineBreaksToo: true);
                if (modes.Count == 0)
                {
                    code[i] = code[close - 1] = '\'';
                }
                i = close - 1;
            }
            else if (c == '\'')
            {
                if (modes.Count > 0)
                {
                    Blank(i, i + 1);
                }
                modes.Push(-1);
            }
            else if (modes.Count > 0)
            {
                var braces = modes.Pop();
                if (c == '{')
                {
                    modes.Push(braces + 1);
                }
                else if (c != '}' || braces > 0)
                {
                    modes.Push(c == '}' ? braces - 1 : braces);
                }
                Blank(i, i + 1);
            }
        }
        return new string(code);
    }

    [GeneratedRegex(@"\G(?:(?<id>[A-Za-z_]\w*)|(?<quoted>'[ ]*'))[ \t]*:")]
    private static partial Regex ObjectKey();

    [GeneratedRegex(@"\Gresource\s+\w+\s+'")]
    private static partial Regex NestedResource();

    [GeneratedRegex(@"^[A-Za-z_]\w*$")]
    private static partial Regex Identifier();
}
