namespace Circly.Core.Errors;

/// <summary>The seed's error codes, plus the few the seed did not name (marked).</summary>
public static class ErrorCodes
{
    public const string AuthInvalidToken = "AUTH_INVALID_TOKEN";
    public const string AuthTokenExpired = "AUTH_TOKEN_EXPIRED";
    public const string AuthDeviceBanned = "AUTH_DEVICE_BANNED";
    // not in the seed: a known device presented the wrong secret
    public const string AuthInvalidCredentials = "AUTH_INVALID_CREDENTIALS";
    // not in the seed: account transfer. A wrong and an expired code get the same answer, so codes cannot be probed
    public const string AuthTransferCodeInvalid = "AUTH_TRANSFER_CODE_INVALID";
    // not in the seed: the code moved the account already (while it would still have been valid)
    public const string AuthTransferCodeUsed = "AUTH_TRANSFER_CODE_USED";
    // not in the seed: the new device already holds an account of its own
    public const string AuthTransferDeviceInUse = "AUTH_TRANSFER_DEVICE_IN_USE";

    public const string CircleNotFound = "CIRCLE_NOT_FOUND";
    public const string CircleExpired = "CIRCLE_EXPIRED";
    public const string CircleFull = "CIRCLE_FULL";
    public const string CircleAlreadyMember = "CIRCLE_ALREADY_MEMBER";
    public const string CircleNotMember = "CIRCLE_NOT_MEMBER";
    public const string CircleNotCreator = "CIRCLE_NOT_CREATOR";
    public const string CircleInvalidCode = "CIRCLE_INVALID_CODE";
    // not in the seed: another active member of the circle already uses this nickname (any case)
    public const string CircleNicknameTaken = "CIRCLE_NICKNAME_TAKEN";

    public const string PollNotFound = "POLL_NOT_FOUND";
    public const string PollAlreadyVoted = "POLL_ALREADY_VOTED";
    public const string PollClosed = "POLL_CLOSED";
    public const string PollExpired = "POLL_EXPIRED";
    public const string PollNotCreator = "POLL_NOT_CREATOR";
    public const string PollInvalidOption = "POLL_INVALID_OPTION";
    // not in the seed: a poll needs at least two people to choose from
    public const string PollTooFewMembers = "POLL_TOO_FEW_MEMBERS";

    // not in the seed: too many polls started by this member or in this circle in the last hour
    public const string PollCreationLimit = "POLL_CREATION_LIMIT";

    // not in the seed: a share card needs a closed poll
    public const string PollNotClosed = "POLL_NOT_CLOSED";

    // not in the seed: a share card shows the votes the caller received, so there must be some
    public const string ShareCardNoVotes = "SHARE_CARD_NO_VOTES";

    // not in the seed
    public const string TemplateNotFound = "TEMPLATE_NOT_FOUND";

    // not in the seed: the caller already reported this target
    public const string ReportAlreadySubmitted = "REPORT_ALREADY_SUBMITTED";
    // not in the seed: no report with this id (admin API)
    public const string ReportNotFound = "REPORT_NOT_FOUND";

    // not in the seed: a valid admin token without the app role this route needs
    public const string AdminForbidden = "ADMIN_FORBIDDEN";

    public const string ValidationRequired = "VALIDATION_REQUIRED";
    public const string ValidationInvalidFormat = "VALIDATION_INVALID_FORMAT";
    public const string ValidationOutOfRange = "VALIDATION_OUT_OF_RANGE";

    public const string RateLimitExceeded = "RATE_LIMIT_EXCEEDED";

    // not in the seed: unknown route or resource, and a body over the size limit
    public const string NotFound = "NOT_FOUND";
    public const string RequestTooLarge = "REQUEST_TOO_LARGE";

    public const string InternalError = "INTERNAL_ERROR";
    public const string ServiceUnavailable = "SERVICE_UNAVAILABLE";
}
