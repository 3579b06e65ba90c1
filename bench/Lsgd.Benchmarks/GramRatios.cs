using System.Diagnostics;
using System.Globalization;
using System.Runtime.Intrinsics;
using Lsgd.Data;
using Lsgd.LinearAlgebra;

using static Lsgd.Benchmarks.BenchArgs;

namespace Lsgd.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project bench/Lsgd.Benchmarks -- gram-ratios --d 100,768 --bits 512,256</c>: the
/// statistics pass (XᵀX of [x, y, 1]) and its parts on one thread, as ratios of this thread's CPU time to an FMA-peak
/// loop of the same vector width, measured round after round in one process (a busy neighbour slows them alike).
/// </summary>
/// <remarks>
/// <para>Shapes: d ≤ 128 as float64 with one output (the <c>lsgd bench</c> shape, n = <c>--rows</c>, 400 000 by
/// default), wider as float32 with 20 outputs (the head shape, n = <c>--wide-rows</c>, 50 000); <c>--outputs</c> and
/// <c>--f32</c>/<c>--f64</c> override; <c>--row-major-rows 64,128</c> runs the statistics and panel cases once per
/// SufficientStatistics.RowMajorPanelRows; <c>--packed-rows 128,256</c> and <c>--narrow-rows 128,512</c> likewise for packed and narrow panels (SufficientStatistics.PackedPanelRows, NarrowPanelRows); <c>--overlap 0,1</c> once with the next panel copied in a step of its own and once between
/// the tiles (SufficientStatistics.OverlappedCopy); <c>--block-calls 0,1</c> narrow data through the fused kernel once a call per panel and once a call per block (SufficientStatistics.NarrowBlockCalls); <c>--fused 0,1</c> narrow data once through the panel copy and the tiles and once through the fused kernel, at the width the process dispatches to (SufficientStatistics.NarrowFused); <c>--fused256 0,1</c> narrow data on 256-bit vectors once through the panel copy and the tiles and once
/// through the fused kernel (SufficientStatistics.NarrowFused256); <c>--narrow-prefetch 0,10240</c> once per prefetch distance of the fused narrow kernel (SufficientStatistics.NarrowPrefetchBytes); <c>--threads 2</c> runs the FMA peak on two threads and the statistics case with
/// maxThreads 2, all timed by the wall clock (compare those two only). Each ratio is the median's, followed by the range of the rounds' (each against the median peak). Work counts the c(c + 1)/2 distinct products of a row of Z = [x, y, 1]
/// (c = d + k + 1), as <c>lsgd bench</c> does.</para>
/// <para>Cases per shape: <c>statistics</c>, SufficientStatistics.Compute on one thread (blocks, merges and all);
/// <c>panel</c>, one Panel adding every row and one Take (copy + kernel, no per-block merge); <c>cached</c>, the same
/// work on the first 1024 rows again and again (no memory reads: the difference to <c>panel</c>; once per setting, like <c>panel</c>); <c>kernel N</c>,
/// Kernels.GramUpdatePacked at N bits on one cache-resident panel of <see cref="SufficientStatistics.PanelRows"/> rows
/// in the layout the pass uses, repeated, G of the full size (<c>--kernel-rows 32,64,128</c>: one case per panel height, to set against the pass's own panels). <c>--only statistics,kernel</c> picks cases. The statistics, panel and cached cases run at the width the
/// process dispatches to (<c>DOTNET_EnableAVX512=0</c> for 256 bits) and are compared to that width's peak.</para>
/// </remarks>
public static class GramRatios
{
    public static void Run(string[] args)
    {
        int[] ds = List(args, "--d", [100, 768]), widths = List(args, "--bits", [512, 256]);
        int repeat = Option(args, "--repeat", 5), rows = Option(args, "--rows", 400_000), wideRows = Option(args, "--wide-rows", 50_000);
        int outputs = Option(args, "--outputs", 0), threads = Option(args, "--threads", 1);
        string only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault() ?? "";
        widths = [.. widths.Where(b => b != 512 || Vector512.IsHardwareAccelerated)];
        int dispatch = Kernels.GramVectorBits;
        var c = CultureInfo.InvariantCulture;
        var cases = new List<(string Name, Action Run, double Work, int Bits)>();
        double sink = 0;
        foreach (int bits in widths.Append(dispatch).Distinct())
            cases.Add(($"FMA peak {bits}", threads > 1
                ? () => Parallel.For(0, threads, t => GC.KeepAlive(bits == 512 ? KernelRatios.Chains512(1.0 + t) : KernelRatios.Chains256(1.0 + t)))
                : bits == 512 ? () => sink += KernelRatios.Chains512(1.0) : () => sink += KernelRatios.Chains256(1.0),
                (double)threads * KernelRatios.Steps * KernelRatios.Chains * bits / 64, bits));
        foreach (int d in ds)
        {
            bool single = args.Contains("--f32") || (!args.Contains("--f64") && d > 128);
            int k = outputs > 0 ? outputs : d > 128 ? 20 : 1, n = d > 128 ? wideRows : rows;
            int cols = d + k + 1, ld = (cols + 15) & ~15;
            var (x, y) = SyntheticData.Generate(n, d);
            var ys = new double[(long)n * k];
            for (long i = 0; i < ys.Length; i++) ys[i] = y[i / k] + 0.1 * (i % k);
            var data = single ? Dataset.FromSingle(SyntheticData.ToSingle(x), ys, n, d, k) : new Dataset(x, ys, n, d, k);
            string shape = string.Format(c, "{0}×{1} {2} k={3}", n, d, single ? "f32" : "f64", k);
            double work = (double)n * cols * (cols + 1) / 2;
            foreach (int panelRows in List(args, "--row-major-rows", [SufficientStatistics.RowMajorPanelRows]))
                foreach (int packedRows in List(args, "--packed-rows", [SufficientStatistics.PackedPanelRows]))
                foreach (int narrowRows in List(args, "--narrow-rows", [SufficientStatistics.NarrowPanelRows]))
                foreach (int overlap in List(args, "--overlap", [SufficientStatistics.OverlappedCopy ? 1 : 0]))
                foreach (int blockCalls in List(args, "--block-calls", [SufficientStatistics.NarrowBlockCalls ? 1 : 0]))
                foreach (int fused in List(args, "--fused", [SufficientStatistics.NarrowFused ? 1 : 0]))
                foreach (int fused256 in List(args, "--fused256", [SufficientStatistics.NarrowFused256 ? 1 : 0]))
                foreach (int prefetch in List(args, "--narrow-prefetch", [SufficientStatistics.NarrowPrefetchBytes]))
                foreach (int packAbove in List(args, "--pack-above", [Kernels.PackAbove]))
                {
                    string tag = (args.Contains("--row-major-rows") ? string.Format(c, " [{0} rows]", panelRows) : "")
                        + (args.Contains("--packed-rows") ? string.Format(c, " [packed {0}]", packedRows) : "")
                        + (args.Contains("--narrow-rows") ? string.Format(c, " [narrow {0}]", narrowRows) : "")
                        + (args.Contains("--overlap") ? $" [overlap {overlap}]" : "")
                        + (args.Contains("--block-calls") ? $" [block calls {blockCalls}]" : "")
                        + (args.Contains("--fused") ? $" [fused {fused}]" : "")
                        + (args.Contains("--fused256") ? $" [fused256 {fused256}]" : "")
                        + (args.Contains("--narrow-prefetch") ? $" [prefetch {prefetch}]" : "")
                        + (args.Contains("--pack-above") ? $" [pack above {packAbove}]" : "");
                    void Set()
                    {
                        SufficientStatistics.RowMajorPanelRows = panelRows;
                        SufficientStatistics.PackedPanelRows = packedRows;
                        SufficientStatistics.NarrowPanelRows = narrowRows;
                        SufficientStatistics.OverlappedCopy = overlap != 0;
                        SufficientStatistics.NarrowFused = fused != 0;
                        SufficientStatistics.NarrowBlockCalls = blockCalls != 0;
                        SufficientStatistics.NarrowFused256 = fused256 != 0;
                        SufficientStatistics.NarrowPrefetchBytes = prefetch;
                        Kernels.PackAbove = packAbove;
                    }
                    if (Matches("statistics", only))
                        cases.Add(($"statistics {shape}{tag} ({dispatch})", () =>
                        {
                            Set();
                            GC.KeepAlive(SufficientStatistics.Compute(data, maxThreads: threads));
                        }, work, dispatch));
                    if (Matches("panel", only))
                    {
                        Set();
                        var panel = new SufficientStatistics.Panel(d, k);
                        cases.Add(($"panel {shape}{tag} ({dispatch})", () => { Set(); panel.Add(data, 0, n); GC.KeepAlive(panel.Take(data.FeatureNames, data.TargetNames)); }, work, dispatch));
                    }
                    if (Matches("cached", only))
                    {
                        // The same rows as the panel case, from the first 1024 rows again and again (in L2): the cost of reading memory is the difference.
                        Set();
                        var panel = new SufficientStatistics.Panel(d, k);
                        int m = Math.Min(n, 1024);
                        cases.Add(($"cached {shape}{tag} ({dispatch})", () => { Set(); for (int s = 0; s + m <= n; s += m) panel.Add(data, 0, m); GC.KeepAlive(panel.Take(data.FeatureNames, data.TargetNames)); }, (double)(n / m * m) * cols * (cols + 1) / 2, dispatch));
                    }
                }
            if (Matches("merge", only))
            {
                // What a block costs beyond its rows: one Take (of a panel that added a single row) and one Merge into a total, per block of the pass, as Compute does them.
                var panel = new SufficientStatistics.Panel(d, k);
                int blocks = (n + SufficientStatistics.BlockRowsFor(cols) - 1) / SufficientStatistics.BlockRowsFor(cols);
                cases.Add(($"take+merge ×{blocks} {shape} ({dispatch})", () =>
                {
                    var total = SufficientStatistics.Combine(SufficientStatistics.Compute(new Dataset(new double[d], new double[k], 1, d, k), maxThreads: 1));
                    SufficientStatistics? spare = null;
                    for (int b = 0; b < blocks; b++)
                    {
                        panel.Add(data, b, 1);
                        spare = panel.Take(data.FeatureNames, data.TargetNames, spare, lowerOnly: true);
                        total.MergeCore(spare, lowerOnly: true);
                    }
                    SufficientStatistics.MirrorLower(total.FeatureScatter, d);
                }, work, dispatch));
            }
            if (Matches("kernel", only))
            {
                foreach (int m in List(args, "--kernel-rows", [SufficientStatistics.PanelRows]))
                {
                    var rng = new Random(3);
                    var z = new double[m * ld];
                    for (int i = 0; i < z.Length; i++) z[i] = rng.NextDouble() - 0.5;
                    var g = new double[ld * ld];
                    int reps = (int)Math.Max(1, 2e9 / ((double)m * cols * cols));
                    double kernelWork = (double)reps * m * cols * (cols + 1) / 2;
                    foreach (int bits in widths)
                    {
                        bool rowMajor = ld == 16 || (bits == 512 && ld <= Kernels.PackAbove);
                        var (rowStride, stripStride) = rowMajor ? (ld, 16) : (16, m * 16);
                        cases.Add(($"kernel {m}×{cols} ({bits})", () => { for (int r = 0; r < reps; r++) Kernels.GramUpdatePacked(z, rowStride, stripStride, m, ld, cols, g, bits); }, kernelWork, bits));
                    }
                }
            }
        }
        foreach (var (_, run, _, _) in cases) run();   // warm-up: JIT (tiered up), page faults
        foreach (var (_, run, _, _) in cases) run();
        var times = cases.Select(_ => new double[repeat]).ToArray();
        for (int i = 0; i < repeat; i++)
            for (int q = 0; q < cases.Count; q++)
            {
                double before = threads > 1 ? Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency : GradientRatios.ThreadSeconds();
                cases[q].Run();
                times[q][i] = (threads > 1 ? Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency : GradientRatios.ThreadSeconds()) - before;
            }
        var median = times.Select(t => t.Order().ElementAt(repeat / 2)).ToArray();
        var peaks = cases.Select((p, q) => (p, q)).Where(e => e.p.Name.StartsWith("FMA peak", StringComparison.Ordinal)).ToDictionary(e => e.p.Bits, e => e.p.Work / median[e.q]);
        Console.WriteLine(string.Format(c, "GramVectorBits = {0}; {1}, medians of {2}; peaks: {3}", dispatch,
            threads > 1 ? $"{threads} threads (the peak and the statistics case; the others one), wall-clock time" : "one thread, CPU time (this thread)", repeat,
            string.Join(", ", peaks.Select(p => string.Format(c, "{0} bits {1:F2} G FMA/s", p.Key, p.Value / 1e9)))));
        for (int q = 0; q < cases.Count; q++)
        {
            var (name, _, work, bits) = cases[q];
            if (name.StartsWith("FMA peak", StringComparison.Ordinal)) continue;
            double rate = work / median[q];
            // The range: each round's rate against the median peak (the peak's own rounds vary too, so this is wider than the truth).
            double low = work / times[q].Max() / peaks[bits], high = work / times[q].Min() / peaks[bits];
            Console.WriteLine(string.Format(c, "{0,-44} {1,9:F4} s {2,7:F2} G/s {3,7:F3} of the {4}-bit peak ({5:F3}–{6:F3})", name, median[q], rate / 1e9, rate / peaks[bits], bits, low, high));
        }
        GC.KeepAlive(sink);
    }

    private static bool Matches(string name, string only) => only.Length == 0 || only.Split(',').Contains(name);
}
