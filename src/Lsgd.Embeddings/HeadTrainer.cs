using Lsgd.Applications.Classification;
using Lsgd.Applications.Features;
using Lsgd.Data;
using Lsgd.Estimators;
using Lsgd.Models;
using Lsgd.Optimizers;
using Lsgd.Training;

namespace Lsgd.Embeddings;

/// <summary>
/// A trained head: the least-squares fit of its outputs and, for a classifier, the core classifier's fit (model,
/// classes in output order, training accuracy); with the ridge penalty used and, when it was chosen, the trials.
/// </summary>
/// <param name="Regression">The least-squares fit of the outputs (one value, or one-hot scores): iterations, why it stopped, how far from the exact solution.</param>
/// <param name="Classification">The classifier fit for a classification head (its <see cref="ClassifierFit.Regression"/> is <paramref name="Regression"/>); null for regression.</param>
/// <param name="L2">The ridge penalty λ used (given, or chosen on the validation rows).</param>
/// <param name="Trials">When λ was chosen: each candidate and its loss on the validation rows; empty otherwise.</param>
public sealed record HeadFit(LinearFit Regression, ClassifierFit? Classification, double L2, IReadOnlyList<L2Trial> Trials)
{
    /// <summary>Regression or classification.</summary>
    public HeadTask Task => Classification is null ? HeadTask.Regression : HeadTask.Classification;

    /// <summary>The linear model of the head's outputs (the value, or one score per class), in the units of the features.</summary>
    public LinearModel Model => Regression.Model;

    /// <summary>The classes in output order (classification); empty for regression.</summary>
    public IReadOnlyList<string> Classes => Classification?.Model.Classes ?? [];

    /// <summary>n × k outputs for n rows of d features (row-major).</summary>
    public double[] Scores(float[] features) => Model.Predict(HeadTrainer.Features(features, Model.Features, null, Model.FeatureNames));
}

/// <summary>One candidate ridge penalty and how the exact ridge solution with it did on the validation rows.</summary>
/// <param name="L2">λ.</param>
/// <param name="ValidationLoss">½ mean over rows of Σ (y − ŷ)² over the outputs (one-hot targets for a classifier): the training loss, on the validation rows; infinite when λ = 0 and the features are linearly dependent.</param>
/// <param name="Validation">That solution's metrics on the validation rows.</param>
public sealed record L2Trial(double L2, double ValidationLoss, HeadMetrics Validation);

/// <summary>
/// Trains the last layer on fixed features by least-squares gradient descent: a number directly
/// (<see cref="LinearRegressor"/>); a class with the core <see cref="LeastSquaresClassifier"/> — k one-hot outputs
/// (1 for the row's class, 0 for the others) fitted jointly, predicting the largest.
/// </summary>
/// <example>
/// <code>
/// var target = HeadTarget.Classification("group", labels);
/// HeadFit fit = new HeadTrainer().Fit(embeddings.Vectors, embeddings.Dimension, target);
/// string[] predicted = fit.Classification!.Model.Predict(newData);
/// </code>
/// </example>
public sealed class HeadTrainer
{
    /// <summary>Creates a trainer with <paramref name="options"/> (defaults when null).</summary>
    public HeadTrainer(HeadOptions? options = null) => Options = options ?? new HeadOptions();

    /// <summary>The settings.</summary>
    public HeadOptions Options { get; }

    /// <summary>The regressor settings a head with ridge penalty <paramref name="l2"/> is trained with (see <see cref="HeadOptions"/>).</summary>
    public LinearRegressorOptions RegressorOptions(double l2) => new()
    {
        Method = SolverMethod.GradientDescent,
        Standardize = true,
        Penalty = l2 > 0 ? Penalty.Ridge(l2) : Penalty.None,
        Engine = EngineKind.Statistics,
        MaxThreads = Options.Threads,
        CompareWithExact = Options.CompareWithExact,
        GradientDescent = new GradientDescentOptions
        {
            LossScaling = LossScaling.Mean,
            Optimizer = Options.Optimizer ?? new Momentum(0.9, nesterov: true),
            MaxIterations = Options.MaxIterations,
            Tolerance = Options.Tolerance,
        },
    };

