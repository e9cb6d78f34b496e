using System.Diagnostics.Metrics;
using Circly.Core.Telemetry;

namespace Circly.Core.Notifications;

/// <summary>
/// Push delivery counters (meter Circly.Push). Counted per notification, never per device or
/// user; the only dimensions are outcomes and Expo's error codes (a fixed, documented set).
/// </summary>
public sealed class PushMetrics
{
    public const string Sent = "circly.push.sent";
    public const string Failed = "circly.push.failed";
    public const string Retried = "circly.push.retried";
    public const string ReceiptsOk = "circly.push.receipts.ok";
    public const string ReceiptsFailed = "circly.push.receipts.failed";
    public const string DeviceNotRegistered = "circly.push.device_not_registered";

    /// <summary>Expo's documented error codes; anything else is reported as "Other" so the dimension stays bounded.</summary>
    private static readonly HashSet<string> KnownErrors = new(StringComparer.Ordinal)
    {
        "DeviceNotRegistered", "MessageTooBig", "MessageRateExceeded", "MismatchSenderId", "InvalidCredentials", "InvalidProviderToken", "ProviderError",
    };

    private readonly Counter<long> _sent;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _retried;
    private readonly Counter<long> _receiptsOk;
    private readonly Counter<long> _receiptsFailed;
    private readonly Counter<long> _deviceNotRegistered;

    public PushMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(CirclyMeters.Push);
        _sent = meter.CreateCounter<long>(Sent, "{notification}", "Notifications Expo accepted (ticket ok).");
        _failed = meter.CreateCounter<long>(Failed, "{notification}", "Notifications not delivered to Expo; outcome = ticket_error, rejected or unknown.");
        _retried = meter.CreateCounter<long>(Retried, "{notification}", "Notifications whose send is tried again; kind = backoff (in process) or queue (given back to push-batches).");
        _receiptsOk = meter.CreateCounter<long>(ReceiptsOk, "{receipt}", "Receipts Expo reported delivered to Apple or Google.");
        _receiptsFailed = meter.CreateCounter<long>(ReceiptsFailed, "{receipt}", "Receipts with an error (error = Expo's code) or expired unanswered.");
        _deviceNotRegistered = meter.CreateCounter<long>(DeviceNotRegistered, "{notification}", "DeviceNotRegistered answers; source = ticket or receipt.");
    }

    public void RecordSent(int count) => Add(_sent, count);

    public void RecordFailed(int count, string outcome) => Add(_failed, count, new KeyValuePair<string, object?>("outcome", outcome));

    public void RecordRetried(int count, string kind) => Add(_retried, count, new KeyValuePair<string, object?>("kind", kind));

    public void RecordReceiptsOk(int count) => Add(_receiptsOk, count);

    public void RecordReceiptsFailed(int count, string error) =>
        Add(_receiptsFailed, count, new KeyValuePair<string, object?>("error", KnownErrors.Contains(error) || error == "Expired" ? error : "Other"));

    public void RecordDeviceNotRegistered(int count, string source) => Add(_deviceNotRegistered, count, new KeyValuePair<string, object?>("source", source));

    private static void Add(Counter<long> counter, int count, params ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (count > 0)
        {
            counter.Add(count, tags);
        }
    }
}
