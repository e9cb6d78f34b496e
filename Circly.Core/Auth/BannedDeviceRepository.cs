using Dapper;
using Npgsql;

namespace Circly.Core.Auth;

/// <summary>The login-time check of banned_devices, the Auth module's table.</summary>
internal sealed class BannedDeviceRepository(NpgsqlDataSource dataSource)
{
    public async Task<bool> IsBannedAsync(byte[] deviceIdHash, CancellationToken cancellationToken)
    {
        const string sql = "SELECT EXISTS (SELECT 1 FROM banned_devices WHERE device_id_hash = @deviceIdHash)";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(sql, new { deviceIdHash }, cancellationToken: cancellationToken));
    }
}
