using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
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
            var thread = new Thread(() => Run(args)) { IsBackground = true, Name = "lsgd warm-up" };
            thread.Start();
            return thread;
        }
        catch (Exception e)
        {
            Fail("start", e);
            return null;
        }
    }

    /// <summary>The warm-up itself, on the calling thread: reads the shape, compiles its kernels; never throws.</summary>
    internal static void Run(string[] args)
    {
        _startTicks = Stopwatch.GetTimestamp();
        double cpu = ThreadCpuSeconds();
        try
        {
            Warm(ShapeOf(args), VectorBits);
        }
        catch (Exception e)
        {
            Fail("run", e);
        }
        _endTicks = Stopwatch.GetTimestamp();
        _cpuSeconds = ThreadCpuSeconds() - cpu;
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
        bool tensorsDone = false;
        foreach (var (type, name, instantiation) in Kernels(shape, bits))
        {
            if (!tensorsDone && type != PanelType && type != KernelsType)
            {
                long tensors = Stopwatch.GetTimestamp();
                TensorKernels(shape.Single);
                Time("TensorPrimitives", tensors);
                tensorsDone = true;
            }
            long start = Stopwatch.GetTimestamp();
            Prepare(type, name, instantiation);
            Time(name, start);
        }
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

    /// <summary>The vector width Lsgd's kernels dispatch on: 512 where the JIT accelerates 512-bit vectors, else 256 or 0.</summary>
    internal static int VectorBits =>
        Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : 0;

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

    private const string PanelType = "Lsgd.Data.SufficientStatistics+Panel", KernelsType = "Lsgd.LinearAlgebra.Kernels", NarrowGramType = "Lsgd.LinearAlgebra.NarrowGram";

    /// <summary>
    /// Lsgd's kernels a fit of <paramref name="shape"/> runs that ReadyToRun does not hold (measured with
    /// <c>DOTNET_JitStdOutFile</c> and <c>DOTNET_JitDisasmSummary=1</c> on first fits: docs/STARTUP.md), as (declaring
    /// type, method name, type arguments of a generic method): every overload of the name with that many type arguments is prepared.
    /// </summary>
    internal static IEnumerable<(string Type, string Method, string[]? TypeArguments)> Kernels(Shape shape, int bits)
    {
        string t = shape.Single ? "System.Single" : "System.Double";
        const string panel = PanelType, kernels = KernelsType;
        // The statistics pass: rows copied into the panel, then XᵀX.
        yield return (panel, "Load", [t]);
        yield return (panel, "CopyShifted", [t]);
        int? cols = shape.Features + shape.Outputs + 1;   // z = [x − K, y − K_y, 1]
        if (cols is { } c && bits == 512)
        {
            int cols4 = (c + 3) & ~3;
            if (c <= 16)
            {
                // Narrow rows go straight from the source into the register triangle (the copy above takes only a last panel).
                string quads = kernels + "+" + (((c + 3) >> 2) switch { 1 => "One", 2 => "Two", 3 => "Three", _ => "Four" });
                yield return (NarrowGramType, "Run", [t, NarrowGramType + (shape.Weighted ? "+Yes" : "+No"), quads]);
            }
            foreach (int quads in Enumerable.Range(0, (c + 15) / 16).Select(strip => Math.Min(4, (cols4 - 16 * strip) >> 2)).Distinct())
                yield return (kernels, "Narrow512", [kernels + "+" + (quads switch { 1 => "One", 2 => "Two", 3 => "Three", _ => "Four" })]);
            if (cols4 > 16)
            {
                yield return (kernels, "PackedTile16x12", null);
                yield return (kernels, "PackedTile16x4", null);
            }
        }
        else if (cols is not null && bits == 256)
        {
            yield return (kernels, "PackedTile8x6", null);
            yield return (kernels, "PackedTile8x4", null);
        }
        if (bits == 256)
            yield return ("Lsgd.Internals.Accurate", "Combine", null);
        // The iterative engines' multi-vector products, and the goodness-of-fit pass.
        const string multi = "Lsgd.LinearAlgebra.MultiVectorKernels", statistics = "Lsgd.Estimators.FitStatistics";
        yield return (multi, "Dot1", null);
        yield return (multi, "Dot4", null);
        yield return (multi, "Axpy1", null);
        if (shape.Outputs is > 1) yield return (multi, "Axpy4", null);
        // Its sums: one output of narrow float64 rows forms its residuals in the sweep (FitStatistics.FormsResiduals).
        string weights = statistics + (shape.Weighted ? "+WithWeights" : "+Unweighted");
        string source = statistics + "+" + (shape is { Features: >= 1 and <= 16, Outputs: 1, Single: false } && bits >= 256
            ? shape.Features switch { < 4 => "FormedFew", 4 => "FormedOne", <= 8 => "FormedTwo", <= 12 => "FormedThree", _ => "FormedFour" }
            : "GivenResiduals");
        yield return (statistics, "BlockSums", [weights, source]);
        if (bits > 0) yield return (statistics, bits == 512 ? "Sweep512" : "Sweep256", [weights, source]);
        if (shape.Outputs is > 1 && (shape.Features > 16 || shape.Single))
            yield return ("Lsgd.Estimators.MultiOutputResiduals", "Tile", null);
        if (shape.Single) yield return (kernels, "DotWiden", null);
    }

    /// <summary>Compiles every overload (of the arity <paramref name="typeArguments"/> gives) of <paramref name="name"/> in <paramref name="typeName"/> (Lsgd or Lsgd.IO).</summary>
    private static void Prepare(string typeName, string name, string[]? typeArguments)
    {
        try
        {
            var assembly = typeName.StartsWith("Lsgd.IO.", StringComparison.Ordinal) ? typeof(NpyFile).Assembly : typeof(LsgdException).Assembly;
            var type = assembly.GetType(typeName, throwOnError: true)!;
            var instantiation = typeArguments?.Select(a => (a.StartsWith("System.", StringComparison.Ordinal) ? Type.GetType(a, true)! : assembly.GetType(a, true)!).TypeHandle).ToArray();
            int found = 0;
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            {
                if (method.Name != name || method.IsGenericMethodDefinition != (instantiation is not null)) continue;
                if (instantiation is not null && method.GetGenericArguments().Length != instantiation.Length) continue;   // an overload of another arity
                RuntimeHelpers.PrepareMethod(method.MethodHandle, instantiation);
                found++;
            }
            if (found == 0) throw new MissingMethodException(typeName, name);
            lock (Gate) _prepared += found;
        }
        catch (Exception e)
        {
            Fail(typeName + "." + name, e);
        }
    }

    /// <summary>
    /// Runs the System.Numerics.Tensors kernels the fit calls over <c>double</c> on small local arrays (their
    /// instantiations are compiled at first call: they cross version bubbles), long enough for the vectorised paths
    /// and short for the small ones.
    /// </summary>
    private static void TensorKernels(bool single)
    {
        try
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
            lock (Gate) _prepared++;
        }
        catch (Exception e)
        {
            Fail("TensorPrimitives", e);
        }
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
