using Circly.Core.Users;
using Npgsql;

namespace Circly.Core.Notifications;

/// <summary>
/// Account deletion takes the user's notification data with it, in the deletion's transaction: the
/// inbox, and the push claims and tickets (found by their keyed owner hash). notification_settings
/// and daily counts go by cascade.
/// </summary>
internal sealed class NotificationsAccountCleaner(InboxService inbox, PushTicketStore tickets) : IAccountDataCleaner
{
    public async Task RemoveUserAsync(Guid userId, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await inbox.DeleteAllAsync(userId, connection, transaction, cancellationToken);
        await tickets.DeleteOwnedByAsync(userId, connection, transaction, cancellationToken);
    }
}
