using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Text.Json.Nodes;
using Lsgd.Data;
using Lsgd.Engines;
using Lsgd.Models;
using Lsgd.Training;
using Spectre.Console;

namespace Lsgd.Cli.Commands;

/// <summary>
/// <c>lsgd bench</c>: the machine (CPU model, vector width), its memory bandwidth (a STREAM-triad kernel and a
/// read-only stream), its peak rate of fused multiply-adds, and every engine's speed measured in the same run,
/// reported as ratios: to the read bandwidth, to the FMA peak, and to the article's loop written naively.
/// </summary>
internal static class BenchCommand
{
    public static Command Create(CliContext context, Action<int> setExit)
    {
        var rows = new Option<int>("--rows") { Description = "n, rows of the synthetic data.", DefaultValueFactory = _ => 1_000_000 };
        var features = new Option<int>("--features") { Description = "d, features.", DefaultValueFactory = _ => 100 };
        var repeat = new Option<int>("--repeat") { Description = "Timed repetitions per measurement (the median is reported).", DefaultValueFactory = _ => 5 };
        var iterations = new Option<int>("--iterations") { Description = "Plain GD iterations for the engine comparison.", DefaultValueFactory = _ => 1000 };
        var json = new Option<bool>("--json") { Description = "Print one JSON document instead of a table." };
        var command = new Command("bench", "Measure memory bandwidth and each engine's speed on synthetic data, as ratios.");
        command.Add(rows);
        command.Add(features);
        command.Add(repeat);
        command.Add(iterations);
        command.Add(json);
        command.SetAction(parse =>
        {
            int n = parse.GetValue(rows), d = parse.GetValue(features), r = Math.Max(1, parse.GetValue(repeat)), its = Math.Max(1, parse.GetValue(iterations));
            if (n < 10 || d < 1) throw new LsgdException($"--rows {n} --features {d}: use at least 10 rows and 1 feature.");
            CompareCommand.CheckSize(n, d, copies: 3.5);   // the data, the triad's three arrays of n·d/2, a float32 copy, the narrow data
            var report = context.WithProgress("bench: generating the data", null, line => Run(n, d, r, its, context, line));
            if (parse.GetValue(json)) context.WriteJson(report);
            else WriteTable(context, report);
            setExit(Cli.Ok);
        });
        return command;
    }

