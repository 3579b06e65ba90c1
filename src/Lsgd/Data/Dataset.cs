using System.Numerics.Tensors;
using Lsgd.Internals;

namespace Lsgd.Data;

/// <summary>
/// Dense in-memory training data: an n × d feature matrix and an n × k target matrix, both row-major
/// and contiguous. Features are stored in <see cref="double"/> or, for half the memory and bandwidth, in
/// <see cref="float"/> (<see cref="Storage"/> says which and reads either); targets and every sum are always double.
/// </summary>
/// <remarks>
/// Row <c>i</c> of the features is <c>Features[i*d .. i*d+d)</c>, and its targets are
/// <c>Targets[i*k .. i*k+k)</c>. Every value must be finite: the constructor names the first row and
/// column that is not. Row and column indices in messages are 1-based ("row 1" is the first data row).
/// </remarks>
public sealed class Dataset
{
    private readonly double[]? _y;

    /// <summary>The targets' address when they are a memory-mapped file's pages (<see cref="_y"/> null), and how many there are.</summary>
    private readonly nint _yNative;
    private readonly int _yLength;

    /// <summary>Wraps row-major arrays (not copied) after checking their sizes and values.</summary>
    /// <param name="features">n·d values, row-major.</param>
    /// <param name="targets">n·k values, row-major.</param>
    /// <param name="rows">n, the number of observations (≥ 1).</param>
    /// <param name="featureCount">d, the number of features (≥ 0).</param>
    /// <param name="outputCount">k, the number of targets per row (≥ 1).</param>
    /// <param name="featureNames">Optional names of the d features (default x1…xd).</param>
    /// <param name="targetNames">Optional names of the k targets (default y, or y1…yk).</param>
    public Dataset(double[] features, double[] targets, int rows, int featureCount, int outputCount = 1,
        IReadOnlyList<string>? featureNames = null, IReadOnlyList<string>? targetNames = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        if (rows < 1)
            Throw.Data("The data has no rows: at least one observation is needed to fit a model.");
        if (featureCount < 0)
            Throw.Option(nameof(featureCount), featureCount, "an integer >= 0", "Pass the number of feature columns.");
        if (outputCount < 1)
            Throw.Option(nameof(outputCount), outputCount, "an integer >= 1", "Pass the number of target columns.");
        if (features.Length != (long)rows * featureCount)
            Throw.Length(nameof(features), features.Length, (long)rows * featureCount, $"{rows} rows × {featureCount} features");
        if (targets.Length != (long)rows * outputCount)
            Throw.Length(nameof(targets), targets.Length, (long)rows * outputCount, $"{rows} rows × {outputCount} targets");

        FeatureNames = CheckNames(featureNames, featureCount, nameof(featureNames),
            j => $"x{j + 1}");
        TargetNames = CheckNames(targetNames, outputCount, nameof(targetNames),
            j => outputCount == 1 ? "y" : $"y{j + 1}");

        CheckFinite(features, featureCount, FeatureNames, "feature");
        CheckFinite(targets, outputCount, TargetNames, "target");

        Storage = new FeatureStorage(features, featureCount);
        _y = targets;
        _yLength = targets.Length;
        Rows = rows;
        WeightSum = rows;
        Observations = rows;
        Features = featureCount;
        Outputs = outputCount;
    }

