using System.Globalization;

namespace Circly.Core.Analytics;

/// <summary>
/// The periods distinct users are counted over: the ISO week (Monday to Sunday) and the calendar
/// month of a UTC day. Each has its own pseudonym key (PeriodKeys); WAU and MAU are week- and
/// month-to-date, because a pseudonym can only be compared within its own period.
/// </summary>
internal static class AnalyticsPeriods
{
    public static (string Id, DateOnly FirstDay, DateOnly LastDay) Week(DateOnly day)
    {
        var date = day.ToDateTime(TimeOnly.MinValue);
        var year = ISOWeek.GetYear(date);
        var week = ISOWeek.GetWeekOfYear(date);
        var monday = DateOnly.FromDateTime(ISOWeek.ToDateTime(year, week, DayOfWeek.Monday));
        return (string.Create(CultureInfo.InvariantCulture, $"week:{year:D4}-W{week:D2}"), monday, monday.AddDays(6));
    }

    public static (string Id, DateOnly FirstDay, DateOnly LastDay) Month(DateOnly day)
    {
        var first = new DateOnly(day.Year, day.Month, 1);
        return (string.Create(CultureInfo.InvariantCulture, $"month:{day.Year:D4}-{day.Month:D2}"), first, first.AddMonths(1).AddDays(-1));
    }
}
