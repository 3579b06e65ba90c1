using Lsgd.Data;
using Lsgd.Internals;
using Lsgd.Solvers;

namespace Lsgd.Estimators;

/// <summary>
/// The covariance of a least-squares fit's parameters, per output, with σ̂ and the residual degrees of freedom:
/// what prediction intervals and Wald tests need, and what a model file carries for them.
/// </summary>
/// <remarks>
/// <para>Cov(θ̂) = σ̂²(DᵀD)⁻¹ per output (statsmodels' <c>cov_params()</c> of a nonrobust OLS fit), with D the design
/// including the column of ones and σ̂² = SSE/(n − p). The parameters are ordered as <see cref="Names"/>:
/// <c>(intercept)</c> first when the model has one, then the features.</para>
/// <para>(DᵀD)⁻¹ comes from the QR factor of the exact solver's centred, scaled design (U R⁻¹ (U R⁻¹)ᵀ), so it
/// carries about κ·ε relative error, κ the condition number of that design.</para>
/// </remarks>
public sealed class ParameterCovariance
{
    /// <summary>The intercept's name in <see cref="Names"/>.</summary>
    public const string InterceptName = "(intercept)";

    private readonly double[][] _matrices;
    private readonly double[] _sigma;

    /// <summary>Creates a covariance from its parts (as read back from a model file).</summary>
    /// <param name="featureNames">The d features' names, in the model's order.</param>
    /// <param name="hasIntercept">Whether the first parameter is the intercept.</param>
    /// <param name="matrices">Per output, the p × p covariance, row-major, in <see cref="Names"/>' order.</param>
    /// <param name="residualStandardDeviations">σ̂ per output.</param>
    /// <param name="degreesOfFreedom">n − p, the residual degrees of freedom (≥ 1).</param>
    /// <exception cref="LsgdException">Sizes that do not match, a value that is not finite, a negative variance or σ̂, or no degrees of freedom.</exception>
    public ParameterCovariance(IReadOnlyList<string> featureNames, bool hasIntercept, IReadOnlyList<double[]> matrices,
        IReadOnlyList<double> residualStandardDeviations, int degreesOfFreedom)
    {
        ArgumentNullException.ThrowIfNull(featureNames);
        ArgumentNullException.ThrowIfNull(matrices);
        ArgumentNullException.ThrowIfNull(residualStandardDeviations);
        Names = hasIntercept ? [InterceptName, .. featureNames] : [.. featureNames];
        HasIntercept = hasIntercept;
        int p = Names.Count;
        if (matrices.Count == 0 || matrices.Count != residualStandardDeviations.Count)
            Throw.Data($"The covariance has {matrices.Count} matrices and {residualStandardDeviations.Count} residual standard deviations: give one of each per output, at least one.");
        if (degreesOfFreedom < 1)
            Throw.Data($"The covariance has {degreesOfFreedom} residual degrees of freedom: intervals and tests need at least 1 (more rows than parameters).");
        for (int o = 0; o < matrices.Count; o++)
        {
            var m = matrices[o];
            if (m is null || m.Length != p * p)
                Throw.Data($"The covariance of output {o + 1} has {m?.Length ?? 0} values but {p} × {p} are expected for the parameters {string.Join(", ", Names)}.");
            if (m.Any(v => !double.IsFinite(v)) || Enumerable.Range(0, p).Any(j => m[j * p + j] < 0))
                Throw.Data($"The covariance of output {o + 1} has a value that is not finite or a negative variance.");
            if (!(residualStandardDeviations[o] >= 0) || !double.IsFinite(residualStandardDeviations[o]))
                Throw.Data($"The residual standard deviation of output {o + 1} is {Throw.Format(residualStandardDeviations[o])}: it must be a finite number >= 0.");
        }
        _matrices = [.. matrices.Select(m => (double[])m.Clone())];
        _sigma = [.. residualStandardDeviations];
        DegreesOfFreedom = degreesOfFreedom;
    }

    /// <summary>The parameters' names: <see cref="InterceptName"/> first when there is an intercept, then the features.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Whether the first parameter is the intercept.</summary>
    public bool HasIntercept { get; }

    /// <summary>p, the parameters per output.</summary>
    public int Parameters => Names.Count;

    /// <summary>d, the features.</summary>
    public int Features => Names.Count - (HasIntercept ? 1 : 0);

    /// <summary>k, the outputs.</summary>
    public int Outputs => _matrices.Length;

