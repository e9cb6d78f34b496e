using Npgsql;

namespace Circly.Core.Users;

/// <summary>
/// A module that keeps data about users implements this to remove or anonymise it when an
/// account is deleted. Every cleaner runs in the deletion's transaction, before the user row goes.
/// </summary>
public interface IAccountDataCleaner
{
    Task RemoveUserAsync(Guid userId, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken);
}
