using System.Numerics.Tensors;
using Lsgd.Data;
using Lsgd.Internals;
using Lsgd.Models;
using Lsgd.Solvers;

namespace Lsgd.Estimators;

/// <summary>The t test and 95 % confidence interval of one coefficient.</summary>
/// <param name="Term">"(intercept)" or the feature's name.</param>
/// <param name="Estimate">The model's value of the coefficient.</param>
/// <param name="StandardError">SE = σ̂·√[(DᵀD)⁻¹]ⱼⱼ from the exact solution; NaN when n = p.</param>
/// <param name="T">Estimate / StandardError.</param>
/// <param name="P">Two-sided p-value P(|T| ≥ |t|) of Student's t with n − p degrees of freedom.</param>
/// <param name="Lower95">Estimate − t₀.₉₇₅,ₙ₋ₚ·SE.</param>
/// <param name="Upper95">Estimate + t₀.₉₇₅,ₙ₋ₚ·SE.</param>
public sealed record CoefficientInference(string Term, double Estimate, double StandardError, double T, double P,
    double Lower95, double Upper95);

/// <summary>The statistician's summary of one output of a linear least-squares fit.</summary>
/// <param name="Target">The output's name.</param>
/// <param name="Observations">n, the number of rows.</param>
/// <param name="Parameters">p, the parameters per output, the intercept included.</param>
/// <param name="DegreesOfFreedom">n − p, the residual degrees of freedom (n − rank on a rank-deficient design).</param>
/// <param name="RSquared">1 − SSE/Σ(y − ȳ)², or the uncentred 1 − SSE/Σy² without intercept.</param>
/// <param name="AdjustedRSquared">1 − (1 − R²)(n − 1)/(n − p), or 1 − (1 − R²)·n/(n − p) without intercept; NaN when n = p.</param>
/// <param name="Rmse">√(SSE/n).</param>
/// <param name="Mae">Σ|y − ŷ|/n.</param>
/// <param name="ResidualStandardDeviation">σ̂ = √(SSE/(n − p)); NaN when n = p.</param>
/// <param name="FStatistic">The overall F statistic (see <see cref="RegressionReport"/>); NaN when it has no degrees of freedom.</param>
/// <param name="FPValue">P(F' &gt; F) for F' with the statistic's degrees of freedom.</param>
/// <param name="Intercept">The intercept's inference, or null for a model without intercept.</param>
/// <param name="Coefficients">The inference of each feature's coefficient, in feature order.</param>
public sealed record OutputReport(
    string Target, int Observations, int Parameters, int DegreesOfFreedom,
    double RSquared, double AdjustedRSquared, double Rmse, double Mae, double ResidualStandardDeviation,
    double FStatistic, double FPValue,
    CoefficientInference? Intercept, IReadOnlyList<CoefficientInference> Coefficients)
{
    /// <summary>The Gaussian log-likelihood −n/2·(ln 2π + ln(SSE/n) + 1) (statsmodels' <c>llf</c>).</summary>
    public double LogLikelihood { get; init; } = double.NaN;

    /// <summary>Akaike's criterion −2 ln L + 2k, k the rank of the design with the intercept (statsmodels' <c>aic</c>).</summary>
    public double Aic { get; init; } = double.NaN;

    /// <summary>Schwarz's criterion −2 ln L + k·ln n (statsmodels' <c>bic</c>).</summary>
    public double Bic { get; init; } = double.NaN;

    /// <summary>Durbin–Watson Σ(rₜ − rₜ₋₁)²/Σr² over the rows in order (about 2 without autocorrelation); NaN without rows.</summary>
    public double DurbinWatson { get; init; } = double.NaN;

    /// <summary>D'Agostino–Pearson's K² omnibus test of normal residuals (statsmodels' <c>omni_normtest</c>); NaN below 8 rows or without rows.</summary>
    public double Omnibus { get; init; } = double.NaN;

    /// <summary>P(χ²₂ &gt; K²) of <see cref="Omnibus"/>.</summary>
    public double OmnibusP { get; init; } = double.NaN;

    /// <summary>Jarque–Bera's n/6·(skew² + (kurtosis − 3)²/4).</summary>
    public double JarqueBera { get; init; } = double.NaN;

    /// <summary>P(χ²₂ &gt; JB) of <see cref="JarqueBera"/>.</summary>
    public double JarqueBeraP { get; init; } = double.NaN;

    /// <summary>The residuals' skewness m₃/m₂^1.5 (biased, as statsmodels).</summary>
    public double Skew { get; init; } = double.NaN;

    /// <summary>The residuals' kurtosis m₄/m₂² (3 for normal errors; not the excess).</summary>
    public double Kurtosis { get; init; } = double.NaN;

    /// <summary>The coefficients' covariance, the intercept first (null when it is not known).</summary>
    public CoefficientCovariance? Covariance { get; init; }

    /// <summary>Which covariance the standard errors, tests, intervals and F rest on.</summary>
    public CovarianceType CovarianceType { get; init; } = CovarianceType.NonRobust;

    /// <summary>
    /// Whether the coefficients' p-values and intervals use the normal distribution rather than Student's t: so for
    /// the robust covariances, as statsmodels does by default (<c>use_t=False</c>). F keeps the F distribution.
    /// </summary>
    public bool NormalInference { get; init; }

    /// <summary>The denominator degrees of freedom of F (and of t when <see cref="NormalInference"/> is false): n − rank, or G − 1 for cluster-robust errors.</summary>
    public int InferenceDegreesOfFreedom { get; init; }

    /// <summary>G, the number of clusters, for cluster-robust errors (null otherwise).</summary>
    public int? Clusters { get; init; }
}

