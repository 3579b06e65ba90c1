using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using Lsgd.Data;
using Lsgd.Engines;

namespace Lsgd.Benchmarks;

/// <summary>
/// One full-batch loss + gradient pass (n = 200 000 rows, d features, intercept), the unit of work of every
/// full-batch optimizer, against the article's formulas as a naive scalar loop and against a STREAM triad over
/// the same number of bytes (the memory-bandwidth ceiling of a pass that reads the data once).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(GradientPassConfig))]
public class GradientPassBench
{
    public const int N = 200_000;

    private Dataset _double = null!;
    private Dataset _single = null!;
    private InMemoryEngine _engine = null!;
    private InMemoryEngine _engineOneThread = null!;
    private InMemoryEngine _singleEngine = null!;
    private InMemoryEngine _singleEngineOneThread = null!;
    private float[] _xSingle = null!;
    private double[] _x = null!;
    private double[] _y = null!;
    private double[] _theta = null!;
    private double[] _gradient = null!;
    private double[] _a = null!, _b = null!, _c = null!;
    private int _parts;

    [Params(10, 100)]
    public int D { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        (_x, _y) = SyntheticData.Generate(N, D);
        _double = new Dataset(_x, _y, N, D);
        _single = Dataset.FromSingle(SyntheticData.ToSingle(_x), _y, N, D);
        _engine = new InMemoryEngine(_double, fitIntercept: true);
        _engineOneThread = new InMemoryEngine(_double, fitIntercept: true, maxThreads: 1);
        _singleEngine = new InMemoryEngine(_single, fitIntercept: true);
        _singleEngineOneThread = new InMemoryEngine(_single, fitIntercept: true, maxThreads: 1);
        _xSingle = SyntheticData.ToSingle(_x);
        _theta = new double[D + 1];
        for (int j = 0; j < _theta.Length; j++) _theta[j] = 0.01 * j;
        _gradient = new double[D + 1];

        int length = TriadLength(D);
        _a = new double[length];
        _b = new double[length];
        _c = new double[length];
        for (int i = 0; i < length; i++) { _b[i] = i; _c[i] = 1.0 / (i + 1); }
        _parts = Environment.ProcessorCount;
    }

    /// <summary>The article's formulas, as written: r = y − Σ w_j x_ij − b; g_j −= r x_ij; g_b −= r.</summary>
    [Benchmark(Baseline = true, Description = "naive scalar loop (float64)")]
    public double Naive()
    {
        int d = D;
        var x = _x;
        var y = _y;
        var w = _theta;
        var g = _gradient;
        Array.Clear(g);
        double sumSq = 0;
        for (int i = 0; i < N; i++)
        {
            double r = y[i];
            for (int j = 0; j < d; j++) r -= w[j] * x[i * d + j];
            r -= w[d];
            sumSq += r * r;
            for (int j = 0; j < d; j++) g[j] -= r * x[i * d + j];
            g[d] -= r;
        }
        return 0.5 * sumSq;
    }

    [Benchmark(Description = "InMemoryEngine float64 (all cores)")]
    public double EngineDouble() => _engine.Evaluate(_theta, _gradient);

    [Benchmark(Description = "InMemoryEngine float64 (1 thread)")]
    public double EngineDoubleOneThread() => _engineOneThread.Evaluate(_theta, _gradient);

    [Benchmark(Description = "InMemoryEngine float32 data (all cores)")]
    public double EngineSingle() => _singleEngine.Evaluate(_theta, _gradient);

    [Benchmark(Description = "InMemoryEngine float32 data (1 thread)")]
    public double EngineSingleOneThread() => _singleEngineOneThread.Evaluate(_theta, _gradient);

    /// <summary>The engine's one-thread pass forced onto the 256-bit kernels (the AVX2 path), for comparison with the default width.</summary>
    [Benchmark(Description = "rows kernel float64, 256-bit path (1 thread)")]
    public double Kernel256Double() => Kernel256((layout, g, start, rows) =>
        RowMath.AccumulateRows(layout, _theta, g, _x.AsSpan(start * D, rows * D), _y.AsSpan(start, rows), default, rows, true, vectorBits: 256));

    [Benchmark(Description = "rows kernel float32 data, 256-bit path (1 thread)")]
    public double Kernel256Single() => Kernel256((layout, g, start, rows) =>
        RowMath.AccumulateRows(layout, _theta, g, _xSingle.AsSpan(start * D, rows * D), _y.AsSpan(start, rows), default, rows, true, vectorBits: 256));

