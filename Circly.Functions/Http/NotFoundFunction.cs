using Circly.Core.Errors;
using Microsoft.Azure.Functions.Worker;

namespace Circly.Functions.Http;

/// <summary>Any route no other function claims gets the envelope, not the host's bare 404.</summary>
public sealed class NotFoundFunction(HttpApi api)
{
    /// <summary>
    /// The Functions host tries HTTP functions in the order of their names (OrdinalIgnoreCase) and
    /// takes the first whose template matches, with no route precedence: this catch-all must sort
    /// after every other function, hence the name. RouteTableTests fail if any route is shadowed.
    /// </summary>
    public const string Name = "ZzUnknownRoute";

    [Function(Name)]
    public IResult UnknownRoute(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", "put", "patch", "delete", "head", "options", Route = "{*path}")] HttpRequest request) =>
        api.Error(request, ErrorCodes.NotFound, $"No endpoint at {request.Method} {request.Path}.");
}
