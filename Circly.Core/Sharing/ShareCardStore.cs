using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Sas;
using Circly.Core.Storage;

namespace Circly.Core.Sharing;

/// <summary>
/// The result-cards container: card images by name, and short-lived read-only URLs to them.
/// In Azure (managed identity, shared keys disabled) a URL is a user delegation SAS; against
/// Azurite (a connection string with the account key) an account-key service SAS.
/// </summary>
internal sealed class ShareCardStore(StorageClients storage, TimeProvider clock)
{
    private const string ContentType = "image/png";

    /// <summary>A delegation key is valid for up to 7 days; one a day, renewed well before it ends, serves every URL.</summary>
    private static readonly TimeSpan DelegationKeyLifetime = TimeSpan.FromDays(1);

    private readonly BlobContainerClient _container = storage.Blobs.GetBlobContainerClient(StorageNames.ResultCardsContainer);
    private readonly SemaphoreSlim _keyLock = new(1, 1);
    private UserDelegationKey? _delegationKey;

    public async Task<bool> ExistsAsync(string blobName, CancellationToken cancellationToken) =>
        (await _container.GetBlobClient(blobName).ExistsAsync(cancellationToken)).Value;

    /// <summary>Uploads a card unless one of that name is there already (two requests at once draw the same card).</summary>
    public async Task UploadAsync(string blobName, byte[] png, CancellationToken cancellationToken)
    {
        try
        {
            await _container.GetBlobClient(blobName).UploadAsync(new BinaryData(png), new BlobUploadOptions
            {
                HttpHeaders = new BlobHttpHeaders { ContentType = ContentType, CacheControl = "private, max-age=900" },
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
            }, cancellationToken);
        }
        catch (RequestFailedException exception) when (exception.Status == 409)
        {
            // The same content under the same name: the other upload's blob is this one.
        }
    }

    /// <summary>Deletes the blobs it can and returns their names; a failure leaves the others for the sweep.</summary>
    public async Task<IReadOnlyList<string>> DeleteAsync(IReadOnlyCollection<string> blobNames, CancellationToken cancellationToken)
    {
        var deleted = new List<string>();
        foreach (var name in blobNames)
        {
            try
            {
                await _container.GetBlobClient(name).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken);
                deleted.Add(name);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Storage refuses or is down: this and the rest are left for the next sweep.
                break;
            }
        }
        return deleted;
    }

    /// <summary>Blobs last written before the cutoff: retention applies to the container itself, rows or not.</summary>
    public async Task<IReadOnlyList<string>> OlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        await foreach (var blob in _container.GetBlobsAsync(cancellationToken: cancellationToken))
        {
            if (blob.Properties.LastModified is { } modified && modified < cutoff)
            {
                names.Add(blob.Name);
            }
        }
        return names;
    }

    public async Task<(Uri Url, DateTimeOffset ExpiresAt)> ReadUrlAsync(string blobName, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var blob = _container.GetBlobClient(blobName);
        var now = clock.GetUtcNow();
        var expiresAt = now + lifetime;
        var sas = new BlobSasBuilder(BlobSasPermissions.Read, expiresAt)
        {
            BlobContainerName = _container.Name,
            BlobName = blobName,
            Resource = "b",
            // A little slack for clocks that run behind ours.
            StartsOn = now - TimeSpan.FromMinutes(5),
            ContentType = ContentType,
            Protocol = blob.Uri.Scheme == Uri.UriSchemeHttps ? SasProtocol.Https : SasProtocol.HttpsAndHttp,
        };
        if (blob.CanGenerateSasUri)
        {
            return (blob.GenerateSasUri(sas), expiresAt);
        }
        var key = await DelegationKeyAsync(expiresAt, cancellationToken);
        var uri = new BlobUriBuilder(blob.Uri) { Sas = sas.ToSasQueryParameters(key, storage.Blobs.AccountName) };
        return (uri.ToUri(), expiresAt);
    }

    private async Task<UserDelegationKey> DelegationKeyAsync(DateTimeOffset neededUntil, CancellationToken cancellationToken)
    {
        if (_delegationKey is { } current && current.SignedExpiresOn > neededUntil)
        {
            return current;
        }
        await _keyLock.WaitAsync(cancellationToken);
        try
        {
            if (_delegationKey is { } fresh && fresh.SignedExpiresOn > neededUntil)
            {
                return fresh;
            }
            var now = clock.GetUtcNow();
            _delegationKey = (await storage.Blobs.GetUserDelegationKeyAsync(now - TimeSpan.FromMinutes(5), now + DelegationKeyLifetime, cancellationToken)).Value;
            return _delegationKey;
        }
        finally
        {
            _keyLock.Release();
        }
    }
}