/// <summary>The covariance matrix of the estimates, σ̂²(DᵀD)⁻¹ or a robust sandwich.</summary>
/// <param name="Names">"(intercept)" first (with an intercept), then the features in order.</param>
/// <param name="Matrix">Rows and columns in the order of <paramref name="Names"/>; NaN in those of aliased coefficients.</param>
public sealed record CoefficientCovariance(IReadOnlyList<string> Names, IReadOnlyList<double[]> Matrix);

/// <summary>Builds <see cref="OutputReport"/>s: fit statistics, F test and coefficient t tests.</summary>
/// <remarks>
/// <para>With SSE = Σ(y − ŷ)², n rows and p parameters per output, σ̂² = SSE/(n − p). With an intercept,
/// SST = Σ(y − ȳ)² and F = [(SST − SSE)/(p − 1)] / [SSE/(n − p)] on (p − 1, n − p) degrees of freedom
/// (NaN when p = 1). Without an intercept (as R and NIST define it), SST = Σy² and
/// F = [(SST − SSE)/p] / [SSE/(n − p)] on (p, n − p). R² = 1 − SSE/SST and the adjusted R² is
/// 1 − (SSE/SST)·(n − 1)/(n − p), or 1 − (SSE/SST)·n/(n − p) without intercept; using SSE/SST rather than
/// 1 − R² keeps digits when R² is close to 1.</para>
/// <para>Each coefficient's t = estimate/SE is tested two-sided against Student's t with n − p degrees of
/// freedom and its 95 % interval is estimate ± t₀.₉₇₅,ₙ₋ₚ·SE. The estimates are the given model's
/// coefficients, while the standard errors are the exact solution's, σ̂·√[(DᵀD)⁻¹]ⱼⱼ from its QR
/// factorisation, or from the normal equations for data summarised by sufficient statistics (σ̂ of the exact
/// fit); for a gradient-descent model the tests are thus reported at its own estimates. The fit statistics
/// (R², RMSE, MAE, σ̂, SST and so F) are those of the given model, via <see cref="FitStatistics"/>, which is
/// why a report needs no rows beyond n: data in memory and data streamed from a file share one path.</para>
/// <para>When n = p every quantity that needs σ̂ (adjusted R², σ̂, F and its p-value, standard errors, t,
/// p-values and intervals) is <see cref="double.NaN"/>.</para>
/// </remarks>
public static class RegressionReport
{
    private const string InterceptTerm = "(intercept)";

    /// <summary>
    /// Builds per-output reports for <paramref name="model"/> on <paramref name="data"/> using the standard
    /// errors of <paramref name="exact"/>.
    /// </summary>
    /// <param name="model">The fitted model whose coefficients are reported (exact or gradient descent).</param>
    /// <param name="data">The data the model was fitted on.</param>
    /// <param name="exact">The <see cref="ExactLeastSquares"/> solution for the same data and intercept setting.</param>
    /// <param name="statistics">The model's <see cref="FitStatistics"/> on <paramref name="data"/> when already computed (saves a pass over the rows).</param>
    /// <returns>One report per output, in output order.</returns>
    /// <exception cref="LsgdException">The model, data and exact solution do not describe the same problem.</exception>
    public static IReadOnlyList<OutputReport> Compute(LinearModel model, Dataset data, ExactSolution exact,
        IReadOnlyList<OutputStatistics>? statistics = null) => Compute(model, data, exact, CovarianceType.NonRobust, statistics);

