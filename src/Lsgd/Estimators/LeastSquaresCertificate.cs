using System.Globalization;
using System.Numerics.Tensors;
using Lsgd.Data;
using Lsgd.Models;
using Lsgd.Solvers;
using Lsgd.Training;

namespace Lsgd.Estimators;

/// <summary>
/// The optimality certificate of a (penalised) linear least-squares fit, from one Cholesky factorisation of the
/// Hessian of its smooth part, shared by every output.
/// </summary>
/// <remarks>
/// <para>In the space the objective is posed in (standardised features when the fit standardises), with loss scaling
/// s (1, or 1/n) and penalty λ₁‖w‖₁ + ½λ₂‖w‖², the smooth part F is quadratic with the same Hessian H for every
/// output: with an intercept, H = [A + s·n·x̄x̄ᵀ, s·n·x̄; s·n·x̄ᵀ, s·n], A = s·Sxx + λ₂I (Sxx the centred scatter of
/// the posed features, x̄ their means); without, H = s·Σxxᵀ + λ₂I. A is factorised once (scaled to unit
/// diagonal), so the certificate costs one Cholesky of the d × d statistics and two triangular solves per output.</para>
/// <para>The bound: for any subgradient v of the objective P = F + λ₁‖w‖₁ at θ, convexity of the L1 term and the
/// exact quadratic expansion of F give P* ≥ P(θ) + vᵀ(θ* − θ) + ½(θ* − θ)ᵀH(θ* − θ), so
/// P(θ) − P* ≤ max_δ (vᵀδ − ½δᵀHδ) = ½·vᵀH⁻¹v. The minimal-norm subgradient is used. Without the L1 term v is the
/// gradient and the bound is the gap itself, J − J* = ½∇Jᵀ H⁻¹∇J, computed without the cancellation of J − J*;
/// for ridge it is the gap to the exact ridge optimum. With H in block form, vᵀH⁻¹v = zᵀA⁻¹z + v_b²/(s·n),
/// z = v_w − x̄·v_b.</para>
/// <para>The relative gap divides by J* (the exact optimum's loss, when known: unpenalised fits), else by the lower
/// bound P(θ) − bound of P*. When that is below <see cref="ZeroOptimumFraction"/>·J₀, J₀ the loss of the model that
/// predicts ȳ (or 0 without intercept) — the data lie on the model to about 8 digits, J* is zero within what the
/// loss's rounding allows — the gap is taken relative to <see cref="ZeroOptimumFraction"/>·J₀ instead, and
/// <see cref="Source"/> says so.</para>
/// </remarks>
internal sealed class LeastSquaresCertificate : IOptimalityCertificate, IPreconditioner
{
    /// <summary>The fraction of J₀ below which J* counts as zero (data exactly on the model).</summary>
    public const double ZeroOptimumFraction = 1e-8;

    /// <summary>Largest condition number of the scaled A for which the factor is trusted (beyond: no certificate).</summary>
    private const double MaxCondition = 1e13;

    private readonly SolveMany _solve;     // zₖ ← A⁻¹zₖ (scaled A), or A⁺zₖ on a rank-deficient design
    private readonly SolveMany _bound;     // _solve, or on a rank-deficient design A's inverse with null eigenvalues raised to ε·λmax (for the gap bound)
    private readonly double[] _scale;      // √diag(A)
    private readonly double[] _means;      // posed x̄ (with an intercept)
    private readonly double[] _a;          // A, for products
    private readonly ParameterLayout _layout;
    private readonly double _sn;           // s·n, the intercept's curvature
    private readonly double _l1;
    private readonly double? _optimalLoss;
    private readonly double _nullLoss;
    private readonly string _source;

    /// <summary>Solves in place for <paramref name="count"/> right-hand sides, the k-th the d values from k·<paramref name="stride"/>.</summary>
    private delegate void SolveMany(Span<double> b, int count, int stride);

    /// <summary>Eigenvalues of the scaled A at most this times d·ε·λmax count as zero (exactly dependent columns).</summary>
    private const double NullEigenvalueFactor = 100;

