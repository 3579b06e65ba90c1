using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using Lsgd.Data;
using Lsgd.LinearAlgebra;

namespace Lsgd.Benchmarks;

/// <summary>
/// Building the sufficient statistics (x̄, ȳ, centred XᵀX, Xᵀy) for n = 200 000, d = 100, against a naive triple
/// loop that builds XᵀX alone; and the Gram-update kernel behind it on one panel of 256 rows × 102 columns
/// ([x − K, y − K_y, 1] for d = 100), against the same update as a plain loop (and the same kernel forced onto its
/// 256-bit tiles); and the narrow pass (n = 2 000 000, d = 10) on one thread against the read-only stream over the same
/// data. Each group has its own baseline. For ratios to the FMA peak, see <see cref="KernelRatios"/>.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[Config(typeof(MedianConfig))]
public class StatisticsBench
{
    public const int N = 200_000;
    public const int D = 100;
    public const int PanelRows = 256;
    public const int Columns = D + 2;
    public const int Stride = 112;

    /// <summary>Rows of the narrow case (d = 10): the pass reads 88 bytes a row and is bounded by reading, not multiply-adds.</summary>
    public const int NarrowN = 2_000_000;

    private Dataset _data = null!;
    private Dataset _narrow = null!;
    private double[] _x = null!;
    private double[] _xtx = null!;
    private double[] _panel = null!;
    private double[] _c = null!;

    [GlobalSetup]
    public void Setup()
    {
        _data = SyntheticData.Dataset(N, D);
        _narrow = SyntheticData.Dataset(NarrowN, 10, seed: 8);
        _x = _data.X.ToArray();
        _xtx = new double[D * D];
        var rng = new Random(11);
        _panel = new double[PanelRows * Stride];
        for (int i = 0; i < _panel.Length; i++) _panel[i] = rng.NextDouble() - 0.5;
        _c = new double[Stride * Stride];
    }

    /// <summary>
    /// XᵀX the obvious way, row by row: C_jk += x_ij·x_ik for k ≥ j, then mirrored. Less work than
    /// <see cref="SufficientStatistics.Compute(Dataset, int?)"/> does (no means, no centring, no Xᵀy).
    /// </summary>
    [Benchmark(Baseline = true, Description = "naive triple loop XᵀX (1 thread)")]
    [BenchmarkCategory("XᵀX n=200000 d=100")]
    public double NaiveXtX()
    {
        var x = _x;
        var c = _xtx;
        Array.Clear(c);
        for (int i = 0; i < N; i++)
        {
            int row = i * D;
            for (int j = 0; j < D; j++)
            {
                double xij = x[row + j];
                int cj = j * D;
                for (int k = j; k < D; k++)
                    c[cj + k] += xij * x[row + k];
            }
        }
        for (int j = 0; j < D; j++)
            for (int k = j + 1; k < D; k++)
                c[k * D + j] = c[j * D + k];
        return c[D * D - 1];
    }

    [Benchmark(Description = "SufficientStatistics.Compute (all cores)")]
    [BenchmarkCategory("XᵀX n=200000 d=100")]
    public SufficientStatistics Compute() => SufficientStatistics.Compute(_data);

    [Benchmark(Description = "SufficientStatistics.Compute (1 thread)")]
    [BenchmarkCategory("XᵀX n=200000 d=100")]
    public SufficientStatistics ComputeOneThread() => SufficientStatistics.Compute(_data, maxThreads: 1);

    /// <summary>The read-only stream over the narrow data on one thread: the floor a pass that reads it once can reach.</summary>
    [Benchmark(Baseline = true, Description = "read-only stream over X and y (1 thread)")]
    [BenchmarkCategory("narrow n=2000000 d=10")]
    public double NarrowRead() => System.Numerics.Tensors.TensorPrimitives.Sum(_narrow.X) + System.Numerics.Tensors.TensorPrimitives.Sum(_narrow.Y);

    [Benchmark(Description = "SufficientStatistics.Compute (1 thread)")]
    [BenchmarkCategory("narrow n=2000000 d=10")]
    public SufficientStatistics NarrowComputeOneThread() => SufficientStatistics.Compute(_narrow, maxThreads: 1);

    /// <summary>G += ZᵀZ (on and below the diagonal) for one row-major 256 × 102 panel, as a plain loop.</summary>
    [Benchmark(Baseline = true, Description = "naive panel update G += ZᵀZ")]
    [BenchmarkCategory("panel 256×102")]
    public double NaivePanel()
    {
        var z = _panel;
        var g = _c;
        for (int t = 0; t < PanelRows; t++)
            for (int j = 0; j < Columns; j++)
            {
                double zj = z[t * Stride + j];
                for (int i = 0; i <= j; i++)
                    g[j * Stride + i] += z[t * Stride + i] * zj;
            }
        return g[0];
    }

    [Benchmark(Description = "Kernels.GramUpdate")]
    [BenchmarkCategory("panel 256×102")]
    public double GramUpdate()
    {
        Kernels.GramUpdate(_panel, PanelRows, Stride, Columns, _c);
        return _c[0];
    }

    /// <summary>The same update forced onto the 256-bit tiles (what an AVX2 machine runs).</summary>
    [Benchmark(Description = "Kernels.GramUpdate, 256-bit tiles")]
    [BenchmarkCategory("panel 256×102")]
    public double GramUpdate256()
    {
        Kernels.GramUpdate(_panel, PanelRows, Stride, Columns, _c, vectorBits: 256);
        return _c[0];
    }
}

/// <summary>
/// Adds the median column and the ratio of medians to the baseline (the noisy shared machine makes means a poor
/// summary).
/// </summary>
public class MedianConfig : ManualConfig
{
    public MedianConfig()
    {
        AddColumn(StatisticColumn.Median);
        AddColumn(new MedianRatioColumn());
    }
}
