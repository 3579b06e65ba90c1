using System.Globalization;
using System.Numerics.Tensors;
using Lsgd.Data;
using Lsgd.Estimators;
using Lsgd.Formulas;
using Lsgd.IO;

namespace Lsgd.Cli.Commands;

/// <summary>
/// What <c>lsgd fit</c> reads: a CSV or Parquet file with named columns, or a pair of .npy arrays
/// (<c>--features X.npy --targets Y.npy</c>); in memory, or streamed when the file is larger than the memory
/// budget (or <c>--engine stream</c>). With <c>--weights</c>, a column of row weights (or W.npy beside .npy arrays) makes
/// the fit weighted least squares.
/// </summary>
internal sealed record FitInput(Dataset? Data, IRowSource? Source, FeatureSpec Spec, string Description)
{
    /// <summary>The formula's fitted encoding, when the data were read through <c>--formula</c>.</summary>
    public FormulaEncoding? Encoding { get; init; }

    /// <summary>The CSV file's text columns that the default features leave out (not targets, no number in their first rows).</summary>
    public IReadOnlyList<string> LeftOut { get; init; } = [];

    /// <summary>Default memory budget: data files larger than this are streamed.</summary>
    public const long DefaultMemoryBudget = 2L << 30;

    public static FitInput Resolve(string? path, IReadOnlyList<string> targets, IReadOnlyList<string> features, int degree,
        CsvFormat format, bool singlePrecision, long memoryBudget, EngineKind engine, Formula? formula = null, string? weights = null)
    {
        if (formula is not null)
            return ResolveFormula(path, targets, features, degree, format, singlePrecision, memoryBudget, engine, formula, weights);
        bool npy = features.Count == 1 && IsNpy(features[0]) || targets.Count == 1 && IsNpy(targets[0]);
        if (weights is not null && npy != IsNpy(weights))
            throw new LsgdException(npy
                ? $"--weights {weights}: with .npy arrays give the weights as a .npy file too (shape (n,)), e.g. --weights W.npy."
                : $"--weights {weights}: name a column of {path ?? "the data file"} (a .npy file of weights goes with --features X.npy --targets Y.npy).");
        if (npy)
        {
            if (path is not null)
                throw new LsgdException($"Give either a data file ({path}) or --features X.npy --targets Y.npy, not both.");
            if (features.Count != 1 || !IsNpy(features[0]) || targets.Count != 1 || !IsNpy(targets[0]))
                throw new LsgdException("With NumPy arrays give exactly one --features X.npy (n × d) and one --targets Y.npy (n, or n × k).");
            if (degree != 1)
                throw new LsgdException("--degree works on one named CSV column; with .npy arrays put the powers you want into X.npy.");
            bool stream = engine == EngineKind.Stream || FileSize(features[0]) + FileSize(targets[0]) + (weights is null ? 0 : FileSize(weights)) > memoryBudget;
            string what = $"{features[0]} and {targets[0]}";
            if (stream)
            {
                var source = new NpyRowSource(features[0], targets[0], weights);
                return new FitInput(null, source, new FeatureSpec(source.FeatureNames, 1), what + " (streamed)");
            }
            // Mapped, not copied: the values are used where they lie in the page cache, checked once (finite, and their
            // largest magnitude for the overflow check below); the command loads its data once, so the mapping may live as long as it.
            var data = NpyDataset.Load(features[0], targets[0], singlePrecision, weights, map: true, out double largest);
            return new FitInput(CheckScale(data, what, largest), null, new FeatureSpec(data.FeatureNames, 1), what);
        }

        if (path is null)
            throw new LsgdException("No data: give a CSV or Parquet file (lsgd fit DATA.csv --target y), or --features X.npy --targets Y.npy.");
        if (targets.Count == 0)
            throw new LsgdException("No target column: name the column to predict with --target.");
        bool parquet = path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase);
        bool streamed = engine == EngineKind.Stream || FileSize(path) > memoryBudget;
        if (streamed)
        {
            if (degree != 1)
                throw new LsgdException($"--degree is not available when streaming {path} (it is larger than --memory, or --engine stream was asked); fit it in memory with a larger --memory.");
            IRowSource source = parquet
                ? new ParquetRowSource(path, targets, features.Count > 0 ? features : null, weights)
                : new CsvRowSource(path, targets, features.Count > 0 ? features : null, format, weights);
            return new FitInput(null, source, new FeatureSpec(source.FeatureNames, 1), path + " (streamed)") { LeftOut = parquet ? [] : TextLeftOut(path, targets, features, format, weights) };
        }
        if (parquet)
        {
            var data = ParquetDataset.Load(path, targets, features.Count > 0 ? features : null, weights);
            var spec = new FeatureSpec(data.FeatureNames, degree);
            spec.Validate();
            if (degree > 1)
            {
                FeatureSpec.CheckSize(path, data.Rows, degree);
                var x = PolynomialFeatures.Expand(data.X, degree);
                data = new Dataset(x, data.Y.ToArray(), data.Rows, degree, data.Outputs, spec.FeatureNames, data.TargetNames)
                    .WithWeights(data.IsWeighted ? data.Weights.ToArray() : null);
            }
            return new FitInput(Single(CheckScale(data, path), singlePrecision), null, spec, path);
        }
        var (csv, csvSpec) = CsvDataset.Load(path, targets, features, degree, format, weights);
        return new FitInput(Single(CheckScale(csv, path), singlePrecision), null, csvSpec, path) { LeftOut = TextLeftOut(path, targets, features, format, weights) };
    }

    /// <summary>Reads the data through a formula: a CSV file in memory; the design's columns are the features.</summary>
    private static FitInput ResolveFormula(string? path, IReadOnlyList<string> targets, IReadOnlyList<string> features, int degree,
        CsvFormat format, bool singlePrecision, long memoryBudget, EngineKind engine, Formula formula, string? weights)
    {
        if (targets.Count > 0 || features.Count > 0)
            throw new LsgdException("Give either --formula or --target/--features, not both: the formula names the response (left of '~') and the terms, e.g. --formula \"y ~ x1 + x2\".");
        if (degree != 1)
            throw new LsgdException("--degree does not combine with --formula: write the powers in the formula, e.g. --formula \"y ~ poly(x, 3)\" or \"y ~ x + I(x^2)\".");
        if (path is null)
            throw new LsgdException("No data: give a CSV file to fit the formula to (lsgd fit DATA.csv --formula \"y ~ x\").");
        if (path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase))
            throw new LsgdException($"--formula reads CSV files; {path} is Parquet. Export the columns the formula uses to CSV, or fit with --target/--features.");
        if (engine == EngineKind.Stream || FileSize(path) > memoryBudget)
            throw new LsgdException($"--formula fits in memory, but {path} is larger than --memory (or --engine stream was asked). Raise --memory, or fit with --target/--features to stream it.");
        var (data, encoding) = FormulaDataset.Load(path, formula, weights, format);
        return new FitInput(Single(CheckScale(data, path), singlePrecision), null, new FeatureSpec(data.FeatureNames), path) { Encoding = encoding };
    }

    /// <summary>Without --features, the CSV file's text columns (not targets) that the default features leave out.</summary>
    internal static IReadOnlyList<string> TextLeftOut(string path, IReadOnlyList<string> targets, IReadOnlyList<string> features, CsvFormat format, string? weights = null)
    {
        if (features.Count > 0 || path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase)) return [];
        var numeric = CsvReader.NumericColumns(path, format);
        return [.. CsvReader.ReadHeader(path, format).Where(c => !numeric.Contains(c) && !targets.Contains(c) && c != weights)];
    }

    /// <summary>
    /// Refuses data whose sums of squares overflow double precision (values near 1e300, or beyond
    /// √(max double / n)): every method sums squares, and would otherwise report a wrong cause (linear
    /// dependence) or fit nothing (α = 0).
    /// </summary>
    /// <param name="data">The data.</param>
    /// <param name="path">The file, for the message.</param>
    /// <param name="largest">
    /// The largest magnitude of the features and targets when the reader measured it as it checked them, so that
    /// data within the limit needs no pass here; null to measure it (one vectorised pass).
    /// </param>
    private static Dataset CheckScale(Dataset data, string path, double? largest = null)
    {
        if (data.IsSinglePrecision) return data;   // float32 values are below 3.4e38: their squares cannot overflow a double sum
        double limit = Math.Sqrt(double.MaxValue / Math.Max(1, data.Rows));
        // Every value is finite (the dataset checked it), so the largest magnitude decides; the loops below only name the first too large.
        largest ??= Math.Max(data.Features == 0 ? 0 : TensorPrimitives.MaxMagnitude(data.X), TensorPrimitives.MaxMagnitude(data.Y));
        if (Math.Abs(largest.Value) <= limit)
            return data;
        void Check(ReadOnlySpan<double> values, int width, IReadOnlyList<string> names, string what)
        {
            for (int i = 0; i < values.Length; i++)
                if (Math.Abs(values[i]) > limit)
                    throw new LsgdException($"{path}: the {what} '{names[i % width]}' has values up to {Math.Abs(values[i]):G3} (row {i / width + 1}), whose squares overflow double precision " +
                        $"when summed over {data.Rows} rows. Rescale that column (divide it by a power of ten) and fit again.");
        }
        Check(data.X, data.Features, data.FeatureNames, "feature");
        Check(data.Y, data.Outputs, data.TargetNames, "target");
        return data;
    }

    /// <summary>Parses a budget such as 512MB, 2GB or a plain byte count.</summary>
    public static long ParseMemory(string text)
    {
        string t = text.Trim().ToUpperInvariant();
        long unit = 1;
        foreach (var (suffix, size) in new[] { ("GB", 1L << 30), ("G", 1L << 30), ("MB", 1L << 20), ("M", 1L << 20), ("KB", 1L << 10), ("K", 1L << 10), ("B", 1L) })
        {
            if (t.EndsWith(suffix, StringComparison.Ordinal))
            {
                unit = size;
                t = t[..^suffix.Length];
                break;
            }
        }
        if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v > 0)
            return (long)(v * unit);
        throw new LsgdException($"--memory '{text}' is not allowed: it must be a size such as 512MB or 2GB. Try 2GB.");
    }

    private static Dataset Single(Dataset data, bool single)
    {
        if (!single || data.IsSinglePrecision) return data;
        var x = new float[data.Rows * data.Features];
        for (int i = 0; i < x.Length; i++) x[i] = (float)data.X[i];
        return Dataset.FromSingle(x, data.Y.ToArray(), data.Rows, data.Features, data.Outputs, data.FeatureNames, data.TargetNames)
            .WithWeights(data.IsWeighted ? data.Weights.ToArray() : null);
    }

    private static bool IsNpy(string path) => path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase);

    private static long FileSize(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;
}
