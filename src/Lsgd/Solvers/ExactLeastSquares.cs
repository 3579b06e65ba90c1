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
/// D. E is factorised once, E = QR.</para>
/// <para>The solution is then improved by Björck's iterative refinement of the augmented system
/// [I D; Dᵀ 0][r; θ] = [y; 0], with the residuals f = y − r − Dθ and g = −Dᵀr computed in twice the working
/// precision on the <b>original</b> data, and each correction solved with the QR of E. This removes both the
/// rounding made while centring and the cond² growth of a plain QR solve on large-residual problems.</para>
/// <para>Small problems whose condition number would still cost digits (κ(E) &gt; 10⁴, n·p² ≤ 10⁷) are solved again
/// with E built, factorised and solved in double-double arithmetic, the standard errors from the same R⁻¹; a
/// polynomial design gets its exact powers (NIST's Filip: 14 digits). A rank-deficient design (a constant,
/// duplicated or collinear column) gets the minimum-norm solution from QR with column pivoting, its rank and its
/// aliased coefficients (docs/ALGORITHMS.md §7).</para>
/// <para>Weighted rows (<see cref="Dataset.WithWeights"/>) are solved as statsmodels' WLS does, by QR of the rows
/// whitened by √wᵢ: D̃ = √W·D and ỹ = √W·y, with the centring weighted (x̄ = Σwx/Σw) and the refinement's residuals
/// √wᵢ(yᵢ − dᵢᵀθ) formed in twice the working precision. SSE is Σwr², R² the weighted centred one, and the degrees
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
    /// widening float32 features (1), centring and scaling them into a column-major copy (3 reads with an intercept: the
    /// mean, its correction, the copy; else 1), the p Householder sweeps over that n × p copy, and per output
    /// 1 + <see cref="DefaultRefinementSteps"/> residual passes (the refinement steps and the sum of squares). The
    /// double-double re-solve of small ill-conditioned problems and the rank-deficient path are not counted.
    /// </summary>
    internal static double PassesOverRows(int features, bool fitIntercept, int outputs, bool singlePrecision) =>
        (singlePrecision ? 1 : 0) + (fitIntercept ? 3 : 1) + features + (fitIntercept ? 1 : 0) + outputs * (1 + DefaultRefinementSteps);

    /// <summary>The solver; <paramref name="exactFeature"/> (row, feature) gives the features more precisely than the stored doubles.</summary>
    private static ExactSolution Solve(Dataset data, bool fitIntercept, int refinementSteps, Func<int, int, DoubleDouble>? exactFeature)
    {
        ArgumentNullException.ThrowIfNull(data);
        Check.AtLeast(refinementSteps, 0, nameof(refinementSteps), "Use 0 for a plain QR solve, or 3 (the default).");
        int n = data.Rows, d = data.Features, k = data.Outputs;
        int off = fitIntercept ? 1 : 0;
        int p = d + off;
        if (data.Observations < p)
            Throw.Data($"The data has {Throw.Plural(data.Observations, data.IsWeighted ? "row of positive weight" : "row")} but the model has {Throw.Plural(p, "parameter")} ({Throw.Plural(d, "feature")}" +
                (fitIntercept ? " and an intercept" : "") + $"): at least {p} rows are needed. " +
                "Add rows, use fewer features or a lower `Degree`.");

        var mean = new double[d];
        var scale = new double[d];
        var qr = QrFactorization.Factor(Reparametrised(data, fitIntercept, mean, scale), n, p);
        if (qr.DiagonalRatio(out _) < RankTolerance)
            return SolveRankDeficient(data, fitIntercept, mean, scale);

        double condition = qr.ConditionNumber();
        // Where κ·ε would cost digits (refinement converges slowly and R⁻¹ loses κ·ε), small problems are solved again
        // by QR in double-double arithmetic: the coefficients and (DᵀD)⁻¹ then carry about 32 − log₁₀κ digits.
        var accurate = condition > AccurateCondition && (double)n * p * p <= AccurateBudget
            ? new DoubleDoubleSolver(n, d, fitIntercept, exactFeature ?? (IsPowerExpansion(data) ? Powers(data) : StoredFeature(data)), data.IsWeighted ? data.Weights.ToArray() : null, data.WeightSum) : null;
        var solver = new Refiner(data, fitIntercept, mean, scale, qr);
        var theta = new double[(d + off) * k];
        var layout = new ParameterLayout(d, k, fitIntercept);
        var sse = new double[k];
        var r2 = new double[k];
        var r = new double[n];
        var y = new double[n];
        for (int o = 0; o < k; o++)
        {
            for (int i = 0; i < n; i++) y[i] = data.Y[i * k + o];
            var block = theta.AsSpan(o * layout.BlockSize, layout.BlockSize);
            if (accurate is not null)
                accurate.Solve(y, block);
            else
                solver.Solve(y, block, r, refinementSteps);
            sse[o] = accurate?.ResidualSumOfSquares(y, block) ?? solver.ResidualSumOfSquares(y, block, r);
            double total = TotalSumOfSquares(y, data, fitIntercept);
            r2[o] = total > 0 ? 1 - sse[o] / total : (sse[o] == 0 ? 1 : double.NaN);
        }

        var model = new LinearModel(layout, theta, data.FeatureNames, data.TargetNames);
        int dof = data.Observations - p;
        var covariance = accurate?.UnscaledCovariance() ?? UnscaledCovariance(qr, mean, scale, fitIntercept, data.WeightSum);
        var (se, seB) = StandardErrors(Diagonal(covariance, p), d, fitIntercept, sse, dof);
        return new ExactSolution(model, se, seB, sse, r2, dof, condition, refinementSteps)
        {
            UnscaledCovariance = InterceptLast(covariance, p, fitIntercept),
            UncentredConditionNumber = DesignCondition.Uncentred(data, fitIntercept),
        };
    }

    /// <summary>
    /// E = D·U column-major (n × p, the intercept's column first): every feature centred (with an intercept) and
    /// scaled to unit norm, the column of ones scaled to unit norm. A column that is zero after centring (a constant
    /// feature) stays zero, with scale 1: the rank-deficient path deals with it. Weighted rows are whitened: E = √W·D·U,
    /// with the weighted means, and the column of ones becomes √w/√Σw.
    /// </summary>
    internal static double[] Reparametrised(Dataset data, bool fitIntercept, double[] mean, double[] scale)
    {
        int n = data.Rows, d = data.Features, off = fitIntercept ? 1 : 0;
        var x = data.X;
        var e = new double[n * (d + off)];
        var roots = Roots(data);
        var w = data.Weights;
        double total = data.WeightSum;
        if (fitIntercept)
        {
            e.AsSpan(0, n).Fill(1.0 / Math.Sqrt(total));
            if (roots is not null)
                System.Numerics.Tensors.TensorPrimitives.Multiply(e.AsSpan(0, n), roots, e.AsSpan(0, n));
        }
        for (int j = 0; j < d; j++)
        {
            double m = 0;
            if (fitIntercept && roots is null)
            {
                m = Accurate.SumStrided(x, j, d, n) / n;
                double correction = 0;
                for (int i = 0; i < n; i++) correction += x[i * d + j] - m;
                m += correction / n;
            }
            else if (fitIntercept)
            {
                m = WeightedSumStrided(x, j, d, w) / total;
                double correction = 0;
                for (int i = 0; i < n; i++) correction += w[i] * (x[i * d + j] - m);
                m += correction / total;
            }
            var col = e.AsSpan((j + off) * n, n);
            for (int i = 0; i < n; i++) col[i] = x[i * d + j] - m;
            if (roots is not null)
                System.Numerics.Tensors.TensorPrimitives.Multiply(col, roots, col);
            double norm = System.Numerics.Tensors.TensorPrimitives.Norm(col);
            if (norm == 0) norm = 1;
            System.Numerics.Tensors.TensorPrimitives.Divide(col, norm, col);
            mean[j] = m;
            scale[j] = norm;
        }
        return e;
    }

    /// <summary>√wᵢ per row of weighted data, null for unweighted rows.</summary>
    private static double[]? Roots(Dataset data)
    {
        if (!data.IsWeighted) return null;
        var roots = data.Weights.ToArray();
        System.Numerics.Tensors.TensorPrimitives.Sqrt(roots, roots);
        return roots;
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

    /// <summary>θ (+)= U θ': β = S⁻¹z, b = c/√n − x̄ᵀS⁻¹z (θ' has the intercept first, θ last); n is Σw for weighted rows.</summary>
    private static void ToOriginal(ReadOnlySpan<double> thetaPrime, Span<double> theta, double[] mean, double[] scale, bool fitIntercept, double n, bool accumulate)
    {
        int d = mean.Length, off = fitIntercept ? 1 : 0;
        double b = fitIntercept ? thetaPrime[0] / Math.Sqrt(n) : 0;
        for (int j = 0; j < d; j++)
        {
            double beta = thetaPrime[j + off] / scale[j];
            b -= mean[j] * beta;
            theta[j] = accumulate ? theta[j] + beta : beta;
        }
        if (fitIntercept) theta[d] = accumulate ? theta[d] + b : b;
    }

    /// <summary>
    /// The minimum-norm least-squares solution of a rank-deficient design, from QR with column pivoting of E = D·U:
    /// the basic solution (the r leading pivoted columns) with the null-space directions N = U·P·[−R₁₁⁻¹R₁₂; I]
    /// projected out, in the original parameters θ — what a pseudo-inverse gives (statsmodels' pinv). Coefficients
    /// whose unit vector is not orthogonal to the null space are not estimable: they are listed in
    /// <see cref="ExactSolution.Aliased"/> and their standard errors are NaN; the others' standard errors are
    /// σ̂·√[D⁺D⁺ᵀ]ⱼⱼ with σ̂² = SSE/(n − r), the same for every least-squares solution.
    /// </summary>
    private static ExactSolution SolveRankDeficient(Dataset data, bool fitIntercept, double[] mean, double[] scale)
    {
        int n = data.Rows, d = data.Features, k = data.Outputs, off = fitIntercept ? 1 : 0, p = d + off;
        var qr = QrFactorization.FactorPivoted(Reparametrised(data, fitIntercept, mean, scale), n, p);
        int rank = qr.Rank(Math.Max(RankTolerance, Epsilon * Math.Max(n, p)));
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
            ToOriginal(prime, v, mean, scale, fitIntercept, data.WeightSum, accumulate: false);
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
        var sse = new double[k];
        var r2 = new double[k];
        var y = new double[n];
        var refiner = new Refiner(data, fitIntercept, mean, scale, qr);
        var residual = new double[n];
        var roots = Roots(data);
        for (int o = 0; o < k; o++)
        {
            for (int i = 0; i < n; i++) y[i] = data.Y[i * k + o];
            var c = (double[])y.Clone();
            if (roots is not null)
                System.Numerics.Tensors.TensorPrimitives.Multiply(c, roots, c);
            qr.ApplyQt(c);
            qr.SolveLeading(c, rank);
            Array.Clear(prime);
            for (int i = 0; i < rank; i++) prime[perm[i]] = c[i];
            var block = theta.AsSpan(o * p, p);
            ToOriginal(prime, block, mean, scale, fitIntercept, data.WeightSum, accumulate: false);
            ProjectOut(block);
            sse[o] = refiner.ResidualSumOfSquares(y, block, residual);
            double total = TotalSumOfSquares(y, data, fitIntercept);
            r2[o] = total > 0 ? 1 - sse[o] / total : (sse[o] == 0 ? 1 : double.NaN);
        }

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
            ToOriginal(prime, column, mean, scale, fitIntercept, data.WeightSum, accumulate: false);
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
            if (!estimable[j]) aliased.Add(j < d ? data.FeatureNames[j] : InterceptName);
        }
        int dof = data.Observations - rank;
        var se = new double[k][];
        var seB = new double[k];
        for (int o = 0; o < k; o++)
        {
            double sigma2 = dof > 0 ? sse[o] / dof : double.NaN;
            se[o] = new double[d];
            for (int j = 0; j < d; j++) se[o][j] = estimable[j] ? Math.Sqrt(sigma2 * unscaled[j]) : double.NaN;
            seB[o] = fitIntercept && estimable[d] ? Math.Sqrt(sigma2 * unscaled[d]) : double.NaN;
        }
        var model = new LinearModel(layout, theta, data.FeatureNames, data.TargetNames);
        double condition = ConditionEstimate.FromGram(rank,
            w => { Multiply(qr, w, rank); },
            w => { SolveLeadingGram(qr, w, rank); });
        return new ExactSolution(model, se, seB, sse, r2, dof, condition, 0)
        {
            Rank = rank, Aliased = aliased, UnscaledCovariance = pseudo, UncentredConditionNumber = DesignCondition.Uncentred(data, fitIntercept),
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
        var theta = statistics.SolveNormalEquations(fitIntercept, out var inverse, out double condition, out var covariance);
        var sse = new double[k];
        var r2 = new double[k];
        for (int o = 0; o < k; o++)
        {
            sse[o] = Math.Max(statistics.ResidualSumOfSquares(o, layout.Weights((ReadOnlySpan<double>)theta, o), layout.Intercept(theta, o)), 0);
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

    /// <summary>A·Aᵀ for a row-major p × p <paramref name="a"/> (the diagonal summed in column order, as ‖row‖²).</summary>
    private static double[] OuterRows(double[] a, int p)
    {
        var g = new double[p * p];
        for (int i = 0; i < p; i++)
            for (int j = 0; j <= i; j++)
            {
                double s = 0;
                for (int c = 0; c < p; c++) s += a[i * p + c] * a[j * p + c];
                g[i * p + j] = g[j * p + i] = s;
            }
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

    /// <summary>Björck refinement on D, preconditioned by the QR of E = D·U.</summary>
    /// <remarks>Weighted rows: the system is the whitened one, f = √W(y − Dθ) − r and g = −(√W D)ᵀr.</remarks>
    private sealed class Refiner(Dataset data, bool fitIntercept, double[] mean, double[] scale, QrFactorization qr)
    {
        private readonly int _n = data.Rows;
        private readonly int _d = data.Features;
        private readonly int _off = fitIntercept ? 1 : 0;
        private readonly double[]? _roots = Roots(data);

        /// <summary>Writes θ = [β…, b] into <paramref name="theta"/> and the residual into <paramref name="r"/>.</summary>
        public void Solve(double[] y, Span<double> theta, double[] r, int steps)
        {
            int n = _n, p = qr.Columns;
            // Plain solve: θ' = R⁻¹ (Qᵀy)[0:p], r = Q [0; (Qᵀy)[p:]] (y whitened for weighted rows).
            var c = (double[])y.Clone();
            if (_roots is not null)
                System.Numerics.Tensors.TensorPrimitives.Multiply(c, _roots, c);
            qr.ApplyQt(c);
            var thetaPrime = c.AsSpan(0, p).ToArray();
            qr.SolveR(thetaPrime);
            c.AsSpan(0, p).Clear();
            qr.ApplyQ(c);
            c.CopyTo(r, 0);
            ToOriginal(thetaPrime, theta, accumulate: false);

            var f = new double[n];
            var g = new double[p];
            var delta = new double[p];
            for (int step = 0; step < steps; step++)
            {
                // f = y − r − Dθ and g' = Uᵀ(−Dᵀr), in twice the working precision.
                for (int i = 0; i < n; i++)
                    f[i] = ResidualTerm(y[i], r[i], i, theta);
                Gradient(r, g);
                // h = R⁻ᵀ g'; dd = Qᵀ f; δθ' = R⁻¹(dd[0:p] − h); δr = Q [h; dd[p:]].
                qr.SolveRt(g);
                qr.ApplyQt(f);
                for (int j = 0; j < p; j++) delta[j] = f[j] - g[j];
                qr.SolveR(delta);
                g.AsSpan().CopyTo(f);
                qr.ApplyQ(f);
                for (int i = 0; i < n; i++) r[i] += f[i];
                ToOriginal(delta, theta, accumulate: true);
            }
        }

        /// <summary>SSE of the original problem at θ, with residuals computed accurately.</summary>
        public double ResidualSumOfSquares(double[] y, ReadOnlySpan<double> theta, double[] r)
        {
            for (int i = 0; i < _n; i++) r[i] = ResidualTerm(y[i], 0, i, theta);
            return Accurate.Dot(r, r);
        }

        /// <summary>yᵢ − rᵢ − b − xᵢᵀβ, accurately; √wᵢ(yᵢ − b − xᵢᵀβ) − rᵢ for weighted rows.</summary>
        private double ResidualTerm(double yi, double ri, int i, ReadOnlySpan<double> theta)
        {
            double s = 0, c = 0;
            Accurate.TwoSumInto(ref s, ref c, yi);
            if (_roots is null)
                Accurate.TwoSumInto(ref s, ref c, -ri);
            if (fitIntercept) Accurate.TwoSumInto(ref s, ref c, -theta[_d]);
            var x = data.FeatureRow(i);
            for (int j = 0; j < _d; j++)
            {
                double prod = -x[j] * theta[j];
                c += Math.FusedMultiplyAdd(-x[j], theta[j], -prod);
                Accurate.TwoSumInto(ref s, ref c, prod);
            }
            if (_roots is null)
                return s + c;
            // √w·(s + c) − r, with the product's rounding error kept (FMA) so the whitened residual stays accurate.
            double e = s + c, el = c - (e - s), root = _roots[i];
            double hi = root * e, lo = Math.FusedMultiplyAdd(root, e, -hi) + root * el;
            double t = 0, tc = 0;
            Accurate.TwoSumInto(ref t, ref tc, hi);
            Accurate.TwoSumInto(ref t, ref tc, -ri);
            return t + (tc + lo);
        }

        /// <summary>g' = Uᵀ g with g = −Dᵀr: g'_b = g_b/√n, g'_j = (g_j − x̄ⱼ g_b)/sⱼ.</summary>
        private void Gradient(double[] r, double[] gPrime)
        {
            var x = data.X;
            if (_roots is not null)
            {
                // g = −(√W D)ᵀr = −Dᵀ(√W r).
                var whitened = new double[_n];
                System.Numerics.Tensors.TensorPrimitives.Multiply(r, _roots, whitened);
                r = whitened;
            }
            double gb = fitIntercept ? -Accurate.Sum(r) : 0;
            for (int j = 0; j < _d; j++)
            {
                double s = 0, c = 0;
                for (int i = 0; i < _n; i++)
                {
                    double prod = -x[i * _d + j] * r[i];
                    c += Math.FusedMultiplyAdd(-x[i * _d + j], r[i], -prod);
                    Accurate.TwoSumInto(ref s, ref c, prod);
                }
                gPrime[j + _off] = ((s + c) - mean[j] * gb) / scale[j];
            }
            if (fitIntercept) gPrime[0] = gb / Math.Sqrt(data.WeightSum);
        }

        private void ToOriginal(ReadOnlySpan<double> thetaPrime, Span<double> theta, bool accumulate) =>
            ExactLeastSquares.ToOriginal(thetaPrime, theta, mean, scale, fitIntercept, data.WeightSum, accumulate);
    }
}
