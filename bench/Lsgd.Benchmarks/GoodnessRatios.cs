using System.Globalization;
using System.Numerics.Tensors;
using Lsgd.Data;
using Lsgd.Estimators;
using Lsgd.Models;

using static Lsgd.Benchmarks.BenchArgs;

namespace Lsgd.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project bench/Lsgd.Benchmarks -- goodness-ratios</c>: the goodness-of-fit pass
/// (<see cref="FitStatistics.Compute(LinearModel, Dataset)"/>: residuals r = y − Xβ and their sums) on one thread, as
/// ratios of the process's CPU time to a read-only stream over the same X and y, round after round in one process
/// (a busy neighbour slows them alike).
/// </summary>
/// <remarks>
/// Cases for n × d (<c>--rows</c>, default 10⁷, <c>--features</c>, default 10, <c>--outputs</c>, <c>--weights</c>): the
/// read-only stream and the pass from memory; then the same over <c>--cached-rows</c> rows (default 32 768), repeated, which
/// stay in cache and show the arithmetic's own speed. "two sweeps" forms the residuals of narrow rows in a sweep before the
/// sums' (the kernel before the two were fused). <c>--vector-bits 256</c> (or 0) forces the sums' narrower kernels.
/// <c>--threads 2</c> runs the pass on that many threads (wall time then, against a read-only stream on as many).
/// </remarks>
public static class GoodnessRatios
{
    public static void Run(string[] args)
    {
        int n = Option(args, "--rows", 10_000_000), d = Option(args, "--features", 10), k = Option(args, "--outputs", 1);
        int repeat = Option(args, "--repeat", 5), cached = Option(args, "--cached-rows", 32_768), threads = Option(args, "--threads", 1);
        int bits = Option(args, "--vector-bits", Lsgd.LinearAlgebra.Kernels.GramVectorBits);
        bool weighted = args.Contains("--weights");
        // --npy X.npy,Y.npy: the memory case on those files, mapped as `lsgd fit` maps them (rows, features, outputs theirs).
        string[]? npy = args.SkipWhile(a => a != "--npy").Skip(1).FirstOrDefault()?.Split(',');
        var c = CultureInfo.InvariantCulture;
        var cases = new List<(string Name, Action Run, double Bytes)>();
        double sink = 0;
        foreach (var (n0, reps, where) in new[] { (n, 1, "memory"), (cached, Math.Max(1, n / cached), "L2") })
        {
            int rows = n0;
            Dataset data;
            if (where == "memory" && npy is not null)
            {
                data = Lsgd.IO.NpyDataset.Load(npy[0], npy[1], false, null, map: true, out _);
                (rows, d, k) = (data.Rows, data.Features, data.Outputs);
            }
            else
            {
                var (x, y) = SyntheticData.Generate(rows, d);
                var ys = new double[(long)rows * k];
                for (long i = 0; i < ys.Length; i++) ys[i] = y[i / k] + i % k;
                data = new Dataset(x, ys, rows, d, k);
            }
            if (weighted)
            {
                var w = new double[rows];
                for (int i = 0; i < rows; i++) w[i] = 0.5 + (i % 7) * 0.25;
                data = data.WithWeights(w);
            }
            var layout = new ParameterLayout(d, k, true);
            var theta = new double[layout.Count];
            for (int j = 0; j < theta.Length; j++) theta[j] = 1.0 + 0.01 * j;
            var model = new LinearModel(layout, theta, data.FeatureNames, data.TargetNames);
            double bytes = (double)reps * rows * (d + k + (weighted ? 1 : 0)) * sizeof(double);
            cases.Add(($"read-only X, y ({where})", () => { for (int r = 0; r < reps; r++) sink += ReadOnly(data, threads); }, bytes));
            foreach (int pf in where == "memory" ? Distances(args) : [Distances(args)[0]])
                cases.Add(($"goodness ({where}) pf {pf}", () => { FitStatistics.PrefetchBytes = pf; for (int r = 0; r < reps; r++) sink += FitStatistics.Compute(model, data, bits, threads)[0].SumOfSquaredResiduals; }, bytes));
            cases.Add(($"two sweeps ({where})", () => { for (int r = 0; r < reps; r++) sink += FitStatistics.Compute(model, data, bits, threads, fuse: false)[0].SumOfSquaredResiduals; }, bytes));
        }
        foreach (var (_, run, _) in cases) run();
        foreach (var (_, run, _) in cases) run();
        var times = cases.Select(_ => new double[repeat]).ToArray();
        for (int i = 0; i < repeat; i++)
            for (int q = 0; q < cases.Count; q++)
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                double before = Environment.CpuUsage.TotalTime.TotalSeconds;
                cases[q].Run();
                times[q][i] = threads == 1 ? Environment.CpuUsage.TotalTime.TotalSeconds - before : clock.Elapsed.TotalSeconds;
            }
        var median = times.Select(t => t.Order().ElementAt(repeat / 2)).ToArray();
        Console.WriteLine(string.Format(c, "n = {0}, d = {1}, k = {2}, bits = {3}{4}; {5}, medians of {6}", n, d, k, bits, weighted ? ", weighted" : "",
            threads == 1 ? "one thread, process CPU time" : $"{threads} threads, wall time", repeat));
        for (int q = 0; q < cases.Count; q++)
        {
            var (name, _, bytes) = cases[q];
            int reference = cases.FindLastIndex(q, p => p.Name.StartsWith("read-only", StringComparison.Ordinal));
            Console.WriteLine(string.Format(c, "{0,-28} {1,9:F4} s {2,7:F2} GB/s {3,7:F3} of read-only {4,7:F2} ns/row", name, median[q], bytes / median[q] / 1e9,
                median[reference] / median[q], median[q] / (bytes / ((d + k + (weighted ? 1 : 0)) * 8.0)) * 1e9));
        }
        GC.KeepAlive(sink);
    }

    /// <summary>Reading X and y (and the weights), nothing written, split across <paramref name="threads"/> threads.</summary>
    private static double ReadOnly(Dataset data, int threads)
    {
        var x = data.X;
        if (threads == 1)
            return TensorPrimitives.Sum(x) + TensorPrimitives.Sum(data.Y) + (data.IsWeighted ? TensorPrimitives.Sum(data.Weights) : 0);
        var sums = new double[threads];
        long length = x.Length;
        Parallel.For(0, threads, p => sums[p] = TensorPrimitives.Sum(data.X.Slice((int)(length * p / threads), (int)(length * (p + 1) / threads) - (int)(length * p / threads))));
        return sums.Sum() + TensorPrimitives.Sum(data.Y) + (data.IsWeighted ? TensorPrimitives.Sum(data.Weights) : 0);
    }

    /// <summary>The prefetch distances to compare (<c>--prefetch 0,4096</c>), by default the kernel's own.</summary>
    private static int[] Distances(string[] args) =>
        List(args, "--prefetch", [FitStatistics.PrefetchBytes]);
}
