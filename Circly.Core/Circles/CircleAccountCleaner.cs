using Circly.Core.Users;
using Npgsql;

namespace Circly.Core.Circles;

/// <summary>
/// Account deletion leaves every circle the user is in, in the deletion's transaction, as if they
/// had left each one: counts drop, ownership passes on, an emptied circle closes. The member rows
/// stay (inactive; user_id becomes NULL with the user row) so nicknames on past polls remain.
/// </summary>
internal sealed class CircleAccountCleaner(CircleRepository repository) : IAccountDataCleaner
{
    public async Task RemoveUserAsync(Guid userId, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var memberships = await repository.ActiveMembershipIdsAsync(userId, connection, transaction, cancellationToken);
        await repository.EndMembershipsAsync(memberships, removedByOwner: false, connection, transaction, cancellationToken);
    }
}
