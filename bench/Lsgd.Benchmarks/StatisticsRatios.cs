using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using Lsgd.Data;
using Lsgd.Estimators;

using static Lsgd.Benchmarks.BenchArgs;

namespace Lsgd.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project bench/Lsgd.Benchmarks -- stats-ratios</c>: the statistics pass over narrow data
/// (<see cref="SufficientStatistics.Compute(Dataset, int?)"/> on one thread) as a ratio to the read-only stream over the
/// same bytes (X and y, <see cref="TensorPrimitives.Sum(ReadOnlySpan{double})"/>), float64 and float32 features, measured
/// round after round in one process (a busy neighbour slows them alike): this thread's CPU time and wall time, medians.
/// </summary>
/// <remarks>
/// Options: <c>--rows</c> (10⁷), <c>--features</c> (10), <c>--outputs</c> (1), <c>--repeat</c> (7), <c>--weighted</c>
/// (rows of weights in (0, 2]), <c>--cached-rows</c> (one block, 16 384: the same passes over data in L2, repeated to
/// as many bytes, which show the arithmetic's own speed), <c>--compare</c> (each pass also with the narrow path's
/// fused kernel switched off: the panel copied, then swept), <c>--prefetch 0,1024,…</c> (distances in bytes for the
/// fused kernel's prefetches, one case each). <c>--engine</c>: every core, wall time, as <c>lsgd bench</c> measures
/// its "narrow data" row. <c>--npy X.npy,Y.npy</c>: the memory cases over those files, mapped as <c>lsgd fit</c> maps them
/// ("mapped") and copied into arrays ("memory"), in one process (d and k theirs; no weights). <c>--fit</c>: also the whole
/// default fit of <c>lsgd fit</c> (auto, standardised, on as many threads) of each float64 source but the cached one, against one
/// read of it (later fits of the process: no JIT; the first fit of a process is <c>lsgd fit</c>'s <c>fit_seconds</c>). <c>--kernel</c>: one panel
/// (<c>--panel-rows</c>, 128) in L1 over and over. <c>--min</c>: minima instead of medians. Columns: CPU and wall time,
/// GB/s and ratio to the read-only case; the median of the process's minor page faults per pass; and "rounds", the median
/// of the ratios taken round by round (each pass against the read-only pass just before it).
/// </remarks>
public static class StatisticsRatios
{
    public static void Run(string[] args)
    {
        int n = Option(args, "--rows", 10_000_000), d = Option(args, "--features", 10), k = Option(args, "--outputs", 1);
        int repeat = Option(args, "--repeat", 7), cachedRows = Option(args, "--cached-rows", SufficientStatistics.BlockRows);
        bool weighted = args.Contains("--weighted"), compare = args.Contains("--compare"), engine = args.Contains("--engine"), wholeFit = args.Contains("--fit");
        int[] distances = List(args, "--prefetch", [SufficientStatistics.NarrowPrefetchBytes]);
        var c = CultureInfo.InvariantCulture;
        var cases = new List<(string Name, Action Run, double Bytes, string Reference)>();
        double sink = 0;
        int threads = engine ? Environment.ProcessorCount : 1;
        // --npy X.npy,Y.npy: the memory case on those files mapped as `lsgd fit` maps them ("mapped"), and on a copy of them in arrays ("array").
        string[]? npy = args.SkipWhile(a => a != "--npy").Skip(1).FirstOrDefault()?.Split(',');
        Dataset? mapped = npy is null ? null : Lsgd.IO.NpyDataset.Load(npy[0], npy[1], false, null, map: true, out _);
        if (mapped is not null) (n, d, k) = (mapped.Rows, mapped.Features, mapped.Outputs);
        var sources = engine ? [(n, 1, "memory")] : new List<(int, int, string)> { (n, 1, "memory"), (cachedRows, Math.Max(1, n / cachedRows), "L2") };
        if (mapped is not null) sources.Insert(0, (n, 1, "mapped"));
        foreach (var (rows, reps, where) in sources)
        {
            var data = where == "mapped" ? mapped! : mapped is not null && where == "memory" ? new Dataset(mapped.X.ToArray(), mapped.Y.ToArray(), n, d, k) : Data(rows, d, k, weighted);
            var single = Dataset.FromSingle(SyntheticData.ToSingle(data.X.ToArray()), data.Y.ToArray(), rows, d, k);
            if (weighted) single = single.WithWeights(data.Weights.ToArray());
            double extra = (double)rows * k * sizeof(double) + (weighted ? rows * sizeof(double) : 0);
            double f64 = reps * ((double)rows * d * sizeof(double) + extra), f32 = reps * ((double)rows * d * sizeof(float) + extra);
            string r64 = $"read-only float64 ({where})", r32 = $"read-only float32 ({where})";
            cases.Add((r64, () => { for (int r = 0; r < reps; r++) sink += ReadOnly(data, threads); }, f64, r64));
            cases.Add((r32, () => { for (int r = 0; r < reps; r++) sink += ReadOnly(single, threads); }, f32, r32));
            foreach (int pf in where != "L2" ? distances : [distances[0]])
            {
                string suffix = distances.Length > 1 ? $" pf {pf}" : "";
                cases.Add(($"stats float64 ({where}){suffix}", () => Pass(data, reps, threads, true, pf), f64, r64));
                cases.Add(($"stats float32 ({where}){suffix}", () => Pass(single, reps, threads, true, pf), f32, r32));
            }
            if (wholeFit && where != "L2")
            {
                // The default fit of `lsgd fit` (auto, standardised) on the same rows, against one read of them: its passes and all the rest.
                var options = new LinearRegressorOptions { Method = SolverMethod.Auto, Standardize = true, MaxThreads = threads };
                cases.Add(($"fit auto float64 ({where})", () => sink += new LinearRegressor(options).Fit(data).DataPasses, f64, r64));
            }
            if (compare)
            {
                cases.Add(($"stats float64 ({where}) unfused", () => Pass(data, reps, threads, false, distances[0]), f64, r64));
                cases.Add(($"stats float32 ({where}) unfused", () => Pass(single, reps, threads, false, distances[0]), f32, r32));
            }
        }
        if (args.Contains("--kernel"))
        {
            // One panel of 128 rows in L1, over and over: the fused kernel against the copy-free triangle sweep of a panel already shifted.
            cases.Clear();
            int m = Option(args, "--panel-rows", 128);
            var (x, y) = SyntheticData.Generate(m + 16, d, seed: 8);
            var xs = SyntheticData.ToSingle(x);
            var ys = new double[(m + 16) * k];
            var shiftX = new double[16];
            var shiftY = new double[k];
            var g = new double[256];
            var z = new double[m * 16];
            var rng = new Random(3);
            for (int i = 0; i < z.Length; i++) z[i] = rng.NextDouble() - 0.5;
            int reps = Math.Max(1, n / m), cols = d + k + 1;
            double bytes = (double)reps * m * (d + k) * sizeof(double);
            cases.Add(("Narrow512 on a copied panel", () => { for (int r = 0; r < reps; r++) Lsgd.LinearAlgebra.Kernels.GramUpdate(z, m, 16, cols, g, 512); }, bytes, "Narrow512 on a copied panel"));
            cases.Add(("fused float64", () => { for (int r = 0; r < reps; r++) Lsgd.LinearAlgebra.NarrowGram.Update<double>(x, d, ys, k, default, m, shiftX, shiftY, g, 0); }, bytes, "Narrow512 on a copied panel"));
            cases.Add(("fused float32", () => { for (int r = 0; r < reps; r++) Lsgd.LinearAlgebra.NarrowGram.Update<float>(xs, d, ys, k, default, m, shiftX, shiftY, g, 0); }, bytes, "Narrow512 on a copied panel"));
        }
        foreach (var q in cases) q.Run();   // warm-up: JIT (tiered up), page faults
        foreach (var q in cases) q.Run();
        var cpu = cases.Select(_ => new double[repeat]).ToArray();
        var wall = cases.Select(_ => new double[repeat]).ToArray();
        var faults = cases.Select(_ => new double[repeat]).ToArray();
        for (int i = 0; i < repeat; i++)
            for (int q = 0; q < cases.Count; q++)
            {
                long minor = MinorFaults();
                double before = engine ? ProcessSeconds() : ThreadSeconds();
                var clock = Stopwatch.StartNew();
                cases[q].Run();
                wall[q][i] = clock.Elapsed.TotalSeconds;
                cpu[q][i] = (engine ? ProcessSeconds() : ThreadSeconds()) - before;
                faults[q][i] = MinorFaults() - minor;
            }
        double Median(double[] t) => args.Contains("--min") ? t.Min() : t.Order().ElementAt(repeat / 2);
        var cpuMedian = cpu.Select(Median).ToArray();
        var wallMedian = wall.Select(Median).ToArray();
        Console.WriteLine(string.Format(c, "n = {0}, d = {1}, k = {2}{3}; {4} thread(s), medians of {5}; fused kernel default {6}, prefetch {7} bytes",
            n, d, k, weighted ? ", weighted" : "", threads, repeat, SufficientStatistics.NarrowFused, SufficientStatistics.NarrowPrefetchBytes));
        Console.WriteLine(string.Format(c, "{0,-34} {1,9} {2,8} {3,9} {4,9} {5,8} {6,9} {7,9} {8,9}", "case", "CPU s", "GB/s", "of read", "wall s", "GB/s", "of read", "minflt", "rounds"));
        for (int q = 0; q < cases.Count; q++)
        {
            var (name, _, bytes, reference) = cases[q];
            int r = cases.FindIndex(p => p.Name == reference);
            Console.WriteLine(string.Format(c, "{0,-34} {1,9:F4} {2,8:F2} {3,9:F3} {4,9:F4} {5,8:F2} {6,9:F3} {7,9:F0} {8,9:F3}", name,
                cpuMedian[q], bytes / cpuMedian[q] / 1e9, cpuMedian[r] / cpuMedian[q], wallMedian[q], bytes / wallMedian[q] / 1e9, wallMedian[r] / wallMedian[q],
                faults[q].Order().ElementAt(repeat / 2), Enumerable.Range(0, repeat).Select(i => cpu[r][i] / cpu[q][i]).Order().ElementAt(repeat / 2)));
        }
        GC.KeepAlive(sink);
    }

