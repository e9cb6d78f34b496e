using Circly.Core.Errors;
using Microsoft.Azure.Functions.Worker;

namespace Circly.Functions.Http;

/// <summary>Any route no other function claims gets the envelope, not the host's bare 404.</summary>
public sealed class NotFoundFunction(HttpApi api)
{
    [Function(nameof(UnknownRoute))]
    public IResult UnknownRoute(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", "put", "patch", "delete", "head", "options", Route = "{*path}")] HttpRequest request) =>
        api.Error(request, ErrorCodes.NotFound, $"No endpoint at {request.Method} {request.Path}.");
}
