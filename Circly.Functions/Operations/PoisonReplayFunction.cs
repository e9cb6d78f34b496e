using System.Globalization;
using Circly.Core.Errors;
using Circly.Core.Storage;
using Circly.Functions.Http;
using Microsoft.Azure.Functions.Worker;

namespace Circly.Functions.Operations;

public sealed class PoisonReplayFunction(HttpApi api, PoisonReplayer replayer)
{
    /// <summary>
    /// Moves a queue's poison messages back to it, each once (docs/OPERATIONS.md, "Draining a poison
    /// queue"); ?max= caps the run (default and most: PoisonReplayer.MaxPerRun). For operators only:
    /// AuthorizationLevel.Admin, so the host demands its master key.
    /// </summary>
    [Function(nameof(ReplayPoisonMessages))]
    public Task<IResult> ReplayPoisonMessages(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "v1/ops/queues/{queue}/replay-poison")] HttpRequest request, string queue) =>
        api.RunAsync(request, async cancellationToken => ApiResponse.Ok(await replayer.ReplayAsync(queue, Max(request), cancellationToken)));

    private static int Max(HttpRequest request) =>
        Query.Text(request, "max") is not { } text ? PoisonReplayer.MaxPerRun
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var max) ? max
        : throw Fail.InvalidFormat("max", "must be a whole number.");
}
