using System.Net;
using Circly.Core.Circles;

namespace Circly.Tests.Infrastructure;

/// <summary>A member of a test circle: the session that acts as them, their member id and nickname.</summary>
public sealed record TestMember(Session Session, Guid MemberId, string Nickname)
{
    public Guid UserId => Session.UserId;

    public string AccessToken => Session.AccessToken;
}

/// <summary>A circle made through the API: Members[0] is the owner, the others follow in the order they joined.</summary>
public sealed record TestCircle(Guid Id, string InviteCode, string InviteLinkId, IReadOnlyList<TestMember> Members)
{
    public TestMember Owner => Members[0];

    public IReadOnlyList<TestMember> Others => [.. Members.Skip(1)];
}

public static class CircleBuilder
{
    /// <summary>
    /// Creates a circle owned by <paramref name="owner"/> and has memberCount - 1 new users join it
    /// through the API, one after the other (so joining order is list order). Nicknames are
    /// "Member 1" (the owner) to "Member n". The member limit is raised to fit (at most 50).
    /// </summary>
    public static async Task<TestCircle> NewCircleAsync(this ApiClient client, Session owner, int memberCount = 3, string? name = null, int? maxMembers = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(memberCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(memberCount, CircleRules.LargestMaxMembers);
        var created = await client.PostAsync("/v1/circles", new
        {
            name = name ?? "Test circle",
            nickname = "Member 1",
            maxMembers = maxMembers ?? Math.Max(CircleRules.DefaultMaxMembers, memberCount),
        }, owner.AccessToken);
        Expect(created, HttpStatusCode.Created, "create the circle");
        var circleId = created.Data.GetProperty("id").GetGuid();
        var inviteCode = created.Data.GetProperty("inviteCode").GetString()!;
        var members = new List<TestMember> { new(owner, created.Data.GetProperty("me").GetProperty("memberId").GetGuid(), "Member 1") };

        var sessions = await Task.WhenAll(Enumerable.Range(0, memberCount - 1).Select(_ => client.NewUserAsync()));
        for (var i = 0; i < sessions.Length; i++)
        {
            var nickname = $"Member {i + 2}";
            var joined = await client.PostAsync("/v1/circles/join", new { inviteCode, nickname }, sessions[i].AccessToken);
            Expect(joined, HttpStatusCode.OK, $"join as {nickname}");
            members.Add(new TestMember(sessions[i], joined.Data.GetProperty("me").GetProperty("memberId").GetGuid(), nickname));
        }
        return new TestCircle(circleId, inviteCode, created.Data.GetProperty("inviteLinkId").GetString()!, members);
    }

    private static void Expect(ApiCall call, HttpStatusCode status, string what)
    {
        if (call.Status != status)
        {
            throw new InvalidOperationException($"Could not {what}: {(int)call.Status} {call.RawBody}");
        }
    }
}
