namespace Circly.Functions.Circles;

/// <summary>{removed: true}: the owner removed a member.</summary>
public sealed record MemberRemovedResponse(bool Removed);
