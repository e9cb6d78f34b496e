using Circly.Core.Users;
using Npgsql;

namespace Circly.Core.Notifications;

/// <summary>Account deletion takes the user's inbox with it (notification_settings and daily counts go by cascade).</summary>
internal sealed class InboxAccountCleaner(InboxService inbox) : IAccountDataCleaner
{
    public Task RemoveUserAsync(Guid userId, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        inbox.DeleteAllAsync(userId, cancellationToken);
}
