using System.Globalization;
using Lsgd.Estimators;
using Lsgd.IO;

namespace Lsgd.Cli.Commands;

/// <summary><c>--cov-type nonrobust|hc0|hc1|hc2|hc3|hac:LAGS|cluster:COLUMN</c>: parsing, and reading the cluster column.</summary>
internal static class CovarianceFlag
{
    private const string Allowed = "nonrobust, hc0, hc1, hc2, hc3, hac:LAGS or cluster:COLUMN";

    /// <summary>The type (for cluster, without its labels yet) and the cluster column's name.</summary>
    public static (CovarianceType Type, string? Column) Parse(string text)
    {
        string t = text.Trim();
        string lower = t.ToLowerInvariant();
        switch (lower)
        {
            case "nonrobust": return (CovarianceType.NonRobust, null);
            case "hc0": return (CovarianceType.Heteroscedastic(CovarianceKind.HC0), null);
            case "hc1": return (CovarianceType.Heteroscedastic(CovarianceKind.HC1), null);
            case "hc2": return (CovarianceType.Heteroscedastic(CovarianceKind.HC2), null);
            case "hc3": return (CovarianceType.Heteroscedastic(CovarianceKind.HC3), null);
        }
        if (lower.StartsWith("hac:", StringComparison.Ordinal))
        {
            if (int.TryParse(t[4..], NumberStyles.Integer, CultureInfo.InvariantCulture, out int lags) && lags >= 0)
                return (CovarianceType.Hac(lags), null);
            throw new InvalidOptionException(nameof(LinearRegressorOptions.Covariance), text, "hac:LAGS with LAGS an integer >= 0", "Try hac:1, or about n^(1/4) lags for n rows in time order.");
        }
        if (lower == "hac")
            throw new InvalidOptionException(nameof(LinearRegressorOptions.Covariance), text, "hac:LAGS, the number of lags given", "Try hac:1, or about n^(1/4) lags for n rows in time order.");
        if (lower.StartsWith("cluster:", StringComparison.Ordinal) && t.Length > 8)
            return (CovarianceType.NonRobust, t[8..]);
        if (lower is "cluster" or "cluster:")
            throw new InvalidOptionException(nameof(LinearRegressorOptions.Covariance), text, "cluster:COLUMN, the column that labels the clusters", "Try cluster:firm.");
        throw new InvalidOptionException(nameof(LinearRegressorOptions.Covariance), text, Allowed, "Try hc1 for heteroscedasticity-robust errors.");
    }

    /// <summary>
    /// The type to fit with: for cluster:COLUMN, the column's values read from the CSV file (one number per row, also
    /// when the other columns are streamed: the sandwich's extra pass looks each row's label up by its position).
    /// </summary>
    public static CovarianceType Resolve(CovarianceType type, string? column, string? path, FitInput input, CsvFormat format)
    {
        if ((type.IsRobust || column is not null) && input.Data is null && input.Source is null)
            throw new LsgdException($"--cov-type {(column is null ? type.ToString() : "cluster:" + column)} needs the rows (a sandwich needs each row's residual), and {input.Description} gives their statistics only. " +
                "Fit one file, or use --cov-type nonrobust.");
        if (column is null) return type;
        if (path is null || path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase))
            throw new LsgdException($"--cov-type cluster:{column} reads the cluster column from a CSV file; {(path is null ? "NumPy arrays have" : "a Parquet file has")} none it can read. Convert the data to CSV with a numeric cluster column.");
        if (format.Missing == MissingValues.Drop)
            throw new LsgdException($"--cov-type cluster:{column} needs every row kept, and --missing drop may drop some. Remove the rows with missing values first.");
        if (!CsvReader.ReadHeader(path, format).Contains(column))
            throw new LsgdException($"--cov-type cluster:{column}: {path} has no column '{column}'. Name a numeric column that labels each row's cluster (a firm, a school, a region code).");
        var labels = CsvReader.ReadColumns(path, [column], format).Column(column);
        long? rows = input.Data?.Rows ?? input.Source!.RowCount;
        if (rows is not null && labels.Length != rows)
            throw new LsgdException($"--cov-type cluster:{column}: the column has {labels.Length} values but the data has {rows} rows.");
        return CovarianceType.Cluster(column, labels);
    }

    /// <summary>A few words on the estimator, for the text report.</summary>
    public static string Describe(CovarianceType type, int? clusters) => type.Kind switch
    {
        CovarianceKind.HC0 or CovarianceKind.HC1 or CovarianceKind.HC2 or CovarianceKind.HC3 => "heteroscedasticity-robust",
        CovarianceKind.Hac => string.Create(CultureInfo.InvariantCulture, $"Newey–West over {type.Lags} lags, Bartlett kernel, rows in file order"),
        CovarianceKind.Cluster => string.Create(CultureInfo.InvariantCulture, $"cluster-robust over {clusters} clusters"),
        _ => "classical",
    };
}
