using Lsgd.Data;
using Lsgd.Internals;
using Lsgd.Solvers;

namespace Lsgd.Estimators;

/// <summary>
/// The covariance of a least-squares fit's parameters, per output, with σ̂ and the residual degrees of freedom:
/// what prediction intervals and Wald tests need, and what a model file carries for them.
/// </summary>
/// <remarks>
/// <para>Cov(θ̂) = σ̂²(DᵀWD)⁻¹ per output (statsmodels' <c>cov_params()</c> of a nonrobust OLS or WLS fit), with D the
/// design including the column of ones, W the weights (none: the identity) and σ̂² = SSE/(n − p). The parameters are
/// ordered as <see cref="Names"/>: <c>(intercept)</c> first when the model has one, then the features.</para>
/// <para>(DᵀWD)⁻¹ is the exact solution's, the same the report's covariance is built from (from the QR factor of the
/// centred, scaled design for rows in memory, about κ·ε relative error; from the normal equations for rows streamed).</para>
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
    /// The parameters' covariance of a least-squares fit: σ̂²(DᵀWD)⁻¹ per output (the classical one, whatever covariance
    /// the report was asked for), σ̂ and the degrees of freedom of the fit's report.
    /// </summary>
    /// <remarks>
    /// (DᵀWD)⁻¹ is the one the report's covariance is built from: the exact solution's (its QR factor for rows in
    /// memory, the normal equations for rows streamed or statistics), so the matrix is the report's <c>covariance</c>
    /// of a nonrobust fit, number for number, and needs no pass over the rows.
    /// </remarks>
    /// <param name="fit">A fit whose <see cref="LinearFit.Report"/> exists (unpenalised, at the least-squares estimate).</param>
    /// <param name="data">The data it was fitted on (checked against the fit; not read).</param>
    /// <exception cref="LsgdException">The fit has no report, the data does not match it, or its features are linearly dependent.</exception>
    public static ParameterCovariance Compute(LinearFit fit, Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        Check(fit, data.Rows, data.Features, data.Outputs, "a covariance");
        return Compute(fit, robust: false);
    }

    /// <summary>
    /// The covariance the fit's report rests on, as a <see cref="ParameterCovariance"/>: the classical σ̂²(DᵀWD)⁻¹, or
    /// with <paramref name="robust"/> the report's own (the sandwich of <see cref="LinearRegressorOptions.Covariance"/>,
    /// with its inference degrees of freedom, G − 1 for clusters), as statsmodels' <c>f_test</c> uses <c>cov_params()</c>.
    /// </summary>
    /// <param name="fit">A fit whose <see cref="LinearFit.Report"/> exists.</param>
    /// <param name="robust">Whether to take the report's robust covariance when it has one.</param>
    /// <exception cref="LsgdException">The fit has no report, or its features are linearly dependent.</exception>
    public static ParameterCovariance Compute(LinearFit fit, bool robust)
    {
        Check(fit, fit.Rows, fit.Model.Features, fit.Model.Outputs, "a covariance");
        var report = fit.Report!;
        var exact = fit.Exact!;
        var model = fit.Model;
        var matrices = new double[model.Outputs][];
        var sigma = new double[model.Outputs];
        for (int o = 0; o < matrices.Length; o++)
        {
            sigma[o] = report[o].ResidualStandardDeviation;
            var ordered = robust && report[o].CovarianceType.IsRobust
                ? report[o].Covariance!.Matrix
                : RegressionReport.Ordered(model, RegressionReport.ClassicalCovariance(exact, o), new bool[model.Layout.BlockSize]).Matrix;
            matrices[o] = [.. ordered.SelectMany(row => row)];
        }
        int dof = robust ? report[0].InferenceDegreesOfFreedom : report[0].DegreesOfFreedom;
        return new ParameterCovariance(model.FeatureNames, model.HasIntercept, matrices, sigma, dof);
    }

    /// <summary>Fails clearly, naming <paramref name="what"/>, unless the fit has a full-rank least-squares report of these rows.</summary>
    private static void Check(LinearFit fit, long rows, int features, int outputs, string what)
    {
        ArgumentNullException.ThrowIfNull(fit);
        if (fit.Report is null)
            Throw.Data($"The fit has no least-squares report, so {what} would not describe it: {what} needs an unpenalised fit that reached the least-squares estimate (converged). " +
                (fit.Options.Penalty.IsNone ? "Fit with the exact method, or let the iterative one converge." : "Fit without the penalty."));
        if (features != fit.Model.Features || outputs != fit.Model.Outputs || rows != fit.Rows)
            Throw.Data($"The data ({rows} rows, {features} features, {outputs} outputs) is not the data of the fit ({fit.Rows} rows, {fit.Model.Features} features, {fit.Model.Outputs} outputs).");
        if (fit.Report[0].DegreesOfFreedom < 1)
            Throw.Data($"The fit has as many parameters as rows ({fit.Rows}), so σ̂ and {what} are not defined. Add rows or use fewer features.");
        if (fit.Exact is not { UnscaledCovariance: not null } exact || exact.Aliased.Count > 0 || exact.Rank < fit.Model.Layout.BlockSize)
            throw new LsgdException($"The features are linearly dependent (rank-deficient design: aliased {string.Join(", ", fit.Exact?.Aliased ?? [])}), so {what} is not defined for every parameter. " +
                "Drop a column of each dependent group and fit again.");
    }

    /// <summary>The design factor of a fit with a report, or a clear error naming <paramref name="what"/> (for leverages).</summary>
    internal static DesignFactor Factor(LinearFit fit, Dataset data, string what)
    {
        ArgumentNullException.ThrowIfNull(data);
        Check(fit, data.Rows, data.Features, data.Outputs, what);
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
