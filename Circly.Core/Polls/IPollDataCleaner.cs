namespace Circly.Core.Polls;

/// <summary>
/// A module that keeps data about a poll (share cards) implements this to remove it when the
/// poll's creator deletes the poll. It runs after the deletion is committed, so it must not
/// throw for an outage: what it cannot remove now, its own sweep removes later.
/// </summary>
public interface IPollDataCleaner
{
    Task RemovePollAsync(Guid pollId, CancellationToken cancellationToken);
}