    private LeastSquaresCertificate(SolveMany solve, SolveMany bound, double[] scale, double[] means, double[] a, ParameterLayout layout,
        double sn, double l1, double? optimalLoss, double nullLoss, string source)
    {
        _solve = solve;
        _bound = bound;
        _scale = scale;
        _means = means;
        _a = a;
        _layout = layout;
        _sn = sn;
        _l1 = l1;
        _optimalLoss = optimalLoss;
        _nullLoss = nullLoss;
        _source = source;
        if (optimalLoss is { } j && j < ZeroOptimumFraction * nullLoss)
            _source += string.Format(CultureInfo.InvariantCulture, "; J* = {0:G3} is zero within rounding (the data lie on the model), so the gap is taken relative to {1:G0}·J₀ = {2:G3}",
                j, ZeroOptimumFraction, ZeroOptimumFraction * nullLoss);
    }

    /// <inheritdoc />
    public string Source => _source;

    /// <summary>κ(H), the 2-norm condition number of the Hessian of the smooth part (what plain gradient descent's speed depends on).</summary>
    public double Condition { get; private set; }

    /// <summary>λmin of the Hessian of the smooth part (the smallest nonzero one on a rank-deficient design).</summary>
    public double SmallestEigenvalue { get; private set; }

    /// <summary>
    /// What a certified relative gap g guarantees about the parameters: ‖θ − θ*‖²_H = 2(J − J*) ≤ 2·g·J* for a
    /// quadratic, so ‖θ − θ*‖ ≤ √(2·g·J*/λmin), divided by ‖θ*‖ (posed units; NaN when J* is unknown).
    /// </summary>
    public double RelativeParameterErrorBound(double relativeGap, double optimumNorm) =>
        _optimalLoss is { } j ? Math.Sqrt(2 * relativeGap * Math.Max(j, ZeroOptimumFraction * _nullLoss) / SmallestEigenvalue) / optimumNorm : double.NaN;

    /// <summary>J* when it is known (unpenalised fits with an exact solution), under the fit's scaling.</summary>
    public double? OptimalLoss => _optimalLoss;

