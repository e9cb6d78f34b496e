namespace Circly.Core.Telemetry;

/// <summary>
/// The app's own meters, one per concern; the telemetry setup listens to exactly these
/// (Circly.Functions/Telemetry). Instrument names and what they count are in docs/OPERATIONS.md
/// ("Metrics"); the workbook and the alerts in infra/modules/alerts.bicep query them by name.
/// None carries a user, device, poll, option or nickname: only bounded, anonymous dimensions.
/// </summary>
public static class CirclyMeters
{
    public const string Push = "Circly.Push";
    public const string Polls = "Circly.Polls";
    public const string Backlog = "Circly.Backlog";

    public static readonly IReadOnlyList<string> All = [Push, Polls, Backlog];
}
