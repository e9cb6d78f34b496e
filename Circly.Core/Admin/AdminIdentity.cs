namespace Circly.Core.Admin;

public static class AdminRoles
{
    /// <summary>Works the reports queue, bans, hides content, looks users up.</summary>
    public const string Moderator = "moderator";

    /// <summary>Everything a moderator does, plus templates and the audit log.</summary>
    public const string Admin = "admin";
}

/// <summary>A signed-in moderator or admin: the directory's object id, a display name for the audit log, their app roles.</summary>
public sealed record AdminIdentity(string Subject, string Name, IReadOnlySet<string> Roles)
{
    public bool Has(string role) => Roles.Contains(AdminRoles.Admin) || Roles.Contains(role);

    /// <summary>Who the audit log names: the display name and the stable object id.</summary>
    public string Actor => Name == Subject ? Subject : $"{Name} ({Subject})";
}
