using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Lsgd.Data;
using Lsgd.LinearAlgebra;

using static Lsgd.Benchmarks.BenchArgs;

namespace Lsgd.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project bench/Lsgd.Benchmarks -- ratios</c>: the statistics pass and its kernels on one
/// thread, as ratios of CPU time to references measured in the same process, round after round (so a busy neighbour
/// slows them alike): the read-only stream over the same data, and the FMA peak of one core (independent chains of
/// fused multiply-adds, no memory traffic) at 512 and 256 bits. CPU time (<see cref="Process.TotalProcessorTime"/>),
/// not wall time: on a shared machine it leaves out the time other processes hold the core.
/// </summary>
/// <remarks>
/// Cases: SufficientStatistics.Compute on one thread over n × 10 (to read bandwidth) and n × 100, n × 768 (to the FMA
/// peak, counting the (d + 2)(d + 3)/2 distinct products of [x, y, 1] a row needs); Kernels.GramUpdate alone on one
/// cache-resident panel at each vector width; StackedQr.Reduce at each width. Options: <c>--narrow-rows</c>,
/// <c>--wide-rows</c>, <c>--repeat</c>, <c>--only</c> (a substring of the case names).
/// </remarks>
public static class KernelRatios
{
    internal const int Steps = 2_000_000, Chains = 12;

    public static void Run(string[] args)
    {
        int narrowRows = Option(args, "--narrow-rows", 10_000_000), wideRows = Option(args, "--wide-rows", 400_000), repeat = Option(args, "--repeat", 5);
        string only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault() ?? "";
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine($"Kernels.GramVectorBits = {Kernels.GramVectorBits}; Vector512 accelerated: {Vector512.IsHardwareAccelerated}; one thread, CPU time, medians of {repeat}");
        var cases = new List<(string Name, Action Run, double Work, string Unit)>();
        var bytesRead = new Dictionary<string, double>();
        double sink = 0;
        cases.Add(("FMA peak 512", () => sink += Chains512(1.0), (double)Steps * Chains * 8, "fma"));
        cases.Add(("FMA peak 256", () => sink += Chains256(1.0), (double)Steps * Chains * 4, "fma"));
        if (Matches("narrow", only))
        {
            var narrow = SyntheticData.Dataset(narrowRows, 10, seed: 8);
            double bytes = (double)narrowRows * 11 * sizeof(double);
            cases.Add(("read-only stream n×10", () => sink += ReadOnly(narrow), bytes, "bytes"));
            cases.Add(("statistics n×10 (1 thread)", () => SufficientStatistics.Compute(narrow, maxThreads: 1), bytes, "bytes"));
        }
        foreach (int d in new[] { 10, 16 })
        {
            if (!Matches($"cached{d}", only)) continue;
            // One block's rows, small enough to stay in L2: the pass's compute cost alone, without memory.
            var small = SyntheticData.Dataset(SufficientStatistics.BlockRows, d, seed: 8);
            int reps = 100;
            double bytes = (double)reps * small.Rows * (d + 1) * sizeof(double);
            cases.Add(($"read-only stream cached n×{d}", () => { for (int r = 0; r < reps; r++) sink += ReadOnly(small); }, bytes, "bytes"));
            cases.Add(($"statistics cached n×{d} (1 thread)", () => { for (int r = 0; r < reps; r++) SufficientStatistics.Compute(small, maxThreads: 1); }, bytes, "bytes"));
        }
        foreach (int d in new[] { 100, 768 })
        {
            if (!Matches($"wide{d}", only)) continue;
            int n = d == 100 ? wideRows : Math.Max(1000, wideRows / 8);
            var wide = SyntheticData.Dataset(n, d);
            double gram = (double)n * (d + 2) * (d + 3) / 2;
            cases.Add(($"read-only stream n×{d}", () => sink += ReadOnly(wide), (double)n * (d + 1) * sizeof(double), "bytes"));
            cases.Add(($"statistics n×{d} (1 thread)", () => SufficientStatistics.Compute(wide, maxThreads: 1), gram, "fma"));
            bytesRead[cases[^1].Name] = (double)n * (d + 1) * sizeof(double);
        }
        foreach (int d in new[] { 10, 100, 768 })
        {
            if (!Matches($"gram{d}", only)) continue;
            int cols = d + 2, ld = (cols + 15) & ~15, rows = 128;
            var rng = new Random(3);
            var z = new double[rows * ld];
            for (int i = 0; i < z.Length; i++) z[i] = rng.NextDouble() - 0.5;
            var g = new double[ld * ld];
            int reps = (int)Math.Max(1, 4e8 / ((double)rows * cols * cols));
            double work = (double)reps * rows * cols * (cols + 1) / 2;
            foreach (int bits in new[] { 512, 256 })
            {
                if (bits == 512 && !Vector512.IsHardwareAccelerated) continue;
                cases.Add(($"GramUpdate {rows}×{cols} at {bits} bits", () => { for (int r = 0; r < reps; r++) Kernels.GramUpdate(z, rows, ld, cols, g, bits); }, work, "fma"));
            }
        }
        foreach (int m in new[] { 11, 101 })
        {
            if (!Matches($"qr{m}", only)) continue;
            int rows = m < 50 ? 2048 : 256;
            var rng = new Random(5);
            var block = new double[rows * m];
            for (int i = 0; i < block.Length; i++) block[i] = rng.NextDouble() - 0.5;
            var r0 = new double[m * m];
            var copy = new double[block.Length];
            int reps = (int)Math.Max(1, 2e8 / (2.0 * rows * m * m));
            double work = reps * 2.0 * rows * m * m;   // multiply-adds of folding rows × m into R
            foreach (int bits in new[] { 512, 256 })
            {
                if (bits == 512 && !Vector512.IsHardwareAccelerated) continue;
                cases.Add(($"StackedQr {rows}×{m} at {bits} bits", () =>
                {
                    for (int r = 0; r < reps; r++)
                    {
                        block.CopyTo(copy, 0);
                        Array.Clear(r0);
                        StackedQr.Reduce(r0, m, copy, rows, vectorBits: bits);
                    }
                }, work, "fma"));
            }
        }

        foreach (var (_, run, _, _) in cases) run();   // warm-up: JIT (tiered up), page faults
        foreach (var (_, run, _, _) in cases) run();
        var times = cases.Select(_ => new double[repeat]).ToArray();
        var process = Process.GetCurrentProcess();
        for (int i = 0; i < repeat; i++)
            for (int k = 0; k < cases.Count; k++)
            {
                process.Refresh();
                var before = process.TotalProcessorTime;
                cases[k].Run();
                process.Refresh();
                times[k][i] = (process.TotalProcessorTime - before).TotalSeconds;
            }
        var median = times.Select(t => t.Order().ElementAt(repeat / 2)).ToArray();
        double peak512 = cases[0].Work / median[0], peak256 = cases[1].Work / median[1];
        double read = cases.Select((x, k) => (x, k)).Where(p => p.x.Name.StartsWith("read-only", StringComparison.Ordinal)).Select(p => p.x.Work / median[p.k]).DefaultIfEmpty(double.NaN).First();
        double peak = Kernels.GramVectorBits == 512 ? peak512 : peak256;
        Console.WriteLine(string.Format(c, "FMA peak (1 core): {0:F2} G/s at 512 bits, {1:F2} G/s at 256 bits; read-only stream (1 core): {2:F2} GB/s", peak512 / 1e9, peak256 / 1e9, read / 1e9));
        for (int k = 2; k < cases.Count; k++)
        {
            var (name, _, work, unit) = cases[k];
            if (name.StartsWith("read-only", StringComparison.Ordinal)) read = work / median[k];
            double rate = work / median[k];
            string ratio = unit == "bytes"
                ? string.Format(c, "{0,7:F2} GB/s  {1,6:F3} of the read-only stream above", rate / 1e9, rate / read)
                : string.Format(c, "{0,7:F2} G/s   {1,6:F3} of FMA peak ({2}){3}", rate / 1e9, rate / (name.Contains("256 bits", StringComparison.Ordinal) ? peak256 : peak), name.Contains("256 bits", StringComparison.Ordinal) ? 256 : Kernels.GramVectorBits,
                    bytesRead.TryGetValue(name, out double b) ? string.Format(c, "; reads at {0:F3} of the read-only stream above", b / median[k] / read) : "");
            Console.WriteLine(string.Format(c, "{0,-40} {1,9:F4} s  {2}", name, median[k], ratio));
        }
        GC.KeepAlive(sink);
    }

