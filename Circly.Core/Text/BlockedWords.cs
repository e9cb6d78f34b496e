using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Circly.Core.Text;

/// <summary>
/// The word filter for every text users or moderators write (circle names, nicknames, templates), over the list in BlockedWords.txt. Text is
/// normalized before matching so that the usual disguises do not get through: compatibility forms
/// (NFKC: 𝐟𝐮𝐜𝐤, ｆｕｃｋ, ⓕⓤⓒⓚ), case, accents (fück), look-alike Cyrillic and Greek letters,
/// leetspeak (0→o 1→i/l 3→e 4→a 5→s 7→t 8→b 9→g @→a $→s !→i), stretched letters (fuuuck),
/// and letters spelled out one or two at a time (f.u.c.k, f u c k, n i gg a).
/// Entries match as whole words; entries marked '*' in the list (the worst terms, which no
/// ordinary word contains) also match inside longer words.
/// </summary>
internal sealed partial class BlockedWords
{
    private const string ResourceName = "Circly.Text.BlockedWords.txt";

    // Shown as-is wherever it appears, alone or with a skin tone.
    private static readonly int[] BlockedSymbols = [0x1F595 /* reversed hand with middle finger extended */];

    private static readonly Dictionary<char, char> LookAlikes = new()
    {
        ['0'] = 'o', ['3'] = 'e', ['4'] = 'a', ['5'] = 's', ['7'] = 't', ['8'] = 'b', ['9'] = 'g', ['@'] = 'a', ['$'] = 's', ['!'] = 'i',
        ['ƒ'] = 'f', ['ł'] = 'l', ['ø'] = 'o', ['đ'] = 'd', ['ħ'] = 'h', ['ı'] = 'i',
        // Cyrillic
        ['а'] = 'a', ['в'] = 'b', ['е'] = 'e', ['ё'] = 'e', ['к'] = 'k', ['м'] = 'm', ['н'] = 'h', ['о'] = 'o', ['р'] = 'p', ['с'] = 'c',
        ['т'] = 't', ['у'] = 'y', ['х'] = 'x', ['ѕ'] = 's', ['і'] = 'i', ['ї'] = 'i', ['ј'] = 'j', ['ԁ'] = 'd', ['ц'] = 'u', ['г'] = 'r',
        // Greek
        ['α'] = 'a', ['β'] = 'b', ['ε'] = 'e', ['η'] = 'n', ['ι'] = 'i', ['κ'] = 'k', ['ν'] = 'v', ['ο'] = 'o', ['ρ'] = 'p', ['τ'] = 't',
        ['υ'] = 'u', ['χ'] = 'x', ['ϲ'] = 'c',
    };

    // The patterns are alternations of fixed words (no nested quantifiers), so matching is linear;
    // the timeout only guards against the unforeseen. At 250 ms a CPU-starved instance timed out
    // on plain nicknames and answered 503.
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(5);

    private readonly Regex _wholeWords;
    private readonly Regex _anywhere;

