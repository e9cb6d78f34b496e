namespace Circly.Functions.Users;

/// <summary>{removed: n}: how many of the account's push tokens stopped receiving (0 when there were none).</summary>
public sealed record PushTokensRemovedResponse(int Removed);
