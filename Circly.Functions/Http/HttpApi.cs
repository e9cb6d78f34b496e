using Circly.Core.Admin;
using Circly.Core.Auth;
using Circly.Core.Errors;
using Circly.Core.RateLimiting;
using Microsoft.Extensions.Logging;

namespace Circly.Functions.Http;

/// <summary>
/// The one place HTTP functions go through: request id, size limit, the envelope, error mapping,
/// outage detection, conditional reads. Functions call it; it never knows about SQL or rules.
/// </summary>
public sealed partial class HttpApi(AuthService auth, AdminTokens adminTokens, RateLimiter rateLimiter, ClientAddress clientAddress, TimeProvider clock, ILogger<HttpApi> logger)
{
    /// <summary>
    /// For the admin API (/v1/admin/...): an Entra ID admin token (never a user token: 401
    /// AUTH_INVALID_TOKEN) with the given app role (403 ADMIN_FORBIDDEN; "admin" has every role),
    /// then the per-user rate limit keyed by the admin's object id.
    /// </summary>
    public Task<IResult> RunAdminAsync(HttpRequest request, string role, Func<AdminIdentity, CancellationToken, Task<ApiResponse>> handle) =>
        RunAsync(request, async cancellationToken =>
        {
            var admin = await AuthenticateAsync(request, adminTokens.ValidateAsync, cancellationToken);
            if (!admin.Has(role))
            {
                throw Fail.With(ErrorCodes.AdminForbidden, $"This needs the '{role}' role.");
            }
            RateLimitHeaders.Remember(request.HttpContext, await rateLimiter.HitAsync(rateLimiter.PerUser, "admin:" + admin.Subject, cancellationToken));
            return await handle(admin, cancellationToken);
        });

    /// <summary>
    /// For every endpoint that needs a user: the bearer token and the account's standing are
    /// checked (401 AUTH_*, 403 AUTH_DEVICE_BANNED), then the per-user rate limit.
    /// </summary>
    public Task<IResult> RunAuthenticatedAsync(HttpRequest request, Func<AuthenticatedUser, CancellationToken, Task<ApiResponse>> handle) =>
        RunAsync(request, async cancellationToken =>
        {
            var user = await AuthenticateAsync(request, auth.AuthenticateAsync, cancellationToken);
            RateLimitHeaders.Remember(request.HttpContext, await rateLimiter.HitAsync(rateLimiter.PerUser, user.UserId.ToString(), cancellationToken));
            return await handle(user, cancellationToken);
        });

    /// <summary>
    /// A request whose token (a user's or an admin's) does not authenticate has no user to count
    /// against: it counts against the caller's address (the per-IP limit), so that guessing or
    /// replaying tokens is limited too.
    /// </summary>
    private async Task<T> AuthenticateAsync<T>(HttpRequest request, Func<string, CancellationToken, Task<T>> validate, CancellationToken cancellationToken)
    {
        try
        {
            return await validate(BearerToken(request), cancellationToken);
        }
        catch (CirclyException failure) when (ErrorStatus.For(failure.Code) == StatusCodes.Status401Unauthorized)
        {
            RateLimitHeaders.Remember(request.HttpContext, await rateLimiter.HitAsync(rateLimiter.PerIp, clientAddress.Of(request), cancellationToken));
            throw;
        }
    }

    /// <summary>For endpoints without a user (login, refresh): the per-IP rate limit, then the handler with the client's address.</summary>
    public Task<IResult> RunAnonymousAsync(HttpRequest request, Func<string, CancellationToken, Task<ApiResponse>> handle) =>
        RunAsync(request, async cancellationToken =>
        {
            var address = clientAddress.Of(request);
            RateLimitHeaders.Remember(request.HttpContext, await rateLimiter.HitAsync(rateLimiter.PerIp, address, cancellationToken));
            return await handle(address, cancellationToken);
        });