    /// <summary>
    /// As <see cref="Compute(LinearModel, Dataset, ExactSolution, IReadOnlyList{OutputStatistics}?)"/> with the
    /// standard errors, t (z), p, intervals and F of <paramref name="covariance"/>: a robust sandwich from the rows'
    /// scores at <paramref name="model"/> (see <see cref="CovarianceKind"/>), p-values and intervals then from the
    /// normal distribution and F from statsmodels' Wald test, as statsmodels does.
    /// </summary>
    /// <exception cref="LsgdException">As the other overload; a cluster column whose length is not n, or with one cluster.</exception>
    public static IReadOnlyList<OutputReport> Compute(LinearModel model, Dataset data, ExactSolution exact, CovarianceType covariance,
        IReadOnlyList<OutputStatistics>? statistics = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(exact);
        ArgumentNullException.ThrowIfNull(covariance);
        if (data.Outputs != model.Outputs)
            Throw.Data($"The model has {Throw.Plural(model.Outputs, "output")} but the data has {data.Outputs}.");
        var reports = Compute(model, data.Observations, exact, statistics ?? FitStatistics.Compute(model, data));
        if (!covariance.IsRobust) return reports;
        var bread = exact.UnscaledCovariance ?? throw new InvalidOperationException("The exact solution carries no (DᵀD)⁻¹.");
        return WithRobust(model, exact, reports, covariance,
            RobustCovariance.Compute(model, data, bread, Math.Min(exact.Rank, model.Layout.BlockSize), covariance));
    }

    /// <summary>
    /// As <see cref="Compute(LinearModel, Dataset, ExactSolution, CovarianceType, IReadOnlyList{OutputStatistics}?)"/>
    /// for rows streamed from <paramref name="source"/>: the classical report from the statistics, then one more pass
    /// over the rows for the robust sandwich (<paramref name="covariance"/> nonrobust: no pass).
    /// </summary>
    internal static IReadOnlyList<OutputReport> Compute(LinearModel model, IRowSource source, long observations, ExactSolution exact,
        CovarianceType covariance, IReadOnlyList<OutputStatistics> statistics, CancellationToken cancellationToken)
    {
        var reports = Compute(model, observations, exact, statistics);
        if (!covariance.IsRobust) return reports;
        var bread = exact.UnscaledCovariance ?? throw new InvalidOperationException("The exact solution carries no (DᵀD)⁻¹.");
        return WithRobust(model, exact, reports, covariance,
            RobustCovariance.Compute(model, source, observations, bread, Math.Min(exact.Rank, model.Layout.BlockSize), covariance, cancellationToken));
    }

    /// <summary>The reports with the robust covariances <paramref name="sandwiches"/> (one per output, with G).</summary>
    private static OutputReport[] WithRobust(LinearModel model, ExactSolution exact, IReadOnlyList<OutputReport> reports, CovarianceType covariance,
        (double[] V, int Clusters)[] sandwiches)
    {
        var result = new OutputReport[reports.Count];
        for (int o = 0; o < reports.Count; o++)
            result[o] = Robust(model, exact, reports[o], o, sandwiches[o].V, covariance, sandwiches[o].Clusters);
        return result;
    }

    /// <summary>The report with the robust covariance <paramref name="v"/>: SE, z, normal p and intervals, Wald F.</summary>
    private static OutputReport Robust(LinearModel model, ExactSolution exact, OutputReport report, int output, double[] v, CovarianceType type, int clusters)
    {
        int d = model.Features, p = model.Layout.BlockSize;
        var aliased = Aliased(model, exact);
        double z = SpecialFunctions.NormalQuantile975;
        CoefficientInference Infer(string term, double estimate, int j)
        {
            double se = aliased[j] ? double.NaN : Math.Sqrt(v[j * p + j]);
            double t = estimate / se;
            return new CoefficientInference(term, estimate, se, t, SpecialFunctions.NormalTwoSidedP(t), estimate - z * se, estimate + z * se);
        }
        var w = model.Coefficients(output);
        var coefficients = new CoefficientInference[d];
        for (int j = 0; j < d; j++) coefficients[j] = Infer(model.FeatureNames[j], w[j], j);
        var intercept = model.HasIntercept ? Infer(InterceptTerm, model.Intercept(output), d) : null;
        int dof = type.Kind == CovarianceKind.Cluster ? clusters - 1 : report.DegreesOfFreedom;
        int q = d;
        double f = aliased.Any(a => a) ? double.NaN : RobustCovariance.WaldF(model, output, v, out _);
        return report with
        {
            Intercept = intercept,
            Coefficients = coefficients,
            FStatistic = f,
            FPValue = SpecialFunctions.FUpperTail(f, q, dof),
            Covariance = Ordered(model, v, aliased),
            CovarianceType = type,
            NormalInference = true,
            InferenceDegreesOfFreedom = dof,
            Clusters = type.Kind == CovarianceKind.Cluster ? clusters : null,
        };
    }

