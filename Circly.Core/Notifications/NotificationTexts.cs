using Circly.Core.Outbox;

namespace Circly.Core.Notifications;

/// <summary>
/// What each event says. Texts name the question, never a person: not who voted, not for whom,
/// not who won (the results screen shows that to members who may see it). The deadline reminder
/// goes to every member who may vote, so its text suits those who voted as well as those who did not.
/// </summary>
public static class NotificationTexts
{
    public sealed record Text(string Type, string Title, string Body);

    public static Text For(string eventType, string questionText) => eventType switch
    {
        OutboxEventTypes.PollCreated => new(NotificationTypes.PollCreated, "New poll in your circle 🗳️", questionText),
        OutboxEventTypes.PollDeadlineSoon => new(NotificationTypes.PollDeadlineSoon, "Voting closes soon ⏰", questionText),
        OutboxEventTypes.PollClosed => new(NotificationTypes.PollResult, "Results are in 🎉", questionText),
        _ => throw new ArgumentOutOfRangeException(nameof(eventType), eventType, "No notification for this event."),
    };
}