    public BlockedWords(IEnumerable<string> lines)
    {
        var whole = new List<string>();
        var anywhere = new List<string>();
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            var inside = line.StartsWith('*');
            var entry = inside ? line[1..].Trim() : line;
            if (!EntryShape().IsMatch(entry))
            {
                throw new FormatException($"Blocked word list: '{entry}' must be lowercase a-z words separated by single spaces.");
            }
            (inside ? anywhere : whole).Add(Pattern(entry));
        }
        if (whole.Count == 0 || anywhere.Count == 0)
        {
            throw new FormatException("Blocked word list: it needs whole-word entries and '*' entries.");
        }
        // Entries are lowercase a-z and spaces only (checked above), so the patterns hold no user input.
        _wholeWords = new Regex($"(?<![a-z])(?:{string.Join('|', whole)})(?![a-z])", RegexOptions.CultureInvariant | RegexOptions.Compiled, MatchTimeout);
        _anywhere = new Regex($"(?:{string.Join('|', anywhere)})", RegexOptions.CultureInvariant | RegexOptions.Compiled, MatchTimeout);
    }

    /// <summary>The list shipped in this assembly.</summary>
    public static BlockedWords Shipped { get; } = Load();

    public bool IsBlocked(string text)
    {
        if (text.EnumerateRunes().Any(rune => BlockedSymbols.Contains(rune.Value)))
        {
            return true;
        }
        foreach (var candidate in Candidates(text))
        {
            if (_wholeWords.IsMatch(candidate) || _anywhere.IsMatch(candidate))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// The normalized forms of a text to match: for "1" read as i and as l, the words as written
    /// and with runs of one- and two-letter pieces joined (f.u.c.k → fuck), each as words joined by
    /// single spaces.
    /// </summary>
    private static IEnumerable<string> Candidates(string text)
    {
        var folded = Fold(text);
        foreach (var one in new[] { 'i', 'l' })
        {
            var words = Words(folded.Replace('1', one)).ToList();
            yield return string.Join(' ', words);
            yield return string.Join(' ', JoinShortPieces(words));
        }
    }

    /// <summary>NFKC, lowercase, accents dropped, look-alikes and leetspeak mapped to letters.</summary>
    private static string Fold(string text)
    {
        var decomposed = text.Normalize(NormalizationForm.FormKC).ToLowerInvariant().Normalize(NormalizationForm.FormD);
        var folded = new StringBuilder(decomposed.Length);
        foreach (var rune in decomposed.EnumerateRunes())
        {
            if (Rune.GetUnicodeCategory(rune) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }
            if (EnclosedLetter(rune) is { } letter)
            {
                folded.Append(letter);
            }
            else if (rune.IsBmp && LookAlikes.TryGetValue((char)rune.Value, out var mapped))
            {
                folded.Append(mapped);
            }
            else
            {
                folded.Append(rune.ToString());
            }
        }
        return folded.ToString();
    }

    /// <summary>Squared, negative-circled and negative-squared letters and regional indicators (🅵🆄 🇫🇺), which NFKC keeps.</summary>
    private static char? EnclosedLetter(Rune rune) => rune.Value switch
    {
        >= 0x1F130 and <= 0x1F149 => (char)('a' + rune.Value - 0x1F130),
        >= 0x1F150 and <= 0x1F169 => (char)('a' + rune.Value - 0x1F150),
        >= 0x1F170 and <= 0x1F189 => (char)('a' + rune.Value - 0x1F170),
        >= 0x1F1E6 and <= 0x1F1FF => (char)('a' + rune.Value - 0x1F1E6),
        _ => null,
    };

    /// <summary>Runs of letters a-z; everything else (spaces, punctuation, emoji, other scripts, digits left) separates words.</summary>
    private static IEnumerable<string> Words(string folded) =>
        NonLetters().Split(folded).Where(word => word.Length > 0);

    private static IEnumerable<string> JoinShortPieces(List<string> words)
    {
        var pending = new StringBuilder();
        foreach (var word in words)
        {
            if (word.Length <= 2)
            {
                pending.Append(word);
                continue;
            }
            if (pending.Length > 0)
            {
                yield return pending.ToString();
                pending.Clear();
            }
            yield return word;
        }
        if (pending.Length > 0)
        {
            yield return pending.ToString();
        }
    }

    /// <summary>"fuck" → "f+u+c+k+": stretched letters still match, and a doubled letter must stay at least double.</summary>
    private static string Pattern(string entry) =>
        string.Concat(entry.Select(c => c == ' ' ? " ?" : c + "+"));

    private static BlockedWords Load()
    {
        using var stream = typeof(BlockedWords).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource {ResourceName} is missing.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            lines.Add(line);
        }
        return new BlockedWords(lines);
    }

    [GeneratedRegex(@"^[a-z]+( [a-z]+)*\z")]
    private static partial Regex EntryShape();

    [GeneratedRegex("[^a-z]+")]
    private static partial Regex NonLetters();
}
