namespace Lsgd.Training;

/// <summary>One recorded iteration k: the gradient used for the step, the new parameters and J at them.</summary>
/// <param name="K">Iteration number, 1-based.</param>
/// <param name="Gradient">∇J(θₖ₋₁), the gradient that made the step.</param>
/// <param name="Parameters">θₖ after the step.</param>
/// <param name="Loss">J(θₖ).</param>
public sealed record IterationRecord(int K, double[] Gradient, double[] Parameters, double Loss);

/// <summary>Progress of a running fit, reported a few times a second.</summary>
/// <param name="Iteration">Updates made so far.</param>
/// <param name="MaxIterations">The iteration limit.</param>
/// <param name="Loss">Current J.</param>
/// <param name="GradientNorm">Current ‖∇J‖.</param>
public readonly record struct TrainingProgress(int Iteration, int MaxIterations, double Loss, double GradientNorm);

/// <summary>What a gradient-descent run did: where it stopped, why, and the path it took.</summary>
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

    /// <summary>θ at the stop (the last finite one when the run diverged), in the space the objective was posed in.</summary>
    public IReadOnlyList<double> Parameters { get; }

    /// <summary>Why the run stopped.</summary>
    public StopReason StopReason { get; }

    /// <summary>Number of updates made.</summary>
    public int Iterations { get; }

    /// <summary>J(θ₀), J(θ₁), …, J(θ_Iterations): Iterations + 1 values (the last may be non-finite after divergence).</summary>
    public IReadOnlyList<double> LossHistory { get; }

    /// <summary>The final finite loss.</summary>
    public double FinalLoss
    {
        get
        {
            for (int i = LossHistory.Count - 1; i >= 0; i--)
                if (double.IsFinite(LossHistory[i])) return LossHistory[i];
            return double.NaN;
        }
    }

    /// <summary>‖∇J‖ at <see cref="Parameters"/>.</summary>
    public double GradientNorm { get; }

    /// <summary>The first few iterations in full.</summary>
    public IReadOnlyList<IterationRecord> Trace { get; }

    /// <summary>A sentence on why the run stopped and what to do about it, when there is something to do.</summary>
    public string Message { get; }

    /// <summary>The learning rate α used.</summary>
    public double LearningRate { get; }

    /// <summary>Whether the run met a convergence rule (loss change or gradient norm).</summary>
    public bool Converged => StopReason is StopReason.LossChangeBelowTolerance or StopReason.GradientNormBelowTolerance;
}
