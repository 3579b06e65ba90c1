using System.Diagnostics;
using System.Globalization;

namespace Lsgd.Internals;

/// <summary>
/// A development hook that times a fit stage by stage: with the environment variable <c>LSGD_STAGES</c> set (to anything),
/// each <see cref="Mark"/> records one line, <c>lsgd-stage NAME wall=… cpu=… jit=… jit_ms=…</c>: the wall-clock seconds, the process's
/// CPU seconds (all threads), and the methods the JIT compiled and its time (<see cref="System.Runtime.JitInfo"/>, all threads) since the previous mark. The core does no output: <c>lsgd fit</c> writes the lines to
/// standard error at its end (<c>Lsgd.IO.StageTimes</c>). Without the variable, a mark costs one static read.
/// </summary>
internal static class StageClock
{
    private static readonly bool Enabled = Environment.GetEnvironmentVariable("LSGD_STAGES") is { Length: > 0 };
    private static readonly Lock Gate = new();
    private static readonly List<string> Recorded = [];
    private static long _lastTicks = Stopwatch.GetTimestamp();
    private static TimeSpan _lastCpu = Environment.CpuUsage.TotalTime;
    private static long _lastJitted = System.Runtime.JitInfo.GetCompiledMethodCount();
    private static TimeSpan _lastJitTime = System.Runtime.JitInfo.GetCompilationTime();

    /// <summary>Ends the stage <paramref name="name"/> (when enabled): records its times and starts the next.</summary>
    public static void Mark(string name)
    {
        if (!Enabled) return;
        lock (Gate)
        {
            long now = Stopwatch.GetTimestamp();
            var cpu = Environment.CpuUsage.TotalTime;
            long jitted = System.Runtime.JitInfo.GetCompiledMethodCount();
            var jitTime = System.Runtime.JitInfo.GetCompilationTime();
            Recorded.Add(string.Format(CultureInfo.InvariantCulture, "lsgd-stage {0} wall={1:F4} cpu={2:F4} jit={3} jit_ms={4:F1}",
                name, Stopwatch.GetElapsedTime(_lastTicks, now).TotalSeconds, (cpu - _lastCpu).TotalSeconds,
                jitted - _lastJitted, (jitTime - _lastJitTime).TotalMilliseconds));
            _lastTicks = now;
            _lastCpu = cpu;
            _lastJitted = jitted;
            _lastJitTime = jitTime;
        }
    }

    /// <summary>The lines recorded since the last call, which forgets them (none unless enabled).</summary>
    public static IReadOnlyList<string> Take()
    {
        lock (Gate)
        {
            string[] lines = [.. Recorded];
            Recorded.Clear();
            return lines;
        }
    }
}
