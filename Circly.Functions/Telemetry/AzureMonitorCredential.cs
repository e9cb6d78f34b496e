using Azure.Core;
using Azure.Identity;

namespace Circly.Functions.Telemetry;

/// <summary>
/// The identity the exporter sends telemetry with, read from the same setting the Functions host
/// uses: APPLICATIONINSIGHTS_AUTHENTICATION_STRING = "ClientId={client id};Authorization=AAD"
/// (user-assigned) or "Authorization=AAD" (system-assigned). Application Insights has local
/// authentication off in Azure, so without it nothing the worker sends would be accepted.
/// </summary>
public static class AzureMonitorCredential
{
    public const string Setting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>The credential, or null when the setting is blank (telemetry with the connection string alone).</summary>
    public static TokenCredential? From(string? authenticationString)
    {
        if (string.IsNullOrWhiteSpace(authenticationString))
        {
            return null;
        }
        var parts = authenticationString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2, StringSplitOptions.TrimEntries))
            .ToDictionary(pair => pair[0], pair => pair.Length > 1 ? pair[1] : "", StringComparer.OrdinalIgnoreCase);
        if (!parts.TryGetValue("Authorization", out var authorization) || !authorization.Equals("AAD", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"{Setting} must contain Authorization=AAD.");
        }
        return parts.TryGetValue("ClientId", out var clientId) && clientId.Length > 0
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned);
    }
}
