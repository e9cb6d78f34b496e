namespace Circly.Functions.OpenApi;

/// <summary>Who may call an operation, as the document states it (and as HttpApi and the host enforce it).</summary>
public enum ApiAuth
{
    /// <summary>No credentials: public (the liveness check, the document itself, login, the invite page).</summary>
    None,

    /// <summary>The device's access token (RunAuthenticatedAsync): Authorization: Bearer &lt;JWT&gt;.</summary>
    Device,

    /// <summary>An Entra ID admin token with an app role (RunAdminAsync).</summary>
    Admin,

    /// <summary>The host checks a function key before the function runs (AuthorizationLevel.Function).</summary>
    FunctionKey,

    /// <summary>The host checks its master key before the function runs (AuthorizationLevel.Admin).</summary>
    MasterKey,
}
