namespace Circly.Core.Notifications;

/// <summary>The kinds of notification, as the inbox and the app name them.</summary>
public static class NotificationTypes
{
    public const string PollCreated = "pollCreated";
    public const string PollDeadlineSoon = "pollDeadlineSoon";
    public const string PollResult = "pollResult";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { PollCreated, PollDeadlineSoon, PollResult };
}

/// <summary>Quiet hours as the API shows them: local times "HH:mm" in the user's time zone.</summary>
public sealed record QuietHours(bool Enabled, string Start, string End);

/// <summary>GET /v1/notifications/settings.</summary>
public sealed record NotificationSettings(bool PollStart, bool PollDeadline, bool PollResult, QuietHours QuietHours, int MaxPerDay, string TimeZone);

/// <summary>PUT /v1/notifications/settings: every field optional; what is left out stays as it is.</summary>
public sealed record UpdateNotificationSettingsRequest(bool? PollStart, bool? PollDeadline, bool? PollResult, UpdateQuietHoursRequest? QuietHours, int? MaxPerDay, string? TimeZone);

public sealed record UpdateQuietHoursRequest(bool? Enabled, string? Start, string? End);

/// <summary>What the fan-out needs to decide about one recipient (defaults when the user never saved settings).</summary>
public sealed record DeliveryPreferences(
    Guid UserId,
    bool PollStart,
    bool PollDeadline,
    bool PollResult,
    bool QuietEnabled,
    TimeOnly QuietStart,
    TimeOnly QuietEnd,
    string TimeZone,
    int MaxPerDay);

/// <summary>The settings a user has before saving any (the seed's defaults).</summary>
public static class NotificationDefaults
{
    public const bool PollStart = true;
    public const bool PollDeadline = true;
    public const bool PollResult = true;
    public const bool QuietEnabled = false;
    public const int MaxPerDay = 20;
    public const int MaxPerDayLimit = 100;
    public static readonly TimeOnly QuietStart = new(22, 0);
    public static readonly TimeOnly QuietEnd = new(7, 0);
}
