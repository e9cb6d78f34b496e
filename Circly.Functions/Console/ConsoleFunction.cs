using Circly.Core.Errors;
using Circly.Functions.Http;
using Microsoft.Azure.Functions.Worker;

namespace Circly.Functions.Console;

/// <summary>
/// GET /console: the admin console (docs/SAFETY.md "Admin console"). Static files only; everything it
/// shows comes from /v1/admin/... with the admin's bearer token, so serving it needs no sign-in. Not
/// under /admin, which the Functions host keeps for itself.
/// </summary>
public sealed class ConsoleFunction(HttpApi api)
{
    [Function(nameof(ConsolePage))]
    public Task<IResult> ConsolePage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/{*path}")] HttpRequest request, string? path) =>
        ConsoleAssets.Find(path) is { } file
            ? Task.FromResult<IResult>(new ConsoleFileResult(file.ContentType, file.Bytes))
            : api.RunAsync(request, _ => throw Fail.With(ErrorCodes.NotFound, "The console has no such page."));
}