    /// <summary>
    /// Builds the certificate from the statistics of the posed features, or returns null with <paramref name="why"/>
    /// when the Hessian is singular or too ill-conditioned for its factor to be trusted.
    /// </summary>
    /// <param name="posed">Statistics of the features the objective sees (standardised when the fit standardises), training rows only.</param>
    /// <param name="fitIntercept">Whether θ carries an intercept per output.</param>
    /// <param name="scaling">The loss scaling of the objective.</param>
    /// <param name="penalty">The penalty of the objective.</param>
    /// <param name="optimalLoss">J* (under the scaling), when the exact unpenalised optimum is known.</param>
    /// <param name="what">Where J* or the statistics come from, for <see cref="Source"/>.</param>
    /// <param name="why">Why no certificate could be built.</param>
    /// <param name="shared">
    /// The exact solution of the same training statistics when it came from them (<see cref="ExactSolution.ScaledFactor"/>):
    /// unpenalised, its correlation-scaled matrix is the scaled A here (shifting and scaling the features changes neither),
    /// so its factor and condition number are taken instead of a second factorisation and eigenvalue search. It may differ from
    /// this A's own factor by rounding, as any factor does (the bound is exact to about κ·ε either way).
    /// </param>
    public static LeastSquaresCertificate? Create(SufficientStatistics posed, bool fitIntercept, LossScaling scaling, Penalty penalty,
        double? optimalLoss, string what, out string? why, ExactSolution? shared = null)
    {
        int d = posed.Features;
        double n = posed.WeightSum;
        double s = scaling == LossScaling.Mean ? 1.0 / n : 1.0;
        var a = new double[d * d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
                a[i * d + j] = s * (posed.FeatureScatter[i * d + j] + (fitIntercept ? 0 : n * posed.FeatureMeans[i] * posed.FeatureMeans[j]));
            a[i * d + i] += penalty.L2;
        }
        var scale = new double[d];
        bool constant = false;
        for (int i = 0; i < d; i++)
        {
            scale[i] = Math.Sqrt(a[i * d + i]);
            if (!(scale[i] > 0))
            {
                scale[i] = 1;   // a constant (posed: zero) feature: its row and column of A are zero
                constant = true;
            }
        }
        // The scaled A (unit diagonal), formed only where it is factorised or decomposed: a shared factor needs none (a
        // d × d array of 4.7 MB for 768 features, and as many divisions).
        double[] Scaled()
        {
            var m = new double[d * d];
            for (int i = 0; i < d; i++)
                for (int j = 0; j < d; j++)
                    m[i * d + j] = a[i * d + j] / (scale[i] * scale[j]);
            return m;
        }
        double[]? copy = null;
        LinearAlgebra.Cholesky? factor;
        double scaledCondition;
        if (!constant && penalty.IsNone && shared?.ScaledFactor is { } known && known.Order == d && double.IsFinite(shared.ConditionNumber))
            (factor, scaledCondition) = (known, shared.ConditionNumber * shared.ConditionNumber);
        else
        {
            var scaled = Scaled();
            var kept = copy = (double[])scaled.Clone();
            factor = constant ? null : LinearAlgebra.Cholesky.Factor(scaled, d);
            scaledCondition = factor is null ? double.PositiveInfinity
                : Math.Pow(LinearAlgebra.ConditionEstimate.FromGram(d, w => Multiply(kept, d, w), w => factor.Solve(w)), 2);
        }
        SolveMany? solve = factor is not null && scaledCondition <= MaxCondition ? factor.Solve : null;
        SolveMany? bound = solve;
        int rank = d;
        if (solve is null && penalty.IsNone)
            (solve, bound, rank, scaledCondition) = PseudoInverse(copy ?? Scaled(), d, scaledCondition);
        if (solve is null)
        {
            why = string.Format(CultureInfo.InvariantCulture,
                "the Hessian is singular or too ill-conditioned (condition number {0:G3} of the scaled statistics) for a certificate", scaledCondition);
            return null;
        }
        double nullLoss = 0;
        for (int o = 0; o < posed.Outputs; o++)
            nullLoss += 0.5 * s * (posed.TargetScatter[o] + (fitIntercept ? 0 : n * posed.TargetMeans[o] * posed.TargetMeans[o]));
        string source = what + (penalty.L1 > 0
            ? ": ½·vᵀH⁻¹v at the minimal subgradient v (a rigorous bound on P − P*), H from one Cholesky of the statistics"
            : penalty.L2 > 0
                ? ": J − J* = ½·∇Jᵀ(H + λ₂I)⁻¹∇J, the gap to the exact ridge optimum, from one Cholesky of the statistics"
                : rank < d
                    ? string.Format(CultureInfo.InvariantCulture, ": J − J* = ½·∇JᵀH⁺∇J, the gap to the optimum (unique in J though not in θ: the centred features have rank {0} of {1}), from the eigendecomposition of the statistics", rank, d)
                    : ": J − J* = ½·∇JᵀH⁻¹∇J, the gap to the exact optimum, from one Cholesky of the statistics");
        var layout = new ParameterLayout(d, posed.Outputs, fitIntercept);
        var certificate = new LeastSquaresCertificate(solve, bound!, scale, fitIntercept ? [.. posed.FeatureMeans] : new double[d], a, layout,
            s * n, penalty.L1, optimalLoss, nullLoss, source);
        var (largest, inverseSmallest) = LinearAlgebra.ConditionEstimate.LargestEigenvalues(layout.BlockSize,
            w => certificate.HessianBlock(w), w => certificate.InverseHessian(w, 1, certificate._solve));
        certificate.Condition = largest * inverseSmallest;
        certificate.SmallestEigenvalue = 1 / inverseSmallest;
        why = null;
        return certificate;
    }

    /// <inheritdoc />
    public double RelativeGapBound(ReadOnlySpan<double> theta, double loss, ReadOnlySpan<double> gradient)
    {
        double bound = AbsoluteGapBound(theta, gradient);
        if (!double.IsFinite(bound)) return double.PositiveInfinity;
        double optimum = _optimalLoss ?? loss - bound;
        return bound / Math.Max(optimum, ZeroOptimumFraction * _nullLoss);
    }

