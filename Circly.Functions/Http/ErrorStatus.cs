using Circly.Core.Errors;

namespace Circly.Functions.Http;

/// <summary>The one table that maps the seed's error codes to HTTP status codes.</summary>
public static class ErrorStatus
{
    private static readonly Dictionary<string, int> StatusByCode = new(StringComparer.Ordinal)
    {
        [ErrorCodes.AuthInvalidToken] = StatusCodes.Status401Unauthorized,
        [ErrorCodes.AuthTokenExpired] = StatusCodes.Status401Unauthorized,
        [ErrorCodes.AuthInvalidCredentials] = StatusCodes.Status401Unauthorized,
        [ErrorCodes.AuthDeviceBanned] = StatusCodes.Status403Forbidden,
        [ErrorCodes.AuthTransferCodeInvalid] = StatusCodes.Status404NotFound,
        [ErrorCodes.AuthTransferCodeUsed] = StatusCodes.Status409Conflict,
        [ErrorCodes.AuthTransferDeviceInUse] = StatusCodes.Status409Conflict,

        [ErrorCodes.CircleNotFound] = StatusCodes.Status404NotFound,
        [ErrorCodes.CircleExpired] = StatusCodes.Status410Gone,
        [ErrorCodes.CircleFull] = StatusCodes.Status409Conflict,
        [ErrorCodes.CircleAlreadyMember] = StatusCodes.Status409Conflict,
        [ErrorCodes.CircleNotMember] = StatusCodes.Status403Forbidden,
        [ErrorCodes.CircleNotCreator] = StatusCodes.Status403Forbidden,
        [ErrorCodes.CircleInvalidCode] = StatusCodes.Status404NotFound,
        [ErrorCodes.CircleNicknameTaken] = StatusCodes.Status409Conflict,

        [ErrorCodes.PollNotFound] = StatusCodes.Status404NotFound,
        [ErrorCodes.PollAlreadyVoted] = StatusCodes.Status409Conflict,
        [ErrorCodes.PollClosed] = StatusCodes.Status409Conflict,
        [ErrorCodes.PollExpired] = StatusCodes.Status409Conflict,
        [ErrorCodes.PollNotCreator] = StatusCodes.Status403Forbidden,
        [ErrorCodes.PollInvalidOption] = StatusCodes.Status400BadRequest,
        [ErrorCodes.PollTooFewMembers] = StatusCodes.Status409Conflict,
        [ErrorCodes.PollNotClosed] = StatusCodes.Status409Conflict,
        [ErrorCodes.ShareCardNoVotes] = StatusCodes.Status409Conflict,
        [ErrorCodes.TemplateNotFound] = StatusCodes.Status404NotFound,
        [ErrorCodes.PollCreationLimit] = StatusCodes.Status429TooManyRequests,
        [ErrorCodes.ReportAlreadySubmitted] = StatusCodes.Status409Conflict,
        [ErrorCodes.ReportNotFound] = StatusCodes.Status404NotFound,
        [ErrorCodes.AdminForbidden] = StatusCodes.Status403Forbidden,

        [ErrorCodes.ValidationRequired] = StatusCodes.Status400BadRequest,
        [ErrorCodes.ValidationInvalidFormat] = StatusCodes.Status400BadRequest,
        [ErrorCodes.ValidationOutOfRange] = StatusCodes.Status400BadRequest,

        [ErrorCodes.RateLimitExceeded] = StatusCodes.Status429TooManyRequests,
        [ErrorCodes.NotFound] = StatusCodes.Status404NotFound,
        [ErrorCodes.RequestTooLarge] = StatusCodes.Status413PayloadTooLarge,

        [ErrorCodes.InternalError] = StatusCodes.Status500InternalServerError,
        [ErrorCodes.ServiceUnavailable] = StatusCodes.Status503ServiceUnavailable,
    };

    public static IReadOnlyCollection<string> KnownCodes => StatusByCode.Keys;

    /// <summary>An unmapped code is a bug: it answers 500 rather than guess.</summary>
    public static int For(string code) => StatusByCode.GetValueOrDefault(code, StatusCodes.Status500InternalServerError);
}
