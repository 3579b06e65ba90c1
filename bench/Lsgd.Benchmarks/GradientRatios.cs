using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Lsgd.Data;
using Lsgd.Engines;
using Lsgd.Models;

using static Lsgd.Benchmarks.BenchArgs;

namespace Lsgd.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project bench/Lsgd.Benchmarks -- grad-ratios</c>: the fused gradient pass
/// (<see cref="RowMath.AccumulateRows(ParameterLayout, ReadOnlySpan{double}, Span{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, int, bool, int?)"/>,
/// one thread) over float64 and float32 data, as ratios of this thread's CPU time to the read-only stream over the same
/// bytes, measured round after round in one process (a busy neighbour slows them alike).
/// </summary>
/// <remarks>
/// Cases for n × d (<c>--rows</c>, <c>--features</c>, <c>--outputs</c>): the read-only streams over X (float64 and
/// float32) and the pass over each, from memory, once per prefetch distance of <c>--prefetch 0,4096,…</c>; then the
/// same over <c>--cached-rows</c> rows, repeated, which stay in cache and show the arithmetic's own speed.
/// <c>--vector-bits 256</c> forces the 256-bit kernels. <c>--kernels</c>: the three vector steps alone on 16 rows in
/// L1. <c>--overlap</c>: whether the core hides work on L1 data behind the memory stream. <c>--engine</c>: <see cref="InMemoryEngine.Evaluate"/> on every core, wall time, against the read-only stream
/// on every core, as <c>lsgd bench</c> measures them.
/// </remarks>
public static class GradientRatios
{
    public static void Run(string[] args)
    {
        int n = Option(args, "--rows", 1_000_000), d = Option(args, "--features", 100), k = Option(args, "--outputs", 1);
        int repeat = Option(args, "--repeat", 5), cached = Option(args, "--cached-rows", 2048);
        int? bits = Option(args, "--vector-bits", 0) is var b and > 0 ? b : null;
        var c = CultureInfo.InvariantCulture;
        if (args.Contains("--engine"))
        {
            Engine(n, d, repeat, args);
            return;
        }
        var cases = new List<(string Name, Action Run, double Bytes)>();
        int[] distances = Distances(args);
        double sink = 0;
        foreach (var (rows, reps, where) in new[] { (n, 1, "memory"), (cached, Math.Max(1, n / cached), "L2") })
        {
            var (x, y) = SyntheticData.Generate(rows, d);
            var ys = new double[(long)rows * k];
            for (long i = 0; i < ys.Length; i++) ys[i] = y[i / k] + i % k;
            var xs = SyntheticData.ToSingle(x);
            var layout = new ParameterLayout(d, k, true);
            var theta = new double[layout.Count];
            for (int j = 0; j < theta.Length; j++) theta[j] = 0.01 * j;
            var g = new double[layout.Count];
            double fBytes = (double)reps * rows * d * sizeof(double), sBytes = (double)reps * rows * d * sizeof(float);
            cases.Add(($"read-only float64 ({where})", () => { for (int r = 0; r < reps; r++) sink += TensorPrimitives.Sum(x); }, fBytes));
            cases.Add(($"read-only float32 ({where})", () => { for (int r = 0; r < reps; r++) sink += TensorPrimitives.Sum(xs); }, sBytes));
            cases.Add(($"micro-blocks float64 ({where})", () => { RowMath.FusedPasses = false; for (int r = 0; r < reps; r++) sink += RowMath.AccumulateRows(layout, theta, g, x, ys, default, rows, true, bits); RowMath.FusedPasses = true; }, fBytes));
            cases.Add(($"micro-blocks float32 ({where})", () => { RowMath.FusedPasses = false; for (int r = 0; r < reps; r++) sink += RowMath.AccumulateRows(layout, theta, g, xs, ys, default, rows, true, bits); RowMath.FusedPasses = true; }, sBytes));
            foreach (int pf in where == "memory" ? distances : [distances[0]])
            {
                cases.Add(($"pass float64 ({where}) prefetch {pf}", () => { FusedRows.PrefetchBytes = pf; for (int r = 0; r < reps; r++) sink += RowMath.AccumulateRows(layout, theta, g, x, ys, default, rows, true, bits); }, fBytes));
                cases.Add(($"pass float32 ({where}) prefetch {pf}", () => { FusedRows.PrefetchBytes = pf; for (int r = 0; r < reps; r++) sink += RowMath.AccumulateRows(layout, theta, g, xs, ys, default, rows, true, bits); }, sBytes));
            }
        }
        if (args.Contains("--overlap"))
        {
            // Does this core overlap a stream from memory with work on data in L1? The read-only stream over X, the
            // same stream with one AddRows over a fixed 16-row block in L1 after every 16 rows read (work that needs
            // nothing from the stream), and that work alone: if the second takes the sum of the other two, the pass
            // can only approach read bandwidth by doing less arithmetic per row, not by hiding it.
            cases.Clear();
            const int m = 16;
            var (x, _) = SyntheticData.Generate(n, d);
            var (block, _) = SyntheticData.Generate(m, d);
            var coef = Enumerable.Range(0, m).Select(t => 1e-3 * t).ToArray();
            var g = new double[d];
            int vb = bits ?? Lsgd.LinearAlgebra.Kernels.GramVectorBits;
            double bytes = (double)n * d * sizeof(double);
            cases.Add(("read-only float64 (memory)", () => sink += TensorPrimitives.Sum(x), bytes));
            cases.Add(("read + L1 work per 16 rows", () =>
            {
                for (int s = 0; s + m <= n; s += m)
                {
                    sink += TensorPrimitives.Sum(x.AsSpan(s * d, m * d));
                    RowKernels.AddRows(block, d, d, m, coef, g, vb);
                }
            }, bytes));
            cases.Add(("L1 work alone", () => { for (int s = 0; s + m <= n; s += m) RowKernels.AddRows(block, d, d, m, coef, g, vb); }, bytes));
        }
        if (args.Contains("--kernels"))
        {
            cases.Clear();
            const int m = 16;
            int ld = RowKernels.PaddedStride(d), reps = Math.Max(1, n / m);
            var (x, _) = SyntheticData.Generate(m, d);
            var xs = SyntheticData.ToSingle(x);
            var wideArray = GC.AllocateArray<double>(m * ld + 8, pinned: true);
            var paddedArray = GC.AllocateArray<double>(m * ld + 8, pinned: true);
            var wide = new ArraySegment<double>(wideArray, RowKernels.AlignedStart(wideArray), m * ld);
            var padded = new ArraySegment<double>(paddedArray, RowKernels.AlignedStart(paddedArray), m * ld);
            for (int t = 0; t < m; t++) x.AsSpan(t * d, d).CopyTo(padded.AsSpan(t * ld, d));
            var w = new double[ld];
            var r = new double[m];
            var g = new double[d];
            for (int j = 0; j < d; j++) w[j] = 0.01 * j;
            for (int t = 0; t < m; t++) r[t] = 1e-3 * t;
            int vb = bits ?? Lsgd.LinearAlgebra.Kernels.GramVectorBits;
            double bytes = (double)reps * m * d * sizeof(double);
            cases.Add(("Dots (f64, ld)", () => { for (int q = 0; q < reps; q++) RowKernels.Dots(padded, d, ld, m, w.AsSpan(0, d), r, vb); }, bytes));
            cases.Add(("AddRows (f64, ld)", () => { for (int q = 0; q < reps; q++) RowKernels.AddRows(padded, d, ld, m, r, g, vb); }, bytes));
            cases.Add(("DotsWiden (f32)", () => { for (int q = 0; q < reps; q++) RowKernels.DotsWiden(xs, d, m, w.AsSpan(0, d), r, wide, ld, vb); }, bytes));
            cases.Add(("Dots (f64, d)", () => { for (int q = 0; q < reps; q++) RowKernels.Dots(x, d, d, m, w.AsSpan(0, d), r, vb); }, bytes));
        }
        foreach (var (_, run, _) in cases) run();
        foreach (var (_, run, _) in cases) run();
        var times = cases.Select(_ => new double[repeat]).ToArray();
        for (int i = 0; i < repeat; i++)
            for (int q = 0; q < cases.Count; q++)
            {
                double before = ThreadSeconds();
                cases[q].Run();
                times[q][i] = ThreadSeconds() - before;
            }
        var median = times.Select(t => t.Order().ElementAt(repeat / 2)).ToArray();
        Console.WriteLine(string.Format(c, "n = {0}, d = {1}, k = {2}, bits = {3}; one thread, CPU time, medians of {4}", n, d, k, bits?.ToString(c) ?? "default", repeat));
        for (int q = 0; q < cases.Count; q++)
        {
            var (name, _, bytes) = cases[q];
            int reference = cases.FindLastIndex(q, p => p.Name.StartsWith("read-only " + (name.Contains("float32", StringComparison.Ordinal) ? "float32" : "float64"), StringComparison.Ordinal));
            if (reference < 0) reference = 0;
            Console.WriteLine(string.Format(c, "{0,-28} {1,9:F4} s {2,7:F2} GB/s {3,7:F3} of read-only {4,7:F1} ns/row", name, median[q], bytes / median[q] / 1e9,
                median[reference] / median[q], median[q] / (bytes / ((name.Contains("float32", StringComparison.Ordinal) ? 4.0 : 8.0) * d)) * 1e9));
        }
        GC.KeepAlive(sink);
    }

