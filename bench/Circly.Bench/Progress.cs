namespace Circly.Bench;

/// <summary>Progress on stderr: one line per step, a rewritten status line while something runs.</summary>
public sealed class Progress
{
    private readonly bool _interactive = !Console.IsErrorRedirected;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task StepAsync(string message)
    {
        await _gate.WaitAsync();
        try
        {
            await Console.Error.WriteAsync(_interactive ? "\r\u001b[2K" : "");
            await Console.Error.WriteLineAsync($"[{DateTime.UtcNow:HH:mm:ss}] {message}");
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task StatusAsync(string message)
    {
        await _gate.WaitAsync();
        try
        {
            if (_interactive)
            {
                await Console.Error.WriteAsync($"\r\u001b[2K  {message}");
            }
            else
            {
                await Console.Error.WriteLineAsync($"  {message}");
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}
