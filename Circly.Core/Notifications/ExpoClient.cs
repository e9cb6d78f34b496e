using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Circly.Core.Notifications;

/// <summary>What happened to one call to Expo.</summary>
internal enum ExpoOutcome
{
    /// <summary>2xx with a readable answer.</summary>
    Success,

    /// <summary>Nothing was accepted (429, 5xx, no connection, bad credentials): the same call may be made again.</summary>
    Retry,

    /// <summary>Expo refused the request itself (400 and other 4xx): repeating it cannot help.</summary>
    Rejected,

    /// <summary>The request may or may not have been processed (timed out, cut off, unreadable 2xx).</summary>
    Unknown,

    /// <summary>Not sent: it could not start before its deadline (its pacing permits' second had closed).</summary>
    Late,
}

internal sealed record ExpoCall<T>(ExpoOutcome Outcome, T? Value, int? StatusCode, TimeSpan? RetryAfter, string? Problem) where T : class;

/// <summary>One notification as Expo's send endpoint takes it.</summary>
internal sealed record ExpoPushRequest(string To, string Title, string Body, IReadOnlyDictionary<string, string> Data, string Sound, string Priority);

internal sealed record ExpoErrorDetails(string? Error);

/// <summary>A push ticket: status "ok" with a receipt id, or "error" with a message and details.error.</summary>
internal sealed record ExpoTicket(string? Status, string? Id, string? Message, ExpoErrorDetails? Details);

internal sealed record ExpoReceipt(string? Status, string? Message, ExpoErrorDetails? Details);

internal sealed record ExpoRequestError(string? Code, string? Message);

internal sealed record ExpoSendResponse(List<ExpoTicket>? Data, List<ExpoRequestError>? Errors);

internal sealed record ExpoReceiptsResponse(Dictionary<string, ExpoReceipt>? Data, List<ExpoRequestError>? Errors);

/// <summary>Limits concurrent calls to Expo per instance, whichever sender or checker makes them.</summary>
internal sealed class ExpoGate(IOptions<ExpoOptions> options) : IDisposable
{
    public SemaphoreSlim Slots { get; } = new(options.Value.MaxConcurrentRequests, options.Value.MaxConcurrentRequests);

    public void Dispose() => Slots.Dispose();
}

/// <summary>
/// Expo's push API (typed HttpClient): POST /--/api/v2/push/send and /--/api/v2/push/getReceipts.
/// One call per method invocation; the callers decide about retries and pacing.
/// </summary>
internal sealed class ExpoClient
{
    public const string SendPath = "/--/api/v2/push/send";
    public const string ReceiptsPath = "/--/api/v2/push/getReceipts";

    /// <summary>Expo answers at most 1000 receipts per call.</summary>
    public const int MaxReceiptIds = 1000;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly HttpClient _http;
    private readonly ExpoGate _gate;
    private readonly ExpoOptions _options;
    private readonly TimeProvider _clock;

    public ExpoClient(HttpClient http, ExpoGate gate, IOptions<ExpoOptions> options, TimeProvider clock)
    {
        _http = http;
        _gate = gate;
        _options = options.Value;
        _clock = clock;
    }

    /// <summary>
    /// Sends unless the call cannot start by <paramref name="startBy"/> (a <see cref="TimeProvider"/>
    /// timestamp; null: no deadline), which is checked once a connection slot is free: then nothing
    /// is sent and the outcome is <see cref="ExpoOutcome.Late"/>.
    /// </summary>
    public Task<ExpoCall<ExpoSendResponse>> SendAsync(IReadOnlyList<ExpoPushRequest> messages, long? startBy, CancellationToken cancellationToken) =>
        PostAsync<ExpoSendResponse>(SendPath, messages, timeoutIsUnknown: true, startBy, cancellationToken);

    public Task<ExpoCall<ExpoReceiptsResponse>> GetReceiptsAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken) =>
        PostAsync<ExpoReceiptsResponse>(ReceiptsPath, new { ids }, timeoutIsUnknown: false, startBy: null, cancellationToken);

    private async Task<ExpoCall<T>> PostAsync<T>(string path, object body, bool timeoutIsUnknown, long? startBy, CancellationToken cancellationToken) where T : class
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(_options.BaseUrl), path));
        request.Content = JsonContent.Create(body, options: Json);
        request.Headers.Accept.ParseAdd("application/json");
        if (!string.IsNullOrWhiteSpace(_options.AccessToken))
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", _options.AccessToken.Trim());
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        await _gate.Slots.WaitAsync(cancellationToken);
        try
        {
            if (startBy is { } deadline && _clock.GetTimestamp() > deadline)
            {
                return new ExpoCall<T>(ExpoOutcome.Late, null, null, null, "late");
            }
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                try
                {
                    var value = await response.Content.ReadFromJsonAsync<T>(Json, timeout.Token);
                    return value is null
                        ? new ExpoCall<T>(ExpoOutcome.Unknown, null, status, null, "empty answer")
                        : new ExpoCall<T>(ExpoOutcome.Success, value, status, null, null);
                }
                catch (JsonException)
                {
                    return new ExpoCall<T>(ExpoOutcome.Unknown, null, status, null, "unreadable answer");
                }
            }
            var problem = await ProblemOfAsync(response, timeout.Token);
            var retryable = response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden || status >= 500;
            return new ExpoCall<T>(retryable ? ExpoOutcome.Retry : ExpoOutcome.Rejected, null, status, RetryAfterOf(response), problem);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ExpoCall<T>(timeoutIsUnknown ? ExpoOutcome.Unknown : ExpoOutcome.Retry, null, null, null, "timeout");
        }
        catch (HttpRequestException exception)
        {
            // Refused or unresolvable connections sent nothing; a connection cut later may have.
            var nothingSent = exception.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError
                or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError;
            return new ExpoCall<T>(nothingSent || !timeoutIsUnknown ? ExpoOutcome.Retry : ExpoOutcome.Unknown, null, null, null, exception.HttpRequestError.ToString());
        }
        finally
        {
            _gate.Slots.Release();
        }
    }

    private TimeSpan? RetryAfterOf(HttpResponseMessage response) =>
        response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - _clock.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
            _ => null,
        };

    /// <summary>Expo's error code when it sent one ({"errors": [{"code": ...}]}), else the status; never the body itself.</summary>
    private static async Task<string> ProblemOfAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var body = await response.Content.ReadFromJsonAsync<ExpoSendResponse>(Json, cancellationToken);
            if (body?.Errors is { Count: > 0 } errors && errors[0].Code is { Length: > 0 } code)
            {
                return code;
            }
        }
        catch (Exception exception) when (exception is JsonException or NotSupportedException or InvalidOperationException)
        {
        }
        return "HTTP " + ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
