using System.Collections.Concurrent;

namespace Circly.Core.Users;

/// <summary>
/// Account standings this instance read recently, so that an authenticated request needs no
/// round trip for it while warm. A ban, a lifted ban, a device move or a deletion made through
/// this instance takes effect here at once: the account's entry is replaced by a hold that keeps
/// it uncached for one <see cref="Lifetime"/> (so a read that started before the change, and
/// finishes after it, cannot put the old standing back). On another instance the old standing
/// lasts at most <see cref="Lifetime"/>: that is the bound across instances (docs/ARCHITECTURE.md).
/// </summary>
internal sealed class StandingCache(TimeProvider clock)
{
    /// <summary>How long a standing read from the database is used; the delay a ban has on other instances.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(10);

    /// <summary>Above this many entries the cache starts over (an instance serves far fewer active users per ten seconds).</summary>
    private const int MaxEntries = 100_000;

    private readonly ConcurrentDictionary<Guid, Entry> _entries = new();

    /// <summary>A standing still within its lifetime, or null.</summary>
    public AccountStanding? Find(Guid userId) =>
        _entries.TryGetValue(userId, out var entry) && entry.Standing is { } standing && entry.Until > clock.GetUtcNow() ? standing : null;

    /// <summary>Remembers a standing just read, unless the account changed (a hold) meanwhile.</summary>
    public void Remember(Guid userId, AccountStanding standing)
    {
        var now = clock.GetUtcNow();
        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear();
        }
        _entries.AddOrUpdate(userId, new Entry(standing, now + Lifetime),
            (_, existing) => existing.Standing is null && existing.Until > now ? existing : new Entry(standing, now + Lifetime));
    }

    /// <summary>The account's standing changes: read it from the database for the next lifetime.</summary>
    public void Forget(Guid userId) => _entries[userId] = new Entry(null, clock.GetUtcNow() + Lifetime);

    /// <summary>Standings changed for accounts this instance cannot name (a ban lifted by device): start over.</summary>
    public void ForgetAll() => _entries.Clear();

    private sealed record Entry(AccountStanding? Standing, DateTimeOffset Until);
}
