using System.ComponentModel.DataAnnotations;

namespace Circly.Core.Configuration;

/// <summary>
/// A secret from Key Vault must arrive resolved. When App Service cannot resolve a Key Vault
/// reference (secret missing, no access yet), the app setting keeps the literal
/// "@Microsoft.KeyVault(...)" text, about 80 characters, which would pass a length rule and
/// become a guessable key. Options validation rejects it, so the worker does not start with it.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ResolvedSecretAttribute : ValidationAttribute
{
    public const string ReferencePrefix = "@Microsoft.KeyVault(";

    public ResolvedSecretAttribute()
        : base("{0} is an unresolved Key Vault reference: check that the secret exists and the app's identity may read it, then refresh the references (docs/DEPLOY.md).")
    {
    }

    public override bool IsValid(object? value) =>
        value is not string text || !text.TrimStart().StartsWith(ReferencePrefix, StringComparison.OrdinalIgnoreCase);
}