    /// <summary>Per parameter (weights, then the intercept): whether it is aliased.</summary>
    private static bool[] Aliased(LinearModel model, ExactSolution exact)
    {
        int d = model.Features;
        var aliased = new bool[model.Layout.BlockSize];
        for (int j = 0; j < d; j++) aliased[j] = exact.Aliased.Contains(model.FeatureNames[j]);
        if (model.HasIntercept) aliased[d] = exact.Aliased.Contains(InterceptTerm);
        return aliased;
    }

    /// <summary>
    /// σ̂²(DᵀWD)⁻¹ of output <paramref name="output"/> in the parameters' layout (weights, then intercept), σ̂² that of
    /// the exact solution (its SSE over n − rank): the report's classical covariance and <see cref="ParameterCovariance"/>'s.
    /// </summary>
    internal static double[] ClassicalCovariance(ExactSolution exact, int output)
    {
        var unscaled = exact.UnscaledCovariance ?? throw new InvalidOperationException("The exact solution carries no (DᵀD)⁻¹.");
        var scaled = new double[unscaled.Length];
        TensorPrimitives.Multiply(unscaled, Sigma2(exact, output), scaled);
        return scaled;
    }

    /// <summary>σ̂² of output <paramref name="output"/> of the exact solution: its SSE over n − rank (NaN without degrees of freedom).</summary>
    private static double Sigma2(ExactSolution exact, int output) =>
        exact.DegreesOfFreedom > 0 ? exact.ResidualSumOfSquares[output] / exact.DegreesOfFreedom : double.NaN;

    /// <summary>A p × p matrix in the parameters' layout as the report's covariance: the intercept first, NaN for aliased parameters.</summary>
    internal static CoefficientCovariance Ordered(LinearModel model, double[] m, bool[] aliased) =>
        new(Names(model), new OrderedRows(m, model.Layout.BlockSize, Order(model), aliased, 1));

    /// <summary>The parameters in the report's order: the intercept (index d) first, then the features.</summary>
    private static int[] Order(LinearModel model)
    {
        int d = model.Features;
        return model.HasIntercept ? [d, .. Enumerable.Range(0, d)] : [.. Enumerable.Range(0, d)];
    }

    /// <summary>"(intercept)" first (with an intercept), then the features: the names of <see cref="Order"/>.</summary>
    private static string[] Names(LinearModel model) =>
        [.. Order(model).Select(j => j == model.Features ? InterceptTerm : model.FeatureNames[j])];

    /// <summary>
    /// The rows of factor·M in the report's order (NaN in those of aliased parameters), formed when first read: a
    /// report carries one per output, and a 769-parameter head of 20 outputs would otherwise build 20 matrices of
    /// 4.7 MB that nothing reads (the outputs' classical covariances share one (DᵀD)⁻¹ and differ by σ̂² alone).
    /// </summary>
    private sealed class OrderedRows(double[] m, int p, int[] order, bool[] aliased, double factor) : IReadOnlyList<double[]>
    {
        private readonly Lazy<double[][]> _rows = new(() =>
        {
            var rows = new double[order.Length][];
            for (int r = 0; r < order.Length; r++)
            {
                int i = order[r];
                var row = rows[r] = new double[order.Length];
                for (int c = 0; c < order.Length; c++)
                {
                    int j = order[c];
                    row[c] = aliased[i] || aliased[j] ? double.NaN : factor * m[i * p + j];
                }
            }
            return rows;
        });

        public double[] this[int index] => _rows.Value[index];

        public int Count => order.Length;

