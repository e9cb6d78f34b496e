using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Circly.Tests.Notifications;

/// <summary>The Expo stand-in keeps Expo's limits, so tests that rely on them can fail.</summary>
[Collection(PushPipelineCollection.Name)]
public sealed class ExpoTestServerTests(PushStack push)
{
    [Fact]
    public async Task MoreThan100NotificationsInOneSendAreRefused()
    {
        using var http = new HttpClient { BaseAddress = push.Expo.BaseAddress };
        var messages = Enumerable.Range(0, 101).Select(_ => new { to = PushStack.NewToken(), title = "t", body = "b" });

        using var response = await http.PostAsJsonAsync("/--/api/v2/push/send", messages);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("PUSH_TOO_MANY_NOTIFICATIONS", body.RootElement.GetProperty("errors")[0].GetProperty("code").GetString());
    }

    [Fact]
    public async Task MoreThan1000ReceiptIdsInOneCallAreRefused()
    {
        using var http = new HttpClient { BaseAddress = push.Expo.BaseAddress };
        var ids = Enumerable.Range(0, 1001).Select(_ => Guid.NewGuid().ToString()).ToArray();

        using var response = await http.PostAsJsonAsync("/--/api/v2/push/getReceipts", new { ids });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("PUSH_TOO_MANY_RECEIPTS", body.RootElement.GetProperty("errors")[0].GetProperty("code").GetString());
    }

    [Fact]
    public async Task ASingleNotificationGetsAnOkTicket()
    {
        using var http = new HttpClient { BaseAddress = push.Expo.BaseAddress };
        var token = PushStack.NewToken();

        using var response = await http.PostAsJsonAsync("/--/api/v2/push/send", new { to = token, title = "t", body = "b" });

        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var ticket = Assert.Single(body.RootElement.GetProperty("data").EnumerateArray());
        Assert.Equal("ok", ticket.GetProperty("status").GetString());
        Assert.Equal(ticket.GetProperty("id").GetString(), Assert.Single(push.Expo.Delivered(token)).TicketId);
    }
}
