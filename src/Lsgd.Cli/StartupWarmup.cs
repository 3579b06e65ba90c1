using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using System.Reflection;
using System.Runtime.CompilerServices;
using Lsgd.Estimators;
using Lsgd.IO;

namespace Lsgd.Cli;

/// <summary>
/// The start-up warm-up of <c>lsgd fit</c> (docs/STARTUP.md): a background thread, started first thing in Main, compiles
/// the code a fit runs that ReadyToRun cannot hold (the 512-bit kernels on AVX-512 machines, Lsgd's generic kernels over
/// <c>INumberBase&lt;T&gt;</c>, the System.Numerics.Tensors kernels instantiated over <c>double</c>) while the command
/// line is parsed and the data load, so that the first fit runs on compiled code as later fits do.
/// </summary>
/// <remarks>
/// What it compiles depends on the shape of the fit, read from the arguments and the .npy headers alone (for other
/// inputs only the kernels every shape runs): <see cref="RuntimeHelpers.PrepareMethod(RuntimeMethodHandle, RuntimeTypeHandle[])"/>
/// on Lsgd's kernels (a method with a loop is compiled at full optimisation, as at its first call, since
/// <c>TieredCompilationQuickJitForLoops</c> is off; a precompiled one is only bound), and TensorPrimitives called on
/// small local arrays. It never writes, never touches the command's data or state, and so cannot change a result; every
/// error is swallowed and counted. <c>LSGD_WARMUP=0</c> turns it off; <c>LSGD_WARMUP_DEBUG</c> (set to anything) has
/// the process write one line at its end to standard error, <c>lsgd-warmup …</c>: what was compiled, how long it took
/// (wall and the thread's CPU seconds), and the failures.
/// </remarks>
internal static class StartupWarmup
{
    private static readonly Lock Gate = new();
    private static readonly List<string> Failures = [];
    private static readonly List<string> Timings = [];
    private static int _prepared;
    private static long _startTicks, _endTicks;
    private static double _cpuSeconds = double.NaN;

    /// <summary>What the warm-up knows of the fit from the command line and the .npy headers.</summary>
    /// <param name="Single">float32 features (<c>--float32</c>, or a float32 X.npy).</param>
    /// <param name="Features">d, when known (.npy input).</param>
    /// <param name="Outputs">k, when known (.npy input).</param>
    /// <param name="Weighted">Whether rows carry weights (<c>--weights</c>).</param>
    internal sealed record Shape(bool Single, int? Features, int? Outputs, bool Weighted);

    /// <summary>
    /// Starts the warm-up on a background thread when <paramref name="args"/> run <c>lsgd fit</c> and the environment
    /// allows it; returns the thread, or null when nothing was started.
    /// </summary>
    public static Thread? Start(string[] args, Func<string, string?>? environment = null)
    {
        try
        {
            environment ??= Environment.GetEnvironmentVariable;
            if (environment("LSGD_WARMUP") is "0" || !IsFit(args)) return null;
            // The thread's CPU time is read (from /proc, a file opened and parsed) only when the debug line will show it.
            bool measureCpu = environment("LSGD_WARMUP_DEBUG") is { Length: > 0 };
            var thread = new Thread(() => Run(args, measureCpu)) { IsBackground = true, Name = "lsgd warm-up" };
            thread.Start();
            return thread;
        }
        catch (Exception e)
        {
            Fail("start", e);
            return null;
        }
    }

    /// <summary>
    /// The warm-up itself, on the calling thread: reads the shape, compiles its kernels; never throws. With
    /// <paramref name="measureCpu"/> it also reads the thread's CPU time before and after (for <see cref="DebugLine"/>; NaN otherwise).
    /// </summary>
    internal static void Run(string[] args, bool measureCpu = true)
    {
        _startTicks = Stopwatch.GetTimestamp();
        double cpu = measureCpu ? ThreadCpuSeconds() : double.NaN;
        try
        {
            Warm(ShapeOf(args), VectorBits);
        }
        catch (Exception e)
        {
            Fail("run", e);
        }
        _endTicks = Stopwatch.GetTimestamp();
        _cpuSeconds = measureCpu ? ThreadCpuSeconds() - cpu : double.NaN;
    }

    /// <summary>
    /// This thread's CPU seconds so far where Linux says (<c>/proc/thread-self/stat</c>: user and system time, in the
    /// kernel's 1/100 s ticks), else NaN: for the debug line only.
    /// </summary>
    private static double ThreadCpuSeconds()
    {
        try
        {
            string text = File.ReadAllText("/proc/thread-self/stat");
            string[] fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');   // from field 3 (state) on
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or ArgumentOutOfRangeException or IndexOutOfRangeException or OverflowException)
        {
            return double.NaN;
        }
    }