        public IEnumerator<double[]> GetEnumerator() => ((IEnumerable<double[]>)_rows.Value).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>
    /// Builds per-output reports without the rows (the core of both overloads), as for data streamed from a
    /// file: everything comes from n, the model's <see cref="FitStatistics"/> (SSE and SST; for a source, from
    /// one pass over it) and the standard errors of <paramref name="exact"/> (for a source,
    /// <see cref="ExactLeastSquares.FromStatistics"/>).
    /// </summary>
    /// <param name="model">The fitted model whose coefficients are reported.</param>
    /// <param name="observations">n, the number of rows the model was fitted on.</param>
    /// <param name="exact">The exact solution for the same rows and intercept setting.</param>
    /// <param name="statistics">The model's <see cref="FitStatistics"/> on those rows.</param>
    /// <returns>One report per output, in output order.</returns>
    /// <exception cref="LsgdException">The model, row count, statistics and exact solution do not describe the same problem.</exception>
    public static IReadOnlyList<OutputReport> Compute(LinearModel model, long observations, ExactSolution exact,
        IReadOnlyList<OutputStatistics> statistics)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(exact);
        ArgumentNullException.ThrowIfNull(statistics);
        int k = model.Outputs, p = model.Layout.BlockSize;
        // On a rank-deficient design (exact.Rank < p) the residual degrees of freedom are n − rank, as in R and statsmodels.
        int rank = Math.Min(exact.Rank, p);
        long dof = observations - rank;
        // ExactSolution counts degrees of freedom in an int (saturating); so do the reports' fields.
        if (exact.Model.Layout != model.Layout || exact.DegreesOfFreedom != Math.Min(dof, int.MaxValue))
            Throw.Data("The exact solution does not belong to this model and data (features, outputs, intercept or row count differ). " +
                "Solve with ExactLeastSquares on the same data and intercept setting.");
        if (statistics.Count != k)
            Throw.Data($"The statistics describe {Throw.Plural(statistics.Count, "output")} but the model has {k}.");
        int modelDof = model.HasIntercept ? rank - 1 : rank;
        double n = observations, tCritical = SpecialFunctions.StudentTQuantile(0.975, dof);
        var reports = new OutputReport[k];
        var (order, names, aliased) = (Order(model), Names(model), Aliased(model, exact));
        for (int o = 0; o < k; o++)
        {
            var s = statistics[o];
            double sse = s.SumOfSquaredResiduals, total = s.TotalSumOfSquares;
            bool hasSigma = dof > 0;
            double adjusted = hasSigma ? 1 - sse / total * (model.HasIntercept ? n - 1 : n) / dof : double.NaN;
            double f = hasSigma && modelDof > 0 ? (total - sse) / modelDof / (sse / dof) : double.NaN;

            CoefficientInference Infer(string term, double estimate, double se)
            {
                double t = estimate / se;
                return new CoefficientInference(term, estimate, se, t, SpecialFunctions.StudentTTwoSidedP(t, dof),
                    estimate - tCritical * se, estimate + tCritical * se);
            }

            var weights = model.Coefficients(o);
            var coefficients = new CoefficientInference[model.Features];
            for (int j = 0; j < coefficients.Length; j++)
                coefficients[j] = Infer(model.FeatureNames[j], weights[j], exact.StandardErrors[o][j]);
            var intercept = model.HasIntercept ? Infer(InterceptTerm, model.Intercept(o), exact.InterceptStandardErrors[o]) : null;

            var report = new OutputReport(model.TargetNames[o], (int)Math.Min(observations, int.MaxValue), p, exact.DegreesOfFreedom,
                s.RSquared, adjusted, s.RootMeanSquaredError, s.MeanAbsoluteError, rank < p ? (hasSigma ? Math.Sqrt(sse / dof) : double.NaN) : s.ResidualStandardDeviation,
                f, SpecialFunctions.FUpperTail(f, modelDof, dof), intercept, coefficients)
            {
                InferenceDegreesOfFreedom = exact.DegreesOfFreedom,
            };
            if (exact.UnscaledCovariance is { } unscaled && exact.Model.Layout == model.Layout)
                report = report with { Covariance = new CoefficientCovariance(names, new OrderedRows(unscaled, p, order, aliased, Sigma2(exact, o))) };
            reports[o] = ResidualDiagnostics.With(report, n, sse, rank, s.Residuals, s.Residuals?.LogWeights ?? s.LogWeights);
        }
        return reports;
    }
}
