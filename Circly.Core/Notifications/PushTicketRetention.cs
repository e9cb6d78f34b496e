namespace Circly.Core.Notifications;

/// <summary>What the daily cleanup may ask of the push tickets, without reaching into their store.</summary>
public sealed class PushTicketRetention
{
    private readonly PushTicketStore _tickets;

    internal PushTicketRetention(PushTicketStore tickets) => _tickets = tickets;

    public Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        _tickets.DeleteOlderThanAsync(cutoff, cancellationToken);
}
