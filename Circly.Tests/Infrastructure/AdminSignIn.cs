using System.Net;
using Circly.Core.Admin;

namespace Circly.Tests.Infrastructure;

/// <summary>Admin tokens from the shared stack's Entra stand-in, and the admin steps tests need as set-up.</summary>
public static class AdminSignIn
{
    public static string ModeratorToken(this CirclyStack stack, string name = "moderator@circly.test") =>
        stack.Entra.Issue(CirclyStack.AdminAudience, [AdminRoles.Moderator], name);

    public static string AdminToken(this CirclyStack stack, string name = "admin@circly.test") =>
        stack.Entra.Issue(CirclyStack.AdminAudience, [AdminRoles.Admin], name);

    /// <summary>Bans the user's device through the admin API.</summary>
    public static async Task BanAsync(this CirclyStack stack, Guid userId, string reason)
    {
        var call = await stack.Client.PostAsync("/v1/admin/bans", new { userId, reason }, stack.ModeratorToken());
        if (call.Status != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"Could not ban: {(int)call.Status} {call.RawBody}");
        }
    }
}
