using System.Numerics.Tensors;
using Lsgd.Data;
using Lsgd.Internals;

namespace Lsgd.Applications.Pca;

/// <summary>Why a PCA run stopped.</summary>
public enum PcaStopReason
{
    /// <summary>The largest principal angle between the subspaces of two consecutive passes fell below the tolerance.</summary>
    AngleChangeBelowTolerance,

    /// <summary>The pass (epoch) limit was reached first.</summary>
    MaxIterations,

    /// <summary>
    /// The caller cancelled; the components are the Ritz vectors of the last complete pass (or, cancelled before
    /// any, the basis reached, with variances NaN).
    /// </summary>
    Cancelled,
}

/// <summary>
/// The outcome of <see cref="PrincipalComponentAnalysis"/>: k orthonormal components (the Ritz vectors of the last
/// basis, largest variance first), the variance each explains, and how the run went. Immutable.
/// </summary>
/// <remarks>
/// Variances use the sample covariance C = X̃ᵀX̃/(n − 1), X̃ the centred (and, when asked, scaled) data, as
/// scikit-learn's <c>explained_variance_</c> and R's <c>prcomp</c> do. Each component's entry of largest magnitude is
/// positive (the sign of an eigenvector is otherwise arbitrary).
/// </remarks>
public sealed class PcaFit
{
    private readonly double[] _components;
    private readonly double[] _means;
    private readonly double[] _scales;

    internal PcaFit(double[] components, int count, IReadOnlyList<string> featureNames, long rows, double[] means, double[]? scales,
        double[] explainedVariance, double totalVariance, PcaOptions options, int iterations, double dataPasses,
        PcaStopReason stopReason, double[] angleHistory)
    {
        _components = components;
        Count = count;
        FeatureNames = [.. featureNames];
        Rows = rows;
        _means = means;
        Standardized = scales is not null;
        _scales = scales ?? [.. Enumerable.Repeat(1.0, means.Length)];
        ExplainedVariance = explainedVariance;
        TotalVariance = totalVariance;
        ExplainedVarianceRatio = [.. explainedVariance.Select(v => totalVariance > 0 ? v / totalVariance : double.NaN)];
        Options = options;
        Iterations = iterations;
        DataPasses = dataPasses;
        StopReason = stopReason;
        AngleHistory = angleHistory;
    }

    /// <summary>k, the number of components.</summary>
    public int Count { get; }

    /// <summary>d, the number of features.</summary>
    public int Features => _means.Length;

    /// <summary>Names of the d features, in the order of each component's loadings.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>n, the rows the components were computed from.</summary>
    public long Rows { get; }

    /// <summary>The options of the run.</summary>
    public PcaOptions Options { get; }

    /// <summary>The d loadings of component <paramref name="index"/> (0-based; unit length).</summary>
    public ReadOnlySpan<double> Component(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return _components.AsSpan(index * Features, Features);
    }

    /// <summary>A copy of all components: k rows of d loadings.</summary>
    public double[][] Components() => [.. Enumerable.Range(0, Count).Select(i => Component(i).ToArray())];

    /// <summary>The means x̄ subtracted before projecting (d values).</summary>
    public IReadOnlyList<double> Means => _means;

    /// <summary>Whether features were divided by their sample standard deviations (<see cref="Scales"/>).</summary>
    public bool Standardized { get; }

    /// <summary>The scale each centred feature was divided by: its sample standard deviation, or 1 when not standardised (and for a constant feature).</summary>
    public IReadOnlyList<double> Scales => _scales;

    /// <summary>λ₁ ≥ … ≥ λₖ: the variance of the data along each component (the Rayleigh quotients wᵢᵀCwᵢ).</summary>
    public IReadOnlyList<double> ExplainedVariance { get; }

    /// <summary>λᵢ / tr(C): the share of the total variance each component explains.</summary>
    public IReadOnlyList<double> ExplainedVarianceRatio { get; }

    /// <summary>tr(C), the total variance of the (centred, possibly scaled) data.</summary>
    public double TotalVariance { get; }

    /// <summary>
    /// tr(C) − Σλᵢ: the variance the k components leave out, equal to the mean squared reconstruction error
    /// ‖X̃ − X̃WᵀW‖²/(n − 1) that <see cref="PcaMethod.GradientDescent"/> minimises.
    /// </summary>
    public double ResidualVariance => Math.Max(0, TotalVariance - ExplainedVariance.Sum());

    /// <summary>Passes of the method (epochs for Oja), not counting the first pass for the means.</summary>
    public int Iterations { get; }

    /// <summary>All passes over the data, including the one for means and variances (and Oja's final pass).</summary>
    public double DataPasses { get; }

    /// <summary>Why the run stopped.</summary>
    public PcaStopReason StopReason { get; }

    /// <summary>Whether the angle rule was met.</summary>
    public bool Converged => StopReason == PcaStopReason.AngleChangeBelowTolerance;

    /// <summary>The largest principal angle (radians) between consecutive bases, one value per pass.</summary>
    public IReadOnlyList<double> AngleHistory { get; }

    /// <summary>Writes the k scores of one row: sᵢ = wᵢ · (x − x̄)/σ.</summary>
    public void Transform(ReadOnlySpan<double> x, Span<double> scores)
    {
        if (x.Length != Features)
            Throw.Data($"The components have {Features} features ({string.Join(", ", FeatureNames)}) but a row has {x.Length}.");
        if (scores.Length != Count)
            Throw.Length(nameof(scores), scores.Length, Count, "one score per component");
        Span<double> centred = Features <= 256 ? stackalloc double[Features] : new double[Features];
        for (int j = 0; j < Features; j++) centred[j] = (x[j] - _means[j]) / _scales[j];
        for (int i = 0; i < Count; i++) scores[i] = TensorPrimitives.Dot(Component(i), centred);
    }

    /// <summary>The scores of every row of <paramref name="data"/> (its features; targets are ignored): n·k values, row-major.</summary>
    public double[] Transform(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Features != Features)
            Throw.Data($"The components have {Features} features ({string.Join(", ", FeatureNames)}) but the data has {data.Features}.");
        var result = new double[data.Rows * Count];
        var row = new double[Features];
        for (int i = 0; i < data.Rows; i++)
        {
            for (int j = 0; j < Features; j++) row[j] = data.Feature(i, j);
            Transform(row, result.AsSpan(i * Count, Count));
        }
        return result;
    }
}
