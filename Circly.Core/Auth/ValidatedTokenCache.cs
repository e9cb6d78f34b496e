using System.Collections.Concurrent;

namespace Circly.Core.Auth;

/// <summary>
/// Access tokens this instance validated, keyed by the whole token, with the lifetime they were
/// issued with: a warm request skips the signature check and the JWT parse (measured in
/// bench/README.md, issue 16 session 5). Safe because a token is immutable and signed, and the
/// signing keys are fixed for the life of the process (a rotation is a settings change, which
/// restarts the app): a token that validated once validates again until it expires. What can
/// change — a ban, a deletion, a device move — is checked on every request after this, from the
/// account's standing (<see cref="AuthService.AuthenticateAsync"/>), exactly as without the cache.
/// Only valid tokens are remembered; a token that fails is checked in full every time.
/// </summary>
internal sealed class ValidatedTokenCache
{
    /// <summary>
    /// Above this many entries the cache starts over. A token is ~0.7 KB and lives 15 minutes, so
    /// this bounds the memory (~20 MB) while holding far more users than an instance serves at once.
    /// </summary>
    private const int MaxEntries = 20_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public bool TryGet(string token, out Entry entry) => _entries.TryGetValue(token, out entry!);

    public void Remember(string token, Entry entry)
    {
        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear();
        }
        _entries[token] = entry;
    }

    public void Forget(string token) => _entries.TryRemove(token, out _);

    /// <summary>Who the token names and the lifetime it was issued with (UTC).</summary>
    internal sealed record Entry(AccessTokenSubject Subject, DateTime NotBefore, DateTime Expires);
}
