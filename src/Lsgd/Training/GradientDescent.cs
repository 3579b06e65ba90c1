using Lsgd.Engines;

namespace Lsgd.Training;

/// <summary>
/// The trainer of the gradient-descent family, over any <see cref="IObjective"/>. With the defaults of a given α,
/// full batch and <see cref="Optimizers.Sgd"/>, it is the article's batch gradient descent exactly.
/// </summary>
/// <remarks>
/// Full batch:
/// <code>
/// θ₀ = 0 (or seeded random, or given);  J₀ = J(θ₀),  g₀ = ∇J(θ₀)
/// for k = 1, 2, …, MaxIterations:
///     θₖ = update(θₖ₋₁, gₖ₋₁, α·schedule(k−1))    (plain GD: w ← w − α ∂J/∂w,  b ← b − α ∂J/∂b)
///     Jₖ = J(θₖ),  gₖ = ∇J(θₖ)                       (one fused pass over the data)
///     Jₖ not finite (or rising, see below)           → roll back; Stop: Diverged; Recover: halve α, go on
///     Jₖ ≤ TargetLoss                                 → TargetReached
///     certificate bound ≤ RelativeGapTolerance        → Certified
///     |Jₖ − Jₖ₋₁| &lt; Tolerance                        → LossChangeBelowTolerance (the article's rule)
///     ‖gₖ‖ &lt; GradientTolerance                        → GradientNormBelowTolerance
///     validation loss not better for Patience checks  → EarlyStopped
/// </code>
/// Mini-batches: one iteration is an epoch of shuffled batches (seeded: the same seed gives the same bits
/// whatever the thread count), and the rules are checked on the full loss after it. Cancellation and the time
/// budget are checked before every iteration.
/// <para>What the trainer asks of its parts: the objective's capabilities (<see cref="IObjective.IsQuadratic"/>,
/// <see cref="IObjective.LargestCurvature"/>, <see cref="IObjective.Proximal"/>, mini-batches) and the optimizer's
/// (<see cref="Optimizers.IOptimizer.IsMonotone"/>, <see cref="Optimizers.IOptimizer.AdaptiveLearningRateFactor"/>,
/// <see cref="Optimizers.IOptimizer.SupportsLineSearch"/>, <see cref="Optimizers.IOptimizer.SupportsProximal"/>).
/// A rise of J proves α too large only when both promise monotone steps (plain GD, constant α, a quadratic).</para>
/// <para><see cref="GradientDescentResult.Converged"/> follows one rule for every trainer (see
/// <see cref="GradientDescentResult.Converged"/>): a certificate that holds, or without one a stationary point.</para>
/// </remarks>
public static class GradientDescent
{
    /// <summary>Minimises <paramref name="objective"/> from zeros or seeded random values.</summary>
    /// <param name="objective">Loss and gradient.</param>
    /// <param name="options">α, optimizer, batches, stopping rules, initial values.</param>
    /// <param name="validation">Held-out rows for early stopping (optional).</param>
    /// <param name="progress">Receives a report a few times a second on long runs.</param>
    /// <param name="certificate">Bounds the relative objective gap after each full-batch step (or epoch): the run stops,
    /// certified, once the bound is at most <see cref="GradientDescentOptions.RelativeGapTolerance"/> (unless
    /// <see cref="GradientDescentOptions.StopWhenCertified"/> is off), and the result is converged only when it holds.</param>
    /// <param name="cancellationToken">Stops the run cleanly, keeping the parameters reached.</param>
    public static GradientDescentResult Minimize(IObjective objective, GradientDescentOptions options,
        IObjective? validation = null, IProgress<TrainingProgress>? progress = null, IOptimalityCertificate? certificate = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(options);
        var theta = Initial(objective.ParameterCount, options);
        return Minimize(objective, options, theta, validation, progress, certificate, cancellationToken);
    }

    /// <summary>Minimises <paramref name="objective"/> starting from <paramref name="initial"/> (warm start).</summary>
    public static GradientDescentResult Minimize(IObjective objective, GradientDescentOptions options,
        ReadOnlySpan<double> initial, IObjective? validation = null, IProgress<TrainingProgress>? progress = null,
        IOptimalityCertificate? certificate = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(options);
        int p = objective.ParameterCount;
        if (initial.Length != p)
            Internals.Throw.Length(nameof(initial), initial.Length, p, "the model's parameter count");
        return new TrainingRun(objective, options, initial, validation, progress, certificate, cancellationToken).Execute();
    }

    /// <summary>θ₀ of <paramref name="count"/> parameters as <see cref="GradientDescentOptions.Initialization"/> says: zeros, or N(0, 0.01²) seeded by <see cref="GradientDescentOptions.Seed"/>.</summary>
    public static double[] Initial(int count, GradientDescentOptions options)
    {
        var theta = new double[count];
        if (options.Initialization == Initialization.Random)
        {
            var rng = new Random(options.Seed);
            for (int i = 0; i < count; i++)
            {
                // Box–Muller: N(0, 1) scaled to a standard deviation of 0.01.
                double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
                theta[i] = 0.01 * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            }
        }
        return theta;
    }
}
