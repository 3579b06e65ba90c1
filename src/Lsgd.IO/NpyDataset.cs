using Lsgd.Data;
using Lsgd.Internals;

namespace Lsgd.IO;

/// <summary>
/// Builds a <see cref="Dataset"/> from a pair of NumPy .npy files: features X of shape (n, d) — or (n,) for
/// one feature — and targets Y of shape (n,) for one target or (n, k) for k targets, row i of each being
/// the same observation. Features are named x1…xd; targets y, or y1…yk.
/// </summary>
public static class NpyDataset
{
    /// <summary>Loads X and Y into memory.</summary>
    /// <param name="featuresPath">The .npy file of features, float32 or float64.</param>
    /// <param name="targetsPath">The .npy file of targets, float32 or float64 (always stored as double).</param>
    /// <param name="singlePrecision">
    /// Store the features in single precision (<see cref="Dataset.FromSingle"/>), half the memory: float32
    /// values as they are, float64 values rounded to the nearest float. Otherwise features are double.
    /// </param>
    /// <param name="weightsPath">
    /// A .npy file of row weights for weighted least squares, shape (n,) or (n, 1) (<see cref="Dataset.WithWeights"/>),
    /// or null. A negative or non-finite weight is an error naming its row.
    /// </param>
    /// <exception cref="LsgdException">A bad file (see <see cref="NpyFile.ReadHeader(string)"/>), different row counts, or a value that is not finite.</exception>
    public static Dataset Load(string featuresPath, string targetsPath, bool singlePrecision = false, string? weightsPath = null) =>
        Load(featuresPath, targetsPath, singlePrecision, weightsPath, map: false, out _);

    /// <summary>
    /// As <see cref="Load(string, string, bool, string?)"/>, each value checked once as it is read (or, with
    /// <paramref name="map"/>, where it lies in a read-only mapping of the file, for the life of the process: see
    /// <see cref="NpyMapping"/>), and with the largest magnitude of the features and targets, so that a caller can tell
    /// whether sums of squares overflow without another pass.
    /// </summary>
    internal static Dataset Load(string featuresPath, string targetsPath, bool singlePrecision, string? weightsPath, bool map, out double largestMagnitude)
    {
        StageClock.Mark("before-load");
        var (x, y) = ReadHeaders(featuresPath, targetsPath);
        if (x.Rows > int.MaxValue)
            throw new LsgdException($"{featuresPath} has {x.Rows} rows, more than fit in memory at once. Read it in chunks (streaming) instead.");
        int rows = (int)x.Rows;
        // Targets are float64 in a dataset: a float32 targets file is read (widened), not mapped.
        var targetMapping = map && !y.IsSinglePrecision ? NpyMapping.TryMap(y) : null;
        double largestTarget;
        double[]? targets = null;
        if (targetMapping is not null)
            largestTarget = targetMapping.Check();
        else
            targets = NpyFile.ReadDoubles(y, out largestTarget);
        StageClock.Mark(targetMapping is null ? "load-targets (read)" : "load-targets (mapped)");
        // A float64 file is mapped unless float32 storage was asked for; a float32 file is mapped and kept float32 (its
        // values are exactly what a widened copy would hold, at half the bytes per pass).
        var featureMapping = map && (x.IsSinglePrecision || !singlePrecision) ? NpyMapping.TryMap(x) : null;
        FeatureStorage storage;
        double largestFeature;
        if (featureMapping is not null)
        {
            largestFeature = featureMapping.Check();
            storage = new FeatureStorage(featureMapping.Address, (int)x.Count, x.Columns, featureMapping, single: x.IsSinglePrecision);
        }
        else if (singlePrecision)
        {
            var values = NpyFile.ReadSingles(x);
            largestFeature = float.MaxValue;   // a bound: float32 values are below 3.4e38
            storage = new FeatureStorage(values, x.Columns);
        }
        else
            storage = new FeatureStorage(NpyFile.ReadDoubles(x, out largestFeature), x.Columns);
        StageClock.Mark(featureMapping is null ? "load-features (read)" : "load-features (mapped)");
        largestMagnitude = x.Columns == 0 ? largestTarget : Math.Max(largestFeature, largestTarget);
        // Every value was checked as it was read or mapped (finite, naming the file): the dataset does not check again.
        var data = new Dataset(storage, targets, targetMapping?.Address ?? 0, targetMapping, rows, y.Columns, FeatureNames(x.Columns), TargetNames(y.Columns));
        if (weightsPath is null) return data;
        var header = ReadWeightsHeader(weightsPath, x);
        var w = NpyFile.ReadDoubles(header);
        CheckWeights(weightsPath, w, 0);
        WeightColumn.CheckNotAllZero(weightsPath, "the weights", w);
        return data.WithWeights(w);
    }

    /// <summary>Reads and checks the header of a weights file: one column, one row per row of features.</summary>
    internal static NpyHeader ReadWeightsHeader(string weightsPath, NpyHeader features)
    {
        var w = NpyFile.ReadHeader(weightsPath);
        if (w.Columns != 1)
            throw new LsgdException($"{weightsPath} has shape {w.Shape}: weights need one value per row, shape ({features.Rows},). Save a 1-D array of weights.");
        if (w.Rows != features.Rows)
            throw new LsgdException($"{weightsPath} has {w.Rows} rows but {features.Path} has {features.Rows}: give one weight per row, in the same order.");
        return w;
    }

    /// <summary>Throws, naming the file and row, at the first weight that is negative or not finite.</summary>
    internal static void CheckWeights(string path, ReadOnlySpan<double> w, long firstRow)
    {
        int bad = WeightColumn.FirstBad(w);
        if (bad >= 0)
            throw new LsgdException($"{path}, row {firstRow + bad + 1}: {WeightColumn.Problem(w[bad])}");
    }

    /// <summary>Reads and checks both headers: one row of targets per row of features, at least one target column.</summary>
    internal static (NpyHeader Features, NpyHeader Targets) ReadHeaders(string featuresPath, string targetsPath)
    {
        var x = NpyFile.ReadHeader(featuresPath);
        var y = NpyFile.ReadHeader(targetsPath);
        if (x.Rows != y.Rows)
            throw new LsgdException($"{featuresPath} has {x.Rows} rows but {targetsPath} has {y.Rows}: " +
                "features and targets need one row per observation, in the same order.");
        if (y.Columns == 0)
            throw new LsgdException($"{targetsPath} has shape {y.Shape}, no target columns: save at least one column of targets.");
        return (x, y);
    }

    /// <summary>x1…xd.</summary>
    internal static string[] FeatureNames(int d) => [.. Enumerable.Range(1, d).Select(j => $"x{j}")];

    /// <summary>y for one target, y1…yk for several.</summary>
    internal static string[] TargetNames(int k) => k == 1 ? ["y"] : [.. Enumerable.Range(1, k).Select(j => $"y{j}")];
}
