using System.ComponentModel.DataAnnotations;

namespace Circly.Core.Sharing;

public sealed class SharingOptions
{
    public const string Section = "Sharing";

    /// <summary>
    /// The store link printed on every card: a short address that sends people to the app's store
    /// page. Never an invite: a code on a public story would let strangers into a circle of minors.
    /// </summary>
    [Required]
    [MaxLength(60)]
    public string StoreLink { get; set; } = "circly.app/get";

    /// <summary>How long the read-only URL a card request answers with stays valid.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "01:00:00")]
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Stored cards older than this are deleted by the cleanup timer; asking again draws a new one.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "90.00:00:00")]
    public TimeSpan CardRetention { get; set; } = TimeSpan.FromDays(7);
}