    private delegate double BlockPass(Lsgd.Models.ParameterLayout layout, Span<double> g, int start, int rows);

    /// <summary>Blocks of the engine's size, one after another, as the one-thread engine runs them.</summary>
    private double Kernel256(BlockPass pass)
    {
        var layout = new Lsgd.Models.ParameterLayout(D, 1, true);
        Array.Clear(_gradient);
        double sumSq = 0;
        for (int start = 0; start < N; start += InMemoryEngine.BlockRows)
            sumSq += pass(layout, _gradient, start, Math.Min(InMemoryEngine.BlockRows, N - start));
        return 0.5 * sumSq;
    }

    /// <summary>a = b·3 + c over all cores, with as many bytes (3 arrays) as the float64 pass reads.</summary>
    [Benchmark(Description = "STREAM triad, same bytes (all cores)")]
    public void Triad()
    {
        int length = _a.Length, parts = _parts;
        var (a, b, c) = (_a, _b, _c);
        Parallel.For(0, parts, p =>
        {
            int start = (int)((long)length * p / parts), end = (int)((long)length * (p + 1) / parts);
            TensorPrimitives.MultiplyAdd(b.AsSpan(start, end - start), 3.0, c.AsSpan(start, end - start), a.AsSpan(start, end - start));
        });
    }

    /// <summary>
    /// The least a pass over X and y must do: read them, on all cores (a vectorised sum, nothing written). Where
    /// reading alone is slower than the triad's reads plus streaming writes, this is the pass's real ceiling.
    /// </summary>
    [Benchmark(Description = "read-only stream over X and y (all cores)")]
    public double ReadOnly()
    {
        var x = _x;
        int parts = _parts;
        var sums = new double[parts];
        Parallel.For(0, parts, p =>
        {
            int start = (int)((long)x.Length * p / parts), end = (int)((long)x.Length * (p + 1) / parts);
            sums[p] = TensorPrimitives.Sum(x.AsSpan(start, end - start));
        });
        return sums.Sum() + TensorPrimitives.Sum(_y);
    }

    /// <summary>Reading X and y on one thread: the ceiling of the one-thread passes above.</summary>
    [Benchmark(Description = "read-only stream over X and y (1 thread)")]
    public double ReadOnlyOneThread() => TensorPrimitives.Sum<double>(_x) + TensorPrimitives.Sum<double>(_y);

    [Benchmark(Description = "STREAM triad, same bytes (1 thread)")]
    public void TriadOneThread() => TensorPrimitives.MultiplyAdd(_b, 3.0, _c, _a);

    /// <summary>Triad elements per array so that 3 arrays of doubles hold the bytes of X (n·d) and y (n).</summary>
    public static int TriadLength(int d) => (int)((long)N * (d + 1) / 3);

    /// <summary>Bytes one operation reads: X and y (float64, or float32 X), or the triad's 3 arrays.</summary>
    public static double? BytesPerOperation(BenchmarkCase c)
    {
        ArgumentNullException.ThrowIfNull(c);
        int d = (int)c.Parameters["D"];
        return c.Descriptor.WorkloadMethod.Name switch
        {
            nameof(EngineSingle) or nameof(EngineSingleOneThread) or nameof(Kernel256Single) => (double)N * d * sizeof(float) + (double)N * sizeof(double),
            nameof(Triad) or nameof(TriadOneThread) => 3.0 * TriadLength(d) * sizeof(double),
            _ => (double)N * d * sizeof(double) + (double)N * sizeof(double),
        };
    }
}

/// <summary>Adds the GB/s and vs-triad columns (from medians) to <see cref="GradientPassBench"/>'s summary.</summary>
public sealed class GradientPassConfig : MedianConfig
{
    public GradientPassConfig()
    {
        AddColumn(new ThroughputColumn(GradientPassBench.BytesPerOperation, nameof(GradientPassBench.Triad), relative: false));
        AddColumn(new ThroughputColumn(GradientPassBench.BytesPerOperation, nameof(GradientPassBench.Triad), relative: true));
        AddColumn(new ThroughputColumn(GradientPassBench.BytesPerOperation, nameof(GradientPassBench.ReadOnly), relative: true, referenceName: "read-only"));
    }
}
