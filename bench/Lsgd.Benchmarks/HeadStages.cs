using System.Globalization;
using Lsgd.Data;
using Lsgd.Estimators;
using Lsgd.LinearAlgebra;
using Lsgd.Models;
using Lsgd.Solvers;

using static Lsgd.Benchmarks.BenchArgs;

namespace Lsgd.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project bench/Lsgd.Benchmarks -- head-stages --npy X.npy,Y.npy</c>: the dense work after
/// the statistics pass of an auto fit of a wide multi-output head (50 000 × 768 → 20), piece by piece, as the median
/// process CPU time of <c>--repeat</c> rounds in one process (single-threaded pieces; the goodness pass on
/// <c>--threads</c>, wall time when above 1): the Cholesky factor of the scaled statistics, its inverse, its condition
/// number, the exact solution from the statistics, the certificate, and the goodness pass; and the register tile of the
/// residuals and triangular solves (8 rows × 24 outputs) on its own, its operands in L1 and in L2; and the statistics
/// pass itself on <c>--threads</c>, over the memory-mapped rows (as <c>lsgd fit</c> reads .npy files) and over a copy of
/// them in memory.
/// </summary>
public static class HeadStages
{
    /// <summary>
    /// The register tile of the residuals and the triangular solves (8 rows × 24 outputs, TriangularPanels.SubtractProduct)
    /// over <paramref name="features"/> features, <paramref name="rounds"/> times on the same operands: 128 features keep
    /// them in L1, 768 (the head's) put the 147 KB panel in L2.
    /// </summary>
    private static double Tile(int features, int rounds)
    {
        var a = new double[8 * features];
        var b = new double[features * 24];
        var t = new double[8 * 24];
        for (int i = 0; i < a.Length; i++) a[i] = 1e-3 * i;
        for (int i = 0; i < b.Length; i++) b[i] = 1e-4 * i;
        for (int round = 0; round < rounds; round++)
            TriangularPanels.SubtractProduct(ref a[0], features, ref b[0], 24, features, ref t[0], Kernels.GramVectorBits);
        return t[0];
    }

