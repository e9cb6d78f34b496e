namespace Circly.Core.Notifications;

/// <summary>The states of a claim (push_claims.status); Expired is a receipt state only.</summary>
internal static class PushTicketStatus
{
    public const string Sending = "sending";
    public const string Ok = "ok";
    public const string Error = "error";
    public const string Rejected = "rejected";
    public const string Unknown = "unknown";
    public const string Expired = "expired";
}

/// <summary>A message this instance claimed and may now send; DeviceKey is the keyed hash of its token.</summary>
internal sealed record PushClaim(PushMessage Message, Guid EventId, string DeviceKey, DateTimeOffset ClaimedAt);

/// <summary>What Expo answered for one claimed message.</summary>
internal sealed record TicketOutcome(PushClaim Claim, string Status, string? TicketId, string? Error);

/// <summary>A ticket whose receipt is due: its claim's key, the ticket, and the token to deactivate if the device is gone.</summary>
internal sealed record DueTicket(Guid EventId, string DeviceKey, string TicketId, string Token, DateTimeOffset CreatedAt);

/// <summary>What the receipt said (Status "ok", "error" or "expired").</summary>
internal sealed record ReceiptOutcome(DueTicket Ticket, string Status, string? Error);
