using Circly.Core.Admin;
using Circly.Core.Analytics;
using Circly.Core.Auth;
using Circly.Core.Circles;
using Circly.Core.Health;
using Circly.Core.Notifications;
using Circly.Core.Polls;
using Circly.Core.Reports;
using Circly.Core.Sharing;
using Circly.Core.Storage;
using Circly.Core.Templates;
using Circly.Core.Users;
using Circly.Functions.Admin;
using Circly.Functions.Circles;
using Circly.Functions.Health;
using Circly.Functions.Http;
using Circly.Functions.Users;
using static Circly.Core.Errors.ErrorCodes;
using static Circly.Functions.OpenApi.ApiContract;

namespace Circly.Functions.OpenApi;

/// <summary>
/// The contract of every HTTP function, by function name: what the route and method in
/// functions.metadata take and answer. ContractCoverageTests fail when a function has no entry or an
/// entry names no function; the API tests check every response against the document made from these.
/// Codes listed here are the operation's own; auth, validation, rate-limit and pipeline codes are
/// added from the auth and the request by OpenApiDocumentBuilder.
/// </summary>
public static class ApiContracts
{
    public static IReadOnlyDictionary<string, ApiContract> ByFunction { get; } = new Dictionary<string, ApiContract>(StringComparer.Ordinal)
    {
        // The document itself and the catch-all
        [OpenApiFunction.Name] = Public("This OpenAPI 3.1 document.").ReturnsJsonDocument(),
        [NotFoundFunction.Name] = NotAnOperation("the catch-all: any route no other function claims answers 404 NOT_FOUND in the envelope"),
        ["ConsolePage"] = NotAnOperation("the admin console's static files under /console/ (HTML, scripts, styles), not the API; an unknown file is the 404 NOT_FOUND envelope"),

        // Health
        ["GetHealth"] = Public("Liveness: answers without touching any dependency (GET and HEAD).").Returns<LivenessResponse>(),
        ["GetHealthDetailed"] = WithKey(ApiAuth.FunctionKey, "PostgreSQL, queues and the outbox's delivery with status and latency; 503 when any is down.")
            .Returns<HealthReport>().UnavailableWith<HealthReport>(),
        ["ReplayPoisonMessages"] = WithKey(ApiAuth.MasterKey, "Moves a queue's poison messages back to it, each once.")
            .Query<int>("max").Returns<PoisonReplayReport>(),

        // Auth
        ["DeviceLogin"] = Anonymous("First login registers the device (201); later logins present the same device secret (200).")
            .Accepts<DeviceLoginRequest>().Returns<AuthSession>().Returns<AuthSession>(StatusCodes.Status201Created)
            .Errors(AuthInvalidCredentials, AuthDeviceBanned),
        ["RefreshToken"] = Anonymous("Rotates the refresh token: the presented one stops working, a new pair comes back.")
            .Accepts<RefreshRequest>().Returns<AuthSession>().Errors(AuthInvalidToken, AuthTokenExpired, AuthDeviceBanned),
        ["RequestTransferCode"] = ForDevice("A one-time code for moving the account to a new phone; asking again replaces it.")
            .Accepts<TransferCodeRequest>().Returns<TransferCodeIssued>(StatusCodes.Status201Created).Errors(AuthInvalidCredentials),
        ["RedeemTransferCode"] = Anonymous("The new phone redeems the code with its own device credentials and gets the account's session.")
            .Accepts<TransferRequest>().Returns<AuthSession>()
            .Errors(AuthInvalidCredentials, AuthTransferCodeInvalid, AuthTransferCodeUsed, AuthTransferDeviceInUse, AuthDeviceBanned),

        // Users
        ["GetMe"] = ForDevice("My profile and the safety contact.").Returns<MeResponse>(),
        ["UpdateMe"] = ForDevice("App version, platform, locale and time zone; fields left out stay.").Accepts<UpdateProfileRequest>().Returns<UserProfile>(),
        ["SetPushToken"] = ForDevice("Registers this device's Expo push token.").Accepts<PushTokenRequest>().Returns<PushTokenRegistration>(),
        ["RemovePushToken"] = ForDevice("Stops pushes to this account; idempotent.").Returns<PushTokensRemovedResponse>(),
        ["DeleteMe"] = ForDevice("Deletes the account and the data about it.").Returns<DeletedResponse>(),

        // Circles
        ["ListCircles"] = ForDevice("My circles, most recently joined first.").ReturnsPage<CircleDetails>(),
        ["CreateCircle"] = ForDevice("A new circle; the caller becomes its owner.").Accepts<CreateCircleRequest>().Returns<CircleDetails>(StatusCodes.Status201Created),
        ["GetCircle"] = ForDevice("A circle I am a member of.").Returns<CircleDetails>().Errors(CircleNotFound, CircleNotMember),
        ["UpdateCircle"] = ForDevice("Owner only: name, maxMembers, expiresAt.").Accepts<UpdateCircleRequest>().Returns<CircleDetails>()
            .Errors(CircleNotFound, CircleNotMember, CircleNotCreator),
        ["DeleteCircle"] = ForDevice("Owner only: the circle and its polls stop being visible.").Returns<DeletedResponse>()
            .Errors(CircleNotFound, CircleNotMember, CircleNotCreator),
        ["JoinCircle"] = ForDevice("Joins with an invite code or link id and a nickname.").Accepts<JoinCircleRequest>().Returns<CircleDetails>()
            .Errors(CircleInvalidCode, CircleExpired, CircleFull, CircleAlreadyMember, CircleNicknameTaken, CircleNotFound, CircleNotMember),
        ["ListCircleMembers"] = ForDevice("The circle's members.").Returns<IReadOnlyList<CircleMemberView>>().Errors(CircleNotFound, CircleNotMember),
        ["RegenerateCircleInvite"] = ForDevice("Owner only: a new invite code and link id.").Returns<CircleDetails>()
            .Errors(CircleNotFound, CircleNotMember, CircleNotCreator),
        ["LeaveCircle"] = ForDevice("Leaves the circle.").Returns<LeaveCircleResult>().Errors(CircleNotFound, CircleNotMember),
        ["RemoveCircleMember"] = ForDevice("Owner only: the member loses access and cannot rejoin.").Returns<MemberRemovedResponse>()
            .Errors(CircleNotFound, CircleNotMember, CircleNotCreator, NotFound, ValidationInvalidFormat),
        ["InvitePage"] = Anonymous("The web page of an invite link (HTML); errors are pages too.")
            .ReturnsHtml(StatusCodes.Status200OK, StatusCodes.Status404NotFound),

        // Blocks
        ["BlockMember"] = ForDevice("Blocks a member of a shared circle; they are never told.").Accepts<BlockRequest>().Returns<BlockView>(StatusCodes.Status201Created)
            .Errors(NotFound),
        ["ListBlocks"] = ForDevice("My blocks.").Returns<IReadOnlyList<BlockView>>(),
        ["Unblock"] = ForDevice("Lifts one of my blocks.").Returns<UnblockedResponse>().Errors(NotFound),

        // Templates
        ["ListTemplates"] = ForDevice("Active question templates, optionally of one category.").ReturnsPage<Template>().Query<string>("category"),
        ["PopularTemplates"] = ForDevice("The most used active templates.").Query<int>("limit").Returns<IReadOnlyList<Template>>(),

        // Polls
        ["ListPolls"] = ForDevice("Active and recent polls of my circles, newest first; meta.pagination.total counts at most 100 polls past the page (docs/API.md).").ReturnsPage<PollSummary>().Query<Guid>("circleId").Query<PollStatusFilter>("status")
            .Errors(CircleNotFound, CircleNotMember),
        ["CreatePoll"] = ForDevice("A poll from a template; every member is an option.").Accepts<CreatePollRequest>().Returns<PollView>(StatusCodes.Status201Created)
            .Errors(CircleNotFound, CircleNotMember, TemplateNotFound, PollTooFewMembers, PollCreationLimit),
        ["GetPoll"] = ForDevice("A poll; 304 while nothing the caller sees has changed.").Returns<PollView>().NotModifiedWhenUnchanged()
            .Errors(PollNotFound, CircleNotMember),
        ["UpdatePoll"] = ForDevice("The creator moves the deadline of an open poll.").Accepts<UpdatePollRequest>().Returns<PollView>()
            .Errors(PollNotFound, CircleNotMember, PollNotCreator, PollClosed, PollExpired),
        ["DeletePoll"] = ForDevice("The creator deletes the poll.").Returns<DeletedResponse>().Errors(PollNotFound, CircleNotMember, PollNotCreator),
        ["Vote"] = ForDevice("One anonymous vote.").Accepts<VoteRequest>().Returns<VoteReceipt>()
            .Errors(PollNotFound, CircleNotMember, PollAlreadyVoted, PollClosed, PollExpired, PollInvalidOption),
        ["GetPollResults"] = ForDevice("Counts once the caller voted or the poll closed; 304 while unchanged.").Returns<PollResults>().NotModifiedWhenUnchanged()
            .Errors(PollNotFound, CircleNotMember),
        ["CreateShareCard"] = ForDevice("A short-lived link to a PNG of the caller's own result in a closed poll.").Accepts<ShareCardRequest>().Returns<ShareCardLink>()
            .Errors(PollNotFound, CircleNotMember, PollNotClosed, ShareCardNoVotes),

        // Notifications
        ["ListNotifications"] = ForDevice("My inbox, newest first, by cursor.").Query<int>("limit").Query<string>("cursor").Returns<NotificationPage>(),
        ["MarkNotificationRead"] = ForDevice("Marks one notification read.").Returns<MarkReadResult>().Errors(NotFound),
        ["MarkAllNotificationsRead"] = ForDevice("Marks every notification read.").Returns<MarkAllReadResult>(),
        ["GetNotificationSettings"] = ForDevice("My notification settings.").Returns<NotificationSettings>(),
        ["UpdateNotificationSettings"] = ForDevice("Changes only the fields sent.").Accepts<UpdateNotificationSettingsRequest>().Returns<NotificationSettings>(),

        // Reports
        ["SubmitReport"] = ForDevice("Reports a member, circle name or poll; once per reporter and target.").Accepts<ReportRequest>().Returns<ReportReceipt>(StatusCodes.Status201Created)
            .Errors(CircleNotFound, PollNotFound, NotFound, ReportAlreadySubmitted),

        // Admin
        ["AdminAuditLog"] = ForAdmin("The audit log, newest first (role admin).").ReturnsPage<AuditEntry>()
            .Query<string>("action").Query<string>("targetType").Query<string>("targetId").Query<string>("actor"),
        ["AdminListBans"] = ForAdmin("Device bans, newest first (role moderator).").ReturnsPage<DeviceBan>(),
        ["AdminBan"] = ForAdmin("Bans the account's device everywhere and ends its sessions.").Accepts<BanRequest>().Returns<DeviceBan>(StatusCodes.Status201Created).Errors(NotFound),
        ["AdminLiftBan"] = ForAdmin("The device may sign in again.").Accepts<ReasonRequest>().Returns<DeviceBan>().Errors(NotFound),
        ["AdminHideCircle"] = ForAdmin("The circle and its polls stop being visible to everyone.").Accepts<ReasonRequest>().Returns<ContentHidden>().Errors(CircleNotFound),
        ["AdminHidePoll"] = ForAdmin("The poll stops being visible to everyone.").Accepts<ReasonRequest>().Returns<ContentHidden>().Errors(PollNotFound),
        ["AdminGetUser"] = ForAdmin("The account (no device data) and its memberships.").Returns<UserLookup>().Errors(NotFound),
        ["AdminListReports"] = ForAdmin("The moderators' queue, oldest first.").ReturnsPage<ReportSummary>()
            .Query<string>("status").Query<string>("targetType").Query<string>("reason").Query<Guid>("circleId"),
        ["AdminGetReport"] = ForAdmin("The report with its target in context.").Returns<ReportInContext>().Errors(ReportNotFound),
        ["AdminActOnReport"] = ForAdmin("Resolves every pending report on the target with one action.").Accepts<ReportActionRequest>().Returns<ReportActionResult>()
            .Errors(ReportNotFound, NotFound),
        ["AdminListTemplates"] = ForAdmin("Every template, deactivated ones too, active first (role admin).").ReturnsPage<AdminTemplate>(),
        ["AdminQueues"] = ForAdmin("Each queue's depth and poison count, as /health/detailed (role moderator).").Returns<QueueOverview>(),
        ["AdminMetrics"] = ForAdmin("Daily product figures for UTC days from..to, both included (role moderator).")
            .Query<string>("from").Query<string>("to").Returns<MetricsReport>(),
        ["AdminTemplateCategories"] = ForAdmin("The template categories (role admin).").Returns<IReadOnlyList<string>>(),
        ["AdminCreateTemplate"] = ForAdmin("A new question template (role admin).").Accepts<TemplateRequest>().Returns<AdminTemplate>(StatusCodes.Status201Created),
        ["AdminUpdateTemplate"] = ForAdmin("Edits a question template (role admin).").Accepts<TemplateRequest>().Returns<AdminTemplate>().Errors(TemplateNotFound),
        ["AdminDeactivateTemplate"] = ForAdmin("Takes a template out of use (role admin).").Returns<AdminTemplate>().Errors(TemplateNotFound),
    };
}
