using Circly.Core.Circles;
using Circly.Core.Errors;
using Circly.Core.Polls;
using Circly.Core.RateLimiting;
using Microsoft.Extensions.Options;

namespace Circly.Core.Sharing;

/// <summary>
/// The Share module: a picture of the caller's own result in a closed poll, safe to post
/// publicly (docs/SHARING.md). Polls and circles are reached through their services only.
/// </summary>
public sealed class ShareCardService
{
    private readonly PollService _polls;
    private readonly CircleService _circles;
    private readonly RateLimiter _rateLimiter;
    private readonly CardRenderer _renderer;
    private readonly ShareCardRepository _repository;
    private readonly ShareCardStore _store;
    private readonly ShareCardDeleter _deleter;
    private readonly SharingOptions _options;

    internal ShareCardService(PollService polls, CircleService circles, RateLimiter rateLimiter, CardRenderer renderer, ShareCardRepository repository,
        ShareCardStore store, ShareCardDeleter deleter, IOptions<SharingOptions> options)
    {
        _polls = polls;
        _circles = circles;
        _rateLimiter = rateLimiter;
        _renderer = renderer;
        _repository = repository;
        _store = store;
        _deleter = deleter;
        _options = options.Value;
    }

    /// <summary>
    /// The caller's card for a poll: drawn and stored the first time, found by its content-derived
    /// name afterwards. Every request counts against the per-user share card limit.
    /// </summary>
    public async Task<ShareCardLink> CreateAsync(Guid userId, Guid pollId, ShareCardRequest request, CancellationToken cancellationToken)
    {
        await _rateLimiter.HitAsync(_rateLimiter.ShareCardsPerUser, userId.ToString(), cancellationToken);
        var format = ShareCardFormats.Parse(request.Format);

        var result = await _polls.GetOwnResultAsync(userId, pollId, cancellationToken);
        if (!result.IsClosed)
        {
            throw Fail.With(ErrorCodes.PollNotClosed, "Share cards are made once the poll has closed.");
        }
        if (result is not { Nickname: { } nickname, VoteCount: > 0 and var votes })
        {
            throw Fail.With(ErrorCodes.ShareCardNoVotes, "You didn't receive any votes in this poll, so there is no card to share.");
        }
        var circleName = request.ShowCircleName == true ? (await _circles.GetAsync(result.CircleId, userId, cancellationToken)).Name : null;

        var content = CardContent.For(format, votes, result.QuestionText, nickname, circleName, _options.StoreLink);
        var blobName = content.BlobName(pollId, userId);
        var reused = await _store.ExistsAsync(blobName, cancellationToken);
        if (!reused)
        {
            var png = _renderer.Render(content);
            await _repository.AddAsync(blobName, pollId, userId, cancellationToken);
            await _store.UploadAsync(blobName, png, cancellationToken);
        }
        var (url, expiresAt) = await _store.ReadUrlAsync(blobName, _options.LinkLifetime, cancellationToken);
        var (width, height) = ShareCardFormats.SizeOf(format);
        return new ShareCardLink(url.ToString(), expiresAt, ShareCardFormats.NameOf(format), width, height, "image/png", reused);
    }

    /// <summary>The cleanup timer's part: retention, and cards whose poll or account is gone.</summary>
    public Task<int> SweepAsync(CancellationToken cancellationToken) => _deleter.SweepAsync(_polls.FindRemovedAsync, cancellationToken);
}