    /// <summary>The bound on P(θ) − P*, ½·vᵀH⁻¹v summed over the outputs (every output's solve in one sweep of the factor).</summary>
    public double AbsoluteGapBound(ReadOnlySpan<double> theta, ReadOnlySpan<double> gradient)
    {
        int d = _layout.Features, bs = _layout.BlockSize, k = _layout.Outputs;
        var v = new double[bs * k];
        for (int o = 0; o < k; o++)
        {
            var g = gradient.Slice(o * bs, bs);
            var t = theta.Slice(o * bs, bs);
            for (int j = 0; j < d; j++)
            {
                double gj = g[j];
                v[o * bs + j] = _l1 <= 0 ? gj
                    : t[j] != 0 ? gj + _l1 * Math.Sign(t[j])
                    : Math.Sign(gj) * Math.Max(Math.Abs(gj) - _l1, 0);
            }
            if (_layout.HasIntercept) v[o * bs + d] = g[d];
        }
        var z = (double[])v.Clone();
        InverseHessian(z, k, _bound);
        double total = 0;
        for (int o = 0; o < k; o++)
            total += 0.5 * TensorPrimitives.Dot(v.AsSpan(o * bs, bs), z.AsSpan(o * bs, bs));
        return total;
    }

    /// <summary>
    /// r ← H⁻¹r block by block (H⁺ on a rank-deficient design): conjugate gradient's preconditioner, from the factor
    /// this certificate holds anyway. It costs O(d²) a step (two triangular solves, every output's in the same sweep
    /// of the factor), against O(n·d) for a pass over the rows and O(d²) for a step on the statistics, and nothing to
    /// build: the O(d³) factor is the certificate's own, and a fit without a certificate (κ beyond what the factor can
    /// be trusted for) gets none.
    /// </summary>
    public void Precondition(Span<double> residual) => InverseHessian(residual, _layout.Outputs, _solve);

    /// <summary>w ← H w for one output's block.</summary>
    private void HessianBlock(double[] w)
    {
        int d = _layout.Features;
        var aw = new double[d];
        Multiply(_a, d, w.AsSpan(0, d), aw);
        if (_layout.HasIntercept)
        {
            double c = TensorPrimitives.Dot(_means, w.AsSpan(0, d)) + w[d];
            TensorPrimitives.MultiplyAdd(_means, _sn * c, aw, aw);
            w[d] = _sn * c;
        }
        aw.CopyTo(w, 0);
    }

    /// <summary>
    /// w ← H⁻¹ w for the first <paramref name="outputs"/> blocks of w: H⁻¹ = M⁻¹ diag(A⁻¹, 1/(s·n)) M⁻ᵀ with
    /// M = [I, 0; x̄ᵀ, 1], the solves with A of every block together.
    /// </summary>
    private void InverseHessian(Span<double> w, int outputs, SolveMany solve)
    {
        int d = _layout.Features, bs = _layout.BlockSize;
        // The same vector (or its negative) comes back within a step: conjugate gradient preconditions r = −∇J, then its
        // stopping rule bounds the gap at ∇J, and a confirmation recomputes ∇J, preconditions it and bounds the gap there
        // again. The solve is linear and rounds symmetrically (round to nearest), so H⁻¹(−v) is exactly −H⁻¹v: the last
        // solve is kept and given back for those, the same numbers without the two triangular sweeps over the factor.
        int length = outputs * bs;
        var last = _last;
        if (last is not null && last.Solve == solve && last.Input.Length == length && Same(last.Input, w[..length]) is var sign and not 0)
        {
            for (int i = 0; i < length; i++) w[i] = sign * last.Output[i];
            return;
        }
        var input = length >= MinimumKept ? w[..length].ToArray() : null;
        Solve(w, outputs, solve);
        if (input is not null)
            _last = new Kept(solve, input, w[..length].ToArray());
    }

    /// <summary>Values of the smallest block of vectors whose solve is kept for a repeat (below, solving again costs little).</summary>
    private const int MinimumKept = 256;

    /// <summary>The last solve: which, of what, and its result.</summary>
    private sealed record Kept(SolveMany Solve, double[] Input, double[] Output);

    private Kept? _last;