    /// <summary>Compiles the kernels of <paramref name="shape"/> for <paramref name="bits"/>-bit vectors (the tests try every width).</summary>
    internal static void Warm(Shape shape, int bits)
    {
        // In the order the fit needs them: the statistics pass's kernels first, then what the solve and the goodness pass call.
        foreach (var method in StatisticsKernels(shape, bits)) Prepare(method);
        Step("TensorPrimitives", () => TensorKernels(shape.Single));
        foreach (var method in SolveKernels(shape, bits)) Prepare(method);
        Step("Linq", CollectionsOfDoubles);
        Step("Json", JsonArrays);
    }

    /// <summary>Runs one step of code on small local values (<paramref name="what"/> names it in the timings and the failures): timed, counted, never thrown.</summary>
    private static void Step(string what, Action run)
    {
        long start = Stopwatch.GetTimestamp();
        try
        {
            run();
            lock (Gate) _prepared++;
        }
        catch (Exception e)
        {
            Fail(what, e);
        }
        Time(what, start);
    }

    /// <summary>The line <c>LSGD_WARMUP_DEBUG</c> asks for (null without it): methods prepared, the seconds it took, failures.</summary>
    public static string? DebugLine(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        if (environment("LSGD_WARMUP_DEBUG") is not { Length: > 0 }) return null;
        lock (Gate)
            return string.Format(CultureInfo.InvariantCulture,
                "lsgd-warmup prepared={0} wall={1:F4} cpu={5:F4} failed={2}{3} ms: {4}",
                _prepared, _endTicks == 0 ? double.NaN : Stopwatch.GetElapsedTime(_startTicks, _endTicks).TotalSeconds,
                Failures.Count, Failures.Count == 0 ? "" : " (" + string.Join("; ", Failures) + ")", string.Join(' ', Timings), _cpuSeconds);
    }

    /// <summary>Failures so far (tests).</summary>
    internal static IReadOnlyList<string> FailuresSoFar()
    {
        lock (Gate) return [.. Failures];
    }

    /// <summary>Whether the first command word is <c>fit</c> (options before it skipped), and no help is asked for.</summary>
    internal static bool IsFit(string[] args) =>
        args.FirstOrDefault(a => !a.StartsWith('-')) == "fit" && !args.Any(a => a is "--help" or "-h" or "-?" or "/?" or "/h");

    /// <summary>The vector width Lsgd's kernels dispatch on (the Gram kernels' and the goodness pass's: 512, 256 or 0).</summary>
    internal static int VectorBits => Lsgd.LinearAlgebra.Kernels.GramVectorBits;

    /// <summary>The shape from the arguments: <c>--float32</c>, <c>--weights</c>, and d and k from .npy headers.</summary>
    internal static Shape ShapeOf(string[] args)
    {
        string? features = Value(args, "--features"), targets = Value(args, "--targets");
        bool single = args.Contains("--float32");
        int? d = null, k = null;
        if (features is not null && targets is not null && IsNpy(features) && IsNpy(targets))
        {
            var x = NpyFile.ReadHeader(features);
            var y = NpyFile.ReadHeader(targets);
            single |= x.IsSinglePrecision;
            d = x.Columns;
            k = y.Columns;
        }
        return new Shape(single, d, k, Value(args, "--weights") is not null);
    }

