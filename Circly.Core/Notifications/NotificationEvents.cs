using Circly.Core.Outbox;
using Npgsql;

namespace Circly.Core.Notifications;

/// <summary>
/// The Notifications module's product events for analytics (docs/ANONYMITY.md "Analytics"): inbox
/// reads. The inbox lives in Storage, so the event is one insert of its own; nothing is written when
/// nothing was read.
/// </summary>
public sealed class NotificationEvents(NpgsqlDataSource dataSource)
{
    public Task OpenedAsync(Guid userId, int count, CancellationToken cancellationToken) =>
        count <= 0 ? Task.CompletedTask : OutboxWriter.AddAloneAsync(dataSource, OutboxEventTypes.NotificationOpened, new NotificationOpened(userId, count), cancellationToken);
}
