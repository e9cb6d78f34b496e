using Dapper;
using Npgsql;

namespace Circly.Core.Database;

/// <summary>
/// Set-based deletes in chunks: the statement deletes at most @batch rows per run (its own
/// `LIMIT @batch` sub-select) and runs again until a run deletes fewer. Each chunk is its own short
/// transaction, so a large backlog never holds a million row locks or one huge WAL record at once,
/// and concurrent writers wait at most for one chunk.
/// </summary>
internal static class BatchedDelete
{
    public const int DefaultBatch = 10_000;

    public static async Task<int> RunAsync(NpgsqlDataSource dataSource, string sql, object parameters, CancellationToken cancellationToken, int batch = DefaultBatch)
    {
        var args = new DynamicParameters(parameters);
        args.Add("batch", batch);
        var total = 0;
        int deleted;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        do
        {
            deleted = await connection.ExecuteAsync(new CommandDefinition(sql, args, commandTimeout: 600, cancellationToken: cancellationToken));
            total += deleted;
        }
        while (deleted == batch && !cancellationToken.IsCancellationRequested);
        return total;
    }
}
