namespace Lsgd.Training;

/// <summary>One recorded iteration k: the gradient used for the step, the new parameters and J at them.</summary>
/// <param name="K">Iteration number, 1-based.</param>
/// <param name="Gradient">∇J(θₖ₋₁), the gradient that made the step.</param>
/// <param name="Parameters">θₖ after the step.</param>
/// <param name="Loss">J(θₖ).</param>
public sealed record IterationRecord(int K, double[] Gradient, double[] Parameters, double Loss);

/// <summary>Progress of a running fit, reported a few times a second.</summary>
/// <param name="Iteration">Iterations (or epochs) done so far.</param>
/// <param name="MaxIterations">The iteration limit.</param>
/// <param name="Loss">Current J.</param>
/// <param name="GradientNorm">Current ‖∇J‖.</param>
public readonly record struct TrainingProgress(int Iteration, int MaxIterations, double Loss, double GradientNorm);

/// <summary>What a run of a gradient method did: where it stopped, why, and the path it took.</summary>
public sealed class GradientDescentResult
{
    internal GradientDescentResult(double[] parameters, StopReason reason, int iterations, double[] lossHistory,
        double gradientNorm, IReadOnlyList<IterationRecord> trace, string message, double learningRate)
    {
        Parameters = parameters;
        StopReason = reason;
        Iterations = iterations;
        LossHistory = lossHistory;
        GradientNorm = gradientNorm;
        Trace = trace;
        Message = message;
        LearningRate = learningRate;
    }

    /// <summary>
    /// The same run judged again by its caller: another stop reason, message and verdict (and the gap they rest on), the
    /// path and every other figure kept. Auto asks a run for a tighter gap than the caller's tolerance and then judges
    /// it at that tolerance.
    /// </summary>
    internal GradientDescentResult Rejudged(StopReason reason, string message, bool converged, string test, double gap) =>
        new((double[])Parameters, reason, Iterations, (double[])LossHistory, GradientNorm, Trace, message, LearningRate)
        {
            _finalLoss = _finalLoss,
            Steps = Steps,
            LearningRateSource = LearningRateSource,
            Optimizer = Optimizer,
            Recoveries = Recoveries,
            DataPasses = DataPasses,
            Elapsed = Elapsed,
            ValidationLoss = ValidationLoss,
            RelativeGapBound = gap,
            CertificateSource = CertificateSource,
            Converged = converged,
            ConvergenceTest = test,
        };

    /// <summary>θ at the stop (the last finite one when the run diverged), in the space the objective was posed in.</summary>
    public IReadOnlyList<double> Parameters { get; }

    /// <summary>Why the run stopped.</summary>
    public StopReason StopReason { get; }

    /// <summary>Updates made (epochs for mini-batch runs).</summary>
    public int Iterations { get; }

    /// <summary>J(θ₀), J(θ₁), …: one value per iteration or epoch, plus the start (the last may be non-finite after divergence).</summary>
    public IReadOnlyList<double> LossHistory { get; }

    /// <summary>J at <see cref="Parameters"/> (after divergence, at the last accepted θ, not at the rejected step).</summary>
    public double FinalLoss => _finalLoss ?? LastFinite();

    private double? _finalLoss;

    internal GradientDescentResult WithFinalLoss(double loss)
    {
        _finalLoss = loss;
        return this;
    }

    private double LastFinite()
    {
        for (int i = LossHistory.Count - 1; i >= 0; i--)
            if (double.IsFinite(LossHistory[i])) return LossHistory[i];
        return double.NaN;
    }

    /// <summary>‖∇J‖ at <see cref="Parameters"/> (of the gradient mapping when there is an L1 penalty).</summary>
    public double GradientNorm { get; }

    /// <summary>The first few iterations in full (full-batch runs).</summary>
    public IReadOnlyList<IterationRecord> Trace { get; }

    /// <summary>
    /// Parameter updates the run made: one per iteration of a full-batch method, one per mini-batch (over all epochs)
    /// of a mini-batch run, including those of an epoch rolled back on divergence.
    /// </summary>
    public long Steps { get; internal init; }

    /// <summary>A sentence on why the run stopped and what to do about it, when there is something to do.</summary>
    public string Message { get; }

    /// <summary>The base learning rate α used at the end (after any halving on recovery).</summary>
    public double LearningRate { get; }

    /// <summary>How α was chosen, e.g. "given" or "auto: 1/L with L = 59.15".</summary>
    public string LearningRateSource { get; internal init; } = "given";

    /// <summary>The optimizer's name (e.g. <c>gd</c>, <c>adam</c>, <c>cg</c>).</summary>
    public string Optimizer { get; internal init; } = "gd";

    /// <summary>Times a diverging step was rolled back and α halved.</summary>
    public int Recoveries { get; internal init; }

    /// <summary>Full passes over the data, including line-search trials, curvature estimates and validation.</summary>
    public double DataPasses { get; internal init; }

    /// <summary>Wall-clock time of the run.</summary>
    public TimeSpan Elapsed { get; internal init; }

    /// <summary>The loss on the validation rows at the reported parameters, when there were validation rows.</summary>
    public double? ValidationLoss { get; internal init; }

    /// <summary>
    /// The certificate's bound on the relative objective gap at <see cref="Parameters"/>, when the run was given an
    /// <see cref="IOptimalityCertificate"/>; NaN otherwise.
    /// </summary>
    public double RelativeGapBound { get; internal init; } = double.NaN;

    /// <summary>What <see cref="RelativeGapBound"/> was derived from, when a certificate was given.</summary>
    public string? CertificateSource { get; internal init; }

    /// <summary>
    /// Whether the run reached its optimum, by one rule for every trainer. With a certificate: only when it holds
    /// (the run stopped <see cref="StopReason.Certified"/>, or the bound at <see cref="Parameters"/> is at most
    /// <see cref="GradientDescentOptions.RelativeGapTolerance"/>). Without one (a non-convex objective, or a caller
    /// that has none): only at a stationary point, <see cref="GradientNorm"/> below
    /// <see cref="GradientDescentOptions.GradientTolerance"/> (or exactly zero). A stop by the article's |ΔJ| rule,
    /// a stall, a target loss or a limit is never convergence by itself; a diverged run never converged.
    /// </summary>
    public bool Converged { get; internal init; }

    /// <summary>The test <see cref="Converged"/> rests on, for people, e.g. "certificate: relative objective gap ≤ 1e-10".</summary>
    public string ConvergenceTest { get; internal init; } = "";
}
