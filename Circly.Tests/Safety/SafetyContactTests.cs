using System.Net;
using Circly.Tests.Infrastructure;

namespace Circly.Tests.Safety;

public sealed class SafetyContactTests(CirclyStack stack)
{
    [Fact]
    public async Task MyProfileCarriesThePublishedSafetyContact()
    {
        var session = await stack.Client.NewUserAsync();

        var me = await stack.Client.GetAsync("/v1/users/me", session.AccessToken);

        Assert.Equal(HttpStatusCode.OK, me.Status);
        Assert.Equal("safety@circly.test", me.Data.GetProperty("safetyContact").GetString());
        Assert.Equal(session.UserId, me.Data.GetProperty("id").GetGuid());
    }
}
