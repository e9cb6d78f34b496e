using Dapper;
using Npgsql;

namespace Circly.Core.Sharing;

/// <summary>All SQL on share_cards: which blobs belong to which poll and user.</summary>
internal sealed class ShareCardRepository(NpgsqlDataSource dataSource)
{
    /// <summary>Written before the blob is uploaded, so every stored card has a row to find it by.</summary>
    public async Task AddAsync(string blobName, Guid pollId, Guid userId, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO share_cards (blob_name, poll_id, user_id) VALUES (@blobName, @pollId, @userId)
            ON CONFLICT (blob_name) DO UPDATE SET created_at = now()
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(sql, new { blobName, pollId, userId }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<string>> OfPollAsync(Guid pollId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT blob_name FROM share_cards WHERE poll_id = @pollId", new { pollId }, cancellationToken: cancellationToken))];
    }

    public async Task<IReadOnlyList<string>> OfUserAsync(Guid userId, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        [.. await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT blob_name FROM share_cards WHERE user_id = @userId", new { userId }, transaction, cancellationToken: cancellationToken))];

    /// <summary>Cards past retention, and cards whose user or poll row is gone.</summary>
    public async Task<IReadOnlyList<string>> DueAsync(DateTimeOffset createdBefore, int limit, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT blob_name FROM share_cards
            WHERE created_at < @createdBefore OR user_id IS NULL OR poll_id IS NULL
            LIMIT @limit
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<string>(new CommandDefinition(sql, new { createdBefore, limit }, cancellationToken: cancellationToken))];
    }

    /// <summary>The polls that have cards, a page at a time (for asking the Polls module which were deleted).</summary>
    public async Task<IReadOnlyList<Guid>> PollIdsAsync(Guid after, int limit, CancellationToken cancellationToken)
    {
        const string sql = "SELECT DISTINCT poll_id FROM share_cards WHERE poll_id > @after ORDER BY poll_id LIMIT @limit";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<Guid>(new CommandDefinition(sql, new { after, limit }, cancellationToken: cancellationToken))];
    }

    public async Task<IReadOnlyList<string>> OfPollsAsync(Guid[] pollIds, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT blob_name FROM share_cards WHERE poll_id = ANY(@pollIds)", new { pollIds }, cancellationToken: cancellationToken))];
    }

    public async Task DeleteAsync(IReadOnlyCollection<string> blobNames, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await DeleteAsync(blobNames, connection, null, cancellationToken);
    }

    public async Task DeleteAsync(IReadOnlyCollection<string> blobNames, NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        if (blobNames.Count > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition("DELETE FROM share_cards WHERE blob_name = ANY(@blobNames)",
                new { blobNames = blobNames.ToArray() }, transaction, cancellationToken: cancellationToken));
        }
    }
}