    /// <summary>
    /// Wraps features and targets whose sizes and values the caller has already checked (every value finite), without
    /// another pass over them: <c>Lsgd.IO</c> checks each value of a .npy file as it reads or maps it, naming the file, row
    /// and column of a bad one. Targets are <paramref name="targets"/>, or with null the <paramref name="outputCount"/>·n
    /// doubles at <paramref name="targetsAddress"/> that <paramref name="owner"/> keeps valid (a memory-mapped file).
    /// </summary>
    internal Dataset(FeatureStorage storage, double[]? targets, nint targetsAddress, object? owner, int rows, int outputCount,
        IReadOnlyList<string> featureNames, IReadOnlyList<string> targetNames)
    {
        if (rows < 1)
            Throw.Data("The data has no rows: at least one observation is needed to fit a model.");
        if (targets is null && (owner is null || targetsAddress == 0))
            throw new ArgumentException("Targets need an array, or an address and the owner that keeps it valid.", nameof(targets));
        Storage = storage;
        _y = targets;
        _yNative = targetsAddress;
        _yOwner = owner;
        _yLength = targets?.Length ?? checked(rows * outputCount);
        Rows = rows;
        WeightSum = rows;
        Observations = rows;
        Features = storage.Features;
        Outputs = outputCount;
        FeatureNames = CheckNames(featureNames, Features, nameof(featureNames), j => $"x{j + 1}");
        TargetNames = CheckNames(targetNames, outputCount, nameof(targetNames), j => outputCount == 1 ? "y" : $"y{j + 1}");
        if (_yLength != (long)rows * outputCount)
            Throw.Length(nameof(targets), _yLength, (long)rows * outputCount, $"{rows} rows × {outputCount} targets");
        if (storage.Precision == FeaturePrecision.DoublePrecision && storage.DoubleValues.Length != (long)rows * Features)
            Throw.Length("features", storage.DoubleValues.Length, (long)rows * Features, $"{rows} rows × {Features} features");
    }

    /// <summary>Keeps the mapped targets valid (see <see cref="_yNative"/>).</summary>
    private readonly object? _yOwner;

    /// <summary>
    /// Wraps row-major single-precision features (not copied) and double targets after checking sizes and
    /// values. Engines widen each value to double before multiplying, and accumulate in double.
    /// </summary>
    /// <remarks>A factory rather than a constructor overload, so that a collection expression such as
    /// <c>[1, 2, 3]</c> never silently picks single precision.</remarks>
    public static Dataset FromSingle(float[] features, double[] targets, int rows, int featureCount, int outputCount = 1,
        IReadOnlyList<string>? featureNames = null, IReadOnlyList<string>? targetNames = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        return new Dataset(features, targets, rows, featureCount, outputCount, featureNames, targetNames);
    }

    private Dataset(float[] features, double[] targets, int rows, int featureCount, int outputCount,
        IReadOnlyList<string>? featureNames, IReadOnlyList<string>? targetNames)
        : this(Array.Empty<double>(), targets, rows, 0, outputCount, Array.Empty<string>(), targetNames)
    {
        if (featureCount < 0)
            Throw.Option(nameof(featureCount), featureCount, "an integer >= 0", "Pass the number of feature columns.");
        if (features.Length != (long)rows * featureCount)
            Throw.Length(nameof(features), features.Length, (long)rows * featureCount, $"{rows} rows × {featureCount} features");
        FeatureNames = CheckNames(featureNames, featureCount, nameof(featureNames), j => $"x{j + 1}");
        bool allFinite = TensorPrimitives.IsFiniteAll<float>(features); // vectorised; the loop only names the first bad value
        for (int i = 0; !allFinite && i < features.Length; i++)
        {
            if (!float.IsFinite(features[i]))
                Throw.Data($"The feature '{FeatureNames[i % featureCount]}' in row {i / featureCount + 1} is {Throw.Format(features[i])}: " +
                    "every value must be a finite number. Remove or impute that row.");
        }
        Storage = new FeatureStorage(features, featureCount);
        Features = featureCount;
    }

    /// <summary>The features, in the precision they were given, with accessors that work for both.</summary>
    public FeatureStorage Storage { get; }

    /// <summary>Whether the features are stored in single precision (<see cref="XSingle"/>) rather than <see cref="X"/>.</summary>
    public bool IsSinglePrecision => Storage.Precision == FeaturePrecision.SinglePrecision;

    /// <summary>All features in single precision, row-major (n·d values), for float32 storage (<see cref="FeatureStorage.SingleValues"/>).</summary>
    /// <exception cref="InvalidOperationException">The features are stored in float64.</exception>
    public ReadOnlySpan<float> XSingle => Storage.SingleValues;

