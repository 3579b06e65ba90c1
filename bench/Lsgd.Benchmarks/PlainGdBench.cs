using BenchmarkDotNet.Attributes;
using Lsgd.Data;
using Lsgd.Engines;
using Lsgd.Models;
using Lsgd.Training;

namespace Lsgd.Benchmarks;

/// <summary>
/// The article's plain batch gradient descent (sum loss, fixed α, θ₀ = 0), exactly 100 iterations on
/// n = 100 000, d = 50: every step one pass over the rows (row engine) against one pass to build XᵀX and then
/// 100 O(d²) steps (statistics engine; the statistics are built inside the timed call).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(MedianConfig))]
public class PlainGdBench
{
    public const int N = 100_000;
    public const int D = 50;
    public const int Iterations = 100;

    private Dataset _data = null!;
    private GradientDescentOptions _options = null!;

    [GlobalSetup]
    public void Setup()
    {
        _data = SyntheticData.Dataset(N, D);
        _options = new GradientDescentOptions
        {
            LearningRate = 1e-9,
            MaxIterations = Iterations,
            Tolerance = 0,
            TraceIterations = 0,
        };
        // Both must really make every iteration (no early stop), and agree.
        var rows = RowEngine();
        var stats = StatisticsEngine();
        foreach (var r in new[] { rows, stats })
        {
            if (r.Iterations != Iterations || r.StopReason != StopReason.MaxIterations)
                throw new InvalidOperationException($"Expected {Iterations} iterations, got {r.Iterations} ({r.StopReason}): {r.Message}");
        }
        double gap = Math.Abs(rows.FinalLoss - stats.FinalLoss) / Math.Abs(rows.FinalLoss);
        if (gap > 1e-8)
            throw new InvalidOperationException($"Row and statistics engines disagree: {rows.FinalLoss} vs {stats.FinalLoss}.");
    }

    [Benchmark(Baseline = true, Description = "row engine (InMemoryEngine), 100 passes")]
    public GradientDescentResult RowEngine() =>
        GradientDescent.Minimize(new LeastSquaresObjective(new InMemoryEngine(_data, fitIntercept: true), LossScaling.Sum), _options);

    [Benchmark(Description = "statistics engine (Compute + 100 O(d²) steps)")]
    public GradientDescentResult StatisticsEngine()
    {
        var statistics = SufficientStatistics.Compute(_data);
        return GradientDescent.Minimize(new LeastSquaresObjective(new SufficientStatisticsEngine(statistics, fitIntercept: true), LossScaling.Sum), _options);
    }
}
