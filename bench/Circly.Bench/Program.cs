using Circly.Bench;

// Entry point of the benchmark tools; bench/run.sh drives them.
var command = args.FirstOrDefault() ?? "";
switch (command)
{
    case "ratelimit-cost":
        var rows = await RateLimitCost.RunAsync(args[1], args[2], hits: int.Parse(args.ElementAtOrDefault(3) ?? "2000", System.Globalization.CultureInfo.InvariantCulture), concurrency: 16);
        await Console.Out.WriteLineAsync("| store | concurrent callers | hits/s | mean ms | p50 ms | p99 ms |");
        await Console.Out.WriteLineAsync("| --- | --- | --- | --- | --- | --- |");
        foreach (var row in rows)
        {
            await Console.Out.WriteLineAsync(row);
        }
        break;
    default:
        await Console.Error.WriteLineAsync("usage: Circly.Bench ratelimit-cost <postgres-connection> <storage-connection> [hits]");
        return 2;
}
return 0;
