using System.Diagnostics.CodeAnalysis;
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
/// go in, <see cref="Fit(Dataset, IProgress{TrainingProgress}?, CancellationToken)"/> returns a separate, immutable result.
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
    /// <summary>
    /// Largest n·p² for which <see cref="SolverMethod.Auto"/> picks the exact QR solver (about a fifth of a
    /// second here); above it, conjugate gradient on the sufficient statistics is as accurate for a fit and
    /// several times faster.
    /// </summary>
    public const double AutoExactBudget = 1e9;

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

        var (method, choice) = Choose(o, data.Rows, layout);
        if (method == SolverMethod.Exact)
        {
            if (!o.Penalty.IsNone)
                ThrowPenaltyWithExact(o.Penalty);
            var exact = ExactLeastSquares.Solve(data.ToDoublePrecision(), o.FitIntercept);
            var exactStatistics = FitStatistics.Compute(exact.Model, data);
            return new LinearFit(exact.Model, o, method, choice, null, null, exactStatistics, exact, null, null, data.Rows)
            { Engine = EngineKind.Rows, Report = RegressionReport.Compute(exact.Model, data, exact, exactStatistics) };
        }

        var (train, validation) = Split(data, o.ValidationFraction, o.GradientDescent.Seed);
        var engineKind = ChooseEngine(o, train.Rows, layout, validation is not null);
        Standardizer? standardizer;
        IGradientEngine engine;
        SufficientStatistics? statistics = null;
        if (engineKind == EngineKind.Statistics)
        {
            statistics = SufficientStatistics.Compute(train, o.MaxThreads);
            standardizer = o.Standardize ? statistics.ToStandardizer(center: o.FitIntercept) : null;
            engine = new SufficientStatisticsEngine(standardizer is null ? statistics : statistics.Standardized(standardizer), o.FitIntercept);
        }
        else
        {
            standardizer = o.Standardize ? Standardizer.Fit(train, center: o.FitIntercept) : null;
            engine = new InMemoryEngine(standardizer?.Transform(train) ?? train, o.FitIntercept, o.MaxThreads);
        }
        var scaling = o.GradientDescent.LossScaling;
        var objective = new LeastSquaresObjective(engine, scaling, o.Penalty);
        LeastSquaresObjective? validationObjective = validation is null ? null
            : new LeastSquaresObjective(new InMemoryEngine(standardizer?.Transform(validation) ?? validation, o.FitIntercept, o.MaxThreads), scaling, o.Penalty);
        var run = Run(method, objective, o, TargetMeans(train), validationObjective, progress, cancellationToken);
        var theta = standardizer is null ? [.. run.Parameters] : standardizer.ToOriginalUnits([.. run.Parameters], layout);
        var model = new LinearModel(layout, theta, data.FeatureNames, data.TargetNames);
        var fitStatistics = FitStatistics.Compute(model, data);

        ExactSolution? reference = null;
        Optimality? optimality = null;
        string? skipped = SkipExactCheck(o, layout, validation is not null);
        if (skipped is null)
        {
            try
            {
                // Large data: the reference (and its standard errors) come from the same statistics, by the normal
                // equations, rather than from a QR of all n rows.
                reference = statistics is not null
                    ? ExactLeastSquares.FromStatistics(statistics, o.FitIntercept)
                    : ExactLeastSquares.Solve(data.ToDoublePrecision(), o.FitIntercept);
                optimality = Compare(model, reference.Model.Parameters.ToArray(), reference.ResidualSumOfSquares.Sum(), fitStatistics, data.Rows, scaling);
            }
            catch (LsgdException e)
            {
                skipped = "the exact solution is not unique: " + e.Message.TrimEnd('.');
            }
        }
        return new LinearFit(model, o, method, choice, run, standardizer, fitStatistics, reference, optimality, skipped, data.Rows)
        {
            Engine = engineKind,
            Report = AtLeastSquaresEstimates(run, reference, optimality) ? RegressionReport.Compute(model, data, ForReport(reference, fitStatistics), fitStatistics) : null,
        };
    }

    /// <summary>
    /// Fits the model to rows streamed from <paramref name="source"/>, which may be larger than memory: one pass
    /// builds the sufficient statistics; full-batch methods then run on them, mini-batch methods stream the rows
    /// again every epoch; a last pass measures the fit. The exact solution and the standard errors of the
    /// <see cref="LinearFit.Report"/> come from the normal equations of those statistics (accurate to about
    /// κ(XᵀX)·ε rather than the QR path's κ(X)·ε); the report is attached under the same rule as in memory.
    /// </summary>
    public LinearFit Fit(IRowSource source, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var o = Options;
        if (o.ValidationFraction > 0)
            throw new InvalidOptionException(nameof(o.ValidationFraction), o.ValidationFraction, "0 for data streamed from a file",
                "Hold out a validation file yourself, or load the data in memory.");
        var statistics = SufficientStatistics.Compute(source, cancellationToken: cancellationToken);
        var layout = new ParameterLayout(source.Features, source.Outputs, o.FitIntercept);
        if (statistics.Count < layout.BlockSize)
            Throw.Data($"The data has {Throw.Plural(statistics.Count, "row")} but each output has {Throw.Plural(layout.BlockSize, "parameter")}: at least {layout.BlockSize} rows are needed.");
        int rows = (int)Math.Min(statistics.Count, int.MaxValue);
        var (method, choice) = Choose(o, statistics.Count, layout);
        if (method == SolverMethod.Exact)
        {
            if (!o.Penalty.IsNone)
                ThrowPenaltyWithExact(o.Penalty);
            var exact = ExactLeastSquares.FromStatistics(statistics, o.FitIntercept);
            var exactStatistics = FitStatistics.Compute(exact.Model, source, statistics, cancellationToken);
            // The pass just made measured Σr² at this very solution: better than Syy − θᵀSxy when R² is near 1.
            exact = exact.WithResidualSumOfSquares([.. exactStatistics.Select(s => s.SumOfSquaredResiduals)],
                [.. exactStatistics.Select(s => s.TotalSumOfSquares)]);
            return new LinearFit(exact.Model, o, method, (choice is null ? "" : choice + " ") + "For data streamed from a file the exact solution comes from the normal equations of one pass (Cholesky).",
                null, null, exactStatistics, exact, null, null, rows)
            { Engine = EngineKind.Statistics, Report = RegressionReport.Compute(exact.Model, statistics.Count, exact, exactStatistics) };
        }

        var standardizer = o.Standardize ? statistics.ToStandardizer(center: o.FitIntercept) : null;
        var engineKind = o.Engine switch
        {
            EngineKind.Auto => o.GradientDescent.BatchSize is null ? EngineKind.Statistics : EngineKind.Stream,
            EngineKind.Rows => EngineKind.Stream,
            var kind => kind,
        };
        IGradientEngine engine = engineKind == EngineKind.Statistics
            ? new SufficientStatisticsEngine(standardizer is null ? statistics : statistics.Standardized(standardizer), o.FitIntercept)
            : new StreamingEngine(source, o.FitIntercept, statistics.Count, standardizer, cancellationToken: cancellationToken);
        var scaling = o.GradientDescent.LossScaling;
        var objective = new LeastSquaresObjective(engine, scaling, o.Penalty);
        var run = Run(method, objective, o, statistics.TargetMeans, null, progress, cancellationToken);
        var theta = standardizer is null ? [.. run.Parameters] : standardizer.ToOriginalUnits([.. run.Parameters], layout);
        var model = new LinearModel(layout, theta, source.FeatureNames, source.TargetNames);
        var fitStatistics = FitStatistics.Compute(model, source, statistics, cancellationToken);
        ExactSolution? reference = null;
        Optimality? optimality = null;
        string? skipped = SkipExactCheck(o, layout, validation: false);
        if (skipped is null)
        {
            try
            {
                reference = ExactLeastSquares.FromStatistics(statistics, o.FitIntercept);
                optimality = Compare(model, reference.Model.Parameters.ToArray(), reference.ResidualSumOfSquares.Sum(), fitStatistics, rows, scaling);
            }
            catch (LsgdException e)
            {
                skipped = "the exact solution is not unique: " + e.Message.TrimEnd('.');
            }
        }
        return new LinearFit(model, o, method, choice, run, standardizer, fitStatistics, reference, optimality, skipped, rows)
        {
            Engine = engineKind,
            Report = AtLeastSquaresEstimates(run, reference, optimality) ? RegressionReport.Compute(model, statistics.Count, ForReport(reference, fitStatistics), fitStatistics) : null,
        };
    }

    /// <summary>
    /// Whether inference may be shown at this fit's estimates: only when they are the least-squares estimates,
    /// that is, the exact solution is known and the run converged, or stopped within 1e-6 (relative) of that
    /// solution anyway; never for a diverged run.
    /// </summary>
    /// <summary>
    /// The solution whose standard errors the report shows. From QR, as it is (its σ̂ comes from refined residuals).
    /// From statistics, with σ̂ from the fit's own pass over the rows (the model is at the least-squares estimates
    /// when a report is made) rather than from Syy − θᵀSxy, which cancels when R² is near 1. The reference itself,
    /// and its SSE for the objective gap, are left as they are.
    /// </summary>
    private static ExactSolution ForReport(ExactSolution reference, IReadOnlyList<OutputStatistics> fitStatistics) =>
        reference.UnscaledVariances is null
            ? reference
            : reference.WithResidualSumOfSquares([.. fitStatistics.Select(s => s.SumOfSquaredResiduals)],
                [.. fitStatistics.Select(s => s.TotalSumOfSquares)]);

    private static bool AtLeastSquaresEstimates(GradientDescentResult run, [NotNullWhen(true)] ExactSolution? reference, Optimality? optimality) =>
        reference is not null && run.StopReason != StopReason.Diverged
        && (run.Converged || optimality?.RelativeCoefficientDistance < 1e-6);

    private static void ThrowPenaltyWithExact(Penalty penalty) =>
        Throw.Data(string.Format(CultureInfo.InvariantCulture,
            "The exact solver fits plain least squares, without a penalty (got L1 = {0}, L2 = {1}). Use --method cg for ridge, or --method gd for lasso and elastic net.",
            penalty.L1, penalty.L2));

    /// <summary>
    /// Runs the iterative method. With standardised (so centred) features the optimal intercept is exactly ȳ
    /// whatever the weights, so a zero start puts the intercept there: it saves every method the walk from 0
    /// to ȳ (which adaptive methods make α at a time). The article's raw-feature runs keep w = b = 0.
    /// </summary>
    private static GradientDescentResult Run(SolverMethod method, LeastSquaresObjective objective, LinearRegressorOptions o,
        double[]? targetMeans, LeastSquaresObjective? validation, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        var initial = GradientDescent.Initial(objective.Layout.Count, o.GradientDescent);
        var layout = objective.Layout;
        if (o.Standardize && o.FitIntercept && o.GradientDescent.Initialization == Initialization.Zeros && targetMeans is not null)
            for (int k = 0; k < layout.Outputs; k++)
                initial[k * layout.BlockSize + layout.Features] = targetMeans[k];
        return method == SolverMethod.ConjugateGradient
            ? ConjugateGradient.Minimize(objective, o.GradientDescent, initial, progress, cancellationToken: cancellationToken)
            : GradientDescent.Minimize(objective, o.GradientDescent, initial, validation, progress, cancellationToken: cancellationToken);
    }

    private static double[] TargetMeans(Dataset data)
    {
        var means = new double[data.Outputs];
        for (int o = 0; o < data.Outputs; o++)
            means[o] = Accurate.SumStrided(data.Y, o, data.Outputs, data.Rows) / data.Rows;
        return means;
    }

    private static string? SkipExactCheck(LinearRegressorOptions o, ParameterLayout layout, bool validation)
    {
        if (!o.CompareWithExact)
            return "the comparison with the exact solution was turned off";
        if (!o.Penalty.IsNone)
            return "the fit is penalised, so the unpenalised least-squares solution is not its optimum";
        if (validation)
            return "rows were held out for validation, so the fit is not the least-squares solution of all the data";
        if (layout.Count > o.MaxParametersForExactCheck)
            return $"the model has {layout.Count} parameters, more than the {o.MaxParametersForExactCheck} for which the exact check runs";
        return null;
    }

    /// <summary>Rows for small data or mini-batches; statistics for full-batch methods on large data.</summary>
    private static EngineKind ChooseEngine(LinearRegressorOptions o, int rows, ParameterLayout layout, bool validation)
    {
        if (o.Engine == EngineKind.Stream)
            throw new InvalidOptionException(nameof(o.Engine), "stream", "rows, statistics or auto for data in memory", "Use --engine rows, or fit a file larger than --memory.");
        if (o.Engine == EngineKind.Statistics && o.GradientDescent.BatchSize is not null)
            throw new InvalidOptionException(nameof(o.Engine), "statistics", "rows or auto with --batch-size (mini-batches need the rows)", "Use --engine rows, or drop --batch-size.");
        if (o.Engine != EngineKind.Auto)
            return o.Engine;
        bool large = rows >= 50_000 && layout.Features <= 2048 && rows >= 8 * layout.Features;
        return o.GradientDescent.BatchSize is null && large ? EngineKind.Statistics : EngineKind.Rows;
    }

    /// <summary>The method to run, and for <see cref="SolverMethod.Auto"/> a sentence on why.</summary>
    private static (SolverMethod Method, string? Why) Choose(LinearRegressorOptions o, long rows, ParameterLayout layout)
    {
        if (o.Method != SolverMethod.Auto)
            return (o.Method, null);
        var c = CultureInfo.InvariantCulture;
        double work = (double)rows * layout.BlockSize * layout.BlockSize;
        if (o.Penalty.L1 > 0)
            return (SolverMethod.GradientDescent, "auto chose gradient descent: the L1 penalty needs a proximal method.");
        if (o.Penalty.IsNone && layout.BlockSize <= o.MaxParametersForExactCheck && work <= AutoExactBudget)
            return (SolverMethod.Exact, string.Format(c, "auto chose the exact QR solver: n·p² = {0:G3} is small enough for a direct solve, which is also the most accurate.", work));
        return (SolverMethod.ConjugateGradient, string.Format(c,
            "auto chose conjugate gradient: {0}; it needs at most about p = {1} steps, each one pass over the data or, on the sufficient statistics, O(p²).",
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
            for (int j = 0; j < d; j++) x[i * d + j] = data.Feature(sorted[i], j);
            data.TargetRow(sorted[i]).CopyTo(y.AsSpan(i * k, k));
        }
        return new Dataset(x, y, sorted.Length, d, k, data.FeatureNames, data.TargetNames);
    }

    private static Optimality Compare(LinearModel model, double[] star, double optimalSse, IReadOnlyList<OutputStatistics> statistics,
        int rows, LossScaling scaling)
    {
        double factor = scaling == LossScaling.Mean ? 0.5 / rows : 0.5;
        double loss = factor * statistics.Sum(s => s.SumOfSquaredResiduals);
        double optimal = factor * optimalSse;
        var diff = new double[star.Length];
        TensorPrimitives.Subtract(model.Parameters, star, diff);
        double distance = TensorPrimitives.Norm(diff);
        double starNorm = TensorPrimitives.Norm(star);
        double gap = loss - optimal;
        return new Optimality(loss, optimal, gap, optimal > 1e-300 ? gap / optimal : gap,
            distance, starNorm > 0 ? distance / starNorm : distance, star);
    }
}