    /// <summary>1 when b equals a value for value, −1 when it equals −a, else 0.</summary>
    private static int Same(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.SequenceEqual(b)) return 1;
        for (int i = 0; i < a.Length; i++)
            if (a[i] != -b[i]) return 0;
        return -1;
    }

    /// <summary>w ← H⁻¹ w for the first <paramref name="outputs"/> blocks of w (see <see cref="InverseHessian"/>).</summary>
    private void Solve(Span<double> w, int outputs, SolveMany solve)
    {
        int d = _layout.Features, bs = _layout.BlockSize;
        for (int o = 0; o < outputs; o++)
        {
            var z = w.Slice(o * bs, d);
            if (_layout.HasIntercept)
                TensorPrimitives.MultiplyAdd(_means, -w[o * bs + d], z, z);
            TensorPrimitives.Divide(z, _scale, z);
        }
        solve(w, outputs, bs);
        for (int o = 0; o < outputs; o++)
        {
            var z = w.Slice(o * bs, d);
            TensorPrimitives.Divide(z, _scale, z);
            if (_layout.HasIntercept)
                w[o * bs + d] = w[o * bs + d] / _sn - TensorPrimitives.Dot(_means, z);
        }
    }

    /// <summary>
    /// z ← A⁺z for a scaled A whose small eigenvalues are rounding noise (at most <see cref="NullEigenvalueFactor"/>·d·ε·λmax:
    /// exactly dependent or constant features), else null; and for the gap bound, z ← (A with those eigenvalues raised to
    /// ε·λmax)⁻¹z. A's eigenvalues between the noise and 1/<see cref="MaxCondition"/> leave no certificate.
    /// </summary>
    /// <remarks>
    /// The gradient of a least-squares objective lies in the range of H, so where the null space is exact ½·gᵀH⁺g is
    /// the gap and J is constant along it; the gradient's component there is rounding, and the raised eigenvalues count
    /// it at about ε·J. Where A only looks singular (NIST's Filip: eigenvalues near 10⁻¹⁵·λmax, not zero) J does vary
    /// along those directions, and ½·gᵀH⁺g alone would certify a point whose J is far from J*: the raised eigenvalues
    /// keep that gradient in the bound.
    /// </remarks>
    private static (SolveMany?, SolveMany?, int Rank, double Condition) PseudoInverse(double[] scaled, int d, double choleskyCondition)
    {
        var (values, vectors, _) = LinearAlgebra.SymmetricEigensolver.Decompose(scaled, d);
        double max = values.Max();
        if (!(max > 0)) return (null, null, 0, double.PositiveInfinity);
        double zero = NullEigenvalueFactor * d * 2.220446049250313e-16 * max;
        double min = double.PositiveInfinity;
        int rank = 0;
        foreach (double v in values)
            if (v > zero) { rank++; min = Math.Min(min, v); }
        double condition = max / min;
        if (rank == d || !(condition <= MaxCondition))
            return (null, null, rank, Math.Max(choleskyCondition, condition));
        // vectors: row k of the row-major d × d matrix is the eigenvector of values[k] (SymmetricEigensolver.Decompose).
        var inverse = values.Select(v => v > zero ? 1 / v : 0).ToArray();
        var raised = values.Select(v => 1 / Math.Max(v, 2.220446049250313e-16 * max)).ToArray();
        return ((b, count, stride) => SolveEach(b, count, stride, inverse), (b, count, stride) => SolveEach(b, count, stride, raised), rank, condition);

        void SolveEach(Span<double> b, int count, int stride, double[] inverse)
        {
            for (int k = 0; k < count; k++) Solve(b.Slice(k * stride, d), inverse);
        }

        void Solve(Span<double> b, double[] inverse)
        {
            var c = new double[d];
            for (int k = 0; k < d; k++)
            {
                if (inverse[k] == 0) continue;
                double dot = 0;
                for (int i = 0; i < d; i++) dot += vectors[k * d + i] * b[i];
                c[k] = dot * inverse[k];
            }
            for (int i = 0; i < d; i++)
            {
                double v = 0;
                for (int k = 0; k < d; k++) v += vectors[k * d + i] * c[k];
                b[i] = v;
            }
        }
    }

    private static void Multiply(double[] a, int d, double[] w)
    {
        var result = new double[d];
        Multiply(a, d, w, result);
        result.CopyTo(w, 0);
    }

    private static void Multiply(double[] a, int d, ReadOnlySpan<double> w, Span<double> result)
    {
        for (int i = 0; i < d; i++)
            result[i] = TensorPrimitives.Dot(a.AsSpan(i * d, d), w);
    }
}
