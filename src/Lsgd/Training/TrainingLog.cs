using System.Diagnostics;
using System.Numerics.Tensors;

namespace Lsgd.Training;

/// <summary>What a run records: J after every iteration, the first iterations in full, and progress reports at most every 100 ms.</summary>
internal sealed class TrainingLog(GradientDescentOptions options, IProgress<TrainingProgress>? progress)
{
    private readonly List<double> _history = new(Math.Min(options.MaxIterations + 1, 1 << 20));
    private readonly List<IterationRecord> _trace = new(options.TraceIterations);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _lastReport;

    /// <summary>J(θ₀), J(θ₁), … so far.</summary>
    public double[] History => [.. _history];

    /// <summary>The recorded first iterations.</summary>
    public IReadOnlyList<IterationRecord> Trace => _trace;

    /// <summary>The last J recorded.</summary>
    public double Last => _history[^1];

    /// <summary>Records J(θ₀).</summary>
    public void Start(double loss) => _history.Add(loss);

    /// <summary>Records J after iteration <paramref name="k"/>, and the iteration in full while k ≤ TraceIterations (when the gradient used is given).</summary>
    public void Add(int k, double loss, double[]? usedGradient, double[] theta)
    {
        _history.Add(loss);
        if (usedGradient is not null && k <= options.TraceIterations)
            _trace.Add(new IterationRecord(k, (double[])usedGradient.Clone(), (double[])theta.Clone(), loss));
    }

    /// <summary>Replaces the last J (after a rolled-back step, or when the reported point moved).</summary>
    public void ReplaceLast(double loss) => _history[^1] = loss;

    /// <summary>Reports progress when 100 ms have passed since the last report.</summary>
    public void Report(int k, double loss, ReadOnlySpan<double> gradient)
    {
        if (progress is null || _clock.ElapsedMilliseconds - _lastReport < 100) return;
        _lastReport = _clock.ElapsedMilliseconds;
        progress.Report(new TrainingProgress(k, options.MaxIterations, loss, TensorPrimitives.Norm(gradient)));
    }
}
