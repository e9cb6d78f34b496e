using System.Globalization;
using System.Text.RegularExpressions;
using Circly.Core.Errors;
using Circly.Core.Users;
using Npgsql;

namespace Circly.Core.Notifications;

/// <summary>
/// Notification settings: what a user reads and changes over the API, and what the fan-out needs —
/// everyone's delivery preferences in one query and an atomic per-day push cap.
/// </summary>
public sealed partial class NotificationSettingsService
{
    private readonly NotificationSettingsRepository _repository;
    private readonly UserService _users;

    internal NotificationSettingsService(NotificationSettingsRepository repository, UserService users)
    {
        _repository = repository;
        _users = users;
    }

    public async Task<NotificationSettings> GetAsync(Guid userId, CancellationToken cancellationToken)
    {
        var found = await _repository.GetAsync(userId, cancellationToken) ?? throw AccountGone();
        return ToApi(found.Stored ?? StoredSettings.Defaults, found.TimeZone);
    }

    /// <summary>Changes the fields sent; the time zone goes through the Users module (it is the profile's).</summary>
    public async Task<NotificationSettings> UpdateAsync(Guid userId, UpdateNotificationSettingsRequest request, CancellationToken cancellationToken)
    {
        var start = request.QuietHours?.Start is { } s ? Time(s, "quietHours.start") : null;
        var end = request.QuietHours?.End is { } e ? Time(e, "quietHours.end") : null;
        if (request.MaxPerDay is < 0 or > NotificationDefaults.MaxPerDayLimit)
        {
            throw Fail.OutOfRange("maxPerDay", $"must be between 0 and {NotificationDefaults.MaxPerDayLimit}.");
        }
        var timeZone = ProfileRules.TimeZone(request.TimeZone);

        StoredSettings saved;
        try
        {
            saved = await _repository.UpdateAsync(userId, current =>
            {
                var merged = new StoredSettings(
                    request.PollStart ?? current.PollStart,
                    request.PollDeadline ?? current.PollDeadline,
                    request.PollResult ?? current.PollResult,
                    request.QuietHours?.Enabled ?? current.QuietEnabled,
                    start ?? current.QuietStart,
                    end ?? current.QuietEnd,
                    request.MaxPerDay ?? current.MaxPerDay);
                if (merged.QuietEnabled && merged.QuietStart == merged.QuietEnd)
                {
                    throw Fail.OutOfRange(end is null ? "quietHours.start" : "quietHours.end", "quiet hours need an end different from their start.");
                }
                return merged;
            }, cancellationToken);
        }
        catch (PostgresException gone) when (gone.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            throw AccountGone();
        }

        var zone = timeZone is null
            ? (await _repository.GetAsync(userId, cancellationToken) ?? throw AccountGone()).TimeZone
            : (await _users.UpdateProfileAsync(userId, new UpdateProfileRequest(null, null, null, timeZone), cancellationToken)).TimeZone;
        return ToApi(saved, zone);
    }

    /// <summary>
    /// For the fan-out: switches, quiet hours, time zone and daily cap of every given user that
    /// exists (defaults for those who never saved settings), in one query.
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, DeliveryPreferences>> GetDeliveryPreferencesAsync(IReadOnlyCollection<Guid> userIds, CancellationToken cancellationToken)
    {
        if (userIds.Count == 0)
        {
            return new Dictionary<Guid, DeliveryPreferences>();
        }
        var rows = await _repository.GetManyAsync(userIds.Distinct().ToArray(), cancellationToken);
        return rows.ToDictionary(r => r.UserId, r =>
        {
            var stored = r.Stored ?? StoredSettings.Defaults;
            return new DeliveryPreferences(r.UserId, stored.PollStart, stored.PollDeadline, stored.PollResult, stored.QuietEnabled,
                ParseTime(stored.QuietStart), ParseTime(stored.QuietEnd), r.TimeZone, stored.MaxPerDay);
        });
    }

    /// <summary>
    /// Counts one push of <paramref name="eventId"/> for each recipient on their own local day and
    /// returns those still within their MaxPerDay (the others must not be pushed this time). One
    /// atomic statement for the whole batch: concurrent fan-outs can never push a user past their
    /// cap. Idempotent per event: a fan-out run again (a redelivered event) gets the recipients the
    /// first run counted back without counting them twice.
    /// </summary>
    public async Task<IReadOnlySet<Guid>> TryConsumeDailyPushAsync(IReadOnlyCollection<DeliveryPreferences> recipients, Guid eventId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var unique = recipients.DistinctBy(r => r.UserId).OrderBy(r => r.UserId).ToList();
        if (unique.Count == 0)
        {
            return new HashSet<Guid>();
        }
        var counted = await _repository.ConsumeDailyAsync(
            eventId,
            unique.Select(r => r.UserId).ToArray(),
            unique.Select(r => DeliveryRules.LocalDate(r, now)).ToArray(),
            unique.Select(r => r.MaxPerDay).ToArray(),
            cancellationToken);
        return counted.ToHashSet();
    }

    /// <summary>Daily housekeeping: counters for days before yesterday (UTC−12 included) are dropped.</summary>
    internal Task<int> DeleteOldDailyCountsAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        _repository.DeleteDailyCountsBeforeAsync(DateOnly.FromDateTime(now.UtcDateTime).AddDays(-2), cancellationToken);

    private static NotificationSettings ToApi(StoredSettings stored, string timeZone) =>
        new(stored.PollStart, stored.PollDeadline, stored.PollResult, new QuietHours(stored.QuietEnabled, stored.QuietStart, stored.QuietEnd), stored.MaxPerDay, timeZone);

    private static string Time(string value, string field) =>
        TimePattern().IsMatch(value) ? value : throw Fail.InvalidFormat(field, "must be a 24-hour time HH:mm such as 22:00.");

    private static TimeOnly ParseTime(string value) => TimeOnly.ParseExact(value, "HH:mm", CultureInfo.InvariantCulture);

    private static CirclyException AccountGone() => Fail.With(ErrorCodes.AuthInvalidToken, "This account no longer exists.");

    // \z, not $: .NET's $ also matches before a final newline.
    [GeneratedRegex(@"^([01][0-9]|2[0-3]):[0-5][0-9]\z")]
    private static partial Regex TimePattern();
}