    /// <summary>Wall time of the engines on every core against the read-only stream (as `lsgd bench`), rounds interleaved.</summary>
    private static void Engine(int n, int d, int repeat, string[] args)
    {
        var c = CultureInfo.InvariantCulture;
        var (x, y) = SyntheticData.Generate(n, d);
        var data = new Dataset(x, y, n, d);
        var single = Dataset.FromSingle(SyntheticData.ToSingle(x), y, n, d);
        var e64 = new InMemoryEngine(data, fitIntercept: true);
        var e32 = new InMemoryEngine(single, fitIntercept: true);
        var theta = new double[d + 1];
        for (int j = 0; j < theta.Length; j++) theta[j] = 0.01 * j;
        var g = new double[d + 1];
        int[] distances = Distances(args);
        var cases = new List<(string Name, Action Run, double Bytes)>
        {
            ("read-only (all cores)", () => GC.KeepAlive(ReadOnly(data)), (double)n * (d + 1) * sizeof(double)),
        };
        cases.Add(("float64 pass, micro-blocks", () => { RowMath.FusedPasses = false; e64.Evaluate(theta, g); RowMath.FusedPasses = true; }, (double)n * (d + 1) * sizeof(double)));
        cases.Add(("float32 pass, micro-blocks", () => { RowMath.FusedPasses = false; e32.Evaluate(theta, g); RowMath.FusedPasses = true; }, (double)n * d * sizeof(float) + n * sizeof(double)));
        foreach (int pf in distances)
        {
            cases.Add(($"float64 pass, prefetch {pf}", () => { FusedRows.PrefetchBytes = pf; e64.Evaluate(theta, g); }, (double)n * (d + 1) * sizeof(double)));
            cases.Add(($"float32 pass, prefetch {pf}", () => { FusedRows.PrefetchBytes = pf; e32.Evaluate(theta, g); }, (double)n * d * sizeof(float) + n * sizeof(double)));
        }
        foreach (var q in cases) q.Run();
        var times = cases.Select(_ => new double[repeat]).ToArray();
        for (int i = 0; i < repeat; i++)
            for (int q = 0; q < cases.Count; q++)
            {
                var clock = Stopwatch.StartNew();
                cases[q].Run();
                times[q][i] = clock.Elapsed.TotalSeconds;
            }
        var median = times.Select(t => t.Order().ElementAt(repeat / 2)).ToArray();
        double read = cases[0].Bytes / median[0];
        Console.WriteLine(string.Format(c, "n = {0}, d = {1}; {2} threads, wall time, medians of {3}", n, d, Environment.ProcessorCount, repeat));
        for (int q = 0; q < cases.Count; q++)
            Console.WriteLine(string.Format(c, "{0,-28} {1,9:F4} s {2,7:F2} GB/s {3,7:F3} of read-only", cases[q].Name, median[q], cases[q].Bytes / median[q] / 1e9, cases[q].Bytes / median[q] / read));
    }

    /// <summary>Reading X (split evenly across the cores) and y, nothing written: the reference of `lsgd bench` (its BenchCommand.ReadOnly; the CLI is not referenced here).</summary>
    private static double ReadOnly(Dataset data)
    {
        int parts = Environment.ProcessorCount;
        long length = data.X.Length;
        var sums = new double[parts];
        Parallel.For(0, parts, p => sums[p] = TensorPrimitives.Sum(data.X[(int)(length * p / parts)..(int)(length * (p + 1) / parts)]));
        return sums.Sum() + TensorPrimitives.Sum(data.Y);
    }

    /// <summary>This thread's CPU time (clock_gettime(CLOCK_THREAD_CPUTIME_ID) on Linux), else the process's.</summary>
    internal static double ThreadSeconds()
    {
        if (OperatingSystem.IsLinux() && ClockGetTime(3, out var ts) == 0)
            return ts.Seconds + ts.Nanoseconds * 1e-9;
        return Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    /// <summary>The prefetch distances of the fused pass to compare (<c>--prefetch 0,8192</c>), by default its own (the micro-block path keeps RowKernels.PrefetchBytes).</summary>
    private static int[] Distances(string[] args) =>
        List(args, "--prefetch", [FusedRows.PrefetchBytes]);
}
