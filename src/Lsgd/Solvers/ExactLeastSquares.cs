using System.Numerics.Tensors;
using Lsgd.Data;
using Lsgd.Internals;
using Lsgd.LinearAlgebra;
using Lsgd.Models;

namespace Lsgd.Solvers;

/// <summary>
/// The exact least-squares solution by Householder QR, made robust for ill-conditioned data.
/// </summary>
/// <remarks>
/// <para>The design D = [1, X] (or X) is reparametrised as E = D·U, where U centres every feature column and
/// scales it to unit norm (and scales the column of ones to unit norm), so E is far better conditioned than
/// D. E is never stored: its rows, with the centred targets as extra columns, are folded block by block into
/// one triangle by tall-skinny Householder QR (<see cref="TallSkinnyQr"/>, in parallel pieces of rows merged in
/// row order), which gives R and Qᵀy without keeping Q.</para>
/// <para>The solution is then improved by iterative refinement on the corrected semi-normal equations: the residual
/// r = y − Dθ and g = Dᵀr are computed in twice the working precision on the <b>original</b> data, one pass per
/// step for every output, and each correction δθ = U·R⁻¹R⁻ᵀ·Uᵀg is solved with the triangle. This removes the
/// rounding made while centring; each step contracts the error by about κ(E)²·ε.</para>
/// <para>Small problems whose condition number would still cost digits (κ(E) &gt; 10⁴, n·p² ≤ 10⁷) are solved again
/// with E built, factorised and solved in double-double arithmetic, the standard errors from the same R⁻¹; a
/// polynomial design gets its exact powers (NIST's Filip: 14 digits). A rank-deficient design (a constant,
/// duplicated or collinear column) gets the minimum-norm solution from QR with column pivoting, its rank and its
/// aliased coefficients (docs/ALGORITHMS.md §7).</para>
/// <para>Weighted rows (<see cref="Dataset.WithWeights"/>) are solved as statsmodels' WLS does, by QR of the rows
/// whitened by √wᵢ: D̃ = √W·D and ỹ = √W·y, with the centring weighted (x̄ = Σwx/Σw) and the refinement's residuals
/// wᵢ(yᵢ − dᵢᵀθ) formed in twice the working precision. SSE is Σwr², R² the weighted centred one, and the degrees
/// of freedom count the rows of positive weight.</para>
/// </remarks>
public static class ExactLeastSquares
{
    /// <summary>Refinement steps applied by default; two usually suffice, the third is cheap insurance.</summary>
    public const int DefaultRefinementSteps = 3;

    /// <summary>Diagonal ratio of R below which the columns are treated as linearly dependent.</summary>
    internal const double RankTolerance = 1e-13;

    /// <summary>The unit roundoff of double, 2⁻⁵².</summary>
    private const double Epsilon = 2.220446049250313e-16;

    /// <summary>Squared weight of a coefficient in the null space above which it is not estimable (aliased).</summary>
    private const double EstimableTolerance = 1e-16;

    /// <summary>The intercept's name in <see cref="ExactSolution.Aliased"/>.</summary>
    public const string InterceptName = "(intercept)";

    /// <summary>Condition number of the centred, scaled design above which a small problem is solved in double-double.</summary>
    private const double AccurateCondition = 1e4;

    /// <summary>Largest n·p² solved in double-double when the conditioning asks for it (a few tens of milliseconds).</summary>
    private const double AccurateBudget = 1e7;

    /// <summary>Solves min ‖Y − XW − 1bᵀ‖² exactly for every output.</summary>
    /// <param name="data">The data.</param>
    /// <param name="fitIntercept">Whether to fit an intercept per output.</param>
    /// <param name="refinementSteps">Steps of iterative refinement (≥ 0).</param>
    /// <exception cref="LsgdException">Too few rows. Linearly dependent features give the minimum-norm solution, with <see cref="ExactSolution.Rank"/> and <see cref="ExactSolution.Aliased"/>.</exception>
    public static ExactSolution Solve(Dataset data, bool fitIntercept = true, int refinementSteps = DefaultRefinementSteps) =>
        Solve(data, fitIntercept, refinementSteps, null);

