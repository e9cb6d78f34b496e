using System.Globalization;
using System.Security.Cryptography;
using Circly.AdminIssuer;

// Local admin sign-in (docs/SAFETY.md):
//   dotnet run --project tools/Circly.AdminIssuer -- serve [--port 7072] [--key .data/keys/admin-issuer.pem]
//   dotnet run --project tools/Circly.AdminIssuer -- token --role admin [--role moderator] [--name you@example.com]
//       [--audience api://circly-admin] [--port 7072] [--key .data/keys/admin-issuer.pem] [--lifetime 01:00:00]
// with the API run with Admin__Authority=http://127.0.0.1:7072/circly-local/v2.0 and Admin__Audience=api://circly-admin.
var command = args.FirstOrDefault();
var options = Options(args.Skip(1).ToArray());
var port = int.Parse(Single(options, "port") ?? "7072", CultureInfo.InvariantCulture);
var keyPath = Single(options, "key") ?? Path.Combine(".data", "keys", "admin-issuer.pem");

switch (command)
{
    case "serve":
        using (var rsa = LoadOrCreate(keyPath))
        {
            await using var issuer = await LocalEntraIssuer.StartAsync(rsa, port);
            await Console.Out.WriteLineAsync($"Admin token issuer for local use: Admin__Authority={issuer.Authority}");
            var stop = new TaskCompletionSource();
            Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.TrySetResult(); };
            AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.TrySetResult();
            await stop.Task;
        }
        return 0;
    case "token":
        if (!File.Exists(keyPath))
        {
            await Console.Error.WriteLineAsync($"No key at {keyPath}: start the issuer with 'serve' first.");
            return 1;
        }
        using (var rsa = LoadOrCreate(keyPath))
        {
            var roles = options.TryGetValue("role", out var given) ? given : ["moderator"];
            var authority = LocalEntraIssuer.AuthorityFor(new Uri($"http://127.0.0.1:{port}"));
            var lifetime = Single(options, "lifetime") is { } text ? TimeSpan.Parse(text, CultureInfo.InvariantCulture) : TimeSpan.FromHours(1);
            await Console.Out.WriteLineAsync(LocalEntraIssuer.IssueFor(authority, LocalEntraIssuer.KeyFrom(rsa), Single(options, "audience") ?? "api://circly-admin",
                roles, Single(options, "name") ?? Environment.UserName + "@circly.local", lifetime, null));
        }
        return 0;
    default:
        await Console.Error.WriteLineAsync("Usage: serve [--port N] [--key FILE] | token --role admin|moderator [--name N] [--audience A] [--port N] [--key FILE] [--lifetime T]");
        return 2;
}

static RSA LoadOrCreate(string path)
{
    var rsa = RSA.Create();
    if (File.Exists(path))
    {
        rsa.ImportFromPem(File.ReadAllText(path));
        return rsa;
    }
    rsa.KeySize = 2048;
    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    File.WriteAllText(path, rsa.ExportPkcs8PrivateKeyPem());
    if (!OperatingSystem.IsWindows())
    {
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
    return rsa;
}

static Dictionary<string, List<string>> Options(string[] args)
{
    var options = new Dictionary<string, List<string>>(StringComparer.Ordinal);
    for (var i = 0; i + 1 < args.Length; i += 2)
    {
        var name = args[i].TrimStart('-');
        if (!options.TryGetValue(name, out var values))
        {
            options[name] = values = [];
        }
        values.Add(args[i + 1]);
    }
    return options;
}

static string? Single(Dictionary<string, List<string>> options, string name) =>
    options.TryGetValue(name, out var values) ? values[^1] : null;
