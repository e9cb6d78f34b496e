using System.Net.Sockets;
using Azure;
using Npgsql;

namespace Circly.Functions.Http;

/// <summary>Tells a dependency outage (503) from a bug (500).</summary>
public static class Outage
{
    public static bool IsOutage(Exception exception) => exception switch
    {
        PostgresException postgres => IsConnectionState(postgres.SqlState),
        NpgsqlException => true, // raised by Npgsql itself: connection refused, broken, timed out
        RequestFailedException storage => storage.Status is 0 or 408 or >= 500,
        SocketException or TimeoutException or HttpRequestException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsOutage),
        _ => exception.InnerException is { } inner && IsOutage(inner),
    };

    // 08: connection exception; 53: insufficient resources; 57P0x: server shutting down or starting
    private static bool IsConnectionState(string state) =>
        state.StartsWith("08", StringComparison.Ordinal) || state.StartsWith("53", StringComparison.Ordinal) || state is "57P01" or "57P02" or "57P03";
}
