using System.Globalization;
using System.Numerics.Tensors;
using Lsgd.Data;
using Lsgd.Engines;
using Lsgd.Internals;
using Lsgd.LinearAlgebra;
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
    /// <summary>Creates an estimator with <paramref name="options"/> (defaults when null).</summary>
    public LinearRegressor(LinearRegressorOptions? options = null) => Options = options ?? new LinearRegressorOptions();

    /// <summary>The settings.</summary>
    public LinearRegressorOptions Options { get; }

    /// <summary>Correct digits of the coefficients a conjugate-gradient run chosen by auto must guarantee, else auto takes the exact solution.</summary>
    private const int MinimumDigits = 11;


    /// <summary>Fits the model to <paramref name="data"/>.</summary>
    /// <param name="data">Features and targets.</param>
    /// <param name="progress">Progress of an iterative method, a few times a second.</param>
    /// <param name="cancellationToken">Stops an iterative method cleanly; the result keeps the parameters reached.</param>
    /// <exception cref="LsgdException">Fewer rows than parameters; for the exact method, dependent features.</exception>
    public LinearFit Fit(Dataset data, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Pipeline(new TrainingSource(data, null, null), progress, cancellationToken);
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
        return Pipeline(new TrainingSource(null, source, null), progress, cancellationToken);
    }

    /// <summary>
    /// Fits the model from sufficient statistics alone — n, the means and the centred scatter matrices, which merge
    /// by addition (<see cref="SufficientStatistics.Merge"/>), so they may come from cores, file pieces or machines.
    /// Full-batch methods (gradient descent with any optimizer, conjugate gradient) and the exact solution run on
    /// them, with the same certificate and report as <see cref="Fit(Dataset, IProgress{TrainingProgress}?, CancellationToken)"/>;
    /// the mean absolute error needs the rows and is NaN, and mini-batches and a validation split are refused.
    /// </summary>
    /// <exception cref="LsgdException">Fewer rows than parameters, mini-batches or a validation fraction asked for.</exception>
    public LinearFit Fit(SufficientStatistics statistics, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        return Pipeline(new TrainingSource(null, null, statistics), progress, cancellationToken);
    }

    /// <summary>
    /// As <see cref="Fit(SufficientStatistics, IProgress{TrainingProgress}?, CancellationToken)"/>, with the rows
    /// behind the statistics available as mini-batches from <paramref name="batches"/> (shards held by other
    /// processes or machines): with <c>BatchSize</c> set, every step evaluates one batch there; full-batch
    /// evaluations (the loss after each epoch, the certificate) still come from the statistics.
    /// </summary>
    /// <exception cref="LsgdException">Fewer rows than parameters, or a validation fraction asked for.</exception>
    public LinearFit Fit(SufficientStatistics statistics, IMiniBatchSource batches, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        ArgumentNullException.ThrowIfNull(batches);
        return Pipeline(new TrainingSource(null, null, statistics, batches), progress, cancellationToken);
    }

    /// <summary>
    /// As <see cref="Fit(SufficientStatistics, IProgress{TrainingProgress}?, CancellationToken)"/>, with the rows behind
    /// the statistics kept in <paramref name="shards"/> (files, or machines of a cluster): the exact solution — asked
    /// for, or chosen by auto — then comes from a tall-skinny QR of the shards' rows, each shard's factor merged in
    /// shard order and refined by passes over the shards (<see cref="ExactLeastSquares.Solve(IShardedRows, SufficientStatistics, bool, int, CancellationToken)"/>),
    /// accurate to κ(X)·ε instead of the normal equations' κ(X)²·ε. Iterative methods run on the statistics alone.
    /// </summary>
    /// <exception cref="LsgdException">Fewer rows than parameters, mini-batches or a validation fraction asked for.</exception>
    public LinearFit Fit(SufficientStatistics statistics, IShardedRows shards, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        ArgumentNullException.ThrowIfNull(shards);
        return Pipeline(new TrainingSource(null, null, statistics) { Shards = shards }, progress, cancellationToken);
    }

    /// <summary>
    /// What a fit trains on: rows in memory, rows streamed from a source, or statistics alone. Exactly one of the
    /// three is set; the pipeline below treats them alike and asks the source only for what differs.
    /// </summary>
    private sealed record TrainingSource(Dataset? Data, IRowSource? Rows, SufficientStatistics? Statistics, IMiniBatchSource? Batches = null)
    {
        /// <summary>The rows behind <see cref="Statistics"/>, in shards, for the exact solver's passes (null: statistics alone).</summary>
        public IShardedRows? Shards { get; init; }

        public int Features => Data?.Features ?? Rows?.Features ?? Statistics!.Features;
        public int Outputs => Data?.Outputs ?? Rows?.Outputs ?? Statistics!.Outputs;
        public IReadOnlyList<string> FeatureNames => Data?.FeatureNames ?? Rows?.FeatureNames ?? Names(Statistics!.FeatureNames, Features, "x");
        public IReadOnlyList<string> TargetNames => Data?.TargetNames ?? Rows?.TargetNames ?? Names(Statistics!.TargetNames, Outputs, "y");

        private static IReadOnlyList<string> Names(IReadOnlyList<string> names, int count, string stem) =>
            names.Count == count ? names : [.. Enumerable.Range(1, count).Select(j => count == 1 && stem == "y" ? "y" : $"{stem}{j}")];
    }

    /// <summary>
    /// The one fit pipeline: check the shape; the exact method, or: split off validation rows, accumulate the
    /// statistics of the training rows, the exact unpenalised solution, the standardiser, the engine (chosen in
    /// <see cref="ChooseEngine"/> only), the certificate, the method (for auto), the run with its fallbacks, the
    /// certified gap at the final parameters, the goodness of fit and the report.
    /// </summary>
    private LinearFit Pipeline(TrainingSource source, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        var o = Options;
        var layout = new ParameterLayout(source.Features, source.Outputs, o.FitIntercept);
        if (source.Data is null && o.ValidationFraction > 0)
            throw new InvalidOptionException(nameof(o.ValidationFraction), o.ValidationFraction,
                source.Rows is not null ? "0 for data streamed from a file" : "0 for a fit from sufficient statistics",
                "Hold out a validation file yourself, or load the data in memory.");
        if (o.Covariance.IsRobust && source.Statistics is not null)
            throw new InvalidOptionException(nameof(o.Covariance), o.Covariance.ToString(),
                "nonrobust for a fit from sufficient statistics (a sandwich needs each row's residual)",
                "Fit the rows, in memory or streamed from a source, or use the nonrobust covariance.");
        if (o.Covariance.Clusters is { } labels && source.Data is { } clustered && labels.Count != clustered.Rows)
            throw new InvalidOptionException(nameof(o.Covariance), o.Covariance.ToString(), $"one cluster label per row ({clustered.Rows})",
                $"The cluster column has {labels.Count} values; give one per row of the data.");
        var statistics = source.Statistics ?? (source.Rows is { } rowSource ? SufficientStatistics.Compute(rowSource, cancellationToken: cancellationToken) : null);
        // Passes over the rows of X, stage by stage (LinearFit.DataPasses).
        double passes = source.Rows is not null ? 1 : 0;
        // Observations: rows of positive weight (every row when unweighted).
        long count = source.Data?.Observations ?? statistics!.Count;
        // Fewer rows than parameters: the exact solver gives the minimum-norm solution with the rank it finds (in memory).
        bool wide = count < layout.BlockSize && source.Data is not null && o.Method is SolverMethod.Exact or SolverMethod.Auto && o.Penalty.IsNone;
        if (count < layout.BlockSize && !wide)
            Throw.Data($"The data has {Throw.Plural(count, IsWeighted(source, statistics) ? "row of positive weight" : "row")} but each output has {Throw.Plural(layout.BlockSize, "parameter")} " +
                $"({Throw.Plural(source.Features, "feature")}{(o.FitIntercept ? " and an intercept" : "")}): at least {layout.BlockSize} rows are needed. " +
                "Add rows, use fewer features or a lower `Degree`.");
        int rows = (int)Math.Min(source.Data?.Rows ?? statistics!.RowsRead, int.MaxValue);
        if (o.Method == SolverMethod.Exact || wide)
            return FitExact(source, statistics, layout, rows, wide && o.Method == SolverMethod.Auto
                ? $"auto chose the exact solver: {Throw.Plural(count, "row")} for {Throw.Plural(layout.BlockSize, "parameter")} an output, so the least-squares solution is not unique and the exact solver gives the minimum-norm one." : null,
                passes, cancellationToken);

        // The training rows, and their statistics (for the certificate, the statistics engine and the exact solution).
        var (train, validation) = source.Data is { } data ? Split(data, o.ValidationFraction, o.GradientDescent.Seed) : (null, null);
        var trainStatistics = train is not null ? SufficientStatistics.Compute(train, o.MaxThreads) : statistics!;
        passes += (validation is not null ? 1 : 0) + (train is not null ? 1 : 0);
        StageClock.Mark("statistics");
        var engineKind = ChooseEngine(o, source, trainStatistics.Count, layout);
        var scaling = o.GradientDescent.LossScaling;
        double factor = scaling == LossScaling.Mean ? 1.0 / trainStatistics.WeightSum : 1.0;

        // The exact unpenalised solution of the training rows: QR of the rows in memory (Cholesky of the statistics when
        // that is as accurate: many rows, well conditioned), else Cholesky of the statistics.
        ExactSolution? reference = null;
        // The reference when it is a QR of every row in memory (no validation rows held out): what FitExact would compute again.
        ExactSolution? rowsQr = null;
        bool referenceIsQr = false;
        string? skipped = null;
        string referenceSource = "the statistics of the training rows";
        if (o.Penalty.IsNone && (o.CompareWithExact || o.Method == SolverMethod.Auto))
        {
            try
            {
                bool qr = train is not null && (double)train.Rows * layout.BlockSize * layout.BlockSize <= o.QrBudget;
                var accurate = qr ? AccurateFromStatistics(trainStatistics, o.FitIntercept) : null;
                qr &= accurate is null;
                reference = qr ? ExactLeastSquares.Solve(train!.ToDoublePrecision(), o.FitIntercept) : accurate ?? ExactLeastSquares.FromStatistics(trainStatistics, o.FitIntercept);
                if (qr) passes += ExactLeastSquares.PassesOverRows(layout.Features, o.FitIntercept, layout.Outputs, train!.IsSinglePrecision);
                referenceIsQr = qr;
                if (qr && validation is null) rowsQr = reference;
                referenceSource = qr ? "J* from the exact solution (Householder QR of the rows)" : "J* from the exact solution (Cholesky of the statistics)";
                if (!trainStatistics.IsWeighted)   // for the VIFs, without another pass over the rows
                    reference.FeatureCentredSquares = [.. Enumerable.Range(0, layout.Features).Select(j => trainStatistics.FeatureScatter[j * layout.Features + j])];
            }
            catch (LsgdException e)
            {
                skipped = "the exact solution is not unique: " + e.Message.TrimEnd('.');
            }
        }
        if (validation is not null)
            referenceSource += " of the training objective (the validation rows are held out)";
        StageClock.Mark("exact-reference");

        var standardizer = !o.Standardize ? null
            // Weighted rows are centred on their weighted means (from the statistics), so the intercept stays ȳ_w below.
            : engineKind == EngineKind.Rows && !train!.IsWeighted ? Standardizer.Fit(train, center: o.FitIntercept) : trainStatistics.ToStandardizer(center: o.FitIntercept);
        var posed = standardizer is null ? trainStatistics : trainStatistics.Standardized(standardizer);
        if (standardizer is not null && engineKind == EngineKind.Rows)
            passes += 2 + (validation is not null ? (double)validation.Rows / train!.Rows : 0);   // fit the standardiser, transform the rows
        IGradientEngine engine = engineKind switch
        {
            EngineKind.Statistics => source.Batches is { } held
                ? new StatisticsAndBatchesEngine(new SufficientStatisticsEngine(posed, o.FitIntercept), held, standardizer)
                : new SufficientStatisticsEngine(posed, o.FitIntercept),
            EngineKind.Stream => new StreamingEngine(source.Rows!, o.FitIntercept, trainStatistics.RowsRead, standardizer,
                weightSum: trainStatistics.IsWeighted ? trainStatistics.WeightSum : null, cancellationToken: cancellationToken),
            _ => new InMemoryEngine(standardizer?.Transform(train!) ?? train!, o.FitIntercept, o.MaxThreads),
        };
        // The rows as they are, for the accurate residuals of preconditioned conjugate gradient's refinement steps.
        var objective = new LeastSquaresObjective(engine, scaling, o.Penalty) { AccurateSource = engineKind == EngineKind.Rows ? (train!, standardizer) : null };
        LeastSquaresObjective? validationObjective = validation is null ? null
            : new LeastSquaresObjective(new InMemoryEngine(standardizer?.Transform(validation) ?? validation, o.FitIntercept, o.MaxThreads), scaling, o.Penalty);
        double? optimalLoss = reference is null ? null : factor * reference.ResidualSumOfSquares.Sum();
        var certificate = LeastSquaresCertificate.Create(posed, o.FitIntercept, scaling, o.Penalty, optimalLoss, referenceSource, out string? noCertificate, reference);
        if (certificate is null)
            skipped = skipped is null ? noCertificate : skipped + "; " + noCertificate;

        var initial = Initial(objective, o, trainStatistics.TargetMeans);
        StageClock.Mark("standardiser-engine-certificate");
        // The exact solution just computed is the best start there is: the run then only has to certify it, or polish
        // it in a few steps of preconditioned conjugate gradient (iterative refinement). On the statistics engine auto
        // always starts there (one Cholesky of the statistics, shared by every output); on the rows engine — whose
        // refinement steps take accurate residuals from the rows (AccurateSource) — when ChooseIterative finds the
        // article's gradient descent far costlier than that solution was.
        bool warmable = o.Method == SolverMethod.Auto && engineKind is EngineKind.Statistics or EngineKind.Rows && reference is not null && o.Penalty.IsNone
            && o.GradientDescent.Initialization == Initialization.Zeros && o.GradientDescent.Optimizer is null or Optimizers.Sgd && o.GradientDescent.BatchSize is null;
        bool warm = warmable && engineKind == EngineKind.Statistics;
        var exactStart = reference is null ? null : standardizer?.ToStandardizedUnits(reference.Model.Parameters, layout) ?? reference.Model.Parameters.ToArray();
        if (warm)
            initial = exactStart!;
        var (method, choice, runTolerance, warmed) = o.Method == SolverMethod.Auto
            ? ChooseIterative(o, objective, certificate, initial, warm, warmable, reference is not null,
                exactStart is null ? double.NaN : TensorPrimitives.Norm(exactStart),
                (double)rows * layout.BlockSize * layout.BlockSize)
            : (o.Method, null, null, false);
        if (method == SolverMethod.Exact)
            return FitExact(source, statistics, layout, rows, choice, passes + objective.Passes, cancellationToken, rowsQr);
        if (warmed && !warm)
            (warm, initial) = (true, exactStart!);
        if (warm)
            choice = (referenceIsQr
                ? $"auto started from the exact solution (Householder QR of the rows, {Throw.Plural(layout.Outputs, "output")} at once), for the run to certify or polish (at most {WarmIterations} steps). "
                : $"auto started from the solution of the normal equations ({Throw.Plural(layout.Outputs, "output")} sharing one pass over the data and one Cholesky of the statistics), for the run to certify or polish (at most {WarmIterations} steps). ") + choice;

        // Auto lets the certificate decide when to stop: the article's |ΔJ| rule would stop where ΔJ rounds to zero.
        var runOptions = o.Method != SolverMethod.Auto ? o.GradientDescent
            : o.Penalty.L1 > 0 && o.GradientDescent.Optimizer is null && o.GradientDescent.BatchSize is null
                ? o.GradientDescent with { Tolerance = 0, Optimizer = new Optimizers.Fista() }
                : o.GradientDescent with { Tolerance = 0, RelativeGapTolerance = runTolerance ?? o.GradientDescent.RelativeGapTolerance };
        // From the exact solution, preconditioned by the same factor, each step is a step of iterative refinement: a few
        // reach the rounding floor of the statistics or nothing will, so the run gets at most WarmIterations steps (each cuts the
        // error by about κ·ε: 10 are enough up to κ ≈ 10¹⁴, where the Cholesky behind the warm start gives out anyway).
        var run = Run(method, objective, warm ? runOptions with { MaxIterations = Math.Min(runOptions.MaxIterations, WarmIterations) } : runOptions,
            initial, validationObjective, progress, certificate, cancellationToken);
        StageClock.Mark("run");
        var gaps = FinalGap(objective, run, certificate);
        StageClock.Mark("final-gap");
        double tolerance = o.GradientDescent.RelativeGapTolerance;
        if (o.Method == SolverMethod.Auto && !(gaps.Relative <= tolerance) && run.StopReason is not (StopReason.Cancelled or StopReason.TimeBudget))
        {
            // Fallbacks of auto: from where gradient descent stopped, conjugate gradient (smooth objectives); then the exact solution.
            var c = CultureInfo.InvariantCulture;
            bool plain = o.GradientDescent.Optimizer is null or Optimizers.Sgd && o.GradientDescent.BatchSize is null;
            if (method == SolverMethod.GradientDescent && plain && o.Penalty.L1 == 0 && run.StopReason != StopReason.Diverged)
            {
                choice += string.Format(c, " Gradient descent stopped ({0}) after {1} iterations at a certified relative gap of {2:G3}; conjugate gradient went on from there.",
                    run.StopReason.ToSnakeCase(), run.Iterations, gaps.Relative);
                method = SolverMethod.ConjugateGradient;
                run = Run(method, objective, runOptions, [.. run.Parameters], null, progress, certificate, cancellationToken);
                gaps = FinalGap(objective, run, certificate);
            }
            else if (method == SolverMethod.GradientDescent && o.Penalty.L1 > 0 && run.StopReason != StopReason.Diverged)
            {
                // An accelerated run is certified at its extrapolated point but reports the last proximal step, which
                // can sit just above the tolerance: restart it from there (a standard FISTA restart), a few times.
                for (int restart = 1; restart <= 5 && !(gaps.Relative <= tolerance); restart++)
                {
                    double before = gaps.Relative;
                    int iterations = run.Iterations;
                    run = Run(method, objective, runOptions, [.. run.Parameters], null, progress, certificate, cancellationToken);
                    gaps = FinalGap(objective, run, certificate);
                    if (restart == 1)
                        choice += string.Format(c, " The run ended after {0} iterations at a certified relative gap of {1:G3}; it was restarted from there.", iterations, before);
                    if (!(gaps.Relative < before) || run.StopReason is StopReason.Cancelled or StopReason.TimeBudget) break;
                }
            }
            if (!(gaps.Relative <= tolerance) && plain && o.Penalty.IsNone && reference is not null && run.StopReason is not (StopReason.Cancelled or StopReason.TimeBudget))
                return FitExact(source, statistics, layout, rows, choice + string.Format(c,
                    " The iterative run stopped ({0}) after {1} iterations at a certified relative gap of {2:G3}, above {3:G3}; the exact solution is reported instead.",
                    run.StopReason.ToSnakeCase(), run.Iterations, gaps.Relative, tolerance), passes + EnginePasses(objective, validationObjective), cancellationToken, rowsQr);
        }

        // A gap bounds the coefficient vector in norm; a coefficient much smaller than the others gets fewer digits of
        // its own, and a p-value carries its t's error times about 1 + t². Auto therefore checks every coefficient
        // (original units) against its Newton correction H⁻¹∇J — its distance to the optimum, from the certificate's
        // factor — and polishes with preconditioned conjugate gradient until each carries CoefficientDigits of its
        // own; where rounding stops that short and a QR is affordable, it reports the exact solution instead.
        if (o.Method == SolverMethod.Auto && o.Penalty.IsNone && certificate is not null && gaps.Relative <= tolerance
            && o.GradientDescent.Optimizer is null or Optimizers.Sgd && o.GradientDescent.BatchSize is null
            && run.StopReason is not (StopReason.Cancelled or StopReason.TimeBudget or StopReason.Diverged))
        {
            var c = CultureInfo.InvariantCulture;
            double shortfall = CoefficientShortfall(gaps.Gradient, [.. run.Parameters], certificate, standardizer, layout);
            if (shortfall > 1)
            {
                var polish = runOptions with { MaxIterations = Math.Min(runOptions.MaxIterations, PolishIterations) };
                // A warm run that stopped short of its own gap was already that polishing (same method, same factor): no rounds.
                bool stalled = warm && run.StopReason != StopReason.Certified;
                for (int round = 0; round < 3 && shortfall > 1 && !stalled; round++)
                {
                    polish = polish with { RelativeGapTolerance = Math.Max(gaps.Relative / (4 * shortfall * shortfall), 1e-300) };
                    var next = Run(SolverMethod.ConjugateGradient, objective, polish, [.. run.Parameters], null, progress, certificate, cancellationToken);
                    if (next.StopReason is StopReason.Cancelled or StopReason.TimeBudget) break;
                    var nextGaps = FinalGap(objective, next, certificate);
                    double after = CoefficientShortfall(nextGaps.Gradient, [.. next.Parameters], certificate, standardizer, layout);
                    if (!(after < shortfall) || !(nextGaps.Relative <= tolerance)) break;
                    choice += string.Format(c, " {0} a coefficient {1:G3} times further from the optimum (by the Newton correction H⁻¹∇J) than {2} digits of its own allow, preconditioned conjugate gradient polished the fit{3}.",
                        round == 0 ? "With" : "Then, with", shortfall, CoefficientDigits, after <= 1 ? string.Format(c, " until every coefficient carries {0} digits of its own", CoefficientDigits) : "");
                    (run, gaps, shortfall) = (next, nextGaps, after);
                    if (method == SolverMethod.GradientDescent) method = SolverMethod.ConjugateGradient;
                }
                if (shortfall > 1 && reference is not null && (double)rows * layout.BlockSize * layout.BlockSize <= o.QrBudget)
                    return FitExact(source, statistics, layout, rows, choice + string.Format(c,
                        " Rounding keeps a coefficient {0:G3} times further from the optimum than {1} digits of its own allow; the exact solution is reported instead.",
                        shortfall, CoefficientDigits), passes + EnginePasses(objective, validationObjective), cancellationToken, rowsQr);
                if (shortfall > 1)
                    choice += string.Format(c, " A coefficient remains {0:G3} times further from the optimum than {1} digits of its own allow (no QR affordable to do better).", shortfall, CoefficientDigits);
            }
        }

        if (o.Method == SolverMethod.Auto && runTolerance is { } aimed && certificate is not null && gaps.Relative <= tolerance
            && run.StopReason is not (StopReason.Certified or StopReason.Cancelled or StopReason.TimeBudget or StopReason.Diverged))
            run = AtTolerance(run, gaps.Relative, tolerance, aimed, certificate.Source);

        var theta = standardizer is null ? [.. run.Parameters] : standardizer.ToOriginalUnits([.. run.Parameters], layout);
        var model = new LinearModel(layout, theta, source.FeatureNames, source.TargetNames);
        StageClock.Mark("fallbacks-polish");
        var fitStatistics = Goodness(model, source, statistics, cancellationToken);
        StageClock.Mark("goodness");
        passes += EnginePasses(objective, validationObjective) + GoodnessPasses(source);
        var optimality = certificate is null ? null : Compare(model, reference, (gaps.Relative, gaps.Absolute), certificate, fitStatistics, trainStatistics.WeightSum, scaling, tolerance);
        bool certified = optimality is { Certified: true };
        var report = certified && reference is not null && validation is null && run.StopReason != StopReason.Diverged
            ? Report(model, source, statistics, reference, fitStatistics, cancellationToken) : null;
        if (report is not null) passes += RobustPasses(source);
        StageClock.Mark("compare-report");
        return new LinearFit
        {
            Model = model,
            Options = o,
            Method = method,
            MethodChoice = choice,
            Rows = rows,
            Training = run,
            DataPasses = passes,
            Standardization = standardizer,
            Statistics = fitStatistics,
            Exact = reference,
            Optimality = optimality,
            ExactCheckSkipped = skipped ?? (o.Penalty.IsNone ? null : "the exact least-squares solution is unpenalised, so it is not a reference for a penalised fit"),
            // Mini-batches from rows held elsewhere (shards): the steps read rows, so the engine is not the statistics alone.
            Engine = engineKind == EngineKind.Statistics && source.Batches is not null && o.GradientDescent.BatchSize is not null ? EngineKind.Stream : engineKind,
            Report = report,
        };
    }

    /// <summary>Rows from which a well-conditioned fit in memory takes its exact reference from the statistics rather than a QR of the rows.</summary>
    internal const int StatisticsReferenceRows = 50_000;

    /// <summary>Largest condition number of the centred, scaled design for which Cholesky of the statistics is taken as exact (κ²·ε ≤ 2.3·10⁻¹²).</summary>
    internal const double StatisticsReferenceCondition = 100;

    /// <summary>Smallest 1 − R² of an output for which Syy − θᵀSxy is taken as its J* (it cancels to about ε/(1 − R²) ≤ 2.3·10⁻¹⁰ relative).</summary>
    private const double StatisticsReferenceUnexplained = 1e-6;

    /// <summary>
    /// The exact solution from the statistics already accumulated, when it is as good as a QR of the rows for this
    /// purpose, else null. A QR with refinement costs tens of passes over tall data (copy, p reflections, three
    /// refinement steps); for many rows of well-conditioned features (κ ≤ <see cref="StatisticsReferenceCondition"/>)
    /// Cholesky of the centred statistics is accurate to κ²·ε, J* from them to ε/(1 − R²), and the report's σ̂ comes
    /// from the fit's own pass (<see cref="ForReport"/>), so the same numbers cost no pass at all.
    /// </summary>
    private static ExactSolution? AccurateFromStatistics(SufficientStatistics statistics, bool fitIntercept)
    {
        if (statistics.Count < StatisticsReferenceRows)
            return null;
        ExactSolution solution;
        try
        {
            solution = ExactLeastSquares.FromStatistics(statistics, fitIntercept);
        }
        catch (LsgdException)
        {
            return null; // dependent features: the QR path names the aliased ones
        }
        if (!(solution.ConditionNumber <= StatisticsReferenceCondition))
            return null;
        for (int k = 0; k < statistics.Outputs; k++)
        {
            double total = statistics.TargetScatter[k] + (fitIntercept ? 0 : statistics.Count * statistics.TargetMeans[k] * statistics.TargetMeans[k]);
            if (!(solution.ResidualSumOfSquares[k] >= StatisticsReferenceUnexplained * total))
                return null;
        }
        return solution;
    }

    /// <summary>
    /// Fit statistics measured by a pass, with SSE, R², RMSE and σ̂ taken from the exact solver's own residual sums
    /// (in twice the working precision): a plain pass's residuals of a nearly exact fit cancel.
    /// </summary>
    private static OutputStatistics[] WithExactSums(IEnumerable<OutputStatistics> measured, ExactSolution exact, double weightSum) =>
        [.. measured.Select((s, k) => s with
        {
            SumOfSquaredResiduals = exact.ResidualSumOfSquares[k],
            RSquared = exact.RSquared[k],
            RootMeanSquaredError = Math.Sqrt(exact.ResidualSumOfSquares[k] / weightSum),
            ResidualStandardDeviation = exact.ResidualStandardDeviation(k),
        })];

    /// <summary>
    /// The exact solution: QR of the rows in memory (<paramref name="solved"/> when the pipeline already has it, its
    /// reads counted in <paramref name="passes"/>), Cholesky of the statistics otherwise.
    /// </summary>
    private LinearFit FitExact(TrainingSource source, SufficientStatistics? statistics, ParameterLayout layout, int rows, string? choice, double passes, CancellationToken cancellationToken,
        ExactSolution? solved = null)
    {
        var o = Options;
        if (!o.Penalty.IsNone)
            ThrowPenaltyWithExact(o.Penalty);
        if (source.Data is { } data)
        {
            // The QR of these rows that auto already took as its reference (its reads are in passes) is not taken again:
            // on 1 000 × 768 float32 features → 20 outputs it is 1.1 s of the fit's ~6 s.
            var exact = solved ?? ExactLeastSquares.Solve(data.ToDoublePrecision(), o.FitIntercept);
            // SSE from the solver's residuals (in twice the working precision, on the exact powers of a polynomial
            // design) rather than from a plain pass: the residuals of a nearly exact fit cancel.
            var exactStatistics = WithExactSums(FitStatistics.Compute(exact.Model, data, Kernels.GramVectorBits, o.MaxThreads), exact, data.WeightSum);
            return new LinearFit
            {
                Model = exact.Model, Options = o, Method = SolverMethod.Exact, MethodChoice = choice, Rows = rows,
                DataPasses = passes + (solved is not null ? 0 : (data.IsSinglePrecision ? 1 : 0) + exact.RowPasses) + GoodnessPasses(source) + RobustPasses(source),
                Statistics = exactStatistics, Exact = exact, Engine = EngineKind.Rows,
                Report = RegressionReport.Compute(exact.Model, data, exact, o.Covariance, exactStatistics),
            };
        }
        if (source.Rows is { } rowSource)
        {
            // Tall-skinny QR of the streamed rows (one triangle in memory), refined on the rows like the in-memory solve.
            var exact = ExactLeastSquares.Solve(rowSource, statistics!, o.FitIntercept, cancellationToken: cancellationToken);
            var exactModel = new LinearModel(layout, exact.Model.Parameters.ToArray(), source.FeatureNames, source.TargetNames);
            var measured = WithExactSums(Goodness(exactModel, source, statistics, cancellationToken), exact, statistics!.WeightSum);
            return new LinearFit
            {
                Model = exactModel, Options = o, Method = SolverMethod.Exact, MethodChoice = (choice is null ? "" : choice + " ") +
                    "For data streamed from a file the exact solution comes from a tall-skinny QR of the rows, chunk by chunk, refined on the rows.",
                Rows = rows, DataPasses = passes + exact.RowPasses + GoodnessPasses(source) + RobustPasses(source),
                Statistics = measured, Exact = exact, Engine = EngineKind.Stream,
                Report = RegressionReport.Compute(exactModel, rowSource, statistics!.Count, exact, o.Covariance, measured, cancellationToken),
            };
        }
        if (source.Shards is { } shards)
        {
            // Tall-skinny QR of the shards' rows: each shard's factor, merged in shard order, refined by passes over the shards.
            var exact = ExactLeastSquares.Solve(shards, statistics!, o.FitIntercept, cancellationToken: cancellationToken);
            var exactModel = new LinearModel(layout, exact.Model.Parameters.ToArray(), source.FeatureNames, source.TargetNames);
            var measured = WithExactSums(Goodness(exactModel, source, statistics, cancellationToken), exact, statistics!.WeightSum);
            return new LinearFit
            {
                Model = exactModel, Options = o, Method = SolverMethod.Exact, MethodChoice = (choice is null ? "" : choice + " ") +
                    "For data in shards the exact solution comes from a tall-skinny QR: each shard's R factor of its centred rows, merged in shard order, refined by passes over the shards.",
                Rows = rows, DataPasses = passes + exact.RowPasses,
                Statistics = measured, Exact = exact, Engine = EngineKind.Stream,
                Report = RegressionReport.Compute(exactModel, statistics!.Count, exact, measured),
            };
        }
        // Statistics alone (rows in memory, streamed rows and shards returned above).
        var fromStatistics = ExactLeastSquares.FromStatistics(statistics!, o.FitIntercept);
        var model = new LinearModel(layout, fromStatistics.Model.Parameters.ToArray(), source.FeatureNames, source.TargetNames);
        var fitStatistics = Goodness(model, source, statistics, cancellationToken);
        return new LinearFit
        {
            Model = model, Options = o, Method = SolverMethod.Exact, Rows = rows,
            MethodChoice = (choice is null ? "" : choice + " ") + "From sufficient statistics the exact solution comes from their normal equations (Cholesky).",
            DataPasses = passes + GoodnessPasses(source) + RobustPasses(source),
            Statistics = fitStatistics, Exact = fromStatistics, Engine = EngineKind.Statistics,
            Report = RegressionReport.Compute(model, statistics!.Count, fromStatistics, fitStatistics),
        };
    }

    /// <summary>The passes the objectives made over the rows (the training run, auto's checks, the final gap; validation rows as a fraction).</summary>
    private static double EnginePasses(LeastSquaresObjective objective, LeastSquaresObjective? validation) =>
        objective.Passes + (validation is null ? 0 : validation.Passes * validation.Rows / (double)objective.Rows);

    /// <summary>The goodness-of-fit pass: one over rows in memory or streamed, none from statistics alone.</summary>
    private static double GoodnessPasses(TrainingSource source) => source.Statistics is null ? 1 : 0;

    /// <summary>The robust sandwich's pass over the rows (in memory or streamed); none for the nonrobust covariance.</summary>
    private double RobustPasses(TrainingSource source) => Options.Covariance.IsRobust && source.Statistics is null ? 1 : 0;

    private static bool IsWeighted(TrainingSource source, SufficientStatistics? statistics) =>
        source.Data?.IsWeighted ?? statistics?.IsWeighted ?? false;

    /// <summary>Goodness of fit on every row of the source (one more pass for streamed rows; none for statistics); in memory on at most <see cref="LinearRegressorOptions.MaxThreads"/> threads.</summary>
    private IReadOnlyList<OutputStatistics> Goodness(LinearModel model, TrainingSource source, SufficientStatistics? statistics, CancellationToken cancellationToken) =>
        source.Data is { } data ? FitStatistics.Compute(model, data, Kernels.GramVectorBits, Options.MaxThreads)
        : source.Rows is { } rows ? FitStatistics.Compute(model, rows, statistics!, cancellationToken)
        : FitStatistics.Compute(model, statistics!);

    private IReadOnlyList<OutputReport> Report(LinearModel model, TrainingSource source, SufficientStatistics? statistics,
        ExactSolution reference, IReadOnlyList<OutputStatistics> fitStatistics, CancellationToken cancellationToken) =>
        source.Data is { } data
            ? RegressionReport.Compute(model, data, ForReport(reference, fitStatistics), Options.Covariance, fitStatistics)
            : source.Rows is { } rows
                ? RegressionReport.Compute(model, rows, statistics!.Count, ForReport(reference, fitStatistics), Options.Covariance, fitStatistics, cancellationToken)
                : RegressionReport.Compute(model, statistics!.Count, ForReport(reference, fitStatistics), fitStatistics);

    /// <summary>
    /// The certified relative gap at the run's final parameters, recomputed from the data there (one more pass for
    /// streamed rows): the trainer's last check may precede an optimizer's final step (FISTA reports its last
    /// proximal point, not the extrapolated one it was certified at).
    /// </summary>
    private static (double Relative, double Absolute, double[]? Gradient) FinalGap(LeastSquaresObjective objective, GradientDescentResult run, LeastSquaresCertificate? certificate)
    {
        if (certificate is null) return (double.PositiveInfinity, double.PositiveInfinity, null);
        var theta = run.Parameters.ToArray();
        var gradient = new double[theta.Length];
        double loss = objective.Evaluate(theta, gradient);
        return double.IsFinite(loss)
            ? (certificate.RelativeGapBound(theta, loss, gradient), certificate.AbsoluteGapBound(theta, gradient), gradient)
            : (double.PositiveInfinity, double.PositiveInfinity, null);
    }

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

    internal static void ThrowPenaltyWithExact(Penalty penalty) =>
        Throw.Data(string.Format(CultureInfo.InvariantCulture,
            "The exact solver fits plain least squares, without a penalty (got L1 = {0}, L2 = {1}). Use `Method = ConjugateGradient` for ridge, or `Method = GradientDescent` for lasso and elastic net.",
            penalty.L1, penalty.L2));

    /// <summary>
    /// The start: zeros (or seeded random), except that with standardised (so centred) features the optimal
    /// intercept is exactly ȳ whatever the weights, so a zero start puts the intercept there: it saves every method
    /// the walk from 0 to ȳ (which adaptive methods make α at a time). The article's raw-feature runs keep w = b = 0.
    /// For weighted rows the features are centred on their weighted means and ȳ is the weighted mean Σwy/Σw.
    /// </summary>
    private static double[] Initial(LeastSquaresObjective objective, LinearRegressorOptions o, double[] targetMeans)
    {
        var initial = GradientDescent.Initial(objective.Layout.Count, o.GradientDescent);
        var layout = objective.Layout;
        if (o.Standardize && o.FitIntercept && o.GradientDescent.Initialization == Initialization.Zeros)
            for (int k = 0; k < layout.Outputs; k++)
                initial[k * layout.BlockSize + layout.Features] = targetMeans[k];
        return initial;
    }

    /// <summary>Runs the iterative method with the certificate.</summary>
    private static GradientDescentResult Run(SolverMethod method, LeastSquaresObjective objective, GradientDescentOptions options,
        double[] initial, LeastSquaresObjective? validation, IProgress<TrainingProgress>? progress, IOptimalityCertificate? certificate,
        CancellationToken cancellationToken) =>
        method == SolverMethod.ConjugateGradient
            // Preconditioned by the certificate's factor of the statistics (H⁻¹): a few steps to the rounding floor.
            ? ConjugateGradient.Minimize(objective, options, initial, progress, certificate, certificate as IPreconditioner, cancellationToken)
            : GradientDescent.Minimize(objective, options, initial, validation, progress, certificate, cancellationToken);

    /// <summary>
    /// The one place the engine is chosen. In memory: rows for small data or mini-batches, statistics for full-batch
    /// methods on large data. Streamed: statistics for full-batch methods, the stream for mini-batches. From
    /// statistics: statistics.
    /// </summary>
    private static EngineKind ChooseEngine(LinearRegressorOptions o, TrainingSource source, long rows, ParameterLayout layout)
    {
        bool batches = o.GradientDescent.BatchSize is not null;
        if (source.Statistics is not null)
        {
            if (batches && source.Batches is null)
                throw new InvalidOptionException(nameof(o.GradientDescent.BatchSize), o.GradientDescent.BatchSize!.Value, "unset for a fit from sufficient statistics (mini-batches need the rows)",
                    "Drop `BatchSize`, or fit the rows themselves.");
            if (o.Engine is EngineKind.Rows or EngineKind.Stream)
                throw new InvalidOptionException(nameof(o.Engine), o.Engine.ToString().ToLowerInvariant(), "statistics or auto for a fit from sufficient statistics", "Use `Engine = Statistics`.");
            return EngineKind.Statistics;
        }
        if (source.Rows is not null)
            return o.Engine switch
            {
                EngineKind.Auto => batches ? EngineKind.Stream : EngineKind.Statistics,
                EngineKind.Rows => EngineKind.Stream,
                var kind => kind,
            };
        if (o.Engine == EngineKind.Stream)
            throw new InvalidOptionException(nameof(o.Engine), "stream", "rows, statistics or auto for data in memory", "Use `Engine = Rows`, or stream the data from an IRowSource.");
        if (o.Engine == EngineKind.Statistics && batches)
            throw new InvalidOptionException(nameof(o.Engine), "statistics", "rows or auto with `BatchSize` (mini-batches need the rows)", "Use `Engine = Rows`, or drop `BatchSize`.");
        if (o.Engine != EngineKind.Auto)
            return o.Engine;
        bool large = rows >= 50_000 && layout.Features <= 2048 && rows >= 8 * layout.Features;
        return !batches && large ? EngineKind.Statistics : EngineKind.Rows;
    }

    /// <summary>
    /// What <see cref="SolverMethod.Auto"/> runs, and a sentence on why: the article's plain gradient descent when
    /// it is predicted to reach the certified gap within the iteration budget — with α = 1/L the gap shrinks at
    /// least by (1 − 1/κ)² a step, κ the condition number of the Hessian of the posed objective, so
    /// k ≈ (κ/2)·ln(gap₀/tolerance) steps suffice, unless those k steps (k·n·p multiply-adds) would cost more than
    /// <see cref="WarmWorkRatio"/> times the exact solution already computed (n·p²) and more than <see cref="PlainWorkFloor"/>:
    /// then, where a warm start is possible (<paramref name="warmable"/>), conjugate gradient from that solution
    /// (the returned Warm); else conjugate gradient; iterative runs go on to the gap that bounds the coefficients to eleven digits in norm (so that each reported number carries ten); the exact solver instead of conjugate gradient when the certified gap would guarantee fewer than eleven digits of the coefficients and a QR is affordable, and when no certificate
    /// can be made (the Hessian too ill-conditioned to factor).
    /// </summary>
    private static (SolverMethod Method, string Why, double? Tolerance, bool Warm) ChooseIterative(LinearRegressorOptions o, LeastSquaresObjective objective, LeastSquaresCertificate? certificate,
        double[] initial, bool warm, bool warmable, bool haveExact, double optimumNorm, double work)
    {
        var c = CultureInfo.InvariantCulture;

        if (certificate is null)
            return haveExact
                ? (SolverMethod.Exact, "auto chose the exact solver: the Hessian is too ill-conditioned for an iterative method to be certified.", null, false)
                : (o.Penalty.L1 > 0 ? SolverMethod.GradientDescent : SolverMethod.ConjugateGradient,
                    "auto chose an iterative method, but no certificate can be made (the Hessian is too ill-conditioned).", null, false);
        if (o.Penalty.L1 > 0)
            return (SolverMethod.GradientDescent, o.GradientDescent.Optimizer is null && o.GradientDescent.BatchSize is null
                ? "auto chose accelerated proximal gradient (FISTA): the L1 penalty needs a proximal method, and acceleration needs about √κ as many steps."
                : "auto chose gradient descent: the L1 penalty needs a proximal method.", null, false);
        var gradient = new double[initial.Length];
        double loss = objective.Evaluate(initial, gradient);
        double gap0 = certificate.RelativeGapBound(initial, loss, gradient);
        double tolerance = o.GradientDescent.RelativeGapTolerance;
        double kappa = certificate.Condition;
        // A certified gap bounds the objective, not the coefficients (the bound on their relative error scales as
        // √gap): an iterative run goes on to the tighter gap that bounds the coefficients to MinimumDigits, so that
        // the reported coefficients, and every statistic built on them, carry as many digits as the exact solver's.
        double parameterError = certificate.RelativeParameterErrorBound(tolerance, optimumNorm);
        double digits = Math.Pow(10, -MinimumDigits);
        double? tighter = o.Penalty.IsNone && parameterError > digits && double.IsFinite(parameterError)
            ? Math.Max(tolerance * Math.Pow(digits / parameterError, 2), 1e-300)
            : null;
        double target = tighter ?? tolerance;
        double predicted = gap0 <= target ? 0 : 0.5 * kappa * Math.Log(gap0 / Math.Max(target, 1e-300));
        bool plain = o.GradientDescent.Optimizer is null or Optimizers.Sgd && o.GradientDescent.BatchSize is null;
        string reaches = tighter is not null ? string.Format(c, " That gap, tighter than the tolerance {0:G3}, is where the bound on the coefficients' relative error reaches {1} digits.", tolerance, MinimumDigits) : "";
        // Each step of gradient descent reads every row for every output (X·θ and Xᵀr: n·p·k multiply-adds each);
        // the exact solution already computed cost about n·p² (QR of the rows, or the statistics behind a Cholesky).
        // Where the article's run would cost WarmWorkRatio times that and more than PlainWorkFloor — past the small
        // problems it is shown on — auto starts from the exact solution instead (measured: 1 000 rows × 768 float32
        // features → 20 outputs, κ = 212, 5 649 predicted steps: 38 s of gradient descent where the QR took 1.1 s).
        double plainWork = Math.Ceiling(predicted) * objective.Rows * objective.Layout.Count;
        bool costly = warmable && plainWork > WarmWorkRatio * work && plainWork > PlainWorkFloor;
        if (plain && predicted <= o.GradientDescent.MaxIterations && !warm && !costly)
            return (SolverMethod.GradientDescent, string.Format(c,
                "auto chose the article's gradient descent: with condition number κ = {0:G3} of the standardised statistics it is predicted to reach a relative gap of {1:G3} within {2:N0} iterations (budget {3:N0}).{4}",
                kappa, target, Math.Ceiling(predicted), o.GradientDescent.MaxIterations, reaches), tighter, false);
        if (!plain)
            return (SolverMethod.GradientDescent, "auto kept the gradient-descent family: an optimizer or mini-batches were asked for.", null, false);
        if (plain && predicted <= o.GradientDescent.MaxIterations && costly)
            return (SolverMethod.ConjugateGradient, string.Format(c,
                "The article's gradient descent, with condition number κ = {0:G3} of the standardised statistics, was predicted to need {1:N0} iterations (budget {2:N0}) to reach a relative gap of {3:G3}: " +
                "about {4:G3} multiply-adds over the rows (iterations × rows × parameters), {5:G3} times the {6:G3} (rows × parameters²) of the exact solution; " +
                "auto chose preconditioned conjugate gradient from there.{7}",
                kappa, Math.Ceiling(predicted), o.GradientDescent.MaxIterations, target, plainWork, plainWork / work, work, reaches), tighter, true);
        // Where the gap asked for guarantees fewer than MinimumDigits of θ (ill-conditioned, noisy data such as NIST's
        // Wampler 3–5) and a QR of the rows is affordable, conjugate gradient is not used. From the exact solution
        // conjugate gradient only certifies (or polishes) it, to the tighter gap where needed.
        if (!warm && haveExact && o.Penalty.IsNone && parameterError > digits && work <= o.QrBudget)
            return (SolverMethod.Exact, string.Format(c,
                "auto chose the exact solver: with condition number κ = {0:G3} of the standardised statistics a certified relative gap of {1:G3} bounds the coefficients' relative error only by {2:G3}, fewer than {3} digits.",
                kappa, tolerance, parameterError, MinimumDigits), null, false);
        // Too large for a QR of the rows: conjugate gradient on the statistics runs to the tighter gap that bounds the
        // coefficients to MinimumDigits (the bound scales as √gap), which costs a few more O(p²) steps, not a QR.
        string why = warm
            ? string.Format(c, "auto chose conjugate gradient from there (κ = {0:G3} of the standardised statistics; no step size to estimate).", kappa)
            : string.Format(c,
            "auto chose conjugate gradient: with condition number κ = {0:G3} of the standardised statistics plain gradient descent would need about {1:G3} iterations (budget {2:N0}) to reach a relative gap of {3:G3}; conjugate gradient needs about √κ as many.",
            kappa, predicted, o.GradientDescent.MaxIterations, tolerance);
        return (SolverMethod.ConjugateGradient, why +
            (tighter is { } t ? string.Format(c, " It runs on to a certified gap of {0:G3}, where the bound on the coefficients' relative error reaches {1} digits.", t, MinimumDigits) : ""), tighter, warm);
    }

    /// <summary>
    /// A run that auto sent toward a gap <paramref name="aimed"/> tighter than the tolerance asked for (where the bound on
    /// the coefficients reaches <see cref="MinimumDigits"/> digits), judged at that tolerance: its stop reason, message and
    /// verdict said "not converged" against its own target while the fit is certified at the caller's. It becomes
    /// <see cref="StopReason.Certified"/> with a message that says both: the certified gap, and how far toward the tighter
    /// target it got and why it stopped there.
    /// </summary>
    private static GradientDescentResult AtTolerance(GradientDescentResult run, double gap, double tolerance, double aimed, string source)
    {
        var c = CultureInfo.InvariantCulture;
        string why = run.StopReason switch
        {
            StopReason.RoundingLimit => "the gradient recomputed from the data stopped improving (its rounding floor), so the run stopped there",
            StopReason.MaxIterations => string.Format(c, "the run reached its limit of {0} iterations first", run.Iterations),
            var other => string.Format(c, "the run stopped first ({0})", other.ToSnakeCase()),
        };
        string message = string.Format(c,
            "Certified at iteration {0}: the relative objective gap is at most {1:G3} (tolerance {2:G3}), by {3}. Auto aimed further, at a gap of {4:G3} " +
            "(where the bound on the coefficients' relative error reaches {5} digits), and {6}.",
            run.Iterations, gap, tolerance, source, aimed, MinimumDigits, why);
        return run.Rejudged(StopReason.Certified, message, converged: true,
            string.Format(c, "certificate: relative objective gap ≤ {0:G3}", tolerance), gap);
    }

    /// <summary>Digits of its own that auto asks of every coefficient (so that t and p, which amplify a coefficient's error by up to 1 + t², keep ten).</summary>
    private const int CoefficientDigits = 13;

    /// <summary>The unit round-off of double precision, 2⁻⁵².</summary>
    private const double Ulp = 2.220446049250313e-16;

    /// <summary>Most conjugate-gradient steps of one polishing round (preconditioned by H⁻¹ it needs a few).</summary>
    private const int PolishIterations = 50;

    /// <summary>Steps of a run started from the normal equations' solution, preconditioned by their own factor.</summary>
    private const int WarmIterations = 10;

    /// <summary>
    /// How many times the exact solution's own cost (rows × parameters²) the article's gradient descent may be
    /// predicted to cost (iterations × rows × parameters) before auto starts from that solution instead.
    /// </summary>
    internal const double WarmWorkRatio = 10;

    /// <summary>
    /// Predicted multiply-adds of the article's gradient descent below which auto runs it whatever the ratio to the
    /// exact solution (10⁸: tens of milliseconds on one core), so that small problems — the article's example, the
    /// NIST sets, <c>lsgd demo</c> — keep showing the article's method.
    /// </summary>
    internal const double PlainWorkFloor = 1e8;

    /// <summary>
    /// How far the coefficients are from CoefficientDigits of their own: the largest ratio, over the coefficients in
    /// original units, of |Δθⱼ| (Δθ = H⁻¹∇J from the gradient the final gap was computed with — no pass of its own —
    /// the Newton correction, which for a quadratic is θ − θ* itself) to
    /// 10^−CoefficientDigits·max(|θⱼ|, 10⁻⁶·max|θ| of its output). At most 1: every coefficient carries the digits.
    /// </summary>
    private static double CoefficientShortfall(double[]? gradient, ReadOnlySpan<double> parameters, LeastSquaresCertificate certificate,
        Standardizer? standardizer, ParameterLayout layout)
    {
        if (gradient is null) return double.PositiveInfinity;   // the loss there is not finite
        var theta = parameters.ToArray();
        var step = (double[])gradient.Clone();
        certificate.Precondition(step);
        var star = new double[theta.Length];
        for (int i = 0; i < theta.Length; i++) star[i] = theta[i] - step[i];
        var here = standardizer?.ToOriginalUnits(theta, layout) ?? theta;
        var there = standardizer?.ToOriginalUnits(star, layout) ?? star;
        double worst = 0, digits = Math.Pow(10, -CoefficientDigits);
        for (int k = 0; k < layout.Outputs; k++)
        {
            var block = here.AsSpan(k * layout.BlockSize, layout.BlockSize);
            double largest = TensorPrimitives.MaxMagnitude(block);
            for (int j = 0; j < block.Length; j++)
            {
                int i = k * layout.BlockSize + j;
                double allowed = digits * Math.Max(Math.Abs(here[i]), 1e-6 * Math.Abs(largest));
                if (standardizer is not null && layout.HasIntercept && j == layout.Features)
                {
                    // The intercept in original units is a difference, b = b_c − Σ wⱼx̄ⱼ: rounding alone puts it about
                    // ε·(|b| + Σ|wⱼx̄ⱼ|) from the optimum (Norris: |b| = 0.26 beside Σ|wⱼx̄ⱼ| ≈ 400), whatever the method.
                    double spread = Math.Abs(here[i]);
                    for (int f = 0; f < layout.Features; f++) spread += Math.Abs(block[f] * standardizer.Means[f]);
                    allowed = Math.Max(allowed, 4 * Ulp * spread);
                }
                double error = Math.Abs(here[i] - there[i]);
                if (!double.IsFinite(error)) return double.PositiveInfinity;
                if (error > 0) worst = Math.Max(worst, allowed > 0 ? error / allowed : double.PositiveInfinity);
            }
        }
        return worst;
    }

    /// <summary>Holds out a seeded random fraction of rows for validation.</summary>
    private static (Dataset Train, Dataset? Validation) Split(Dataset data, double fraction, int seed)
    {
        if (fraction <= 0) return (data, null);
        int n = data.Rows;
        int held = (int)Math.Round(fraction * n);
        if (held < 1 || n - held < data.Features + 1)
            Throw.Data($"A validation fraction of {fraction.ToString(CultureInfo.InvariantCulture)} of {n} rows leaves too few rows for training or validation. Lower `ValidationFraction` or add rows.");
        var order = Enumerable.Range(0, n).ToArray();
        new Random(seed).Shuffle(order);
        return (Take(data, order.AsSpan(held)), Take(data, order.AsSpan(0, held)));
    }

    /// <summary>The rows <paramref name="rows"/> of <paramref name="data"/>, in increasing order and double precision.</summary>
    internal static Dataset Take(Dataset data, ReadOnlySpan<int> rows)
    {
        int d = data.Features, k = data.Outputs;
        var sorted = rows.ToArray();
        Array.Sort(sorted);
        var x = new double[sorted.Length * d];
        var y = new double[sorted.Length * k];
        var w = data.IsWeighted ? new double[sorted.Length] : null;
        for (int i = 0; i < sorted.Length; i++)
        {
            for (int j = 0; j < d; j++) x[i * d + j] = data.Feature(sorted[i], j);
            data.TargetRow(sorted[i]).CopyTo(y.AsSpan(i * k, k));
            if (w is not null) w[i] = data.Weight(sorted[i]);
        }
        return new Dataset(x, y, sorted.Length, d, k, data.FeatureNames, data.TargetNames).WithWeights(w);
    }

    private static Optimality Compare(LinearModel model, ExactSolution? reference, (double Relative, double Absolute) gaps, LeastSquaresCertificate certificate,
        IReadOnlyList<OutputStatistics> statistics, double weightSum, LossScaling scaling, double tolerance)
    {
        var (relativeGap, absoluteGap) = gaps;
        double factor = scaling == LossScaling.Mean ? 0.5 / weightSum : 0.5;
        double loss = factor * statistics.Sum(s => s.SumOfSquaredResiduals);
        double optimal = reference is null ? double.NaN : factor * reference.ResidualSumOfSquares.Sum();
        double distance = double.NaN, relativeDistance = double.NaN;
        double[] star = [];
        if (reference is not null)
        {
            star = reference.Model.Parameters.ToArray();
            var diff = new double[star.Length];
            TensorPrimitives.Subtract(model.Parameters, star, diff);
            distance = TensorPrimitives.Norm(diff);
            double starNorm = TensorPrimitives.Norm(star);
            relativeDistance = starNorm > 0 ? distance / starNorm : distance;
        }
        return new Optimality(loss, optimal, absoluteGap, relativeGap, distance, relativeDistance, star)
        {
            CertificateSource = certificate.Source,
            Tolerance = tolerance,
        };
    }
}