    internal static JsonObject Run(int n, int d, int repeat, int iterations, CliContext context, ProgressLine? progress = null)
    {
        progress ??= ProgressLine.None;
        var data = CompareCommand.Synthetic(n, d, seed: 7);
        var results = new JsonArray();
        double bytes = (double)n * d * sizeof(double) + n * sizeof(double);

        var engine = new InMemoryEngine(data, fitIntercept: true);
        var theta = new double[engine.Layout.Count];
        var gradient = new double[theta.Length];
        for (int j = 0; j < theta.Length; j++) theta[j] = 0.01 * j;
        // The triad, a read-only stream over the same X and y, and the fused pass are timed in turn, round
        // after round, so that a noisy neighbour slows all three alike; each is the median of its rounds.
        var triad = new Triad(Math.Max(n * d / 2, 4_000_000));
        var single = Dataset.FromSingle([.. data.X.ToArray().Select(v => (float)v)], data.Y.ToArray(), n, d);
        var singleEngine = new InMemoryEngine(single, fitIntercept: true);
        SufficientStatistics? stats = null;
        var fma = new FmaPeak();
        progress.Describe("bench: memory bandwidth, FMA peak and the engines' passes");
        var times = MedianInterleaved(repeat, triad.Run, () => ReadOnly(data), fma.Run, () => engine.Evaluate(theta, gradient),
            () => singleEngine.Evaluate(theta, gradient), () => stats = SufficientStatistics.Compute(data));
        double bandwidth = triad.Bytes / times[0] / 1e9;
        double readBandwidth = bytes / times[1] / 1e9;
        double peak = FmaPeak.MultiplyAdds / times[2] / 1e9;
        var rates = new Rates(bandwidth, readBandwidth, peak);
        triad = null;
        progress.Describe("bench: the article's loop written naively");
        double naivePass = Median(Math.Min(repeat, 3), () => NaivePass(data, theta, gradient));
        double rowsPass = times[3];
        double gradientWork = 2.0 * n * (d + 1);   // a dot product and an update per row (intercept included)
        results.Add(Result("rows (fused, float64)", n, d, times[3], bytes, gradientWork, rates, naivePass));
        results.Add(Result("rows (fused, float32 data)", n, d, times[4], (double)n * d * sizeof(float) + n * sizeof(double), gradientWork, rates, naivePass));
        single = null;
        singleEngine = null;
        GC.Collect();
        results.Add(Result("statistics: one pass building XᵀX", n, d, times[5], bytes, GramWork(n, d), rates, naivePass));
        var statsEngine = new SufficientStatisticsEngine(stats!, fitIntercept: true);
        double statsStep = Median(repeat, () => statsEngine.Evaluate(theta, gradient));
        results.Add(Result("statistics: one step after the pass", n, d, statsStep, 0, 2.0 * (d + 1) * (d + 1), rates, naivePass));
        if (d > NarrowFeatures)
        {
            // Narrow data (d ≤ 16) is read-bound, not FMA-bound: the same bytes as n × NarrowFeatures rows.
            int narrowRows = (int)Math.Min((long)n * d / NarrowFeatures, int.MaxValue / NarrowFeatures);
            var narrow = CompareCommand.Synthetic(narrowRows, NarrowFeatures, seed: 8);
            double narrowBytes = (double)narrowRows * NarrowFeatures * sizeof(double) + narrowRows * sizeof(double);
            progress.Describe("bench: narrow data");
            var narrowTimes = MedianInterleaved(repeat, () => ReadOnly(narrow), () => SufficientStatistics.Compute(narrow));
            double narrowRead = narrowBytes / narrowTimes[0] / 1e9;
            results.Add(Result($"statistics: XᵀX of narrow data (d = {NarrowFeatures})", narrowRows, NarrowFeatures, narrowTimes[1], narrowBytes,
                GramWork(narrowRows, NarrowFeatures), rates with { ReadBandwidth = narrowRead }, double.NaN));
        }

        // The article's plain GD for `iterations` steps: naive loop (extrapolated from its per-pass time),
        // fused row engine (extrapolated likewise), and statistics (one pass + every step, measured whole).
        var gd = new GradientDescentOptions { LearningRate = 1e-9, MaxIterations = iterations, Tolerance = 0, TraceIterations = 0 };
        progress.Describe($"bench: {iterations} iterations of plain gradient descent");
        double statsGd = Median(Math.Min(repeat, 3), () =>
        {
            var s = SufficientStatistics.Compute(data);
            GradientDescent.Minimize(new LeastSquaresObjective(new SufficientStatisticsEngine(s, true), LossScaling.Sum), gd);
        });
        var comparison = new JsonObject
        {
            ["iterations"] = iterations,
            ["naive_seconds_extrapolated"] = naivePass * (iterations + 1),
            ["rows_engine_seconds_extrapolated"] = rowsPass * (iterations + 1),
            ["statistics_engine_seconds_measured"] = statsGd,
            ["speedup_statistics_vs_naive"] = naivePass * (iterations + 1) / statsGd,
            ["speedup_rows_vs_naive"] = naivePass / rowsPass,
        };
        return new JsonObject
        {
            ["machine"] = $"{Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}",
            ["cpu"] = CpuModel(),
            ["cores"] = Environment.ProcessorCount,
            ["vector_bits"] = VectorBits,
            ["instruction_set"] = InstructionSet(),
            ["bandwidth_gbs"] = Math.Round(bandwidth, 2),
            ["read_bandwidth_gbs"] = Math.Round(readBandwidth, 2),
            ["fma_peak_gfmas"] = Math.Round(peak, 2),
            ["repeat"] = repeat,
            ["results"] = results,
            ["plain_gd"] = comparison,
        };
    }

    /// <summary>Narrow data, for the statistics pass that reading bounds rather than multiply-adds.</summary>
    private const int NarrowFeatures = 10;

    /// <summary>The machine's limits measured in this run: triad and read-only GB/s, and G multiply-adds/s on all cores.</summary>
    private sealed record Rates(double Bandwidth, double ReadBandwidth, double FmaPeak);

    /// <summary>Multiply-adds a statistics pass must make: the distinct entries of the Gram matrix of [x, y, 1], c(c + 1)/2 per row.</summary>
    private static double GramWork(int n, int d)
    {
        double c = d + 2;
        return n * c * (c + 1) / 2;
    }

