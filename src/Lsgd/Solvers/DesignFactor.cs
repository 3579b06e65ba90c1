using Lsgd.Data;
using Lsgd.Internals;
using Lsgd.LinearAlgebra;

namespace Lsgd.Solvers;

/// <summary>
/// The QR factor of the exact solver's reparametrised design E = D·U (features centred with an intercept, every
/// column scaled to unit norm, the intercept's column 1/√n first), kept for the quantities that need more than
/// the diagonal of (DᵀD)⁻¹: leverages and variance inflation factors. Weighted rows are whitened (E = √W·D·U, the
/// intercept's column √w/√Σw), so the quadratic form is d(x)ᵀ(DᵀWD)⁻¹d(x).
/// </summary>
/// <remarks>
/// (DᵀD)⁻¹ = U (EᵀE)⁻¹ Uᵀ = (U R⁻¹)(U R⁻¹)ᵀ. Since E = D·U, a row d(x) = [1, x] of D becomes
/// e(x) = Uᵀd(x) = [1/√n, (x − m)/s], so its quadratic form d(x)ᵀ(DᵀD)⁻¹d(x) = ‖R⁻ᵀe(x)‖² is computed from the
/// centred row, free of the cancellation an uncentred quadratic form suffers on data far from the origin.
/// Order of parameters here: the intercept first (when present), then the features.
/// </remarks>
internal sealed class DesignFactor
{
    private readonly QrFactorization _qr;
    private readonly double[] _mean, _scale;
    private readonly double _n;

    private DesignFactor(QrFactorization qr, double[] mean, double[] scale, double n, bool fitIntercept)
    {
        _qr = qr; _mean = mean; _scale = scale; _n = n; HasIntercept = fitIntercept;
    }

    /// <summary>Whether the design has the column of ones (first).</summary>
    public bool HasIntercept { get; }

    /// <summary>d, the feature count.</summary>
    public int Features => _mean.Length;

    /// <summary>p = d (+ 1 with an intercept).</summary>
    public int Parameters => _qr.Columns;

    /// <summary>Factors the design of <paramref name="data"/>; null when its columns are (numerically) linearly dependent or rows are too few.</summary>
    public static DesignFactor? TryFactor(Dataset data, bool fitIntercept)
    {
        ArgumentNullException.ThrowIfNull(data);
        data = data.ToDoublePrecision();
        int d = data.Features, p = d + (fitIntercept ? 1 : 0);
        if (data.Rows < p || p == 0) return null;
        var design = ScaledDesign.Factor(data, fitIntercept);
        return design.Qr.DiagonalRatio(out _) < ExactLeastSquares.RankTolerance ? null : new DesignFactor(design.Qr, design.Mean, design.Scale, data.WeightSum, fitIntercept);
    }

    /// <summary>d(x)ᵀ(DᵀWD)⁻¹d(x) = ‖R⁻ᵀe(x)‖² for the feature row <paramref name="x"/> (the leverage of a fitted row of weight 1).</summary>
    /// <param name="x">The row's d features.</param>
    /// <param name="work">Scratch of length p.</param>
    public double QuadraticForm(ReadOnlySpan<double> x, Span<double> work)
    {
        int d = Features, off = HasIntercept ? 1 : 0;
        if (HasIntercept) work[0] = 1 / Math.Sqrt(_n);
        for (int j = 0; j < d; j++) work[j + off] = (x[j] - _mean[j]) / _scale[j];
        _qr.SolveRt(work);
        return Accurate.Dot(work, work);
    }

    /// <summary>
    /// [(EᵀE)⁻¹]ⱼⱼ for feature j, which with an intercept is the diagonal of the inverse correlation matrix of the
    /// features: 1/(1 − Rⱼ²) with Rⱼ² that of feature j regressed on the others and a constant, the variance
    /// inflation factor. Only meaningful for a factor with an intercept.
    /// </summary>
    public double[] InverseCorrelationDiagonal()
    {
        int p = Parameters, d = Features, off = HasIntercept ? 1 : 0;
        var rinv = _qr.InverseR();
        var result = new double[d];
        for (int j = 0; j < d; j++)
            result[j] = Accurate.Dot(rinv.AsSpan((j + off) * p, p), rinv.AsSpan((j + off) * p, p));
        return result;
    }
}
