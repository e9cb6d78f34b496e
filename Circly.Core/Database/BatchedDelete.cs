using Dapper;
using Npgsql;

namespace Circly.Core.Database;

/// <summary>
/// Set-based deletes in chunks, walking an index in key order. The statement deletes at most @batch
/// rows whose key is at least @after (the largest key the previous chunk deleted; NULL at first),
/// in key order, and returns <c>deleted</c> and <c>last</c>; it runs again from there until a chunk
/// comes back short. Each chunk is its own short transaction, so a large backlog never holds a million
/// row locks or one huge WAL record, and concurrent writers wait at most for one chunk. Starting each
/// chunk where the last one ended matters: a chunk that searched from the start again would walk
/// over every row the earlier chunks deleted (dead until vacuum), which made a million-row backlog
/// quadratic (bench/README.md, "Cleanup").
/// </summary>
internal static class BatchedDelete
{
    public const int DefaultBatch = 10_000;

    private sealed record Chunk(int Deleted, DateTimeOffset? Last);

    public static async Task<int> RunAsync(NpgsqlDataSource dataSource, string sql, object parameters, CancellationToken cancellationToken, int batch = DefaultBatch)
    {
        var args = new DynamicParameters(parameters);
        args.Add("batch", batch);
        var total = 0;
        DateTimeOffset? after = null;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        while (!cancellationToken.IsCancellationRequested)
        {
            args.Add("after", after);
            var chunk = await connection.QuerySingleAsync<Chunk>(new CommandDefinition(sql, args, commandTimeout: 600, cancellationToken: cancellationToken));
            total += chunk.Deleted;
            if (chunk.Deleted < batch)
            {
                break;
            }
            after = chunk.Last;
        }
        return total;
    }

    /// <summary>
    /// The usual statement: the next chunk of <paramref name="table"/> rows matching
    /// <paramref name="condition"/>, in <paramref name="key"/> order (an indexed timestamptz). Rows are
    /// deleted by their physical address (a TID scan): joining the chunk back by id let the planner
    /// choose a full scan of the table for every chunk.
    /// </summary>
    public static string Statement(string table, string key, string condition) => $"""
        WITH chunk AS (
            SELECT ctid AS row_address FROM {table}
            WHERE {condition} AND {key} >= coalesce(@after::timestamptz, '-infinity')
            ORDER BY {key} LIMIT @batch
        ), gone AS (
            DELETE FROM {table} WHERE ctid = ANY (ARRAY(SELECT row_address FROM chunk))
            RETURNING {key}
        )
        SELECT count(*)::int AS deleted, max({key}) AS last FROM gone
        """;
}
