using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Circly.Tests.Infrastructure;

/// <summary>
/// What an app under test emits through its OpenTelemetry pipeline, caught by the in-memory
/// exporters added to the very providers the app's telemetry setup builds (AddCircly).
/// Metrics are cumulative: a counter's value is everything counted since the app started.
/// </summary>
public sealed class TelemetryCapture
{
    private readonly List<MetricSnapshot> _metrics = [];
    private readonly List<Activity> _activities = [];
    private IServiceProvider? _services;

    public void AddTo(IServiceCollection services)
    {
        services.ConfigureOpenTelemetryMeterProvider((provider, metrics) =>
        {
            // Meters are process-wide: several apps run in one test process, and a provider listens
            // to every meter of a name. Only this app's (made by its own IMeterFactory) count here.
            var ownFactory = provider.GetRequiredService<IMeterFactory>();
            metrics.AddView(instrument => instrument.Meter.Scope is null || ReferenceEquals(instrument.Meter.Scope, ownFactory) ? null : MetricStreamConfiguration.Drop);
            metrics.AddInMemoryExporter(_metrics);
        });
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(_activities));
    }

    public void Attach(IServiceProvider services) => _services = services;

    /// <summary>The sum of a counter over the points whose tags include <paramref name="tags"/>.</summary>
    public long Sum(string name, params (string Key, string Value)[] tags) =>
        Points(name).Where(point => Matches(point, tags)).Sum(point => point.GetSumLong());

    /// <summary>The last value a gauge recorded for the tags given, or null when it recorded none.</summary>
    public double? Gauge(string name, params (string Key, string Value)[] tags)
    {
        var points = Points(name).Where(point => Matches(point, tags)).ToList();
        if (points.Count == 0)
        {
            return null;
        }
        var snapshot = Latest(name)!;
        return snapshot.MetricType == MetricType.DoubleGauge ? points[^1].GetGaugeLastValueDouble() : points[^1].GetGaugeLastValueLong();
    }

    /// <summary>The names of every metric exported so far.</summary>
    public IReadOnlyList<string> MetricNames()
    {
        Flush();
        lock (_metrics)
        {
            return [.. _metrics.Select(metric => metric.Name).Distinct()];
        }
    }

    /// <summary>Every span exported so far (after a flush).</summary>
    public IReadOnlyList<Activity> Activities()
    {
        _services?.GetService<TracerProvider>()?.ForceFlush();
        lock (_activities)
        {
            return [.. _activities];
        }
    }

    /// <summary>Every (key, value) of every exported metric point and span, for "never carries X" checks.</summary>
    public IReadOnlyList<string> AllTagValues()
    {
        Flush();
        var values = new List<string>();
        lock (_metrics)
        {
            foreach (var metric in _metrics)
            {
                foreach (var point in metric.MetricPoints)
                {
                    foreach (var tag in point.Tags)
                    {
                        values.Add($"{tag.Key}={tag.Value}");
                    }
                }
            }
        }
        foreach (var activity in Activities())
        {
            values.Add($"name={activity.DisplayName}");
            values.AddRange(activity.TagObjects.Select(tag => $"{tag.Key}={tag.Value}"));
        }
        return values;
    }

    private IEnumerable<MetricPoint> Points(string name)
    {
        Flush();
        return Latest(name)?.MetricPoints ?? [];
    }

    private MetricSnapshot? Latest(string name)
    {
        lock (_metrics)
        {
            return _metrics.LastOrDefault(metric => metric.Name == name);
        }
    }

    private void Flush() =>
        (_services ?? throw new InvalidOperationException("Attach the app's services first."))
            .GetRequiredService<MeterProvider>().ForceFlush();

    private static bool Matches(MetricPoint point, (string Key, string Value)[] tags)
    {
        var actual = new Dictionary<string, string?>();
        foreach (var tag in point.Tags)
        {
            actual[tag.Key] = tag.Value?.ToString();
        }
        return tags.All(tag => actual.TryGetValue(tag.Key, out var value) && value == tag.Value);
    }
}