    /// <summary>Synthetic n × d data with k targets (each y + o) and, when asked, weights in (0, 2].</summary>
    private static Dataset Data(int n, int d, int k, bool weighted)
    {
        var (x, y) = SyntheticData.Generate(n, d, seed: 8);
        var ys = new double[(long)n * k];
        for (long i = 0; i < ys.Length; i++) ys[i] = y[i / k] + i % k;
        var data = new Dataset(x, ys, n, d, k);
        if (!weighted) return data;
        var rng = new Random(9);
        return data.WithWeights([.. Enumerable.Range(0, n).Select(_ => 2 * (1 - rng.NextDouble()))]);
    }

    private static void Pass(Dataset data, int reps, int threads, bool fused, int prefetch)
    {
        bool wasFused = SufficientStatistics.NarrowFused;
        int wasPrefetch = SufficientStatistics.NarrowPrefetchBytes;
        SufficientStatistics.NarrowFused = fused;
        SufficientStatistics.NarrowPrefetchBytes = prefetch;
        try
        {
            for (int r = 0; r < reps; r++) SufficientStatistics.Compute(data, threads);
        }
        finally
        {
            SufficientStatistics.NarrowFused = wasFused;
            SufficientStatistics.NarrowPrefetchBytes = wasPrefetch;
        }
    }

