namespace Circly.Core.Notifications;

/// <summary>Pure rules the fan-out applies per recipient: which kinds they want, quiet hours, their local day.</summary>
public static class DeliveryRules
{
    /// <summary>Whether the user's switches allow this kind of notification (NotificationTypes).</summary>
    public static bool Wants(DeliveryPreferences preferences, string notificationType) => notificationType switch
    {
        NotificationTypes.PollCreated => preferences.PollStart,
        NotificationTypes.PollDeadlineSoon => preferences.PollDeadline,
        NotificationTypes.PollResult => preferences.PollResult,
        _ => throw new ArgumentOutOfRangeException(nameof(notificationType), notificationType, "Unknown notification type."),
    };

    /// <summary>
    /// Whether <paramref name="now"/> falls in the user's quiet hours, read on their own clock (time
    /// zone, daylight saving included). The start is inclusive, the end exclusive; a window whose
    /// start is after its end crosses midnight (22:00–07:00). Equal start and end is no window.
    /// </summary>
    public static bool IsQuietNow(DeliveryPreferences preferences, DateTimeOffset now)
    {
        if (!preferences.QuietEnabled || preferences.QuietStart == preferences.QuietEnd)
        {
            return false;
        }
        var local = TimeOnly.FromDateTime(LocalTime(preferences.TimeZone, now).DateTime);
        return preferences.QuietStart < preferences.QuietEnd
            ? local >= preferences.QuietStart && local < preferences.QuietEnd
            : local >= preferences.QuietStart || local < preferences.QuietEnd;
    }

    /// <summary>The user's calendar day at <paramref name="now"/>: the day the daily cap counts in.</summary>
    public static DateOnly LocalDate(DeliveryPreferences preferences, DateTimeOffset now) =>
        DateOnly.FromDateTime(LocalTime(preferences.TimeZone, now).DateTime);

    /// <summary>An unknown zone (the column allows any short text) is read as UTC rather than failing the fan-out.</summary>
    private static DateTimeOffset LocalTime(string timeZone, DateTimeOffset now) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var zone) ? TimeZoneInfo.ConvertTime(now, zone) : now.ToUniversalTime();
}