    private static JsonObject Result(string name, int n, int d, double seconds, double bytes, double multiplyAdds, Rates rates, double naivePass)
    {
        double gbs = bytes > 0 ? bytes / seconds / 1e9 : double.NaN;
        double gfmas = multiplyAdds / seconds / 1e9;
        return new JsonObject
        {
            ["engine"] = name,
            ["n"] = n,
            ["d"] = d,
            ["seconds_per_pass"] = seconds,
            ["gbs"] = Json.Number(Math.Round(gbs, 2)),
            ["gfmas"] = Json.Number(Math.Round(gfmas, 2)),
            ["ratio_to_bandwidth"] = Json.Number(Math.Round(gbs / rates.Bandwidth, 3)),
            ["ratio_to_read_bandwidth"] = Json.Number(Math.Round(gbs / rates.ReadBandwidth, 3)),
            ["ratio_to_fma_peak"] = Json.Number(Math.Round(gfmas / rates.FmaPeak, 3)),
            ["ratio_to_naive"] = Json.Number(Math.Round(naivePass / seconds, 2)),
        };
    }

    /// <summary>The CPU's model name (the first "model name" of /proc/cpuinfo on Linux), else the architecture.</summary>
    internal static string CpuModel()
    {
        try
        {
            if (File.Exists("/proc/cpuinfo"))
                foreach (var line in File.ReadLines("/proc/cpuinfo"))
                    if (line.StartsWith("model name", StringComparison.Ordinal) && line.IndexOf(':') is int colon and >= 0)
                        return line[(colon + 1)..].Trim();
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString();
    }

    /// <summary>The widest vectors the JIT accelerates: 512, 256 or 128 bits (what the kernels dispatch on).</summary>
    internal static int VectorBits => Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : 128;

    /// <summary>The x86 extensions the kernels use, as present on this CPU.</summary>
    internal static string InstructionSet() =>
        Avx512F.IsSupported ? "AVX-512F + FMA" : Avx2.IsSupported && Fma.IsSupported ? "AVX2 + FMA" : Avx2.IsSupported ? "AVX2" :
        System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString();

    /// <summary>
    /// The FMA peak: on every core, independent chains of fused multiply-adds at the widest accelerated width,
    /// enough of them (12) to cover the FMA latency on two ports, with no memory traffic.
    /// </summary>
    private sealed class FmaPeak
    {
        private const int Steps = 10_000_000, Chains = 12;
        private double _sink;

        public static double MultiplyAdds => (double)Environment.ProcessorCount * Steps * Chains * (VectorBits / 64);

        public void Run()
        {
            var sums = new double[Environment.ProcessorCount];
            Parallel.For(0, sums.Length, new ParallelOptions { MaxDegreeOfParallelism = sums.Length }, p =>
                sums[p] = VectorBits == 512 ? Chains512(1 + p * 1e-9) : VectorBits == 256 ? Chains256(1 + p * 1e-9) : Chains128(1 + p * 1e-9));
            _sink += sums.Sum();
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static double Chains512(double seed)
        {
            var m = Vector512.Create(0.999999999);
            var a = Vector512.Create(1e-9);
            Vector512<double> c0 = Vector512.Create(seed), c1 = c0 + a, c2 = c1 + a, c3 = c2 + a, c4 = c3 + a, c5 = c4 + a;
            Vector512<double> c6 = c5 + a, c7 = c6 + a, c8 = c7 + a, c9 = c8 + a, c10 = c9 + a, c11 = c10 + a;
            for (int i = 0; i < Steps; i++)
            {
                c0 = Vector512.FusedMultiplyAdd(c0, m, a); c1 = Vector512.FusedMultiplyAdd(c1, m, a); c2 = Vector512.FusedMultiplyAdd(c2, m, a);
                c3 = Vector512.FusedMultiplyAdd(c3, m, a); c4 = Vector512.FusedMultiplyAdd(c4, m, a); c5 = Vector512.FusedMultiplyAdd(c5, m, a);
                c6 = Vector512.FusedMultiplyAdd(c6, m, a); c7 = Vector512.FusedMultiplyAdd(c7, m, a); c8 = Vector512.FusedMultiplyAdd(c8, m, a);
                c9 = Vector512.FusedMultiplyAdd(c9, m, a); c10 = Vector512.FusedMultiplyAdd(c10, m, a); c11 = Vector512.FusedMultiplyAdd(c11, m, a);
            }
            return Vector512.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static double Chains256(double seed)
        {
            var m = Vector256.Create(0.999999999);
            var a = Vector256.Create(1e-9);
            Vector256<double> c0 = Vector256.Create(seed), c1 = c0 + a, c2 = c1 + a, c3 = c2 + a, c4 = c3 + a, c5 = c4 + a;
            Vector256<double> c6 = c5 + a, c7 = c6 + a, c8 = c7 + a, c9 = c8 + a, c10 = c9 + a, c11 = c10 + a;
            for (int i = 0; i < Steps; i++)
            {
                c0 = Vector256.FusedMultiplyAdd(c0, m, a); c1 = Vector256.FusedMultiplyAdd(c1, m, a); c2 = Vector256.FusedMultiplyAdd(c2, m, a);
                c3 = Vector256.FusedMultiplyAdd(c3, m, a); c4 = Vector256.FusedMultiplyAdd(c4, m, a); c5 = Vector256.FusedMultiplyAdd(c5, m, a);
                c6 = Vector256.FusedMultiplyAdd(c6, m, a); c7 = Vector256.FusedMultiplyAdd(c7, m, a); c8 = Vector256.FusedMultiplyAdd(c8, m, a);
                c9 = Vector256.FusedMultiplyAdd(c9, m, a); c10 = Vector256.FusedMultiplyAdd(c10, m, a); c11 = Vector256.FusedMultiplyAdd(c11, m, a);
            }
            return Vector256.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static double Chains128(double seed)
        {
            var m = Vector128.Create(0.999999999);
            var a = Vector128.Create(1e-9);
            Vector128<double> c0 = Vector128.Create(seed), c1 = c0 + a, c2 = c1 + a, c3 = c2 + a, c4 = c3 + a, c5 = c4 + a;
            Vector128<double> c6 = c5 + a, c7 = c6 + a, c8 = c7 + a, c9 = c8 + a, c10 = c9 + a, c11 = c10 + a;
            for (int i = 0; i < Steps; i++)
            {
                c0 = Vector128.FusedMultiplyAdd(c0, m, a); c1 = Vector128.FusedMultiplyAdd(c1, m, a); c2 = Vector128.FusedMultiplyAdd(c2, m, a);
                c3 = Vector128.FusedMultiplyAdd(c3, m, a); c4 = Vector128.FusedMultiplyAdd(c4, m, a); c5 = Vector128.FusedMultiplyAdd(c5, m, a);
                c6 = Vector128.FusedMultiplyAdd(c6, m, a); c7 = Vector128.FusedMultiplyAdd(c7, m, a); c8 = Vector128.FusedMultiplyAdd(c8, m, a);
                c9 = Vector128.FusedMultiplyAdd(c9, m, a); c10 = Vector128.FusedMultiplyAdd(c10, m, a); c11 = Vector128.FusedMultiplyAdd(c11, m, a);
            }
            return Vector128.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
        }
    }

    /// <summary>STREAM triad a = b + s·c on every core; its bytes count the 3 arrays of 8-byte values moved.</summary>
    private sealed class Triad
    {
        private readonly double[] _a, _b, _c;

        public Triad(int length)
        {
            _a = new double[length];
            _b = new double[length];
            _c = new double[length];
            for (int i = 0; i < length; i++) { _b[i] = i; _c[i] = 1.0 / (i + 1); }
        }

        public double Bytes => 3.0 * _a.Length * sizeof(double);

        public void Run()
        {
            int length = _a.Length, parts = Environment.ProcessorCount;
            Parallel.For(0, parts, p =>
            {
                int start = (int)((long)length * p / parts), end = (int)((long)length * (p + 1) / parts);
                TensorPrimitives.MultiplyAdd(_c.AsSpan(start, end - start), 3.0, _b.AsSpan(start, end - start), _a.AsSpan(start, end - start));
            });
        }
    }

    /// <summary>
    /// The least any pass over X and y must do: read them, on every core (a vectorised sum, nothing written).
    /// On machines where reading alone is slower than the triad's mix of reads and streaming writes, this is
    /// the ceiling a gradient pass can approach.
    /// </summary>
    private static void ReadOnly(Dataset data)
    {
        var x = data.X;
        long length = x.Length;
        int parts = Environment.ProcessorCount;
        var sums = new double[parts];
        Parallel.For(0, parts, p =>
        {
            int start = (int)(length * p / parts), end = (int)(length * (p + 1) / parts);
            sums[p] = TensorPrimitives.Sum(data.X.Slice(start, end - start));
        });
        GC.KeepAlive(sums.Sum() + TensorPrimitives.Sum(data.Y));
    }

    /// <summary>Times the actions in turn, <paramref name="repeat"/> rounds after one warm-up round; the median of each.</summary>
    private static double[] MedianInterleaved(int repeat, params Action[] actions)
    {
        foreach (var action in actions) action();
        var times = new double[actions.Length][];
        for (int a = 0; a < actions.Length; a++) times[a] = new double[repeat];
        for (int i = 0; i < repeat; i++)
            for (int a = 0; a < actions.Length; a++)
            {
                var clock = Stopwatch.StartNew();
                actions[a]();
                times[a][i] = clock.Elapsed.TotalSeconds;
            }
        return [.. times.Select(t => t.Order().ElementAt(repeat / 2))];
    }

    /// <summary>The article's formulas as a plain scalar loop: the baseline every engine is measured against.</summary>
    private static void NaivePass(Dataset data, double[] theta, double[] gradient)
    {
        int n = data.Rows, d = data.Features;
        var x = data.X;
        var y = data.Y;
        Array.Clear(gradient);
        for (int i = 0; i < n; i++)
        {
            double r = y[i];
            for (int j = 0; j < d; j++) r -= theta[j] * x[i * d + j];
            r -= theta[d];
            for (int j = 0; j < d; j++) gradient[j] -= r * x[i * d + j];
            gradient[d] -= r;
        }
    }

    private static double Median(int repeat, Action action)
    {
        action();   // warm-up (JIT, page faults)
        var times = new double[repeat];
        for (int i = 0; i < repeat; i++)
        {
            var clock = Stopwatch.StartNew();
            action();
            times[i] = clock.Elapsed.TotalSeconds;
        }
        Array.Sort(times);
        return times[repeat / 2];
    }

    private static void WriteTable(CliContext context, JsonObject report)
    {
        var c = CultureInfo.InvariantCulture;
        var console = context.Console;
        console.WriteLine($"Machine: {(string)report["machine"]!}. Medians of {(int)report["repeat"]!} runs.");
        console.WriteLine($"CPU: {(string)report["cpu"]!}, {(int)report["vector_bits"]!}-bit vectors ({(string)report["instruction_set"]!}).");
        console.WriteLine(string.Format(c, "Memory bandwidth (STREAM triad, all cores): {0:F2} GB/s; reading X and y alone (all cores): {1:F2} GB/s; FMA peak (all cores): {2:F1} G multiply-adds/s",
            (double)report["bandwidth_gbs"]!, (double)report["read_bandwidth_gbs"]!, (double)report["fma_peak_gfmas"]!));
        var table = new Table().AddColumns("engine", "n", "d", "time per pass", "GB/s", "ratio to bandwidth", "ratio to read-only", "ratio to FMA peak", "ratio to naive");
        foreach (var row in report["results"]!.AsArray())
        {
            table.AddRow(Markup.Escape((string)row!["engine"]!), ((int)row["n"]!).ToString(c), ((int)row["d"]!).ToString(c),
                Seconds((double)row["seconds_per_pass"]!), row["gbs"] is { } g ? ((double)g).ToString("F2", c) : "—",
                row["ratio_to_bandwidth"] is { } rb ? ((double)rb).ToString("F2", c) : "—",
                row["ratio_to_read_bandwidth"] is { } rr ? ((double)rr).ToString("F2", c) : "—",
                row["ratio_to_fma_peak"] is { } rf ? ((double)rf).ToString("F2", c) : "—",
                row["ratio_to_naive"] is { } rn ? ((double)rn).ToString("G4", c) : "—");
        }
        console.Write(table);
        var gd = report["plain_gd"]!;
        console.WriteLine(string.Format(c,
            "The article's plain GD, {0} iterations: naive loop {1} (extrapolated from its per-pass time), fused rows {2} (extrapolated), statistics {3} (measured: one pass + {0} O(d²) steps) — {4:F0}× faster than naive.",
            (int)gd["iterations"]!, Seconds((double)gd["naive_seconds_extrapolated"]!), Seconds((double)gd["rows_engine_seconds_extrapolated"]!),
            Seconds((double)gd["statistics_engine_seconds_measured"]!), (double)gd["speedup_statistics_vs_naive"]!));
    }

    private static string Seconds(double s) => s >= 1 ? s.ToString("F2", CultureInfo.InvariantCulture) + " s" : (s * 1000).ToString("G4", CultureInfo.InvariantCulture) + " ms";
}
