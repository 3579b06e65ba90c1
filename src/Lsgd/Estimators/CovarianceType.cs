using System.Globalization;

namespace Lsgd.Estimators;

/// <summary>The estimators of the coefficients' covariance, by statsmodels' names.</summary>
public enum CovarianceKind
{
    /// <summary>σ̂²(DᵀD)⁻¹: independent errors of equal variance (statsmodels' and R's default).</summary>
    NonRobust,

    /// <summary>White's heteroscedasticity-consistent sandwich (DᵀD)⁻¹ Dᵀdiag(rᵢ²)D (DᵀD)⁻¹.</summary>
    HC0,

    /// <summary>HC0 times n/(n − p): the degrees-of-freedom correction (Stata's <c>robust</c>).</summary>
    HC1,

    /// <summary>rᵢ² weighted by 1/(1 − hᵢᵢ), hᵢᵢ the leverage.</summary>
    HC2,

    /// <summary>rᵢ² weighted by 1/(1 − hᵢᵢ)²: the jackknife-like estimator, the most conservative.</summary>
    HC3,

    /// <summary>Newey–West: heteroscedasticity- and autocorrelation-consistent, Bartlett kernel over <see cref="CovarianceType.Lags"/> lags, no small-sample correction (statsmodels' defaults).</summary>
    Hac,

    /// <summary>Cluster-robust: scores summed within each cluster, times G/(G − 1)·(n − 1)/(n − p) (statsmodels' default correction); inference on G − 1 degrees of freedom.</summary>
    Cluster,
}

/// <summary>
/// Which covariance the report's standard errors, tests, intervals and F rest on (statsmodels' <c>cov_type</c>).
/// The robust ones need the rows: in memory, or streamed once more after the fit.
/// </summary>
public sealed record CovarianceType
{
    private CovarianceType(CovarianceKind kind, int lags, string? column, IReadOnlyList<double>? clusters)
    {
        Kind = kind;
        Lags = lags;
        Column = column;
        Clusters = clusters;
    }

    /// <summary>The classical covariance σ̂²(DᵀD)⁻¹ (the default).</summary>
    public static CovarianceType NonRobust { get; } = new(CovarianceKind.NonRobust, 0, null, null);

    /// <summary>A heteroscedasticity-consistent covariance: <paramref name="kind"/> is HC0, HC1, HC2 or HC3.</summary>
    /// <exception cref="ArgumentException">Another kind.</exception>
    public static CovarianceType Heteroscedastic(CovarianceKind kind) =>
        kind is CovarianceKind.HC0 or CovarianceKind.HC1 or CovarianceKind.HC2 or CovarianceKind.HC3
            ? new(kind, 0, null, null)
            : throw new ArgumentException($"{kind} is not one of HC0, HC1, HC2, HC3.", nameof(kind));

    /// <summary>Newey–West with the Bartlett kernel over <paramref name="lags"/> ≥ 0 lags (rows in order of time).</summary>
    public static CovarianceType Hac(int lags) =>
        lags >= 0 ? new(CovarianceKind.Hac, lags, null, null)
            : throw new InvalidOptionException("Covariance", $"hac:{lags}", "hac:LAGS with LAGS an integer >= 0", "Try hac:1, or about n^(1/4) lags.");

    /// <summary>Cluster-robust, one label per row (rows with equal labels form a cluster).</summary>
    /// <param name="column">The labels' column, for the report (<c>cluster:COLUMN</c>).</param>
    /// <param name="labels">One label per row, in row order.</param>
    public static CovarianceType Cluster(string column, IReadOnlyList<double> labels)
    {
        ArgumentNullException.ThrowIfNull(column);
        ArgumentNullException.ThrowIfNull(labels);
        return new(CovarianceKind.Cluster, 0, column, labels);
    }

    /// <summary>The estimator.</summary>
    public CovarianceKind Kind { get; }

    /// <summary>The lags of <see cref="CovarianceKind.Hac"/> (0 otherwise).</summary>
    public int Lags { get; }

    /// <summary>The cluster column's name for <see cref="CovarianceKind.Cluster"/> (null otherwise).</summary>
    public string? Column { get; }

    /// <summary>One cluster label per row for <see cref="CovarianceKind.Cluster"/> (null otherwise).</summary>
    public IReadOnlyList<double>? Clusters { get; }

    /// <summary>Whether this is a sandwich estimator, which needs the rows.</summary>
    public bool IsRobust => Kind != CovarianceKind.NonRobust;

    /// <summary>The name as the CLI's <c>--cov-type</c> takes it and the report echoes it: nonrobust, hc0–hc3, hac:LAGS, cluster:COLUMN.</summary>
    public override string ToString() => Kind switch
    {
        CovarianceKind.Hac => string.Create(CultureInfo.InvariantCulture, $"hac:{Lags}"),
        CovarianceKind.Cluster => $"cluster:{Column}",
        _ => Kind.ToString().ToLowerInvariant(),
    };
}