    /// <summary>Reading X (split evenly across the threads), y and the weights, nothing written (as `lsgd bench` reads).</summary>
    private static double ReadOnly(Dataset data, int threads)
    {
        double rest = TensorPrimitives.Sum(data.Y) + (data.IsWeighted ? TensorPrimitives.Sum(data.Weights) : 0);
        if (threads == 1)
            return rest + (data.IsSinglePrecision ? TensorPrimitives.Sum(data.XSingle) : TensorPrimitives.Sum(data.X));
        var sums = new double[threads];
        Parallel.For(0, threads, p =>
        {
            if (data.IsSinglePrecision)
            {
                long length = data.XSingle.Length;
                sums[p] = TensorPrimitives.Sum(data.XSingle[(int)(length * p / threads)..(int)(length * (p + 1) / threads)]);
            }
            else
            {
                long length = data.X.Length;
                sums[p] = TensorPrimitives.Sum(data.X[(int)(length * p / threads)..(int)(length * (p + 1) / threads)]);
            }
        });
        return sums.Sum() + rest;
    }

    /// <summary>This thread's CPU time (<see cref="GradientRatios.ThreadSeconds"/>).</summary>
    private static double ThreadSeconds() => GradientRatios.ThreadSeconds();

    /// <summary>The process's minor page faults so far (<c>/proc/self/stat</c> field 10), or 0 where Linux does not say.</summary>
    private static long MinorFaults()
    {
        try
        {
            string text = File.ReadAllText("/proc/self/stat");
            return long.Parse(text[(text.LastIndexOf(')') + 2)..].Split(' ')[7], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static double ProcessSeconds() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
}