    /// <summary>The d single-precision features of row <paramref name="i"/> (0-based), for float32 storage.</summary>
    /// <exception cref="InvalidOperationException">The features are stored in float64.</exception>
    public ReadOnlySpan<float> FeatureRowSingle(int i) => Storage.SingleValues.Slice(i * Features, Features);

    /// <summary>Copies feature (row <paramref name="i"/>, column <paramref name="j"/>) as a double, whatever the storage.</summary>
    public double Feature(int i, int j) => Storage[i, j];

    /// <summary>A double-precision copy of the features when stored in single precision; this dataset otherwise.</summary>
    public Dataset ToDoublePrecision()
    {
        if (!IsSinglePrecision) return this;
        var single = Storage.SingleValues;
        var x = new double[single.Length];
        for (int i = 0; i < x.Length; i++) x[i] = single[i];
        return new Dataset(new FeatureStorage(x, Features), _y, _yNative, _yOwner, Rows, Outputs, FeatureNames, TargetNames).WithWeights(_weights);
    }

    /// <summary>n, the number of rows (rows of weight zero included).</summary>
    public int Rows { get; }

    /// <summary>
    /// The weight of each row for weighted least squares (n values), or empty when the rows are unweighted (every
    /// weight 1). Weights are inverse variances, as statsmodels' WLS takes them: the fit minimises Σᵢ wᵢ‖rᵢ‖².
    /// </summary>
    public ReadOnlySpan<double> Weights => _weights;

    /// <summary>Whether the rows carry weights (<see cref="WithWeights"/>).</summary>
    public bool IsWeighted => _weights is not null;

    /// <summary>The weight of row <paramref name="i"/> (0-based): 1 for unweighted rows.</summary>
    public double Weight(int i) => _weights is null ? 1.0 : _weights[i];

    /// <summary>Σᵢ wᵢ, the total weight (n when the rows are unweighted).</summary>
    public double WeightSum { get; private set; }

    /// <summary>
    /// The observations: rows of positive weight (all n rows when unweighted). Rows of weight zero take no part in
    /// the fit and are not counted in the degrees of freedom, as R's <c>lm</c> counts them.
    /// </summary>
    public int Observations { get; private set; }

    private double[]? _weights;

    /// <summary>
    /// The same rows (features and targets shared, not copied) with a weight per row for weighted least squares, or
    /// unweighted with null. Weights are inverse variances (statsmodels' WLS convention); a weight of zero leaves its
    /// row out of the fit.
    /// </summary>
    /// <param name="weights">n weights, each finite and ≥ 0, not all zero; not copied.</param>
    /// <exception cref="LsgdException">A negative, NaN or infinite weight (its row is named), or every weight zero.</exception>
    public Dataset WithWeights(double[]? weights)
    {
        var copy = (Dataset)MemberwiseClone();
        copy._weights = weights;
        copy.WeightSum = Rows;
        copy.Observations = Rows;
        if (weights is null) return copy;
        if (weights.Length != Rows)
            Throw.Length(nameof(weights), weights.Length, Rows, "one weight per row");
        var (sum, positive) = CheckWeights(weights);
        copy.WeightSum = sum;
        copy.Observations = positive;
        return copy;
    }

