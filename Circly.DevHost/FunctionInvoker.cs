using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;

namespace Circly.DevHost;

/// <summary>
/// Creates the function class in a DI scope, as the worker does per invocation, binds the
/// parameters DevHost supports, and awaits the result.
/// </summary>
public static class FunctionInvoker
{
    public static async Task<object?> InvokeAsync(FunctionDescriptor function, IServiceProvider services, Func<Type, string, object?> bind)
    {
        var instance = function.Method.IsStatic ? null : ActivatorUtilities.CreateInstance(services, function.DeclaringType);
        var arguments = function.Method.GetParameters()
            .Select(parameter => bind(parameter.ParameterType, parameter.Name ?? ""))
            .ToArray();
        var returned = function.Method.Invoke(instance, arguments);
        switch (returned)
        {
            case Task task:
                await task;
                return task.GetType().IsGenericType ? task.GetType().GetProperty("Result")!.GetValue(task) : null;
            case ValueTask valueTask:
                await valueTask;
                return null;
            default:
                return returned;
        }
    }

    public static async Task InvokeTimerAsync(FunctionDescriptor function, IServiceProvider root, CancellationToken cancellationToken)
    {
        await using var scope = root.CreateAsyncScope();
        await InvokeAsync(function, scope.ServiceProvider, (type, name) =>
            type == typeof(TimerInfo) ? new TimerInfo()
            : type == typeof(CancellationToken) ? cancellationToken
            : throw Unsupported(function, type, name));
    }

    public static async Task InvokeQueueAsync(FunctionDescriptor function, IServiceProvider root, string message, QueueMessage? raw, CancellationToken cancellationToken)
    {
        await using var scope = root.CreateAsyncScope();
        await InvokeAsync(function, scope.ServiceProvider, (type, name) =>
            type == typeof(string) ? message
            : type == typeof(BinaryData) ? BinaryData.FromString(message)
            : type == typeof(QueueMessage) ? raw
            : type == typeof(CancellationToken) ? cancellationToken
            : throw Unsupported(function, type, name));
    }

    internal static NotSupportedException Unsupported(FunctionDescriptor function, Type type, string name) =>
        new($"DevHost cannot bind parameter '{name}' ({type.Name}) of {function.Name}.");
}