    /// <summary>
    /// Fits the polynomial y = b + β₁x + … + β_N xᴺ exactly, with the powers of <paramref name="x"/> formed in
    /// double-double arithmetic when the conditioning needs it: rounding xᵏ to double perturbs an ill-conditioned
    /// design by κ·ε (NIST's Filip: 7.6 correct digits at best from rounded powers, 12 or more from these).
    /// </summary>
    /// <param name="x">The input values.</param>
    /// <param name="y">The targets, one per value.</param>
    /// <param name="degree">N ≥ 1.</param>
    /// <param name="fitIntercept">Whether to fit b.</param>
    /// <param name="name">The input's name (features are named <c>x</c>, <c>x^2</c>, …).</param>
    /// <exception cref="LsgdException">Too few rows.</exception>
    public static ExactSolution SolvePolynomial(double[] x, double[] y, int degree, bool fitIntercept = true, string name = "x")
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        var data = new Dataset(PolynomialFeatures.Expand(x, degree), y, x.Length, degree, featureNames: PolynomialFeatures.Names(name, degree));
        return Solve(data, fitIntercept, DefaultRefinementSteps, (i, j) =>
        {
            DoubleDouble v = x[i];
            for (int m = 0; m < j; m++) v *= x[i];
            return v;
        });
    }

    /// <summary>
    /// The passes over the rows of X that <see cref="Solve(Dataset, bool, int)"/> makes with the default refinement:
    /// widening float32 features (1), the means (1, with an intercept), the tall-skinny QR (1), and the residual passes
    /// of the refinement, all outputs together: at most 1 + <see cref="DefaultRefinementSteps"/> (it stops once a step
    /// no longer changes the coefficients). The double-double re-solve of small ill-conditioned problems is not counted.
    /// </summary>
    internal static double PassesOverRows(int features, bool fitIntercept, int outputs, bool singlePrecision) =>
        (singlePrecision ? 1 : 0) + (fitIntercept ? 1 : 0) + 1 + 1 + DefaultRefinementSteps;

    /// <summary>The solver; <paramref name="exactFeature"/> (row, feature) gives the features more precisely than the stored doubles.</summary>
    private static ExactSolution Solve(Dataset data, bool fitIntercept, int refinementSteps, Func<int, int, DoubleDouble>? exactFeature)
    {
        ArgumentNullException.ThrowIfNull(data);
        Check.AtLeast(refinementSteps, 0, nameof(refinementSteps), "Use 0 for a plain QR solve, or 3 (the default).");
        int n = data.Rows, d = data.Features, k = data.Outputs;
        int off = fitIntercept ? 1 : 0;
        int p = d + off;
        if (data.Observations < 1)
            Throw.Data($"The data has {Throw.Plural(data.Observations, data.IsWeighted ? "row of positive weight" : "row")} but the model has {Throw.Plural(p, "parameter")} ({Throw.Plural(d, "feature")}" +
                (fitIntercept ? " and an intercept" : "") + $"): at least {p} rows are needed. " +
                "Add rows, use fewer features or a lower `Degree`.");

        var design = ScaledDesign.Factor(data, fitIntercept);
        var y = new double[n];
        var sst = new double[k];
        for (int o = 0; o < k; o++)
        {
            for (int i = 0; i < n; i++) y[i] = data.Y[i * k + o];
            sst[o] = TotalSumOfSquares(y, data, fitIntercept);
        }
        double uncentred = DesignCondition.Uncentred(design, data.Rows);
        if (design.Qr.DiagonalRatio(out _) < RankTolerance)
            return SolveRankDeficient(design, data.Observations, data.FeatureNames, data.TargetNames, sst, uncentred);

        double condition = design.Qr.ConditionNumber();
        // Where κ·ε would cost digits (refinement converges slowly and R⁻¹ loses κ·ε), small problems are solved again
        // by QR in double-double arithmetic: the coefficients and (DᵀD)⁻¹ then carry about 32 − log₁₀κ digits.
        var accurate = condition > AccurateCondition && (double)n * p * p <= AccurateBudget
            ? new DoubleDoubleSolver(n, d, fitIntercept, exactFeature ?? (IsPowerExpansion(data) ? Powers(data) : StoredFeature(data)), data.IsWeighted ? data.Weights.ToArray() : null, data.WeightSum) : null;
        double[] theta, sse;
        int steps = refinementSteps;
        if (accurate is not null)
        {
            theta = new double[p * k];
            sse = new double[k];
            for (int o = 0; o < k; o++)
            {
                for (int i = 0; i < n; i++) y[i] = data.Y[i * k + o];
                var block = theta.AsSpan(o * p, p);
                accurate.Solve(y, block);
                sse[o] = accurate.ResidualSumOfSquares(y, block);
            }
        }
        else
        {
            theta = design.PlainSolution();
            sse = design.Refine(theta, refinementSteps, out steps);
        }
        var covariance = accurate?.UnscaledCovariance() ?? UnscaledCovariance(design.Qr, design.Mean, design.Scale, fitIntercept, design.WeightSum);
        return Finish(design, theta, sse, sst, data.Observations, data.FeatureNames, data.TargetNames, condition, steps, covariance, uncentred);
    }

    /// <summary>
    /// Solves min ‖Y − XW − 1bᵀ‖² exactly for rows streamed from a source that may be larger than memory: the
    /// centred design is factored chunk by chunk by tall-skinny QR (<see cref="TallSkinnyQr"/>: one m × m triangle
    /// in memory, m = parameters + outputs), then refined on the rows as <see cref="Solve(Dataset, bool, int)"/> is
    /// (each step one more pass, stopping once a step no longer changes the coefficients). Rank-deficient designs get
    /// the minimum-norm solution with <see cref="ExactSolution.Rank"/> and <see cref="ExactSolution.Aliased"/>.
    /// </summary>
    /// <param name="source">The rows.</param>
    /// <param name="statistics">Their statistics (<see cref="SufficientStatistics.Compute(IRowSource, int, CancellationToken)"/>): the rows are centred on their means.</param>
    /// <param name="fitIntercept">Whether to fit an intercept per output.</param>
    /// <param name="refinementSteps">Most steps of iterative refinement (≥ 0).</param>
    /// <param name="cancellationToken">Stops a pass.</param>
    /// <exception cref="LsgdException">Too few rows.</exception>
    public static ExactSolution Solve(IRowSource source, SufficientStatistics statistics, bool fitIntercept = true, int refinementSteps = DefaultRefinementSteps,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(statistics);
        Check.AtLeast(refinementSteps, 0, nameof(refinementSteps), "Use 0 for a plain QR solve, or 3 (the default).");
        CheckStatistics(source.Features, source.Outputs, statistics, fitIntercept);
        var design = ScaledDesign.Factor(source, statistics, fitIntercept, cancellationToken);
        return SolveFactored(design, statistics, refinementSteps, source.FeatureNames, source.TargetNames, DesignCondition.Uncentred(statistics, fitIntercept));
    }

    /// <summary>
    /// Solves min ‖Y − XW − 1bᵀ‖² exactly for rows kept in shards — files, or the machines of a cluster — by
    /// tall-skinny QR without normal equations: every shard folds its rows, centred on the means of all of them, into
    /// its own R factor (<see cref="ShardPass.Factor"/>), the factors are merged here in shard order, and each step of
    /// refinement is one more pass of the shards (<see cref="ShardPass.Residuals"/>), their double-double sums merged
    /// in shard order. Accurate to about κ(X)·ε, refined, like <see cref="Solve(IRowSource, SufficientStatistics, bool, int, CancellationToken)"/>,
    /// where the normal equations of the merged statistics give κ(X)²·ε; the result depends on the shard order only,
    /// not on where each shard's pieces were computed.
    /// </summary>
    /// <param name="shards">The shards' passes.</param>
    /// <param name="statistics">The statistics of all shards, merged in shard order: the rows are centred on their means.</param>
    /// <param name="fitIntercept">Whether to fit an intercept per output.</param>
    /// <param name="refinementSteps">Most steps of iterative refinement (≥ 0).</param>
    /// <param name="cancellationToken">Stops a pass.</param>
    /// <exception cref="LsgdException">Too few rows.</exception>
    public static ExactSolution Solve(IShardedRows shards, SufficientStatistics statistics, bool fitIntercept = true, int refinementSteps = DefaultRefinementSteps,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(shards);
        ArgumentNullException.ThrowIfNull(statistics);
        Check.AtLeast(refinementSteps, 0, nameof(refinementSteps), "Use 0 for a plain QR solve, or 3 (the default).");
        CheckStatistics(statistics.Features, statistics.Outputs, statistics, fitIntercept);
        var design = ScaledDesign.Factor(shards, statistics, fitIntercept, cancellationToken);
        return SolveFactored(design, statistics, refinementSteps, statistics.FeatureNames, statistics.TargetNames, DesignCondition.Uncentred(design, statistics.Count));
    }

    private static void CheckStatistics(int d, int k, SufficientStatistics statistics, bool fitIntercept)
    {
        int p = d + (fitIntercept ? 1 : 0);
        if (statistics.Features != d || statistics.Outputs != k)
            throw new ArgumentException($"The statistics are of {d} features and {k} outputs? They have {statistics.Features} and {statistics.Outputs}; compute them from this source.", nameof(statistics));
        if (statistics.Count < p)
            Throw.Data($"The data has {Throw.Plural(statistics.Count, statistics.IsWeighted ? "row of positive weight" : "row")} but the model has {Throw.Plural(p, "parameter")} ({Throw.Plural(d, "feature")}" +
                (fitIntercept ? " and an intercept" : "") + $"): at least {p} rows are needed. Add rows or use fewer features.");
    }

    /// <summary>The solution from a factored design of rows that are not in memory (streamed or in shards), refined by passes over them.</summary>
    private static ExactSolution SolveFactored(ScaledDesign design, SufficientStatistics statistics, int refinementSteps, IReadOnlyList<string> featureNames,
        IReadOnlyList<string> targetNames, double uncentred)
    {
        bool fitIntercept = design.FitIntercept;
        int k = design.Outputs;
        var sst = new double[k];
        for (int o = 0; o < k; o++)
            sst[o] = statistics.TargetScatter[o] + (fitIntercept ? 0 : statistics.WeightSum * statistics.TargetMeans[o] * statistics.TargetMeans[o]);
        if (design.Qr.DiagonalRatio(out _) < RankTolerance)
            return SolveRankDeficient(design, statistics.Count, featureNames, targetNames, sst, uncentred);
        double condition = design.Qr.ConditionNumber();
        var theta = design.PlainSolution();
        var sse = design.Refine(theta, refinementSteps, out int steps);
        var covariance = UnscaledCovariance(design.Qr, design.Mean, design.Scale, fitIntercept, design.WeightSum);
        return Finish(design, theta, sse, sst, statistics.Count, featureNames, targetNames, condition, steps, covariance, uncentred);
    }

    /// <summary>The solution's statistics from θ, the residual and total sums of squares and (DᵀD)⁻¹ (the intercept first).</summary>
    private static ExactSolution Finish(ScaledDesign design, double[] theta, double[] sse, double[] sst, long observations, IReadOnlyList<string> featureNames,
        IReadOnlyList<string> targetNames, double condition, int steps, double[] covariance, double uncentred)
    {
        int d = design.Features, k = design.Outputs, p = design.Parameters;
        var r2 = new double[k];
        for (int o = 0; o < k; o++)
            r2[o] = sst[o] > 0 ? 1 - sse[o] / sst[o] : (sse[o] == 0 ? 1 : double.NaN);
        var layout = new ParameterLayout(d, k, design.FitIntercept);
        var model = new LinearModel(layout, theta, featureNames, targetNames);
        int dof = (int)Math.Min(observations - p, int.MaxValue);
        var (se, seB) = StandardErrors(Diagonal(covariance, p), d, design.FitIntercept, sse, dof);
        return new ExactSolution(model, se, seB, sse, r2, dof, condition, steps)
        {
            UnscaledCovariance = InterceptLast(covariance, p, design.FitIntercept),
            UncentredConditionNumber = uncentred,
            RowPasses = design.Passes,
        };
    }

    /// <summary>Σᵢ wᵢ·values[offset + i·stride], compensated (Dot2), over the n = w.Length rows.</summary>
    private static double WeightedSumStrided(ReadOnlySpan<double> values, int offset, int stride, ReadOnlySpan<double> w)
    {
        double s = 0, c = 0;
        for (int i = 0; i < w.Length; i++)
        {
            double v = values[offset + i * stride], p = w[i] * v;
            c += Math.FusedMultiplyAdd(w[i], v, -p);
            Accurate.TwoSumInto(ref s, ref c, p);
        }
        return s + c;
    }

    /// <summary>The denominator of R²: Σ(y − ȳ)² (Σy² without intercept), weighted as statsmodels' WLS weights it.</summary>
    private static double TotalSumOfSquares(double[] y, Dataset data, bool fitIntercept)
    {
        if (!data.IsWeighted)
            return fitIntercept ? CentredSumOfSquares(y) : Accurate.Dot(y, y);
        var w = data.Weights;
        double m = fitIntercept ? WeightedSumStrided(y, 0, 1, w) / data.WeightSum : 0;
        double s = 0, c = 0;
        for (int i = 0; i < y.Length; i++)
        {
            double dv = y[i] - m;
            Accurate.TwoSumInto(ref s, ref c, w[i] * dv * dv);
        }
        return s + c;
    }

    /// <summary>
    /// The minimum-norm least-squares solution of a rank-deficient design, from QR with column pivoting of E = D·U:
    /// the basic solution (the r leading pivoted columns) with the null-space directions N = U·P·[−R₁₁⁻¹R₁₂; I]
    /// projected out, in the original parameters θ — what a pseudo-inverse gives (statsmodels' pinv). Coefficients
    /// whose unit vector is not orthogonal to the null space are not estimable: they are listed in
    /// <see cref="ExactSolution.Aliased"/> and their standard errors are NaN; the others' standard errors are
    /// σ̂·√[D⁺D⁺ᵀ]ⱼⱼ with σ̂² = SSE/(n − r), the same for every least-squares solution.
    /// </summary>
    /// <remarks>E = Q₀Rₑ from the tall-skinny factor, and Rₑ·P = Q₁R with column pivoting (p × p), so E·P = (Q₀Q₁)R:
    /// the pivoted factor of the rows without a second pass over them.</remarks>
    private static ExactSolution SolveRankDeficient(ScaledDesign design, long observations, IReadOnlyList<string> featureNames, IReadOnlyList<string> targetNames,
        double[] sst, double uncentred)
    {
        int d = design.Features, k = design.Outputs, p = design.Parameters;
        bool fitIntercept = design.FitIntercept;
        var triangle = new double[p * p];   // Rₑ column-major for the pivoted factorisation
        for (int i = 0; i < p; i++)
            for (int j = i; j < p; j++) triangle[j * p + i] = design.Qr.R(i, j);
        var qr = QrFactorization.FactorPivoted(triangle, p, p);
        int rank = qr.Rank(Math.Max(RankTolerance, Epsilon * Math.Max(observations, p)));
        var perm = qr.Permutation!;
        var layout = new ParameterLayout(d, k, fitIntercept);

        // Orthonormal basis of the null space in θ (θ's layout: weights, then the intercept).
        var nulls = new List<double[]>();
        var prime = new double[p];
        for (int c = rank; c < p; c++)
        {
            var t = new double[p];
            for (int i = 0; i < rank; i++) t[i] = -qr.R(i, c);
            qr.SolveLeading(t, rank);
            Array.Clear(prime);
            for (int i = 0; i < rank; i++) prime[perm[i]] = t[i];
            prime[perm[c]] = 1;
            var v = new double[p];
            design.ToOriginal(prime, v, -1, accumulate: false);
            for (int pass = 0; pass < 2; pass++)
                foreach (var q in nulls)
                {
                    double dot = Dot(q, v);
                    for (int i = 0; i < p; i++) v[i] -= dot * q[i];
                }
            double norm = Math.Sqrt(Dot(v, v));
            for (int i = 0; i < p; i++) v[i] /= norm;
            nulls.Add(v);
        }
        void ProjectOut(Span<double> v)
        {
            foreach (var q in nulls)
            {
                double dot = 0;
                for (int i = 0; i < p; i++) dot += q[i] * v[i];
                for (int i = 0; i < p; i++) v[i] -= dot * q[i];
            }
        }

        var theta = new double[p * k];
        var r2 = new double[k];
        for (int o = 0; o < k; o++)
        {
            var c = (double[])design.QtY[o].Clone();
            qr.ApplyQt(c);
            qr.SolveLeading(c, rank);
            Array.Clear(prime);
            for (int i = 0; i < rank; i++) prime[perm[i]] = c[i];
            var block = theta.AsSpan(o * p, p);
            design.ToOriginal(prime, block, o, accumulate: false);
            ProjectOut(block);
        }
        var sse = design.ResidualSumOfSquares(theta);
        for (int o = 0; o < k; o++)
            r2[o] = sst[o] > 0 ? 1 - sse[o] / sst[o] : (sse[o] == 0 ? 1 : double.NaN);

        // [D⁺D⁺ᵀ]ⱼⱼ: θ̂ = M·Q₁ᵀy with column c of M the projected image of R₁₁⁻¹e_c, so the diagonal is ‖row j of M‖².
        // D⁺D⁺ᵀ = M·Mᵀ in full (θ's layout) for the covariance; its diagonal gives the standard errors.
        var m = new double[p * rank];
        var column = new double[p];
        for (int c = 0; c < rank; c++)
        {
            var t = new double[rank];
            t[c] = 1;
            qr.SolveLeading(t, rank);
            Array.Clear(prime);
            for (int i = 0; i < rank; i++) prime[perm[i]] = t[i];
            design.ToOriginal(prime, column, -1, accumulate: false);
            ProjectOut(column);
            for (int j = 0; j < p; j++) m[j * rank + c] = column[j];
        }
        var pseudo = new double[p * p];
        for (int i = 0; i < p; i++)
            for (int j = 0; j <= i; j++)
            {
                double s = 0;
                for (int c = 0; c < rank; c++) s += m[i * rank + c] * m[j * rank + c];
                pseudo[i * p + j] = pseudo[j * p + i] = s;
            }
        var unscaled = Diagonal(pseudo, p);
        var aliased = new List<string>();
        var estimable = new bool[p];
        for (int j = 0; j < p; j++)
        {
            double weight = 0;
            foreach (var q in nulls) weight += q[j] * q[j];
            estimable[j] = weight <= EstimableTolerance;
            if (!estimable[j]) aliased.Add(j < d ? featureNames[j] : InterceptName);
        }
        int dof = (int)Math.Min(observations - rank, int.MaxValue);
        var se = new double[k][];
        var seB = new double[k];
        for (int o = 0; o < k; o++)
        {
            double sigma2 = dof > 0 ? sse[o] / dof : double.NaN;
            se[o] = new double[d];
            for (int j = 0; j < d; j++) se[o][j] = estimable[j] ? Math.Sqrt(sigma2 * unscaled[j]) : double.NaN;
            seB[o] = fitIntercept && estimable[d] ? Math.Sqrt(sigma2 * unscaled[d]) : double.NaN;
        }
        var model = new LinearModel(layout, theta, featureNames, targetNames);
        double condition = ConditionEstimate.FromGram(rank,
            w => { Multiply(qr, w, rank); },
            w => { SolveLeadingGram(qr, w, rank); });
        return new ExactSolution(model, se, seB, sse, r2, dof, condition, 0)
        {
            Rank = rank, Aliased = aliased, UnscaledCovariance = pseudo, UncentredConditionNumber = uncentred, RowPasses = design.Passes,
        };
    }

    /// <summary>w ← R₁₁ᵀR₁₁ w for the leading block.</summary>
    private static void Multiply(QrFactorization qr, double[] w, int size)
    {
        var t = new double[size];
        for (int i = 0; i < size; i++)
            for (int j = i; j < size; j++) t[i] += qr.R(i, j) * w[j];
        for (int i = 0; i < size; i++)
        {
            double s = 0;
            for (int j = 0; j <= i; j++) s += qr.R(j, i) * t[j];
            w[i] = s;
        }
    }

    /// <summary>w ← (R₁₁ᵀR₁₁)⁻¹ w for the leading block.</summary>
    private static void SolveLeadingGram(QrFactorization qr, double[] w, int size)
    {
        for (int i = 0; i < size; i++)
        {
            double s = w[i];
            for (int j = 0; j < i; j++) s -= qr.R(j, i) * w[j];
            w[i] = s / qr.R(i, i);
        }
        qr.SolveLeading(w, size);
    }

    private static double Dot(double[] a, double[] b) => System.Numerics.Tensors.TensorPrimitives.Dot(a, b);

    /// <summary>
    /// The least-squares solution and its standard errors from sufficient statistics (one pass over data that
    /// may be larger than memory): Cholesky on the correlation-scaled normal equations, so accurate to about
    /// κ(Sxx)·ε rather than the QR path's κ·ε; <see cref="ExactSolution.ConditionNumber"/> is that of the
    /// centred, scaled design, √κ of the scaled Sxx.
    /// </summary>
    /// <exception cref="LsgdException">Too few rows, or linearly dependent features.</exception>
    public static ExactSolution FromStatistics(SufficientStatistics statistics, bool fitIntercept = true)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        int d = statistics.Features, k = statistics.Outputs;
        var layout = new ParameterLayout(d, k, fitIntercept);
        long n = statistics.Count;
        double total = statistics.WeightSum;
        if (n < layout.BlockSize)
            Throw.Data($"The data has {Throw.Plural(n, "row")} but the model has {Throw.Plural(layout.BlockSize, "parameter")}: at least {layout.BlockSize} rows are needed.");
        var theta = statistics.SolveNormalEquations(fitIntercept, out var inverse, out double condition, out var covariance, out var factor);
        var sse = statistics.ResidualSumsOfSquares(theta, layout);
        var r2 = new double[k];
        for (int o = 0; o < k; o++)
        {
            sse[o] = Math.Max(sse[o], 0);
            double sst = statistics.TargetScatter[o] + (fitIntercept ? 0 : total * statistics.TargetMeans[o] * statistics.TargetMeans[o]);
            r2[o] = sst > 0 ? 1 - sse[o] / sst : double.NaN;
        }
        int dof = (int)Math.Min(n - layout.BlockSize, int.MaxValue);
        var se = new double[k][];
        var seB = new double[k];
        for (int o = 0; o < k; o++)
        {
            double sigma2 = dof > 0 ? sse[o] / dof : double.NaN;
            se[o] = [.. Enumerable.Range(0, d).Select(j => Math.Sqrt(sigma2 * inverse[j]))];
            seB[o] = fitIntercept ? Math.Sqrt(sigma2 * inverse[d]) : double.NaN;
        }
        var model = new LinearModel(layout, theta, statistics.FeatureNames.Count == d ? statistics.FeatureNames : [.. Enumerable.Range(1, d).Select(j => $"x{j}")],
            statistics.TargetNames.Count == k ? statistics.TargetNames : [.. Enumerable.Range(1, k).Select(j => k == 1 ? "y" : $"y{j}")]);
        return new ExactSolution(model, se, seB, sse, r2, dof, condition, 0)
        {
            UnscaledVariances = inverse, UnscaledCovariance = covariance, UncentredConditionNumber = DesignCondition.Uncentred(statistics, fitIntercept),
            ScaledFactor = factor,
        };
    }

    private static double CentredSumOfSquares(ReadOnlySpan<double> y)
    {
        double m = Accurate.Sum(y) / y.Length;
        double s = 0, c = 0;
        foreach (double v in y)
        {
            double dv = v - m;
            Accurate.TwoSumInto(ref s, ref c, dv * dv);
        }
        return s + c;
    }

    private static Func<int, int, DoubleDouble> StoredFeature(Dataset data) => (i, j) => data.Feature(i, j);

    /// <summary>xᵢ^(j+1) of the first column, in double-double.</summary>
    private static Func<int, int, DoubleDouble> Powers(Dataset data) => (i, j) =>
    {
        double x = data.Feature(i, 0);
        DoubleDouble v = x;
        for (int m = 0; m < j; m++) v *= x;
        return v;
    };

    /// <summary>
    /// Whether the features are x, x², …, xᵈ of the first column exactly as <see cref="PolynomialFeatures.Expand"/>
    /// rounds them (each the previous times x): then the powers meant are the exact ones, and the double-double path
    /// forms them itself (rounded powers cost NIST's Filip half its digits).
    /// </summary>
    private static bool IsPowerExpansion(Dataset data)
    {
        int d = data.Features;
        if (d < 2) return false;
        for (int i = 0; i < data.Rows; i++)
        {
            double x = data.Feature(i, 0), v = x;
            for (int j = 1; j < d; j++)
            {
                v *= x;
                if (data.Feature(i, j) != v) return false;
            }
        }
        return true;
    }

    /// <summary>
    /// (DᵀD)⁻¹ = (U R⁻¹)(U R⁻¹)ᵀ, p × p row-major with the intercept's row and column first (θ' order): row j of
    /// U·R⁻¹ is row j of R⁻¹ over sⱼ for a weight, row 0 over √n minus Σⱼ x̄ⱼ/sⱼ·(row j) for the intercept.
    /// </summary>
    private static double[] UnscaledCovariance(QrFactorization qr, double[] mean, double[] scale, bool fitIntercept, double n)
    {
        int p = qr.Columns, d = mean.Length, off = fitIntercept ? 1 : 0;
        var rinv = qr.InverseR(); // row-major
        var a = new double[p * p];
        for (int j = 0; j < d; j++)
            for (int c = 0; c < p; c++) a[(j + off) * p + c] = rinv[(j + off) * p + c] / scale[j];
        if (fitIntercept)
        {
            double sqrtN = Math.Sqrt(n);
            for (int c = 0; c < p; c++)
            {
                double v = rinv[c] / sqrtN;
                for (int j = 0; j < d; j++) v -= mean[j] / scale[j] * rinv[(j + 1) * p + c];
                a[c] = v;
            }
        }
        return OuterRows(a, p);
    }

    /// <summary>
    /// A·Aᵀ for a row-major p × p <paramref name="a"/> whose rows from 1 on are zero before their own index (the rows of
    /// R⁻¹, and row 0 anything): entry (i, j ≤ i) is the dot product of the two rows from column i on, where row i starts.
    /// </summary>
    private static double[] OuterRows(double[] a, int p)
    {
        var g = new double[p * p];
        void Row(int i)
        {
            var rowI = a.AsSpan(i * p + i, p - i);
            for (int j = 0; j <= i; j++)
                g[i * p + j] = g[j * p + i] = TensorPrimitives.Dot(rowI, a.AsSpan(j * p + i, p - i));
        }
        // Each entry alone, so large orders take the rows on every core (the same bits).
        if (p >= QrFactorization.ParallelOrder && Environment.ProcessorCount > 1)
            Parallel.For(0, p, Row);
        else
            for (int i = 0; i < p; i++) Row(i);
        return g;
    }

    /// <summary>The p × p matrix <paramref name="m"/> with the intercept moved from first (θ' order) to last (θ's layout), or kept without one.</summary>
    internal static double[] InterceptLast(double[] m, int p, bool fitIntercept)
    {
        if (!fitIntercept) return m;
        var r = new double[p * p];
        for (int i = 0; i < p; i++)
            for (int j = 0; j < p; j++)
                r[(i == 0 ? p - 1 : i - 1) * p + (j == 0 ? p - 1 : j - 1)] = m[i * p + j];
        return r;
    }

    /// <summary>The diagonal of a p × p row-major matrix.</summary>
    private static double[] Diagonal(double[] m, int p) => [.. Enumerable.Range(0, p).Select(i => m[i * p + i])];

    /// <summary>SE(θⱼ) = σ̂·√[(DᵀD)⁻¹]ⱼⱼ per output, from the unscaled variances (the intercept's first).</summary>
    private static (double[][] Coefficients, double[] Intercepts) StandardErrors(double[] unscaled, int d, bool fitIntercept, double[] sse, int dof)
    {
        int off = fitIntercept ? 1 : 0, k = sse.Length;
        var se = new double[k][];
        var seB = new double[k];
        for (int o = 0; o < k; o++)
        {
            double sigma2 = dof > 0 ? sse[o] / dof : double.NaN;
            se[o] = new double[d];
            for (int j = 0; j < d; j++) se[o][j] = Math.Sqrt(sigma2 * unscaled[j + off]);
            seB[o] = fitIntercept ? Math.Sqrt(sigma2 * unscaled[0]) : double.NaN;
        }
        return (se, seB);
    }

    /// <summary>
    /// The same reparametrisation E = D·U (centred, unit-norm columns, the intercept's first) built, factorised and
    /// solved in double-double arithmetic, and mapped back to θ = U·θ' in double-double before rounding.
    /// </summary>
    private sealed class DoubleDoubleSolver
    {
        private readonly int _n, _d, _off;
        private readonly DoubleDouble[] _mean, _scale;
        private readonly DoubleDoubleQr _qr;

        private readonly Func<int, int, DoubleDouble> _x;
        private readonly double[]? _w;
        private readonly DoubleDouble[]? _roots;
        private readonly DoubleDouble _total;

        /// <param name="n">Rows.</param>
        /// <param name="d">Features.</param>
        /// <param name="fitIntercept">Whether there is an intercept.</param>
        /// <param name="x">The features, (row, feature).</param>
        /// <param name="w">The rows' weights, or null when unweighted: rows are then whitened by √w in double-double.</param>
        /// <param name="total">Σw (n when unweighted).</param>
        public DoubleDoubleSolver(int n, int d, bool fitIntercept, Func<int, int, DoubleDouble> x, double[]? w, double total)
        {
            _n = n; _d = d; _off = fitIntercept ? 1 : 0; _w = w; _total = total;
            _roots = w is null ? null : [.. w.Select(v => DoubleDouble.Sqrt(v))];
            _x = x;
            int p = d + _off;
            var e = new DoubleDouble[n * p];
            DoubleDouble root = DoubleDouble.Sqrt(total);
            if (fitIntercept)
                for (int i = 0; i < n; i++) e[i] = _roots is null ? 1 / root : _roots[i] / root;
            _mean = new DoubleDouble[d];
            _scale = new DoubleDouble[d];
            for (int j = 0; j < d; j++)
            {
                DoubleDouble m = 0;
                if (fitIntercept)
                {
                    for (int i = 0; i < n; i++) m += w is null ? x(i, j) : w[i] * x(i, j);
                    m /= _total;
                }
                int c0 = (j + _off) * n;
                DoubleDouble norm2 = 0;
                for (int i = 0; i < n; i++)
                {
                    var v = x(i, j) - m;
                    if (_roots is not null) v *= _roots[i];
                    e[c0 + i] = v;
                    norm2 += v * v;
                }
                var norm = DoubleDouble.Sqrt(norm2);
                if (norm.Hi == 0) norm = 1;
                for (int i = 0; i < n; i++) e[c0 + i] /= norm;
                _mean[j] = m;
                _scale[j] = norm;
            }
            _qr = DoubleDoubleQr.Factor(e, n, p);
        }

        /// <summary>θ = U R⁻¹ (Qᵀy)[0:p], rounded to double.</summary>
        public void Solve(double[] y, Span<double> theta)
        {
            int p = _d + _off;
            var c = new DoubleDouble[_n];
            for (int i = 0; i < _n; i++) c[i] = _roots is null ? y[i] : _roots[i] * y[i];
            _qr.ApplyQt(c);
            var z = c.AsSpan(0, p).ToArray();
            _qr.SolveR(z);
            DoubleDouble b = _off == 1 ? z[0] / DoubleDouble.Sqrt(_total) : 0;
            for (int j = 0; j < _d; j++)
            {
                var beta = z[j + _off] / _scale[j];
                b -= _mean[j] * beta;
                theta[j] = (double)beta;
            }
            if (_off == 1) theta[_d] = (double)b;
        }

        /// <summary>Σ(yᵢ − b − xᵢᵀβ)² at θ (rounded to double), in double-double with the features as given to the solver.</summary>
        public double ResidualSumOfSquares(double[] y, ReadOnlySpan<double> theta)
        {
            DoubleDouble sse = 0;
            for (int i = 0; i < _n; i++)
            {
                DoubleDouble r = y[i];
                if (_off == 1) r -= theta[_d];
                for (int j = 0; j < _d; j++) r -= _x(i, j) * theta[j];
                sse += _w is null ? r * r : _w[i] * r * r;
            }
            return (double)sse;
        }

        /// <summary>(DᵀD)⁻¹ from R⁻¹ in double-double, rounded, intercept first (as the double path).</summary>
        public double[] UnscaledCovariance()
        {
            int p = _d + _off;
            var rinv = _qr.InverseR();
            var a = new DoubleDouble[p * p];
            for (int j = 0; j < _d; j++)
                for (int c = 0; c < p; c++) a[(j + _off) * p + c] = rinv[(j + _off) * p + c] / _scale[j];
            if (_off == 1)
            {
                var root = DoubleDouble.Sqrt(_total);
                for (int c = 0; c < p; c++)
                {
                    var v = rinv[c] / root;
                    for (int j = 0; j < _d; j++) v -= _mean[j] / _scale[j] * rinv[(j + 1) * p + c];
                    a[c] = v;
                }
            }
            var g = new double[p * p];
            for (int i = 0; i < p; i++)
                for (int j = 0; j <= i; j++)
                {
                    DoubleDouble s = 0;
                    for (int c = 0; c < p; c++) s += a[i * p + c] * a[j * p + c];
                    g[i * p + j] = g[j * p + i] = (double)s;
                }
            return g;
        }
    }
}
