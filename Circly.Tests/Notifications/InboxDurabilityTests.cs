using System.Net;
using System.Text;
using System.Text.Json;
using Circly.Core.Notifications;
using Circly.Core.Outbox;
using Circly.Core.Storage;
using Circly.Tests.Infrastructure;
using Circly.Tests.Polls;
using Dapper;
using Npgsql;

namespace Circly.Tests.Notifications;

/// <summary>
/// Issue 17: an inbox entry the fan-out acknowledged rests on the database, not on the Storage
/// account. Azurite SIGKILLed mid fan-out lost its last seconds of accepted writes, inbox entries
/// among them, while the event was already marked fanned out; and a fan-out run again adds exactly
/// what is missing.
/// </summary>
[Collection(PushPipelineCollection.Name)]
public sealed class InboxDurabilityTests(CirclyStack stack, PushStack push)
{
    [Fact]
    public async Task AnAcknowledgedInboxSurvivesTheStorageAccountLosingItsWritesAndARerunAddsOnlyWhatIsMissing()
    {
        // No queue consumer: the test runs the event's consumer itself, once, then again.
        await push.Queue(StorageNames.OutboxEventsQueue).CreateIfNotExistsAsync();
        await using var app = await push.StartAppAsync(stack, settings => settings["DevHost:RunQueues"] = "false");
        var circle = await app.Client.NewCircleAsync(size: 6);
        await using var connection = new NpgsqlConnection(stack.DatabaseConnectionString);
        var templateId = await connection.ExecuteScalarAsync<Guid>("SELECT id FROM question_templates WHERE is_active LIMIT 1");
        var created = await app.Client.PostAsync("/v1/polls", new { templateId, circleId = circle.Id, deadline = DateTimeOffset.UtcNow.AddHours(3) }, circle.Owner.AccessToken);
        Assert.True(created.Status == HttpStatusCode.Created, created.RawBody);
        var pollId = created.Data.GetProperty("id").GetGuid();
        var message = await MessageOfAsync(connection, pollId);
        var outboxQueue = push.Queue(StorageNames.OutboxEventsQueue);
        foreach (var queued in (await outboxQueue.ReceiveMessagesAsync(32)).Value
            .Where(m => Encoding.UTF8.GetString(Convert.FromBase64String(m.Body.ToString())).Contains(message.EventId.ToString(), StringComparison.OrdinalIgnoreCase)))
        {
            await outboxQueue.DeleteMessageAsync(queued.MessageId, queued.PopReceipt);
        }
        using (var run = await app.Client.RunFunctionAsync("FanOutEvent", OutboxWriter.Serialize(message)))
        {
            Assert.Equal(HttpStatusCode.Accepted, run.StatusCode);
        }
        Assert.True(await connection.ExecuteScalarAsync<bool>("SELECT fanned_out_at IS NOT NULL FROM outbox_events WHERE id = @EventId", new { message.EventId }),
            "the fan-out is acknowledged");

        // The Storage account loses what it had accepted (Azurite killed before it persisted): its
        // messages. The inbox is not among them.
        foreach (var queue in StorageNames.Queues)
        {
            await push.Queue(queue).ClearMessagesAsync();
        }

        var inbox = app.Get<InboxService>();
        Assert.All(await EntriesOfPollAsync(inbox, circle.Others, pollId), entries => Assert.Single(entries));

        // A run that stopped half-way left two recipients without their entry; another has read theirs since.
        var reader = circle.Others[0];
        var read = (await inbox.MarkReadAsync(reader.UserId, (await EntriesOfPollAsync(inbox, [reader], pollId))[0][0].Id, CancellationToken.None)).Notification;
        await connection.ExecuteAsync("DELETE FROM inbox_entries WHERE event_id = @EventId AND user_id = ANY(@users)",
            new { message.EventId, users = circle.Others.Skip(1).Take(2).Select(m => m.UserId).ToArray() });

        var report = await app.Get<NotificationFanOut>().HandleAsync(message, CancellationToken.None);

        Assert.Equal(circle.Others.Count, report.Recipients);
        Assert.Equal(2, report.InboxEntriesAdded);
        Assert.All(await EntriesOfPollAsync(inbox, circle.Others, pollId), entries => Assert.Single(entries));
        Assert.Equal(read, (await EntriesOfPollAsync(inbox, [reader], pollId))[0][0]);
        Assert.Empty((await EntriesOfPollAsync(inbox, [circle.Owner], pollId))[0]);
    }

    private static async Task<List<List<Notification>>> EntriesOfPollAsync(InboxService inbox, IEnumerable<TestMember> members, Guid pollId) =>
        [.. await Task.WhenAll(members.Select(async m =>
            (await inbox.ListAsync(m.UserId, InboxService.MaxLimit, null, CancellationToken.None)).Items.Where(n => n.PollId == pollId).ToList()))];

    private static async Task<OutboxMessage> MessageOfAsync(NpgsqlConnection connection, Guid pollId)
    {
        var (id, type, payload, createdAt) = await connection.QuerySingleAsync<(Guid, string, string, DateTime)>(
            "SELECT id, event_type, payload::text, created_at FROM outbox_events WHERE event_type = 'PollCreated' AND payload->>'pollId' = @id", new { id = pollId.ToString() });
        using var document = JsonDocument.Parse(payload);
        return new OutboxMessage(id, type, document.RootElement.Clone(), new DateTimeOffset(createdAt, TimeSpan.Zero));
    }
}