    /// <summary>Checks weights (finite, ≥ 0, not all zero) and returns their sum and how many are positive.</summary>
    internal static (double Sum, int Positive) CheckWeights(ReadOnlySpan<double> weights)
    {
        double sum = 0;
        int positive = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            double w = weights[i];
            if (!(w >= 0) || !double.IsFinite(w))
                Throw.Data($"The weight of row {i + 1} is {Throw.Format(w)}: weights must be finite numbers ≥ 0 (inverse variances; 0 leaves the row out). Correct or remove that row.");
            sum += w;
            if (w > 0) positive++;
        }
        if (positive == 0)
            Throw.Data("Every weight is zero, so no row takes part in the fit. Give some rows a positive weight.");
        return (sum, positive);
    }

    /// <summary>d, the number of features per row.</summary>
    public int Features { get; private init; }

    /// <summary>k, the number of targets per row.</summary>
    public int Outputs { get; }

    /// <summary>Names of the d feature columns.</summary>
    public IReadOnlyList<string> FeatureNames { get; private init; }

    /// <summary>Names of the k target columns.</summary>
    public IReadOnlyList<string> TargetNames { get; }

    /// <summary>All features, row-major (n·d values), for float64 storage (<see cref="FeatureStorage.DoubleValues"/>).</summary>
    /// <exception cref="InvalidOperationException">The features are stored in float32: use <see cref="Storage"/>'s accessors or <see cref="ToDoublePrecision"/>.</exception>
    public ReadOnlySpan<double> X => Storage.DoubleValues;

    /// <summary>All targets, row-major (n·k values).</summary>
    public ReadOnlySpan<double> Y => _y is not null ? _y : MappedTargets(_yNative, _yLength);

    private static unsafe ReadOnlySpan<double> MappedTargets(nint address, int length) => new((void*)address, length);

    /// <summary>The d features of row <paramref name="i"/> (0-based), for float64 storage.</summary>
    /// <exception cref="InvalidOperationException">The features are stored in float32.</exception>
    public ReadOnlySpan<double> FeatureRow(int i) => Storage.DoubleValues.Slice(i * Features, Features);

    /// <summary>The k targets of row <paramref name="i"/> (0-based).</summary>
    public ReadOnlySpan<double> TargetRow(int i) => _y is not null ? new(_y, i * Outputs, Outputs) : Y.Slice(i * Outputs, Outputs);

    /// <summary>Creates a single-target dataset from per-row feature arrays and a target vector (copied).</summary>
    /// <param name="rows">n rows of d features each.</param>
    /// <param name="y">n target values.</param>
    public static Dataset FromRows(IReadOnlyList<double[]> rows, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(y);
        if (rows.Count != y.Count)
            Throw.Length(nameof(y), y.Count, rows.Count, "one target per feature row");
        if (rows.Count == 0)
            Throw.Data("The data has no rows: at least one observation is needed to fit a model.");
        int d = rows[0].Length;
        var x = new double[rows.Count * d];
        for (int i = 0; i < rows.Count; i++)
        {
            if (rows[i].Length != d)
                Throw.Length($"rows[{i}]", rows[i].Length, d, "every row has the same number of features");
            rows[i].CopyTo(x, i * d);
        }
        return new Dataset(x, [.. y], rows.Count, d);
    }

    /// <summary>Creates a single-feature, single-target dataset (copied), e.g. the article's (x, y) points.</summary>
    public static Dataset FromPoints(IReadOnlyList<double> x, IReadOnlyList<double> y, string xName = "x", string yName = "y")
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count)
            Throw.Length(nameof(y), y.Count, x.Count, "one y per x");
        return new Dataset([.. x], [.. y], x.Count, 1, 1, [xName], [yName]);
    }

    private static string[] CheckNames(IReadOnlyList<string>? names, int count, string argument, Func<int, string> fallback)
    {
        if (names is null)
            return [.. Enumerable.Range(0, count).Select(fallback)];
        if (names.Count != count)
            Throw.Length(argument, names.Count, count, "one name per column");
        return [.. names];
    }

    private static void CheckFinite(double[] values, int width, IReadOnlyList<string> names, string kind)
    {
        if (width == 0 || TensorPrimitives.IsFiniteAll<double>(values))
            return; // the vectorised check; the loop below only finds and names the first bad value
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                int row = i / width, col = i % width;
                Throw.Data($"The {kind} '{names[col]}' in row {row + 1} is {Throw.Format(values[i])}: " +
                    "every value must be a finite number. Remove or impute that row.");
            }
        }
    }
}
