namespace Circly.Functions.Health;

/// <summary>GET /health: "healthy" and the app's version; touches no dependency.</summary>
public sealed record LivenessResponse(string Status, string Version);