    private static bool IsNpy(string path) => path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase);

    /// <summary>The value of <paramref name="name"/> (<c>--name value</c> or <c>--name=value</c>/<c>--name:value</c>), the first given.</summary>
    private static string? Value(string[] args, string name)
    {
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == name) return i + 1 < args.Length ? args[i + 1] : null;
            if (args[i].Length > name.Length + 1 && args[i].StartsWith(name, StringComparison.Ordinal) && args[i][name.Length] is '=' or ':')
                return args[i][(name.Length + 1)..];
        }
        return null;
    }

    /// <summary>
    /// Lsgd's kernels a fit of <paramref name="shape"/> runs that ReadyToRun does not hold (docs/STARTUP.md), as the core
    /// names them from its dispatch (<see cref="FitEntryPoints"/>): the statistics pass's, then the solve's and the goodness pass's.
    /// </summary>
    internal static IReadOnlyList<MethodInfo> Kernels(Shape shape, int bits) => [.. StatisticsKernels(shape, bits), .. SolveKernels(shape, bits)];

    private static IReadOnlyList<MethodInfo> StatisticsKernels(Shape shape, int bits) =>
        Listed("statistics", () => FitEntryPoints.StatisticsPass(shape.Single, shape.Features, shape.Outputs, shape.Weighted, bits));

    private static IReadOnlyList<MethodInfo> SolveKernels(Shape shape, int bits) =>
        Listed("solve", () => FitEntryPoints.SolveAndGoodness(shape.Single, shape.Features, shape.Outputs, shape.Weighted, bits));

    /// <summary>The list <paramref name="list"/> makes, or none (a failure counted) if it throws.</summary>
    private static IReadOnlyList<MethodInfo> Listed(string what, Func<IReadOnlyList<MethodInfo>> list)
    {
        try
        {
            return list();
        }
        catch (Exception e)
        {
            Fail(what, e);
            return [];
        }
    }

    /// <summary>Compiles <paramref name="method"/> (a generic one for its type arguments) as its first call would.</summary>
    private static void Prepare(MethodInfo method)
    {
        long start = Stopwatch.GetTimestamp();
        try
        {
            if (method.IsGenericMethod)
                RuntimeHelpers.PrepareMethod(method.GetGenericMethodDefinition().MethodHandle, [.. method.GetGenericArguments().Select(a => a.TypeHandle)]);
            else
                RuntimeHelpers.PrepareMethod(method.MethodHandle);
            lock (Gate) _prepared++;
        }
        catch (Exception e)
        {
            Fail(method.DeclaringType?.Name + "." + method.Name, e);
        }
        Time(method.Name, start);
    }

    /// <summary>
    /// Runs the System.Numerics.Tensors kernels the fit calls over <c>double</c> on small local arrays (their
    /// instantiations are compiled at first call: they cross version bubbles), long enough for the vectorised paths
    /// and short for the small ones.
    /// </summary>
    private static void TensorKernels(bool single)
    {
        foreach (int n in (int[])[200, 5])
        {
            var a = new double[n];
            var b = new double[n];
            var c = new double[n];
            a.AsSpan().Fill(1.5);
            b.AsSpan().Fill(0.5);
            TensorPrimitives.Add(a, b, c);
            TensorPrimitives.Subtract(a, b, c);
            TensorPrimitives.Multiply(a, 2.0, c);
            TensorPrimitives.Divide(a, b, c);
            TensorPrimitives.Divide(a, 2.0, c);
            TensorPrimitives.MultiplyAdd(a, 2.0, b, c);
            TensorPrimitives.Negate(a, c);
            double sink = TensorPrimitives.Dot(a, b) + TensorPrimitives.SumOfSquares(a) + TensorPrimitives.Sum(a)
                + TensorPrimitives.Norm(a) + TensorPrimitives.MaxMagnitude(a);
            if (single)
            {
                var f = new float[n];
                TensorPrimitives.ConvertTruncating<float, double>(f, c);
            }
            GC.KeepAlive(sink);
        }
    }

    /// <summary>
    /// Runs the LINQ and collection code the fit's solve and report call over <c>double</c> (arrays made with Select and ToArray,
    /// sums, Any, ordering, lists) on small local arrays: generic instantiations over a value type that ReadyToRun holds in no
    /// image (they cross version bubbles), so each is otherwise compiled on the fitting thread at its first call, ≈ 20 ms in all
    /// on the tall and head fits (the list read from <c>DOTNET_JitStdOutFile</c> after the pass).
    /// </summary>
    private static void CollectionsOfDoubles()
    {
        double[] a = [.. Enumerable.Range(0, 8).Select(i => 1.0 + i)];
        double[] b = [.. a.Select(v => 2 * v)];
        string[] names = [.. a.Select(v => v.ToString(CultureInfo.InvariantCulture))];
        double[] lengths = [.. names.Select(t => (double)t.Length)];
        var list = new List<double>(4) { a[0], b[0] };
        list[1] = lengths[0];
        list.AddRange(names.Select(t => (double)t.Length));
        list.Add(a.Max());
        double sink = a.Sum() + a.Sum(v => v * v) + names.Sum(t => (double)t.Length) + list.ToArray()[0]
            + a.Order().ToArray()[0] + a.OrderBy(v => -v).ToArray()[0] + (a.Any(v => v < 0) ? 1 : 0);
        GC.KeepAlive(sink);
    }

    /// <summary>
    /// Makes and serialises a small document the way <c>fit --json</c> writes its per-output arrays (<see cref="Json.PerOutput"/>
    /// of <see cref="Json.NumberArray"/> and <see cref="Json.PairArray"/>, on the thread pool), so that the first use of those
    /// paths in the process (the writer's number formatting, the written-text node, the loop's closure) is not paid after the
    /// fit: the coefficients of a 768 × 20 head, the first arrays made, took 46–50 ms against 9–15 ms for each later set.
    /// </summary>
    private static void JsonArrays()
    {
        var node = new System.Text.Json.Nodes.JsonObject
        {
            ["a"] = Json.PerOutput(2, multi: true, i => Json.NumberArray([1.5 + i, double.NaN])),
            ["b"] = Json.PerOutput(2, multi: true, i => Json.PairArray([0.25 * i], [double.PositiveInfinity])),
        };
        GC.KeepAlive(node.ToJsonString(CliContext.JsonOptions));
    }

    private static void Time(string what, long start)
    {
        lock (Gate) Timings.Add(string.Format(CultureInfo.InvariantCulture, "{0}:{1:F1}", what, Stopwatch.GetElapsedTime(start).TotalMilliseconds));
    }

    private static void Fail(string what, Exception e)
    {
        lock (Gate) Failures.Add(what + ": " + e.GetType().Name);
    }
}
