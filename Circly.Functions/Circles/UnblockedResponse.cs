namespace Circly.Functions.Circles;

/// <summary>{unblocked: true}.</summary>
public sealed record UnblockedResponse(bool Unblocked);
