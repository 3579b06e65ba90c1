using Lsgd.Internals;
using Lsgd.Models;

namespace Lsgd.Training;

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
    /// <summary>Step size α (&gt; 0). Under <see cref="LossScaling.Sum"/> it multiplies the summed gradient. Default 0.01 (the article's).</summary>
    public double LearningRate
    {
        get;
        init => field = Check.Positive(value, nameof(LearningRate), "Try 0.01, or a value below 2/L where L is the largest eigenvalue of the Hessian.");
    } = 0.01;

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