    public async Task<IResult> RunAsync(HttpRequest request, Func<CancellationToken, Task<ApiResponse>> handle)
    {
        var context = request.HttpContext;
        var requestId = RequestId.For(context);
        using var scope = logger.BeginScope("RequestId:{RequestId}", requestId);
        try
        {
            if (request.ContentLength > RequestBody.MaxBytes)
            {
                throw RequestBody.TooLarge();
            }
            var response = await handle(context.RequestAborted);
            return Success(request, requestId, response);
        }
        catch (RateLimitedException limited)
        {
            RateLimitHeaders.Remember(context, limited.Decision);
            return Error(requestId, limited.Code, limited.Message, null, null);
        }
        catch (CirclyException failure)
        {
            return Error(requestId, failure.Code, failure.Message, failure.Details, null);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody reads this answer.
            return new EnvelopeResult(499, null);
        }
        catch (Exception exception) when (Outage.IsOutage(exception))
        {
            LogOutage(logger, exception.GetType().Name, exception.Message);
            return Error(requestId, ErrorCodes.ServiceUnavailable, "A service Circly depends on is unavailable. Try again shortly.", null,
                new Dictionary<string, string> { ["Retry-After"] = "5" });
        }
        catch (Exception exception)
        {
            LogFailure(logger, exception);
            return Error(requestId, ErrorCodes.InternalError, "Something went wrong on our side.", null, null);
        }
    }

    /// <summary>
    /// For HTML pages people open in a browser (the invite page): the same request id, error
    /// mapping, outage detection and logging as the API, with errors answered by errorPage(status,
    /// extra headers) instead of the envelope. The handler gets the client's address.
    /// </summary>
    public async Task<IResult> RunPageAsync(HttpRequest request, Func<string, CancellationToken, Task<IResult>> render,
        Func<int, IReadOnlyDictionary<string, string>?, IResult> errorPage)
    {
        var context = request.HttpContext;
        using var scope = logger.BeginScope("RequestId:{RequestId}", RequestId.For(context));
        try
        {
            return await render(clientAddress.Of(request), context.RequestAborted);
        }
        catch (RateLimitedException limited)
        {
            RateLimitHeaders.Remember(context, limited.Decision);
            return errorPage(ErrorStatus.For(limited.Code), null);
        }
        catch (CirclyException failure)
        {
            return errorPage(ErrorStatus.For(failure.Code), null);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return new EnvelopeResult(499, null);
        }
        catch (Exception exception) when (Outage.IsOutage(exception))
        {
            LogOutage(logger, exception.GetType().Name, exception.Message);
            return errorPage(StatusCodes.Status503ServiceUnavailable, new Dictionary<string, string> { ["Retry-After"] = "5" });
        }
        catch (Exception exception)
        {
            LogFailure(logger, exception);
            return errorPage(StatusCodes.Status500InternalServerError, null);
        }
    }

    /// <summary>An error envelope outside of a function call (e.g. the unknown-route function).</summary>
    public IResult Error(HttpRequest request, string code, string message) =>
        Error(RequestId.For(request.HttpContext), code, message, null, null);

    private EnvelopeResult Success(HttpRequest request, string requestId, ApiResponse response)
    {
        if (response.IsFailure)
        {
            return new EnvelopeResult(response.StatusCode, new Envelope(false, response.Data,
                new EnvelopeError(ErrorCodes.ServiceUnavailable, "One or more dependencies are unavailable.", null), Meta(requestId, null)));
        }
        if (response.ETag is { } etag)
        {
            var headers = new Dictionary<string, string> { ["ETag"] = etag };
            if (ClientHas(request, etag))
            {
                return new EnvelopeResult(StatusCodes.Status304NotModified, null, headers);
            }
            return new EnvelopeResult(response.StatusCode, new Envelope(true, response.Data, null, Meta(requestId, response.Pagination)), headers);
        }
        return new EnvelopeResult(response.StatusCode, new Envelope(true, response.Data, null, Meta(requestId, response.Pagination)));
    }

    private EnvelopeResult Error(string requestId, string code, string message, IReadOnlyDictionary<string, string>? details, IReadOnlyDictionary<string, string>? headers) =>
        new(ErrorStatus.For(code), new Envelope(false, null, new EnvelopeError(code, message, details), Meta(requestId, null)), headers);

    private static string BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header.Length > 7
            ? header[7..].Trim()
            : throw Fail.With(ErrorCodes.AuthInvalidToken, "Send the access token as 'Authorization: Bearer <token>'.");
    }

    private EnvelopeMeta Meta(string requestId, Pagination? pagination) => new(requestId, clock.GetUtcNow(), pagination);

    /// <summary>Whether If-None-Match names this tag (or *): the answer is then a 304.</summary>
    public static bool ClientHas(HttpRequest request, string etag)
    {
        foreach (var value in request.Headers.IfNoneMatch)
        {
            foreach (var candidate in (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (candidate == "*" || candidate == etag || candidate == "W/" + etag)
                {
                    return true;
                }
            }
        }
        return false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dependency unavailable: {ExceptionType}: {Reason}")]
    private static partial void LogOutage(ILogger logger, string exceptionType, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled failure")]
    private static partial void LogFailure(ILogger logger, Exception exception);
}
