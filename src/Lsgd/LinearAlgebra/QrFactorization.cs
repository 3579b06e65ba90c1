using System.Numerics.Tensors;

namespace Lsgd.LinearAlgebra;

/// <summary>
/// Householder QR of a tall column-major matrix A (n × p, n ≥ p): A = Q [R; 0]. Keeps the reflectors so
/// Qᵀ and Q can be applied to further vectors (iterative refinement, standard errors).
/// </summary>
internal sealed class QrFactorization
{
    private readonly int _n;
    private readonly int _p;
    private readonly double[] _v;      // reflector j stored in column j, rows j..n-1 (column-major n × p)
    private readonly double[] _tau;    // Hj = I − τj vj vjᵀ
    private readonly double[] _r;      // p × p upper triangular, row-major
    private readonly int[]? _permutation;

    private QrFactorization(int n, int p, double[] v, double[] tau, double[] r, int[]? permutation = null)
    {
        _n = n; _p = p; _v = v; _tau = tau; _r = r; _permutation = permutation;
    }

    /// <summary>
    /// For a factorisation with column pivoting, A·P = Q [R; 0]: column k of A·P is column Permutation[k] of A
    /// (null without pivoting).
    /// </summary>
    public IReadOnlyList<int>? Permutation => _permutation;

    public int Rows => _n;
    public int Columns => _p;

    /// <summary>Rᵢⱼ (0 ≤ i ≤ j &lt; p).</summary>
    public double R(int i, int j) => _r[i * _p + j];

    /// <summary>Factorises <paramref name="a"/> (column-major n × p; overwritten).</summary>
    public static QrFactorization Factor(double[] a, int n, int p)
    {
        var tau = new double[p];
        var r = new double[p * p];
        for (int j = 0; j < p; j++)
            Reflect(a, n, p, j, tau, r);
        return new QrFactorization(n, p, a, tau, r);
    }

    /// <summary>
    /// The triangle alone, <paramref name="r"/> (p × p row-major, upper triangular) from a factorisation whose Q
    /// was not kept (a tall-skinny QR): solves, inverse and condition estimates work; applying Q does not.
    /// </summary>
    public static QrFactorization FromR(double[] r, int p) => new(p, p, [], new double[p], r);

    /// <summary>
    /// Householder QR with column pivoting (Businger–Golub): at each step the remaining column of largest norm is
    /// brought forward, so |R₀₀| ≥ |R₁₁| ≥ … and the numerical rank shows on the diagonal (rank-revealing in practice).
    /// </summary>
    public static QrFactorization FactorPivoted(double[] a, int n, int p)
    {
        var tau = new double[p];
        var r = new double[p * p];
        var perm = new int[p];
        for (int c = 0; c < p; c++) perm[c] = c;
        var swap = new double[n];
        for (int j = 0; j < p; j++)
        {
            int best = j;
            double bestNorm = -1;
            for (int c = j; c < p; c++)
            {
                double norm = TensorPrimitives.Norm(a.AsSpan(c * n + j, n - j));
                if (norm > bestNorm) { bestNorm = norm; best = c; }
            }
            if (best != j)
            {
                a.AsSpan(j * n, n).CopyTo(swap);
                a.AsSpan(best * n, n).CopyTo(a.AsSpan(j * n, n));
                swap.AsSpan().CopyTo(a.AsSpan(best * n, n));
                (perm[j], perm[best]) = (perm[best], perm[j]);
                for (int i = 0; i < j; i++) (r[i * p + j], r[i * p + best]) = (r[i * p + best], r[i * p + j]);
            }
            Reflect(a, n, p, j, tau, r);
        }
        return new QrFactorization(n, p, a, tau, r, perm);
    }

