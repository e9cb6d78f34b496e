namespace Circly.Core.Reports;

public sealed class ReportOptions
{
    public const string Section = "Reports";

    /// <summary>Distinct reporters after which a circle name or nickname shows as a placeholder until a moderator decides.</summary>
    public int AutoHideThreshold { get; set; } = 3;

    /// <summary>Reports one user may send per hour: enough for a real problem, too few to flood the queue.</summary>
    public int MaxPerUserPerHour { get; set; } = 10;
}
