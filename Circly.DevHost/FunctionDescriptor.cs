using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace Circly.DevHost;

public enum TriggerKind
{
    Http,
    Timer,
    Queue,
}

/// <summary>One [Function] method and its trigger, as the Functions host would see it.</summary>
public sealed record FunctionDescriptor(
    string Name,
    Type DeclaringType,
    MethodInfo Method,
    TriggerKind Trigger,
    string? Route = null,
    IReadOnlyList<string>? HttpMethods = null,
    string? Schedule = null,
    bool RunOnStartup = false,
    string? QueueName = null,
    string? Connection = null,
    AuthorizationLevel AuthLevel = AuthorizationLevel.Anonymous);
