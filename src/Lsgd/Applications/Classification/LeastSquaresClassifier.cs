using Lsgd.Data;
using Lsgd.Estimators;
using Lsgd.Internals;
using Lsgd.Training;

namespace Lsgd.Applications.Classification;

/// <summary>
/// Classification by least squares: each class becomes a target column (one-hot or ±1), one multi-output linear
/// model is fitted to them with <see cref="LinearRegressor"/>, and a row's class is the argmax of its scores.
/// </summary>
/// <remarks>
/// Not a probabilistic model: the scores are least-squares fits to 0/1 (or ±1) and may fall outside [0, 1]. It is
/// quick, exact (the default method is the QR solution) and often close to logistic regression on well-separated
/// classes; on classes that overlap in a curved way a linear score is not enough (see the shallow network).
/// </remarks>
/// <example>
/// <code>
/// var fit = new LeastSquaresClassifier().Fit(features, labels);   // labels: one string per row
/// Console.WriteLine(fit.Evaluation.Accuracy);                      // on the training rows (fit.EvaluatedOn)
/// </code>
/// </example>
public sealed class LeastSquaresClassifier
{
    /// <summary>Creates the estimator with <paramref name="options"/> (defaults when null).</summary>
    public LeastSquaresClassifier(LeastSquaresClassifierOptions? options = null) => Options = options ?? new LeastSquaresClassifierOptions();

    /// <summary>The settings.</summary>
    public LeastSquaresClassifierOptions Options { get; }

