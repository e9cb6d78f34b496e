using Dapper;
using Npgsql;

namespace Circly.Core.Database;

/// <summary>
/// The total of a paged list whose rows carry it as <c>count(*) OVER ()</c>. A page past the end has
/// no rows to carry it, so the list's own FROM … WHERE is counted on its own; an empty first page
/// means an empty list.
/// </summary>
internal static class PageTotal
{
    public static async Task<int> OfAsync(NpgsqlConnection connection, long? firstRowTotal, int offset, string fromWhere, object parameters, CancellationToken cancellationToken) =>
        firstRowTotal is { } total ? (int)total
        : offset == 0 ? 0
        : await connection.ExecuteScalarAsync<int>(new CommandDefinition($"SELECT count(*)::int {fromWhere}", parameters, cancellationToken: cancellationToken));
}