    /// <summary>
    /// Fits a head to the rows <paramref name="rows"/> of <paramref name="features"/>. When
    /// <see cref="HeadOptions.L2"/> is null and <paramref name="validationRows"/> are given, λ is chosen first: the
    /// exact ridge solution of every candidate, from one computation of the training statistics, is scored on the
    /// validation rows, and the head is then trained by gradient descent with the best λ (the larger on a tie).
    /// </summary>
    /// <param name="features">n × d values, row-major (an encoder's vectors).</param>
    /// <param name="dimension">d.</param>
    /// <param name="target">The target of all n rows.</param>
    /// <param name="rows">The training rows (0-based); null for all.</param>
    /// <param name="validationRows">Rows to choose λ on; null or empty for none.</param>
    /// <param name="featureNames">Names of the d features (default e1…ed).</param>
    /// <param name="progress">Progress of gradient descent.</param>
    /// <param name="cancellationToken">Stops gradient descent cleanly; the head keeps the parameters reached.</param>
    /// <exception cref="LsgdException">Fewer training rows than parameters per output (d + 1).</exception>
    /// <exception cref="OperationCanceledException">Cancelled while choosing λ (the fit itself stops cleanly instead).</exception>
    public HeadFit Fit(float[] features, int dimension, HeadTarget target, IReadOnlyList<int>? rows = null, IReadOnlyList<int>? validationRows = null,
        IReadOnlyList<string>? featureNames = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(target);
        if (dimension < 1 || features.Length != (long)target.Rows * dimension)
            throw new ArgumentException($"features has {features.Length} values but the target has {target.Rows} rows of {dimension} features.", nameof(features));
        rows ??= Enumerable.Range(0, target.Rows).ToArray();
        if (rows.Count < dimension + 1)
            throw new LsgdException($"The training set has {rows.Count} rows but a head on {dimension} features has {dimension + 1} parameters per output: " +
                $"least squares needs at least {dimension + 1} training rows. Add rows, or give smaller features with --embeddings.");

        var names = featureNames ?? FeatureNames(dimension);
        var all = Features(features, dimension, null, names);
        var trials = new List<L2Trial>();
        double l2 = Options.L2 ?? 0;
        if (Options.L2 is null && validationRows is { Count: > 0 })
            l2 = ChooseL2(all, target, rows, validationRows, trials, cancellationToken);
        if (target.Task == HeadTask.Regression)
        {
            var data = Dataset.FromSingle(SelectRows(features, dimension, rows), [.. rows.Select(i => target.Values![i])], rows.Count, dimension, 1, names, [target.Name]);
            return new HeadFit(new LinearRegressor(RegressorOptions(l2)).Fit(data, progress, cancellationToken), null, l2, trials);
        }
        var classifier = new LeastSquaresClassifier(new LeastSquaresClassifierOptions { Encoding = TargetEncoding.OneHot, Regression = RegressorOptions(l2) });
        var fit = classifier.Fit(all, target.Labels!, rows, [], progress, cancellationToken);
        return new HeadFit(fit.Regression, fit, l2, trials);
    }

    /// <summary>
    /// The λ of <see cref="HeadOptions.AutoL2Candidates"/> whose exact ridge solution on the training rows has the
    /// lowest loss on the validation rows (the larger λ on a tie). The training statistics XᵀX, Xᵀy are computed
    /// once; each candidate then costs one Cholesky factorisation (<see cref="RidgePath"/>) and a prediction of the
    /// validation rows. A singular candidate (λ = 0 with dependent features) gets an infinite loss.
    /// </summary>
    private double ChooseL2(Dataset all, HeadTarget target, IReadOnlyList<int> rows, IReadOnlyList<int> validationRows, List<L2Trial> trials,
        CancellationToken cancellationToken)
    {
        var training = SufficientStatistics.Compute(Subset(all, target, rows), Options.Threads);
        var validation = Subset(all, target, validationRows);
        var candidates = HeadOptions.AutoL2Candidates;
        var models = RidgePath.Solve(training, candidates);
        double best = candidates[0], bestLoss = double.PositiveInfinity;
        for (int p = 0; p < candidates.Count; p++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (models[p] is not { } model)
            {
                trials.Add(new L2Trial(candidates[p], double.PositiveInfinity, new HeadMetrics { Rows = validationRows.Count }));
                continue;
            }
            var scores = model.Predict(validation);
            var y = validation.Y;
            double sse = 0;
            for (int i = 0; i < y.Length; i++)
            {
                double r = y[i] - scores[i];
                sse += r * r;
            }
            double loss = 0.5 * sse / validationRows.Count;
            trials.Add(new L2Trial(candidates[p], loss, HeadMetrics.Measure(target, validationRows, scores)));
            if (loss <= bestLoss)
            {
                bestLoss = loss;
                best = candidates[p];
            }
        }
        return best;
    }

    /// <summary>The rows <paramref name="rows"/> of <paramref name="all"/> with the least-squares targets of <paramref name="target"/> there (one-hot for a classifier).</summary>
    private static Dataset Subset(Dataset all, HeadTarget target, IReadOnlyList<int> rows)
    {
        int d = all.Features;
        bool classes = target.Task == HeadTask.Classification;
        var y = classes
            ? ClassLabels.EncodeTargets([.. rows.Select(i => target.ClassIndex![i])], target.Classes.Count, TargetEncoding.OneHot)
            : [.. rows.Select(i => target.Values![i])];
        var x = new float[rows.Count * d];
        for (int i = 0; i < rows.Count; i++) all.FeatureRowSingle(rows[i]).CopyTo(x.AsSpan(i * d, d));
        return Dataset.FromSingle(x, y, rows.Count, d, classes ? target.Classes.Count : 1, all.FeatureNames, classes ? target.Classes : [target.Name]);
    }

    /// <summary>The rows <paramref name="rows"/> (all when null) of n × d <paramref name="features"/> as a float32 dataset without targets.</summary>
    internal static Dataset Features(float[] features, int dimension, IReadOnlyList<int>? rows, IReadOnlyList<string>? names)
    {
        var x = rows is null ? features : SelectRows(features, dimension, rows);
        int n = x.Length / dimension;
        return Dataset.FromSingle(x, new double[n], n, dimension, 1, names);
    }

    /// <summary>The rows <paramref name="rows"/> of n × d <paramref name="features"/>, in that order.</summary>
    internal static float[] SelectRows(float[] features, int dimension, IReadOnlyList<int> rows)
    {
        var x = new float[rows.Count * dimension];
        for (int i = 0; i < rows.Count; i++)
            features.AsSpan(rows[i] * dimension, dimension).CopyTo(x.AsSpan(i * dimension, dimension));
        return x;
    }

    /// <summary>The default feature names e1…ed.</summary>
    public static string[] FeatureNames(int dimension) => [.. Enumerable.Range(1, dimension).Select(j => $"e{j}")];
}