    /// <summary>Step j of Householder QR: the reflector of column j, applied to the columns after it.</summary>
    private static void Reflect(double[] a, int n, int p, int j, double[] tau, double[] r)
    {
        var col = a.AsSpan(j * n + j, n - j);
        double norm = TensorPrimitives.Norm(col);
        if (norm == 0)
        {
            tau[j] = 0;
            r[j * p + j] = 0;
            for (int c = j + 1; c < p; c++) r[j * p + c] = a[c * n + j];
            return;
        }
        double alpha = col[0] >= 0 ? -norm : norm;
        col[0] -= alpha;                       // v = x − α e1
        double vtv = TensorPrimitives.Dot(col, col);
        tau[j] = 2.0 / vtv;
        r[j * p + j] = alpha;
        for (int c = j + 1; c < p; c++)
        {
            var other = a.AsSpan(c * n + j, n - j);
            double s = tau[j] * TensorPrimitives.Dot(col, other);
            TensorPrimitives.MultiplyAdd(col, -s, other, other);
            r[j * p + c] = other[0];
        }
    }

    /// <summary>
    /// The numerical rank: how many diagonal entries of R exceed <paramref name="tolerance"/>·|R₀₀| (meaningful
    /// after <see cref="FactorPivoted"/>, whose diagonal does not increase).
    /// </summary>
    public int Rank(double tolerance)
    {
        if (_p == 0) return 0;
        double first = Math.Abs(_r[0]);
        int rank = 0;
        while (rank < _p && Math.Abs(_r[rank * _p + rank]) > tolerance * first) rank++;
        return rank;
    }

    /// <summary>Solves R₁₁ x = b in place for the leading <paramref name="size"/> × <paramref name="size"/> block of R.</summary>
    public void SolveLeading(Span<double> b, int size)
    {
        for (int i = size - 1; i >= 0; i--)
        {
            double s = b[i];
            for (int j = i + 1; j < size; j++)
                s -= _r[i * _p + j] * b[j];
            b[i] = s / _r[i * _p + i];
        }
    }

    /// <summary>
    /// <see cref="SolveLeading"/> with each row's sum a vectorised dot product (rounded in another order): for R⁻¹ and the
    /// condition estimate, not for the solutions, whose last bits the curve fits' step control (NIST's Roszman1 and
    /// Thurber keep their certified digits only so) and the refinement's tests are tuned to.
    /// </summary>
    private void SolveLeadingByRows(Span<double> b, int size)
    {
        for (int i = size - 1; i >= 0; i--)
            b[i] = (b[i] - TensorPrimitives.Dot(_r.AsSpan(i * _p + i + 1, size - i - 1), b[(i + 1)..size])) / _r[i * _p + i];
    }

    /// <summary>b ← Qᵀ b (length n).</summary>
    public void ApplyQt(Span<double> b)
    {
        if (_v.Length == 0 && _p > 0) throw new InvalidOperationException("This factor has no reflectors (it was built from R alone).");
        for (int j = 0; j < _p; j++) ApplyReflector(j, b);
    }

    /// <summary>b ← Q b (length n).</summary>
    public void ApplyQ(Span<double> b)
    {
        if (_v.Length == 0 && _p > 0) throw new InvalidOperationException("This factor has no reflectors (it was built from R alone).");
        for (int j = _p - 1; j >= 0; j--) ApplyReflector(j, b);
    }

    /// <summary>b ← Hⱼ b with Hⱼ = I − τⱼ vⱼ vⱼᵀ (its own inverse).</summary>
    private void ApplyReflector(int j, Span<double> b)
    {
        if (_tau[j] == 0) return;
        var v = _v.AsSpan(j * _n + j, _n - j);
        var part = b[j..];
        double s = _tau[j] * TensorPrimitives.Dot(v, part);
        TensorPrimitives.MultiplyAdd(v, -s, part, part);
    }

    /// <summary>Solves R x = b in place (b of length p).</summary>
    public void SolveR(Span<double> b) => SolveLeading(b, _p);

    /// <summary>R⁻¹ (p × p, row-major, upper triangular): column c solves R z = e_c.</summary>
    public double[] InverseR()
    {
        // Column c of R⁻¹ is zero below row c: only the leading (c + 1) × (c + 1) block of R is solved for it (p³/6
        // multiply-adds in all, not p³/2).
        // Each column alone, so large orders take them on every core (the same bits).
        var rinv = new double[_p * _p];
        void Column(int c, double[] unit)
        {
            unit.AsSpan(0, c).Clear();
            unit[c] = 1;
            SolveLeadingByRows(unit, c + 1);
            for (int i = 0; i <= c; i++) rinv[i * _p + c] = unit[i];
        }
        if (_p >= ParallelOrder && Environment.ProcessorCount > 1)
            Parallel.For(0, _p, () => new double[_p], (c, _, unit) => { Column(c, unit); return unit; }, _ => { });
        else
        {
            var unit = new double[_p];
            for (int c = 0; c < _p; c++) Column(c, unit);
        }
        return rinv;
    }