    /// <summary>Fits the classifier to the features of <paramref name="features"/> and one label per row.</summary>
    /// <param name="features">The rows' features; the dataset's targets are not used (the labels replace them).</param>
    /// <param name="labels">The class of each row, as text (numbers are fine: "0", "1", …).</param>
    /// <param name="cancellationToken">Stops an iterative fit.</param>
    /// <exception cref="LsgdException">Labels and rows differ in number, a label is empty, fewer than two classes, or too few training rows.</exception>
    public ClassifierFit Fit(Dataset features, IReadOnlyList<string> labels, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count != features.Rows)
            Throw.Data($"There are {Throw.Plural(labels.Count, "label")} for {Throw.Plural(features.Rows, "row")}: give one label per row.");
        var classes = ClassLabels.Sorted(labels);
        if (classes.Length < 2)
            Throw.Data($"Every row has the class '{classes[0]}': a classifier needs at least two classes. Check the label column.");
        var actual = ClassLabels.Indices(labels, classes);
        var (trainRows, testRows) = Split(actual, classes, Options.TestFraction, Options.Seed);
        return Fit(features, classes, actual, trainRows, testRows, null, cancellationToken);
    }

    /// <summary>
    /// Fits the classifier to the rows <paramref name="trainingRows"/> of <paramref name="features"/> and reports
    /// its accuracy on them and on <paramref name="testRows"/>: for a split made elsewhere (grouped, or with a
    /// validation set; <see cref="LeastSquaresClassifierOptions.TestFraction"/> is not used). The classes are those
    /// of all the labels, so a class absent from the training rows still has its output (scores fitted to 0).
    /// </summary>
    /// <param name="features">The rows' features (float32 storage is kept); the dataset's targets are not used.</param>
    /// <param name="labels">The class of every row of <paramref name="features"/>.</param>
    /// <param name="trainingRows">0-based rows to fit on.</param>
    /// <param name="testRows">0-based rows to report accuracy on (may be empty).</param>
    /// <param name="progress">Progress of an iterative fit.</param>
    /// <param name="cancellationToken">Stops an iterative fit.</param>
    /// <exception cref="LsgdException">Labels and rows differ in number, a label is empty, fewer than two classes, or too few training rows.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A row index outside the data.</exception>
    public ClassifierFit Fit(Dataset features, IReadOnlyList<string> labels, IReadOnlyList<int> trainingRows, IReadOnlyList<int> testRows,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(trainingRows);
        ArgumentNullException.ThrowIfNull(testRows);
        if (labels.Count != features.Rows)
            Throw.Data($"There are {Throw.Plural(labels.Count, "label")} for {Throw.Plural(features.Rows, "row")}: give one label per row.");
        foreach (int i in trainingRows.Concat(testRows))
            if ((uint)i >= (uint)features.Rows)
                throw new ArgumentOutOfRangeException(nameof(trainingRows), i, $"Row indices must be in 0..{features.Rows - 1}.");
        var classes = ClassLabels.Sorted(labels);
        if (classes.Length < 2)
            Throw.Data($"Every row has the class '{classes[0]}': a classifier needs at least two classes. Check the label column.");
        return Fit(features, classes, ClassLabels.Indices(labels, classes), [.. trainingRows], [.. testRows], progress, cancellationToken);
    }

    private ClassifierFit Fit(Dataset features, string[] classes, int[] actual, int[] trainRows, int[] testRows,
        IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        var train = Subset(features, trainRows, actual, classes.Length, classes, Options.Encoding);
        var regression = new LinearRegressor(Options.Regression).Fit(train, progress, cancellationToken);
        var model = new LeastSquaresClassifierModel(regression.Model, classes, Options.Encoding);

        ClassificationReport Evaluate(int[] rows) =>
            ClassificationReport.Compute(classes, [.. rows.Select(i => actual[i])], model.PredictIndices(Subset(features, rows)));
        var training = Evaluate(trainRows);
        var test = testRows.Length > 0 ? Evaluate(testRows) : null;
        var constant = Enumerable.Range(0, features.Features).Where(j => IsConstant(features, trainRows, j)).ToArray();
        return new ClassifierFit(model, regression, trainRows, testRows, training, test,
            [.. constant.Select(j => features.FeatureNames[j])],
            [.. constant.Where(j => !IsConstant(features, [.. trainRows, .. testRows], j)).Select(j => features.FeatureNames[j])]);
    }

    /// <summary>Whether feature <paramref name="j"/> takes one value over <paramref name="rows"/>.</summary>
    private static bool IsConstant(Dataset features, int[] rows, int j)
    {
        if (rows.Length == 0) return true;
        double first = features.Feature(rows[0], j);
        foreach (int i in rows)
            if (features.Feature(i, j) != first) return false;
        return true;
    }

    /// <summary>
    /// A stratified split: in each class, round(f·n_c) rows chosen with the seed are held out, at most n_c − 1 so
    /// every class keeps a training row.
    /// </summary>
    private static (int[] Train, int[] Test) Split(int[] actual, string[] classes, double fraction, int seed)
    {
        if (fraction == 0)
            return ([.. Enumerable.Range(0, actual.Length)], []);
        var rng = new Random(seed);
        var test = new List<int>();
        for (int c = 0; c < classes.Length; c++)
        {
            var rows = Enumerable.Range(0, actual.Length).Where(i => actual[i] == c).ToArray();
            rng.Shuffle(rows);
            int held = Math.Min(rows.Length - 1, (int)Math.Round(fraction * rows.Length, MidpointRounding.AwayFromZero));
            test.AddRange(rows.Take(held));
        }
        if (test.Count == 0)
            throw new InvalidOptionException(nameof(LeastSquaresClassifierOptions.TestFraction), fraction,
                "large enough to hold out at least one row", $"Try {Math.Min(0.5, Math.Max(0.3, 1.5 * classes.Length / actual.Length)):0.##}, or 0 to report training accuracy.");
        var isTest = new bool[actual.Length];
        foreach (int i in test) isTest[i] = true;
        return ([.. Enumerable.Range(0, actual.Length).Where(i => !isTest[i])], [.. Enumerable.Range(0, actual.Length).Where(i => isTest[i])]);
    }

    /// <summary>
    /// The chosen rows of <paramref name="features"/>, in its precision, with the encoded targets of their classes
    /// (one column per class), or with no targets (one column of zeros) when <paramref name="actual"/> is null.
    /// </summary>
    private static Dataset Subset(Dataset features, int[] rows, int[]? actual = null, int classCount = 1,
        string[]? classes = null, TargetEncoding encoding = TargetEncoding.OneHot)
    {
        int d = features.Features, k = actual is null ? 1 : classCount;
        var y = actual is null ? new double[rows.Length] : ClassLabels.EncodeTargets([.. rows.Select(i => actual[i])], classCount, encoding);
        if (features.IsSinglePrecision)
        {
            var xs = new float[rows.Length * d];
            for (int r = 0; r < rows.Length; r++) features.FeatureRowSingle(rows[r]).CopyTo(xs.AsSpan(r * d, d));
            return Dataset.FromSingle(xs, y, rows.Length, d, k, features.FeatureNames, classes);
        }
        var x = new double[rows.Length * d];
        for (int r = 0; r < rows.Length; r++) features.Storage.CopyRow(rows[r], x.AsSpan(r * d, d));
        return new Dataset(x, y, rows.Length, d, k, features.FeatureNames, classes);
    }
}
