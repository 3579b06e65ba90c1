using Lsgd.Data;
using Lsgd.Engines;
using Lsgd.Internals;
using Lsgd.Models;
using Lsgd.Training;

namespace Lsgd.Applications.Features;

/// <summary>Settings of <see cref="RandomFourierRegressor"/>. Immutable; each value is checked when set.</summary>
public sealed record RandomFourierRegressorOptions
{
    /// <summary>D, ℓ and the seed of the feature map.</summary>
    public RandomFourierFeaturesOptions Map { get; init => field = value ?? throw new ArgumentNullException(nameof(Map)); } = new();

    /// <summary>λ &gt; 0 in ½‖y − Zw‖² + ½λ‖w‖², the same λ as <see cref="KernelRidgeOptions.Lambda"/>. Default 0.1.</summary>
    public double Lambda
    {
        get;
        init => field = Check.Positive(value, nameof(Lambda), "Try 0.1.");
    } = 0.1;

    /// <summary>
    /// Stopping rules of the conjugate-gradient solve (its learning rate and optimizer are not used). Default: stop
    /// when ‖∇J‖ &lt; 1e-10 (or when rounding stops progress), at most 100 000 steps — the weights are then accurate to
    /// about 1e-10/λ; a rule on the change of J would stop at about the square root of that. The loss scaling must
    /// stay <see cref="LossScaling.Sum"/> for λ to mean what it means in kernel ridge.
    /// </summary>
    public GradientDescentOptions Solver
    {
        get;
        init => field = value ?? throw new ArgumentNullException(nameof(Solver));
    } = new() { LossScaling = LossScaling.Sum, Tolerance = 0, GradientTolerance = 1e-10, MaxIterations = 100_000, TraceIterations = 0 };

    /// <summary>Upper bound on threads for the passes over z (≥ 1); null uses every core.</summary>
    public int? MaxThreads
    {
        get;
        init => field = value is { } v ? Check.AtLeast(v, 1, nameof(MaxThreads), "Use 1, or leave it unset to use every core.") : null;
    }
}

/// <summary>
/// The kernel trick with the linear machinery: maps the inputs with <see cref="RandomFourierFeatures"/>, then fits
/// ridge regression on z(x) — ½‖y − Zw‖² + ½λ‖w‖², no intercept — by conjugate gradient over the in-memory
/// gradient engine. Works for any n and D, including D &gt; n where ordinary least squares is not unique.
/// </summary>
/// <remarks>
/// This is the primal form of kernel ridge regression with the approximate kernel z(x)ᵀz(x′), so as D grows its
/// predictions approach those of <see cref="KernelRidge"/> with the same ℓ and λ, at O(nD) memory instead of O(n²).
/// </remarks>
/// <example>
/// <code>
/// var options = new RandomFourierRegressorOptions { Map = new() { Features = 2000, LengthScale = 1 }, Lambda = 0.1 };
/// var fit = new RandomFourierRegressor(options).Fit(data);
/// double[] predictions = fit.Predict(newData);
/// </code>
/// </example>
public sealed class RandomFourierRegressor
{
    /// <summary>Creates the estimator with <paramref name="options"/> (defaults when null).</summary>
    public RandomFourierRegressor(RandomFourierRegressorOptions? options = null) => Options = options ?? new RandomFourierRegressorOptions();

    /// <summary>The settings.</summary>
    public RandomFourierRegressorOptions Options { get; }

    /// <summary>Draws the map and fits the ridge weights of every target of <paramref name="data"/>.</summary>
    /// <exception cref="InvalidOptionException">The solver's loss scaling is not <see cref="LossScaling.Sum"/>.</exception>
    public RandomFourierFit Fit(Dataset data, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        var o = Options;
        if (o.Solver.LossScaling != LossScaling.Sum)
            throw new InvalidOptionException("LossScaling", o.Solver.LossScaling, "Sum for the random-feature ridge",
                "Leave Solver.LossScaling at Sum, so that λ means the same as in kernel ridge.");
        var map = new RandomFourierFeatures(data.Features, o.Map);
        var z = map.Transform(data);
        var objective = new LeastSquaresObjective(new InMemoryEngine(z, fitIntercept: false, o.MaxThreads), LossScaling.Sum, Penalty.Ridge(o.Lambda));
        var run = ConjugateGradient.Minimize(objective, o.Solver, default, null, cancellationToken: cancellationToken);
        var model = new LinearModel(new ParameterLayout(map.Count, data.Outputs, false), [.. run.Parameters], map.FeatureNames, data.TargetNames);
        return new RandomFourierFit(map, model, run);
    }
}

/// <summary>The outcome of <see cref="RandomFourierRegressor.Fit"/>: the feature map, the linear model on it, and the solve.</summary>
public sealed class RandomFourierFit
{
    internal RandomFourierFit(RandomFourierFeatures map, LinearModel model, GradientDescentResult training)
    {
        Map = map;
        Model = model;
        Training = training;
    }

    /// <summary>The random feature map z.</summary>
    public RandomFourierFeatures Map { get; }

    /// <summary>The ridge weights on z (D features, no intercept).</summary>
    public LinearModel Model { get; }

    /// <summary>The conjugate-gradient run (iterations, stop reason, final loss including the penalty).</summary>
    public GradientDescentResult Training { get; }

    /// <summary>Writes the k predictions for one row of the original inputs.</summary>
    public void Predict(ReadOnlySpan<double> x, Span<double> prediction)
    {
        Span<double> z = Map.Count <= 1024 ? stackalloc double[Map.Count] : new double[Map.Count];
        Map.Transform(x, z);
        Model.Predict(z, prediction);
    }

    /// <summary>Predicts every row of <paramref name="data"/> (original inputs): n·k values, row-major.</summary>
    public double[] Predict(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Model.Predict(Map.Transform(data));
    }
}
