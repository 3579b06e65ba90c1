using System.Numerics.Tensors;
using Lsgd.Data;
using Lsgd.Engines;
using Lsgd.Internals;
using Lsgd.Models;
using Lsgd.Solvers;
using Lsgd.Training;

namespace Lsgd.Estimators;

/// <summary>
/// Linear least-squares regression, by the article's gradient descent or exactly. Settings go in,
/// <see cref="Fit"/> returns a separate, immutable result.
/// </summary>
/// <example>
/// <code>
/// var data = Dataset.FromPoints([1, 2, 3, 4, 5], [3, 5, 7, 9, 11]);
/// var fit = new LinearRegressor(new LinearRegressorOptions()).Fit(data);
/// double w = fit.Model.Coefficients()[0], b = fit.Model.Intercept();   // ≈ 2, 1
/// </code>
/// </example>
public sealed class LinearRegressor
{
    /// <summary>Creates an estimator with <paramref name="options"/> (defaults when null).</summary>
    public LinearRegressor(LinearRegressorOptions? options = null) => Options = options ?? new LinearRegressorOptions();

    /// <summary>The settings.</summary>
    public LinearRegressorOptions Options { get; }

    /// <summary>Fits the model to <paramref name="data"/>.</summary>
    /// <param name="data">Features and targets.</param>
    /// <param name="progress">Progress of gradient descent, a few times a second.</param>
    /// <param name="cancellationToken">Stops gradient descent cleanly; the result keeps the parameters reached.</param>
    /// <exception cref="LsgdException">Fewer rows than parameters; for the exact method, dependent features.</exception>
    public LinearFit Fit(Dataset data, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        var o = Options;
        var layout = new ParameterLayout(data.Features, data.Outputs, o.FitIntercept);
        if (data.Rows < layout.BlockSize)
            Throw.Data($"The data has {Throw.Plural(data.Rows, "row")} but each output has {Throw.Plural(layout.BlockSize, "parameter")} " +
                $"({Throw.Plural(data.Features, "feature")}{(o.FitIntercept ? " and an intercept" : "")}): at least {layout.BlockSize} rows are needed. " +
                "Add rows, use fewer features or a lower --degree.");

        if (o.Method == SolverMethod.Exact)
        {
            var exact = ExactLeastSquares.Solve(data, o.FitIntercept);
            return new LinearFit(exact.Model, o, null, null, FitStatistics.Compute(exact.Model, data), exact, null, null, data.Rows);
        }

        Standardizer? standardizer = o.Standardize ? Standardizer.Fit(data, center: o.FitIntercept) : null;
        var working = standardizer?.Transform(data) ?? data;
        var objective = new LeastSquaresObjective(new InMemoryEngine(working, o.FitIntercept, o.MaxThreads), o.GradientDescent.LossScaling);
        var run = GradientDescent.Minimize(objective, o.GradientDescent, progress, cancellationToken);
        var theta = standardizer is null ? [.. run.Parameters] : standardizer.ToOriginalUnits([.. run.Parameters], layout);
        var model = new LinearModel(layout, theta, data.FeatureNames, data.TargetNames);
        var statistics = FitStatistics.Compute(model, data);

        ExactSolution? reference = null;
        Optimality? optimality = null;
        string? skipped = null;
        if (!o.CompareWithExact)
            skipped = "the comparison with the exact solution was turned off";
        else if (layout.Count > o.MaxParametersForExactCheck)
            skipped = $"the model has {layout.Count} parameters, more than the {o.MaxParametersForExactCheck} for which the exact check runs";
        else
        {
            try
            {
                reference = ExactLeastSquares.Solve(data, o.FitIntercept);
                optimality = Compare(model, reference, statistics, data.Rows, o.GradientDescent.LossScaling);
            }
            catch (LsgdException e)
            {
                skipped = "the exact solution is not unique: " + e.Message;
            }
        }
        return new LinearFit(model, o, run, standardizer, statistics, reference, optimality, skipped, data.Rows);
    }

    private static Optimality Compare(LinearModel model, ExactSolution exact, IReadOnlyList<OutputStatistics> statistics,
        int rows, LossScaling scaling)
    {
        double factor = scaling == LossScaling.Mean ? 0.5 / rows : 0.5;
        double loss = factor * statistics.Sum(s => s.SumOfSquaredResiduals);
        double optimal = factor * exact.ResidualSumOfSquares.Sum();
        var star = exact.Model.Parameters;
        var diff = new double[star.Length];
        TensorPrimitives.Subtract(model.Parameters, star, diff);
        double distance = TensorPrimitives.Norm(diff);
        double starNorm = TensorPrimitives.Norm(star);
        double gap = loss - optimal;
        return new Optimality(loss, optimal, gap, optimal > 1e-300 ? gap / optimal : gap,
            distance, starNorm > 0 ? distance / starNorm : distance, star.ToArray());
    }
}
