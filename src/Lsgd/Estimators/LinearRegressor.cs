using System.Globalization;
using System.Numerics.Tensors;
using Lsgd.Data;
using Lsgd.Engines;
using Lsgd.Internals;
using Lsgd.Models;
using Lsgd.Solvers;
using Lsgd.Training;

namespace Lsgd.Estimators;

/// <summary>
/// Linear least-squares regression, by the gradient-descent family, conjugate gradient or exactly. Settings
/// go in, <see cref="Fit"/> returns a separate, immutable result.
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
    /// <summary>Largest n·p² for which <see cref="SolverMethod.Auto"/> picks the exact QR solver.</summary>
    public const double AutoExactBudget = 2e10;

    /// <summary>Creates an estimator with <paramref name="options"/> (defaults when null).</summary>
    public LinearRegressor(LinearRegressorOptions? options = null) => Options = options ?? new LinearRegressorOptions();

    /// <summary>The settings.</summary>
    public LinearRegressorOptions Options { get; }

    /// <summary>Fits the model to <paramref name="data"/>.</summary>
    /// <param name="data">Features and targets.</param>
    /// <param name="progress">Progress of an iterative method, a few times a second.</param>
    /// <param name="cancellationToken">Stops an iterative method cleanly; the result keeps the parameters reached.</param>
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

        var (method, choice) = Choose(o, data, layout);
        if (method == SolverMethod.Exact)
        {
            if (!o.Penalty.IsNone)
                throw new InvalidOptionException(nameof(o.Penalty), o.Penalty, "none with the exact solver",
                    "Use --method cg for ridge, or --method gd for lasso and elastic net.");
            var exact = ExactLeastSquares.Solve(data, o.FitIntercept);
            return new LinearFit(exact.Model, o, method, choice, null, null, FitStatistics.Compute(exact.Model, data), exact, null, null, data.Rows);
        }

        var (train, validation) = Split(data, o.ValidationFraction, o.GradientDescent.Seed);
        Standardizer? standardizer = o.Standardize ? Standardizer.Fit(train, center: o.FitIntercept) : null;
        var working = standardizer?.Transform(train) ?? train;
        var scaling = o.GradientDescent.LossScaling;
        var objective = new LeastSquaresObjective(new InMemoryEngine(working, o.FitIntercept, o.MaxThreads), scaling, o.Penalty);
        LeastSquaresObjective? validationObjective = validation is null ? null
            : new LeastSquaresObjective(new InMemoryEngine(standardizer?.Transform(validation) ?? validation, o.FitIntercept, o.MaxThreads), scaling, o.Penalty);
        var run = method == SolverMethod.ConjugateGradient
            ? ConjugateGradient.Minimize(objective, o.GradientDescent, default, progress, cancellationToken)
            : GradientDescent.Minimize(objective, o.GradientDescent, validationObjective, progress, cancellationToken);
        var theta = standardizer is null ? [.. run.Parameters] : standardizer.ToOriginalUnits([.. run.Parameters], layout);
        var model = new LinearModel(layout, theta, data.FeatureNames, data.TargetNames);
        var statistics = FitStatistics.Compute(model, data);

        ExactSolution? reference = null;
        Optimality? optimality = null;
        string? skipped = null;
        if (!o.CompareWithExact)
            skipped = "the comparison with the exact solution was turned off";
        else if (!o.Penalty.IsNone)
            skipped = "the fit is penalised, so the unpenalised least-squares solution is not its optimum";
        else if (validation is not null)
            skipped = "rows were held out for validation, so the fit is not the least-squares solution of all the data";
        else if (layout.Count > o.MaxParametersForExactCheck)
            skipped = $"the model has {layout.Count} parameters, more than the {o.MaxParametersForExactCheck} for which the exact check runs";
        else
        {
            try
            {
                reference = ExactLeastSquares.Solve(data, o.FitIntercept);
                optimality = Compare(model, reference, statistics, data.Rows, scaling);
            }
            catch (LsgdException e)
            {
                skipped = "the exact solution is not unique: " + e.Message.TrimEnd('.');
            }
        }
        return new LinearFit(model, o, method, choice, run, standardizer, statistics, reference, optimality, skipped, data.Rows);
    }

    /// <summary>The method to run, and for <see cref="SolverMethod.Auto"/> a sentence on why.</summary>
    private static (SolverMethod Method, string? Why) Choose(LinearRegressorOptions o, Dataset data, ParameterLayout layout)
    {
        if (o.Method != SolverMethod.Auto)
            return (o.Method, null);
        var c = CultureInfo.InvariantCulture;
        double work = (double)data.Rows * layout.BlockSize * layout.BlockSize;
        if (o.Penalty.L1 > 0)
            return (SolverMethod.GradientDescent, "auto chose gradient descent: the L1 penalty needs a proximal method.");
        if (o.Penalty.IsNone && layout.BlockSize <= o.MaxParametersForExactCheck && work <= AutoExactBudget)
            return (SolverMethod.Exact, string.Format(c, "auto chose the exact QR solver: n·p² = {0:G3} is small enough for a direct solve, which is also the most accurate.", work));
        return (SolverMethod.ConjugateGradient, string.Format(c,
            "auto chose conjugate gradient: {0}; it needs at most about p = {1} passes over the data.",
            o.Penalty.IsNone ? $"n·p² = {work:G3} is too large for a direct QR solve" : "the ridge penalty is smooth", layout.Count));
    }

    /// <summary>Holds out a seeded random fraction of rows for validation.</summary>
    private static (Dataset Train, Dataset? Validation) Split(Dataset data, double fraction, int seed)
    {
        if (fraction <= 0) return (data, null);
        int n = data.Rows;
        int held = (int)Math.Round(fraction * n);
        if (held < 1 || n - held < data.Features + 1)
            Throw.Data($"A validation fraction of {fraction.ToString(CultureInfo.InvariantCulture)} of {n} rows leaves too few rows for training or validation. Lower --validation-fraction or add rows.");
        var order = Enumerable.Range(0, n).ToArray();
        new Random(seed).Shuffle(order);
        return (Take(data, order.AsSpan(held)), Take(data, order.AsSpan(0, held)));
    }

    private static Dataset Take(Dataset data, ReadOnlySpan<int> rows)
    {
        int d = data.Features, k = data.Outputs;
        var sorted = rows.ToArray();
        Array.Sort(sorted);
        var x = new double[sorted.Length * d];
        var y = new double[sorted.Length * k];
        for (int i = 0; i < sorted.Length; i++)
        {
            data.FeatureRow(sorted[i]).CopyTo(x.AsSpan(i * d, d));
            data.TargetRow(sorted[i]).CopyTo(y.AsSpan(i * k, k));
        }
        return new Dataset(x, y, sorted.Length, d, k, data.FeatureNames, data.TargetNames);
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
