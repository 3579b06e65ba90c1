using Lsgd.Internals;
using Lsgd.Models;

namespace Lsgd.Training;

/// <summary>What a trainer does when the loss rises or becomes non-finite.</summary>
public enum DivergencePolicy
{
    /// <summary>Stop, keep the last finite parameters, and report the safe bound on α.</summary>
    Stop,

    /// <summary>Roll back the step, halve α, say so in the result, and go on.</summary>
    Recover,
}

/// <summary>How the initial parameters are chosen.</summary>
public enum Initialization
{
    /// <summary>w = 0, b = 0 (the article's worked example).</summary>
    Zeros,

    /// <summary>Each parameter drawn from N(0, 0.01²) with <see cref="GradientDescentOptions.Seed"/>.</summary>
    Random,
}

/// <summary>
/// Settings of batch gradient descent exactly as the article writes it:
/// θ ← θ − α ∇J(θ), stopping when |J(θₖ) − J(θₖ₋₁)| &lt; <see cref="Tolerance"/>, when
/// ‖∇J(θₖ)‖ &lt; <see cref="GradientTolerance"/>, or after <see cref="MaxIterations"/> updates.
/// </summary>
/// <remarks>Each value is validated when set; a message says what was received, what is allowed and what to try.</remarks>
public sealed record GradientDescentOptions
{
    /// <summary>
    /// Step size α (&gt; 0), or <c>null</c> (the default) for automatic: α = 1/L with L the largest eigenvalue of
    /// the Hessian, found by power iteration, so plain gradient descent provably decreases the loss every step.
    /// Under <see cref="LossScaling.Sum"/> α multiplies the summed gradient. The article's example uses 0.01.
    /// </summary>
    /// <remarks>A given α is never changed behind the user's back: with <see cref="DivergencePolicy.Stop"/> (the
    /// default for a given α) a diverging run stops and says which α would be safe.</remarks>
    public double? LearningRate
    {
        get;
        init => field = value is { } v
            ? Check.Positive(v, nameof(LearningRate), "Try 0.01, or a value below 2/L where L is the largest eigenvalue of the Hessian, or leave it unset for automatic.")
            : null;
    }

    /// <summary>
    /// How parameters are updated from gradients; <c>null</c> (the default) is plain gradient descent
    /// (<see cref="Optimizers.Sgd"/>), the article's θ ← θ − αg.
    /// </summary>
    public Optimizers.IOptimizer? Optimizer { get; init; }

    /// <summary>
    /// Rows per mini-batch (≥ 1), or <c>null</c> (the default) for the full batch. With mini-batches,
    /// <see cref="MaxIterations"/> counts epochs (passes over the data), rows are shuffled each epoch with
    /// <see cref="Seed"/>, and the stopping rules are checked on the full loss after each epoch.
    /// </summary>
    public int? BatchSize
    {
        get;
        init => field = value is { } v ? Check.AtLeast(v, 1, nameof(BatchSize), "Try 32, or leave it unset for full-batch gradient descent.") : null;
    }

    /// <summary>Learning-rate schedule, a pure function of the step (default constant).</summary>
    public Schedules.ILearningRateSchedule Schedule { get; init => field = value ?? Schedules.ConstantSchedule.Instance; } = Schedules.ConstantSchedule.Instance;

    /// <summary>
    /// Backtracking (Armijo) line search for full-batch plain gradient descent: each step starts from twice the
    /// last accepted α and halves it until J(θ − αg) ≤ J(θ) − ½α‖g‖². Default off.
    /// </summary>
    public bool LineSearch { get; init; }

    /// <summary>
    /// What to do when the loss rises or becomes non-finite: stop (the default when α is given), or recover by
    /// rolling back the step and halving α (the default when α is automatic).
    /// </summary>
    public DivergencePolicy? OnDivergence { get; init; }

    /// <summary>Stop after this much wall-clock time (null, the default: no limit).</summary>
    public TimeSpan? TimeBudget
    {
        get;
        init => field = value is { } v && v <= TimeSpan.Zero
            ? throw new InvalidOptionException(nameof(TimeBudget), v, "a positive duration", "Try 00:01:00, or leave it unset.")
            : value;
    }

    /// <summary>
    /// With a validation set: stop when its loss has not improved for this many checks (≥ 1) and keep the best
    /// parameters seen. Default 10.
    /// </summary>
    public int Patience
    {
        get;
        init => field = Check.AtLeast(value, 1, nameof(Patience), "Try 10.");
    } = 10;

    /// <summary>Most parameter updates to make (≥ 1). Default 10 000.</summary>
    public int MaxIterations
    {
        get;
        init => field = Check.AtLeast(value, 1, nameof(MaxIterations), "Try 10000.");
    } = 10_000;

    /// <summary>
    /// The article's rule: stop when |J(θₖ) − J(θₖ₋₁)| &lt; Tolerance (≥ 0; 0 turns it off). Default 1e-12.
    /// </summary>
    /// <remarks>A small change of the loss does not mean a small distance to the optimum: on the article's
    /// example 1e-6 stops with b still 1 % off. The result reports that distance.</remarks>
    public double Tolerance
    {
        get;
        init => field = Check.NonNegative(value, nameof(Tolerance), "Try 1e-12.");
    } = 1e-12;

    /// <summary>Stop when ‖∇J(θₖ)‖₂ &lt; GradientTolerance (≥ 0; 0, the default, turns it off).</summary>
    public double GradientTolerance
    {
        get;
        init => field = Check.NonNegative(value, nameof(GradientTolerance), "Try 1e-8.");
    }

    /// <summary>
    /// The certified stop: when an <see cref="IOptimalityCertificate"/> is given to the trainer, stop as soon as its
    /// bound on the relative objective gap is at most this (≥ 0; 0 turns the rule off). Default 1e-10. A gap bounds the
    /// coefficients' relative error only by about √(2·gap·J*/λₘᵢₙ)/‖θ*‖ (about 5 digits at 1e-10 on well-conditioned
    /// data); the automatic method of <c>LinearRegressor</c> runs on to the gap that bounds them to eleven digits in norm, about ten for each coefficient.
    /// </summary>
    public double RelativeGapTolerance
    {
        get;
        init => field = Check.NonNegative(value, nameof(RelativeGapTolerance), "Try 1e-10.");
    } = 1e-10;

    /// <summary>
    /// Whether the run stops as soon as the certificate holds (default true). False leaves the stop to the other rules
    /// — the article's demo stops where the article says — and the certificate then only judges the final parameters:
    /// <see cref="GradientDescentResult.Converged"/> is still true only when its bound is within
    /// <see cref="RelativeGapTolerance"/>.
    /// </summary>
    public bool StopWhenCertified { get; init; } = true;

    /// <summary>Stop as soon as J ≤ TargetLoss (null, the default: no target). Used to time methods to a given accuracy.</summary>
    public double? TargetLoss { get; init; }

    /// <summary>Sum (the article's, default) or mean scaling of the loss.</summary>
    public LossScaling LossScaling { get; init; } = LossScaling.Sum;

    /// <summary>Zeros (default) or seeded random initial parameters.</summary>
    public Initialization Initialization { get; init; } = Initialization.Zeros;

    /// <summary>Seed for <see cref="Initialization.Random"/> (and for curvature estimates).</summary>
    public int Seed { get; init; }

    /// <summary>How many first iterations to record in full (θ, gradient, loss) for display (≥ 0). Default 10.</summary>
    public int TraceIterations
    {
        get;
        init => field = Check.AtLeast(value, 0, nameof(TraceIterations), "Try 10.");
    } = 10;
}