    /// <summary>The order from which <see cref="InverseR"/> spreads its columns over the cores (p³/6 multiply-adds: 10⁷ at 400).</summary>
    internal const int ParallelOrder = 400;

    /// <summary>Solves Rᵀ x = b in place (b of length p).</summary>
    /// <remarks>
    /// By rows of R (Rᵀ's columns): once xᵢ is known, xᵢ times row i right of the diagonal leaves the entries after i, a
    /// contiguous run, instead of each entry reading a column of R (a cache line an entry once R outgrows the cache).
    /// Entry m still takes its terms in the order j = 0, 1, …, each product rounded and then subtracted (MultiplyAdd is not
    /// fused): the bits of the entry-by-entry substitution, which the curve fits' step control is tuned to.
    /// </remarks>
    public void SolveRt(Span<double> b)
    {
        if (b.Length < _p) throw new ArgumentException($"The vector has {b.Length} values but R has {_p} rows.", nameof(b));
        for (int i = 0; i < _p; i++)
        {
            double xi = b[i] /= _r[i * _p + i];
            if (i + 1 < _p)
                TensorPrimitives.MultiplyAdd(_r.AsSpan(i * _p + i + 1, _p - i - 1), -xi, b[(i + 1).._p], b[(i + 1).._p]);
        }
    }

    /// <summary>
    /// The 2-norm condition number of A (= of R): σmax/σmin, from the largest eigenvalues of RᵀR (σmax²) and of
    /// (RᵀR)⁻¹ = R⁻¹R⁻ᵀ (two triangular solves per step; 1/σmin²) by the Lanczos method (<see cref="ConditionEstimate.LargestEigenvalue"/>).
    /// O(p²) per step; <paramref name="iterations"/> steps at most for each.
    /// </summary>
    public double ConditionNumber(int iterations = ConditionEstimate.DefaultIterations) =>
        ConditionEstimate.FromGram(_p, w => { MultiplyR(w); MultiplyRt(w); }, w => { SolveRt(w); SolveLeadingByRows(w, _p); }, iterations);

    /// <summary>x ← R x (x of length p): row i's dot product with the entries from i on, not yet overwritten.</summary>
    private void MultiplyR(Span<double> x)
    {
        for (int i = 0; i < _p; i++)
            x[i] = TensorPrimitives.Dot(_r.AsSpan(i * _p + i, _p - i), x[i.._p]);
    }

    /// <summary>
    /// x ← Rᵀ x (x of length p): (Rᵀx)ᵢ = Σ_{j ≤ i} Rⱼᵢ xⱼ, by rows of R from the last: row j adds xⱼ times its part right
    /// of the diagonal to the entries after j (already their own diagonal terms), then xⱼ becomes Rⱼⱼ xⱼ.
    /// </summary>
    private void MultiplyRt(Span<double> x)
    {
        for (int j = _p - 1; j >= 0; j--)
        {
            double xj = x[j];
            if (xj != 0 && j + 1 < _p)
                TensorPrimitives.MultiplyAdd(_r.AsSpan(j * _p + j + 1, _p - j - 1), xj, x[(j + 1).._p], x[(j + 1).._p]);
            x[j] = _r[j * _p + j] * xj;
        }
    }

    /// <summary>Smallest |Rᵢᵢ| divided by the largest: a cheap lower bound on 1/cond(A).</summary>
    public double DiagonalRatio(out int smallestIndex)
    {
        double min = double.PositiveInfinity, max = 0;
        smallestIndex = 0;
        for (int i = 0; i < _p; i++)
        {
            double v = Math.Abs(_r[i * _p + i]);
            if (v < min) { min = v; smallestIndex = i; }
            max = Math.Max(max, v);
        }
        return _p == 0 ? 1 : (max == 0 ? 0 : min / max);
    }
}
