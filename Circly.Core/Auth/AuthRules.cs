using Circly.Core.Errors;

namespace Circly.Core.Auth;

/// <summary>Input rules and answers shared by device login, refresh and account transfer.</summary>
internal static class AuthRules
{
    /// <summary>A device id (8–200 characters) and the secret its app keeps (32–256), both required.</summary>
    public static (string DeviceId, string DeviceSecret) Credentials(string? deviceId, string? deviceSecret) =>
        (Between(deviceId, "deviceId", 8, 200), Between(deviceSecret, "deviceSecret", 32, 256));

    public static string Between(string? value, string field, int min, int max)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw Fail.Required(field);
        }
        return value.Length < min || value.Length > max
            ? throw Fail.OutOfRange(field, $"must be {min} to {max} characters long.")
            : value;
    }

    public static CirclyException Banned() => Fail.With(ErrorCodes.AuthDeviceBanned, "This device has been banned.");

    public static CirclyException InvalidCredentials() =>
        Fail.With(ErrorCodes.AuthInvalidCredentials, "This device is registered with a different secret.");
}
