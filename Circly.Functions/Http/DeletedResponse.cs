namespace Circly.Functions.Http;

/// <summary>{deleted: true}: what a DELETE of an account, circle or poll answers.</summary>
public sealed record DeletedResponse(bool Deleted);
