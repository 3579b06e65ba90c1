using Lsgd.Data;
using Lsgd.Estimators;
using Lsgd.Models;
using Lsgd.Optimizers;
using Lsgd.Training;

namespace Lsgd.Embeddings;

/// <summary>A head and the least-squares fit that produced it.</summary>
/// <param name="Head">The trained head.</param>
/// <param name="Regression">The fit: iterations, why it stopped, how far from the exact solution.</param>
/// <param name="L2">The ridge penalty λ used (given, or chosen on the validation rows).</param>
/// <param name="Trials">When λ was chosen: each candidate and its loss on the validation rows; empty otherwise.</param>
public sealed record HeadFit(LinearHead Head, LinearFit Regression, double L2, IReadOnlyList<L2Trial> Trials);

/// <summary>One candidate ridge penalty and how its head did on the validation rows.</summary>
/// <param name="L2">λ.</param>
/// <param name="ValidationLoss">½ mean over rows of Σ (y − ŷ)² over the outputs (one-hot targets for a classifier): the training loss, on the validation rows.</param>
/// <param name="Validation">The head's metrics on the validation rows.</param>
public sealed record L2Trial(double L2, double ValidationLoss, HeadMetrics Validation);

/// <summary>
/// Trains the last layer on fixed features by least-squares gradient descent: a number directly; a class as k
/// one-hot outputs (1 for the row's class, 0 for the others) fitted jointly, predicting the largest.
/// </summary>
/// <example>
/// <code>
/// var target = HeadTarget.Classification("group", labels);
/// HeadFit fit = new HeadTrainer().Fit(embeddings.Vectors, embeddings.Dimension, target);
/// int[] predicted = fit.Head.PredictClasses(newVectors);
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
        MaxParametersForExactCheck = 10_000,
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
    /// <see cref="HeadOptions.L2"/> is null and <paramref name="validationRows"/> are given, one head is fitted per
    /// candidate λ and the one with the lowest validation loss is kept (the larger λ on a tie).
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
    /// <exception cref="OperationCanceledException">Cancelled while choosing λ (a single fit stops cleanly instead).</exception>
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
        var targetNames = target.Task == HeadTask.Classification ? target.Classes : [target.Name];
        var data = Dataset.FromSingle(SelectRows(features, dimension, rows), target.Targets(rows), rows.Count, dimension, target.Outputs, names, targetNames);
        var classes = target.Task == HeadTask.Classification ? target.Classes : null;
        HeadFit FitWith(double l2, IReadOnlyList<L2Trial> trials)
        {
            var fit = new LinearRegressor(RegressorOptions(l2)).Fit(data, progress, cancellationToken);
            return new HeadFit(new LinearHead(fit.Model, target.Task, classes), fit, l2, trials);
        }
        if (Options.L2 is { } given || validationRows is null || validationRows.Count == 0)
            return FitWith(Options.L2 ?? 0, []);

        var trials = new List<L2Trial>();
        HeadFit? best = null;
        double bestLoss = double.PositiveInfinity;
        foreach (double l2 in HeadOptions.AutoL2Candidates)
        {
            cancellationToken.ThrowIfCancellationRequested();   // a cancelled fit stops early: comparing it with the others would mislead
            var candidate = FitWith(l2, trials);
            var (loss, metrics) = ValidationLoss(candidate.Head, features, target, validationRows);
            trials.Add(new L2Trial(l2, loss, metrics));
            if (loss <= bestLoss)
            {
                bestLoss = loss;
                best = candidate;
            }
        }
        return best! with { Trials = trials };
    }

    /// <summary>½ mean over <paramref name="rows"/> of Σ (y − ŷ)² over the outputs, and the head's metrics there.</summary>
    private static (double Loss, HeadMetrics Metrics) ValidationLoss(LinearHead head, float[] features, HeadTarget target, IReadOnlyList<int> rows)
    {
        var scores = head.Scores(SelectRows(features, head.Dimension, rows));
        var y = target.Targets(rows);
        double sse = 0;
        for (int i = 0; i < y.Length; i++)
        {
            double r = y[i] - scores[i];
            sse += r * r;
        }
        return (0.5 * sse / rows.Count, target.Measure(rows, scores));
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