    /// <summary>
    /// <c>loop N D REPEAT [f32]</c>: SufficientStatistics.Compute on one thread, REPEAT times over synthetic N × D data
    /// (float32 features with <c>f32</c>), and nothing else: run it under <c>perf stat -e cycles:u</c> at two values
    /// of REPEAT, and the difference over the difference in REPEAT is the cycles of one pass, whatever else the
    /// machine runs.
    /// </summary>
    public static void Loop(string[] args)
    {
        int n = int.Parse(args[0], CultureInfo.InvariantCulture), d = int.Parse(args[1], CultureInfo.InvariantCulture);
        int repeat = int.Parse(args[2], CultureInfo.InvariantCulture);
        var data = SyntheticData.Dataset(n, d);
        if (args.Length > 3 && args[3] == "f32")
            data = Dataset.FromSingle([.. data.X.ToArray().Select(v => (float)v)], data.Y.ToArray(), n, d);
        for (int i = 0; i < repeat; i++) SufficientStatistics.Compute(data, maxThreads: 1);
    }

    private static bool Matches(string name, string only) => only.Length == 0 || name.Contains(only, StringComparison.Ordinal) || only.Contains(name, StringComparison.Ordinal);

    private static double ReadOnly(Dataset data) => TensorPrimitives.Sum(data.X) + TensorPrimitives.Sum(data.Y);

    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static double Chains512(double seed)
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
    internal static double Chains256(double seed)
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
}
