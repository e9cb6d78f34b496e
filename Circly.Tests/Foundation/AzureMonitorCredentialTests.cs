using Azure.Identity;
using Circly.Functions.Telemetry;

namespace Circly.Tests.Foundation;

/// <summary>
/// The worker's exporter authenticates as the host does, from APPLICATIONINSIGHTS_AUTHENTICATION_STRING:
/// Application Insights has local authentication off in Azure (infra/modules/monitoring.bicep).
/// </summary>
public sealed class AzureMonitorCredentialTests
{
    [Fact]
    public void TheSettingInfraWritesGivesTheUserAssignedIdentity() =>
        Assert.IsType<ManagedIdentityCredential>(AzureMonitorCredential.From("ClientId=3f1e2a0c-8a4b-4c52-9d8e-1b2c3d4e5f60;Authorization=AAD"));

    [Fact]
    public void WithoutTheSettingTelemetryUsesTheConnectionStringAlone()
    {
        Assert.Null(AzureMonitorCredential.From(null));
        Assert.Null(AzureMonitorCredential.From(" "));
    }

    [Fact]
    public void AnythingButEntraAuthorizationIsRefusedAtStart() =>
        Assert.Throws<InvalidOperationException>(() => AzureMonitorCredential.From("ClientId=abc"));
}