    /// <summary>n − p, the residual degrees of freedom of the fit.</summary>
    public int DegreesOfFreedom { get; }

    /// <summary>σ̂ of output <paramref name="output"/>.</summary>
    public double ResidualStandardDeviation(int output = 0) => _sigma[output];

    /// <summary>The p × p covariance of output <paramref name="output"/>, row-major, in <see cref="Names"/>' order.</summary>
    public ReadOnlySpan<double> Matrix(int output = 0) => _matrices[output];

    /// <summary>
    /// The parameters' covariance of a least-squares fit: σ̂²(DᵀD)⁻¹ per output, σ̂ and the degrees of freedom of the
    /// fit's report.
    /// </summary>
    /// <param name="fit">A fit whose <see cref="LinearFit.Report"/> exists (unpenalised, at the least-squares estimate).</param>
    /// <param name="data">The data it was fitted on.</param>
    /// <exception cref="LsgdException">The fit has no report, the data does not match it, or its features are linearly dependent.</exception>
    public static ParameterCovariance Compute(LinearFit fit, Dataset data)
    {
        var factor = Factor(fit, data, "a covariance");
        var report = fit.Report!;
        var unscaled = factor.UnscaledCovariance();
        var matrices = new double[fit.Model.Outputs][];
        var sigma = new double[fit.Model.Outputs];
        for (int o = 0; o < matrices.Length; o++)
        {
            sigma[o] = report[o].ResidualStandardDeviation;
            double s2 = sigma[o] * sigma[o];
            matrices[o] = [.. unscaled.Select(v => s2 * v)];
        }
        return new ParameterCovariance(fit.Model.FeatureNames, fit.Model.HasIntercept, matrices, sigma, report[0].DegreesOfFreedom);
    }

    /// <summary>The design factor of a fit with a report, or a clear error naming <paramref name="what"/>.</summary>
    internal static DesignFactor Factor(LinearFit fit, Dataset data, string what)
    {
        ArgumentNullException.ThrowIfNull(fit);
        ArgumentNullException.ThrowIfNull(data);
        if (fit.Report is null)
            Throw.Data($"The fit has no least-squares report, so {what} would not describe it: {what} needs an unpenalised fit that reached the least-squares estimate (converged). " +
                (fit.Options.Penalty.IsNone ? "Fit with the exact method, or let the iterative one converge." : "Fit without the penalty."));
        if (data.Features != fit.Model.Features || data.Outputs != fit.Model.Outputs || data.Rows != fit.Rows)
            Throw.Data($"The data ({data.Rows} rows, {data.Features} features, {data.Outputs} outputs) is not the data of the fit ({fit.Rows} rows, {fit.Model.Features} features, {fit.Model.Outputs} outputs).");
        if (fit.Report[0].DegreesOfFreedom < 1)
            Throw.Data($"The fit has as many parameters as rows ({fit.Rows}), so σ̂ and {what} are not defined. Add rows or use fewer features.");
        return DesignFactor.TryFactor(data, fit.Model.HasIntercept)
            ?? throw new LsgdException($"The features are linearly dependent (rank-deficient design: aliased {string.Join(", ", fit.Exact?.Aliased ?? [])}), so {what} is not defined for every parameter. " +
                "Drop a column of each dependent group and fit again.");
    }

    /// <summary>
    /// The variance of the fitted mean at the feature row <paramref name="x"/>: d(x)ᵀ Cov d(x) with d(x) = [1, x]
    /// (or x without intercept), summed compensated (statsmodels' <c>var_pred_mean</c>).
    /// </summary>
    /// <param name="output">The output.</param>
    /// <param name="x">The d features of the row.</param>
    public double MeanVariance(int output, ReadOnlySpan<double> x)
    {
        if (x.Length != Features)
            Throw.Data($"The covariance describes {Features} features but a row has {x.Length}.");
        var m = _matrices[output];
        int p = Parameters, off = HasIntercept ? 1 : 0;
        double s = 0, c = 0;
        for (int i = 0; i < p; i++)
        {
            double di = i < off ? 1 : x[i - off];
            if (di == 0) continue;
            for (int j = 0; j < p; j++)
            {
                double dj = j < off ? 1 : x[j - off];
                double prod = di * m[i * p + j];
                double term = prod * dj;
                c += Math.FusedMultiplyAdd(prod, dj, -term);
                Accurate.TwoSumInto(ref s, ref c, term);
            }
        }
        return Math.Max(s + c, 0);
    }
}
