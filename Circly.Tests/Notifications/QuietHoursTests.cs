using Circly.Core.Notifications;

namespace Circly.Tests.Notifications;

/// <summary>The pure rules the fan-out applies: quiet hours on the user's clock, their local day, their switches.</summary>
public sealed class QuietHoursTests
{
    [Theory]
    // A window across midnight, in UTC: start inclusive, end exclusive.
    [InlineData("22:00", "07:00", "UTC", "2025-01-15T23:30:00Z", true)]
    [InlineData("22:00", "07:00", "UTC", "2025-01-15T22:00:00Z", true)]
    [InlineData("22:00", "07:00", "UTC", "2025-01-16T00:00:00Z", true)]
    [InlineData("22:00", "07:00", "UTC", "2025-01-16T06:59:00Z", true)]
    [InlineData("22:00", "07:00", "UTC", "2025-01-16T07:00:00Z", false)]
    [InlineData("22:00", "07:00", "UTC", "2025-01-15T21:59:00Z", false)]
    [InlineData("22:00", "07:00", "UTC", "2025-01-15T12:00:00Z", false)]
    // A window inside one day.
    [InlineData("13:00", "15:00", "UTC", "2025-01-15T14:00:00Z", true)]
    [InlineData("13:00", "15:00", "UTC", "2025-01-15T15:00:00Z", false)]
    [InlineData("13:00", "15:00", "UTC", "2025-01-15T12:59:00Z", false)]
    [InlineData("13:00", "15:00", "UTC", "2025-01-15T23:00:00Z", false)]
    // The user's clock, daylight saving included: 20:30 UTC is 21:30 in Berlin in winter, 22:30 in summer.
    [InlineData("22:00", "07:00", "Europe/Berlin", "2025-01-15T20:30:00Z", false)]
    [InlineData("22:00", "07:00", "Europe/Berlin", "2025-07-15T20:30:00Z", true)]
    [InlineData("22:00", "07:00", "Europe/Berlin", "2025-07-15T05:30:00Z", false)]
    [InlineData("22:00", "07:00", "America/Los_Angeles", "2025-01-15T07:00:00Z", true)]
    [InlineData("22:00", "07:00", "America/Los_Angeles", "2025-01-15T16:00:00Z", false)]
    [InlineData("22:00", "07:00", "Asia/Kolkata", "2025-01-15T16:45:00Z", true)]
    [InlineData("22:00", "07:00", "Asia/Kolkata", "2025-01-15T16:15:00Z", false)]
    public void QuietHoursAreReadOnTheUsersClock(string start, string end, string timeZone, string utcNow, bool quiet)
    {
        var preferences = Preferences(start, end, timeZone);

        Assert.Equal(quiet, DeliveryRules.IsQuietNow(preferences, DateTimeOffset.Parse(utcNow, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void QuietHoursThatAreSwitchedOffNeverSilenceAnything()
    {
        var preferences = Preferences("00:00", "23:59", "UTC") with { QuietEnabled = false };

        Assert.False(DeliveryRules.IsQuietNow(preferences, new DateTimeOffset(2025, 1, 15, 12, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void AWindowWithTheSameStartAndEndIsNoWindow()
    {
        Assert.False(DeliveryRules.IsQuietNow(Preferences("22:00", "22:00", "UTC"), new DateTimeOffset(2025, 1, 15, 22, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void AnUnknownTimeZoneIsReadAsUtc()
    {
        var preferences = Preferences("22:00", "07:00", "Not/AZone");

        Assert.True(DeliveryRules.IsQuietNow(preferences, new DateTimeOffset(2025, 1, 15, 23, 0, 0, TimeSpan.Zero)));
        Assert.False(DeliveryRules.IsQuietNow(preferences, new DateTimeOffset(2025, 1, 15, 12, 0, 0, TimeSpan.Zero)));
    }

    [Theory]
    [InlineData("UTC", "2025-01-15T23:30:00Z", "2025-01-15")]
    [InlineData("Pacific/Auckland", "2025-01-15T12:00:00Z", "2025-01-16")]
    [InlineData("America/Los_Angeles", "2025-01-15T05:00:00Z", "2025-01-14")]
    public void TheLocalDayIsTheUsersCalendarDay(string timeZone, string utcNow, string localDate)
    {
        var now = DateTimeOffset.Parse(utcNow, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(DateOnly.Parse(localDate, System.Globalization.CultureInfo.InvariantCulture), DeliveryRules.LocalDate(Preferences("22:00", "07:00", timeZone), now));
    }

    [Fact]
    public void EachKindOfNotificationHasItsOwnSwitch()
    {
        var preferences = Preferences("22:00", "07:00", "UTC") with { PollStart = false, PollDeadline = true, PollResult = false };

        Assert.False(DeliveryRules.Wants(preferences, NotificationTypes.PollCreated));
        Assert.True(DeliveryRules.Wants(preferences, NotificationTypes.PollDeadlineSoon));
        Assert.False(DeliveryRules.Wants(preferences, NotificationTypes.PollResult));
    }

    private static DeliveryPreferences Preferences(string start, string end, string timeZone) =>
        new(Guid.NewGuid(), true, true, true, true, TimeOnly.Parse(start, System.Globalization.CultureInfo.InvariantCulture),
            TimeOnly.Parse(end, System.Globalization.CultureInfo.InvariantCulture), timeZone, 20);
}