    public static void Run(string[] args)
    {
        int repeat = Option(args, "--repeat", 5), threads = Option(args, "--threads", 1);
        string[] npy = (args.SkipWhile(a => a != "--npy").Skip(1).FirstOrDefault() ?? throw new ArgumentException("--npy X.npy,Y.npy")).Split(',');
        var data = Lsgd.IO.NpyDataset.Load(npy[0], npy[1], false, null, map: true, out _);
        var statistics = SufficientStatistics.Compute(data, threads);
        int d = data.Features;
        var scaled = new double[d * d];
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
                scaled[i * d + j] = statistics.FeatureScatter[i * d + j] / Math.Sqrt(statistics.FeatureScatter[i * d + i] * statistics.FeatureScatter[j * d + j]);
        var factor = Cholesky.Factor((double[])scaled.Clone(), d)!;
        var exact = ExactLeastSquares.FromStatistics(statistics, true);
        var layout = new ParameterLayout(d, data.Outputs, true);
        var model = exact.Model;
        var posed = statistics.Standardized(statistics.ToStandardizer(center: true));
        double sink = 0;
        var wide = data.ToDoublePrecision();
        var copied = Dataset.FromSingle(data.Storage.SingleValues.ToArray(), data.Y.ToArray(), data.Rows, d, data.Outputs);
        var part = Dataset.FromSingle(data.Storage.SingleValues[..(8192 * d)].ToArray(), data.Y[..(8192 * data.Outputs)].ToArray(), 8192, d, data.Outputs);
        var cases = new List<(string Name, Action Run)>
        {
            ("cholesky factor", () => sink += Cholesky.Factor((double[])scaled.Clone(), d)!.L(d - 1, d - 1)),
            ("cholesky column by column", () => { Cholesky.TryFactor((double[])scaled.Clone(), d, 0, 0, out var f, out _); sink += f!.L(d - 1, d - 1); }),
            ("clone", () => sink += ((double[])scaled.Clone())[5]),
            ("inverse", () => sink += factor.Inverse()[0]),
            ("condition number", () => sink += factor.ConditionNumber()),
            ("exact from statistics", () => sink += ExactLeastSquares.FromStatistics(statistics, true).ConditionNumber),
            ("certificate", () => sink += LeastSquaresCertificate.Create(posed, true, LossScaling.Mean, Penalty.None, 1.0, "x", out _, exact)!.Condition),
            ("tile: 769² × 24 product", () =>
            {
                var result = new double[24 * d];
                TriangularPanels.Multiply(scaled, d, scaled, 24, d, result, Kernels.GramVectorBits);
                sink += result[0];
            }),
            ("tile in L1: 8 × 128 × 24, ×1000", () => sink += Tile(128, 1000)),
            ("tile in L2: 8 × 768 × 24, ×167", () => sink += Tile(768, 167)),
            ("statistics 8192 rows", () => sink += SufficientStatistics.Compute(part, 1).FeatureScatter[0]),
            ("statistics, mapped rows", () => sink += SufficientStatistics.Compute(data, threads).FeatureScatter[0]),
            ("statistics, rows in memory", () => sink += SufficientStatistics.Compute(copied, threads).FeatureScatter[0]),
            ("json 77k doubles", () =>
            {
                var rng = new Random(1);
                var array = new System.Text.Json.Nodes.JsonArray();
                for (int i = 0; i < 77_000; i++) array.Add(rng.NextDouble() * 1e-3);
                sink += array.ToJsonString().Length;
            }),
            ("json 77k to utf-8 stream", () =>
            {
                var rng = new Random(1);
                var array = new System.Text.Json.Nodes.JsonArray();
                for (int i = 0; i < 77_000; i++) array.Add(rng.NextDouble() * 1e-3);
                using var stream = new MemoryStream();
                using (var writer = new System.Text.Json.Utf8JsonWriter(stream)) array.WriteTo(writer);
                sink += stream.Length;
            }),
            ("build 77k nodes", () =>
            {
                var rng = new Random(1);
                var array = new System.Text.Json.Nodes.JsonArray();
                for (int i = 0; i < 77_000; i++) array.Add(rng.NextDouble() * 1e-3);
                sink += array.Count;
            }),
            ("format 77k doubles", () =>
            {
                var rng = new Random(1);
                var buffer = new byte[32];
                for (int i = 0; i < 77_000; i++) { System.Buffers.Text.Utf8Formatter.TryFormat(rng.NextDouble() * 1e-3, buffer, out int w); sink += w; }
            }),
            ("read X once", () => sink += System.Numerics.Tensors.TensorPrimitives.Sum(data.Storage.SingleValues)),
            ("residuals (all blocks)", () =>
            {
                var r = new double[data.Outputs * 8192];
                for (int start = 0; start < data.Rows; start += 8192)
                    MultiOutputResiduals.Compute(data.Storage, data.Y, layout, model.Parameters, start, Math.Min(8192, data.Rows - start), r, Kernels.GramVectorBits);
                sink += r[0];
            }),
            ("residuals float64 copy", () =>
            {
                var r = new double[data.Outputs * 8192];
                for (int start = 0; start < data.Rows; start += 8192)
                    MultiOutputResiduals.Compute(wide.Storage, data.Y, layout, model.Parameters, start, Math.Min(8192, data.Rows - start), r, Kernels.GramVectorBits);
                sink += r[0];
            }),
            ("goodness", () => sink += FitStatistics.Compute(model, data, Kernels.GramVectorBits, threads)[0].SumOfSquaredResiduals),
        };
        foreach (var (_, run) in cases) run();
        var times = cases.Select(_ => new double[repeat]).ToArray();
        for (int r = 0; r < repeat; r++)
            for (int q = 0; q < cases.Count; q++)
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                double before = Environment.CpuUsage.TotalTime.TotalSeconds;
                cases[q].Run();
                times[q][r] = threads == 1 ? Environment.CpuUsage.TotalTime.TotalSeconds - before : clock.Elapsed.TotalSeconds;
            }
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Format(c, "n = {0}, d = {1}, k = {2}; {3}, medians of {4}", data.Rows, d, data.Outputs,
            threads == 1 ? "one thread, process CPU time" : $"{threads} threads, wall time", repeat));
        for (int q = 0; q < cases.Count; q++)
            Console.WriteLine(string.Format(c, "{0,-24} {1,8:F2} ms", cases[q].Name, times[q].Order().ElementAt(repeat / 2) * 1e3));
        GC.KeepAlive(sink);
    }
}
