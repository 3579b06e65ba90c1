using System.Diagnostics;
using System.Globalization;

namespace Lsgd.Internals;

/// <summary>
/// A development hook that times a fit stage by stage: with the environment variable <c>LSGD_STAGES</c> set (to anything),
/// each <see cref="Mark"/> writes one line to standard error, <c>lsgd-stage NAME wall=… cpu=…</c>: the wall-clock seconds
/// and the process's CPU seconds (all threads) since the previous mark. Without it, a mark costs one static read.
/// </summary>
internal static class StageClock
{
    private static readonly bool Enabled = Environment.GetEnvironmentVariable("LSGD_STAGES") is { Length: > 0 };
    private static readonly Lock Gate = new();
    private static long _lastTicks = Stopwatch.GetTimestamp();
    private static TimeSpan _lastCpu = Environment.CpuUsage.TotalTime;

    /// <summary>Ends the stage <paramref name="name"/> (when enabled): writes its times and starts the next.</summary>
    public static void Mark(string name)
    {
        if (!Enabled) return;
        lock (Gate)
        {
            long now = Stopwatch.GetTimestamp();
            var cpu = Environment.CpuUsage.TotalTime;
            Console.Error.WriteLine(string.Format(CultureInfo.InvariantCulture, "lsgd-stage {0} wall={1:F4} cpu={2:F4}",
                name, Stopwatch.GetElapsedTime(_lastTicks, now).TotalSeconds, (cpu - _lastCpu).TotalSeconds));
            _lastTicks = now;
            _lastCpu = cpu;
        }
    }
}
