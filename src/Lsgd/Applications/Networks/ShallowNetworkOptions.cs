using Lsgd.Internals;
using Lsgd.Models;

namespace Lsgd.Applications.Networks;

/// <summary>Settings of <see cref="ShallowNetworkRegressor"/>. Immutable; each value is checked when set.</summary>
public sealed record ShallowNetworkOptions
{
    /// <summary>h, hidden units (≥ 1). Default 16: enough for a smooth curve or surface in a few inputs.</summary>
    public int HiddenUnits
    {
        get;
        init => field = Check.AtLeast(value, 1, nameof(HiddenUnits), "Try 16.");
    } = 16;

    /// <summary>φ, tanh (default) or ReLU.</summary>
    public HiddenActivation Activation { get; init; } = HiddenActivation.Tanh;

    /// <summary>
    /// How θ is updated from gradients; null (the default) is <see cref="Optimizers.Adam"/>, whose per-coordinate
    /// steps suit the very different curvatures of the two layers. Any <see cref="Optimizers.IOptimizer"/> works.
    /// </summary>
    public Optimizers.IOptimizer? Optimizer { get; init; }

    /// <summary>Base step size α (&gt; 0). Default 0.01, suited to Adam on standardised data.</summary>
    public double LearningRate
    {
        get;
        init => field = Check.Positive(value, nameof(LearningRate), "Try 0.01 with Adam, or 0.1 with plain gradient descent on the mean loss.");
    } = 0.01;

    /// <summary>Learning-rate schedule, a pure function of the step (default constant).</summary>
    public Schedules.ILearningRateSchedule Schedule { get; init => field = value ?? Schedules.ConstantSchedule.Instance; } = Schedules.ConstantSchedule.Instance;

    /// <summary>Rows per mini-batch (≥ 1), or null (the default) for full-batch steps. With mini-batches an iteration is an epoch.</summary>
    public int? BatchSize
    {
        get;
        init => field = value is { } v ? Check.AtLeast(v, 1, nameof(BatchSize), "Try 32, or leave it unset for full-batch steps.") : null;
    }

    /// <summary>Most iterations (full-batch steps, or epochs with mini-batches) (≥ 1). Default 5000.</summary>
    public int MaxIterations
    {
        get;
        init => field = Check.AtLeast(value, 1, nameof(MaxIterations), "Try 5000.");
    } = 5000;

    /// <summary>Stop when |J(θₖ) − J(θₖ₋₁)| &lt; Tolerance on the full loss (≥ 0; 0, the default, runs every iteration — the loss of a network can stall and then fall again).</summary>
    public double Tolerance
    {
        get;
        init => field = Check.NonNegative(value, nameof(Tolerance), "Try 1e-12, or 0 to run every iteration.");
    }

    /// <summary>
    /// Stop when ‖∇J‖ &lt; GradientTolerance on the full loss (≥ 0; 0, the default, turns the rule off). The loss is
    /// not convex, so no certificate of optimality exists: this stationarity test is also what makes a fit
    /// <see cref="ShallowNetworkFit.Converged"/>.
    /// </summary>
    public double GradientTolerance
    {
        get;
        init => field = Check.NonNegative(value, nameof(GradientTolerance), "Try 1e-6, or 0 to turn the rule off.");
    }

    /// <summary>Sum or mean (default) scaling of ½Σ‖y − ŷ‖², as for the linear model.</summary>
    public LossScaling LossScaling { get; init; } = LossScaling.Mean;

    /// <summary>
    /// Train on standardised inputs and targets (default true) and fold the scaling back into the weights, so the
    /// network is in the data's units. Without it the default step and initial weights assume data of unit scale.
    /// </summary>
    public bool Standardize { get; init; } = true;

    /// <summary>Seed of the initial weights and of the mini-batch order. Default 0.</summary>
    public int Seed { get; init; }
}
