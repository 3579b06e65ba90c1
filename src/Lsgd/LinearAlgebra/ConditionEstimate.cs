using System.Numerics.Tensors;

namespace Lsgd.LinearAlgebra;

/// <summary>The 2-norm condition number of a matrix F from products with its Gram matrix G = FᵀF and its inverse.</summary>
internal static class ConditionEstimate
{
    /// <summary>Lanczos steps at most for each end of the spectrum unless a caller asks otherwise (the order of the matrix if smaller).</summary>
    /// <remarks>
    /// Enough for the clusters met in practice: the 768 standardised embedding features of the 50 000 × 768 head, whose three
    /// largest eigenvalues lie within 2 % of each other (3.595, 3.654, 3.675), take about 70 steps to <see cref="Tolerance"/>, the
    /// other end about 8 (the same steps in numpy); power iteration, which this replaced, had reached λmax only to 0.6 % after
    /// its 60 steps (κ 0.3 % low).
    /// </remarks>
    public const int DefaultIterations = 300;

    /// <summary>
    /// The Ritz value is taken once its residual ‖G y − θ y‖ is at most this fraction of θ: then an eigenvalue of G lies within
    /// that distance of θ, and (the residual squared over the gap to the next eigenvalue) usually within rounding of it.
    /// </summary>
    public const double Tolerance = 1e-10;

    /// <summary>
    /// √(λmax/λmin) of a p × p symmetric positive definite Gram matrix G = FᵀF, from the largest eigenvalues of
    /// <paramref name="gram"/> (w ← G w) and of <paramref name="inverseGram"/> (w ← G⁻¹ w), each by
    /// <see cref="LargestEigenvalue"/>: the 2-norm condition number of F. Shared by the QR (G = RᵀR) and Cholesky (G = LLᵀ) factors.
    /// </summary>
    public static double FromGram(int p, Action<double[]> gram, Action<double[]> inverseGram, int iterations = DefaultIterations)
    {
        if (p == 0) return 1;
        var (max, invMin) = LargestEigenvalues(p, gram, inverseGram, iterations);
        return Math.Sqrt(max * invMin);
    }

    /// <summary>
    /// The largest eigenvalues of two p × p operators (a matrix and its inverse, say), each by
    /// <see cref="LargestEigenvalue"/>: side by side on two threads from <see cref="ParallelOrder"/> on, where each
    /// step streams a factor too large for the core's own cache (768 features: 2.4 MB a triangular sweep), else one
    /// after the other. The two are independent, so the figures are the same either way, bit for bit. Both operators
    /// must be safe to apply at the same time (they read their factor and write only the vector given).
    /// </summary>
    public static (double First, double Second) LargestEigenvalues(int p, Action<double[]> first, Action<double[]> second, int iterations = DefaultIterations)
    {
        if (p < ParallelOrder || Environment.ProcessorCount < 2)
            return (LargestEigenvalue(p, first, iterations), LargestEigenvalue(p, second, iterations));
        double a = 0, b = 0;
        Parallel.Invoke(() => a = LargestEigenvalue(p, first, iterations), () => b = LargestEigenvalue(p, second, iterations));
        return (a, b);
    }

    /// <summary>The order from which <see cref="LargestEigenvalues"/> runs its two eigenvalue searches side by side.</summary>
    internal const int ParallelOrder = 256;

    /// <summary>
    /// The largest eigenvalue of a p × p symmetric positive semidefinite operator, by the Lanczos method with full
    /// reorthogonalisation: the largest Ritz value θ of the tridiagonal T = VᵀGV over the Krylov space of a fixed start
    /// vector, step after step until its residual ‖G y − θ y‖ = βₖ₊₁·|sₖ| (sₖ the last entry of T's eigenvector) is at most
    /// <see cref="Tolerance"/>·θ, the space is invariant (βₖ₊₁ ≈ 0, at the latest after p steps: then θ is exact), or
    /// <paramref name="iterations"/> steps are done.
    /// </summary>
    /// <remarks>
    /// θ never exceeds λmax (interlacing), and reaches it in far fewer products than power iteration where the top
    /// eigenvalues crowd together (the rate depends on the gap relative to the spread of the spectrum, not to λmax).
    /// Each step orthogonalises the new vector twice against all before it ("twice is enough"), so no copies of converged
    /// Ritz values appear; θ comes from bisection of T's Sturm sequence, sₖ from two steps of inverse iteration with
    /// σI − T (σ bisection's upper bracket, so σI − T is positive semidefinite and its LDLᵀ factors need no pivoting).
    /// </remarks>
    public static double LargestEigenvalue(int p, Action<double[]> apply, int iterations = DefaultIterations)
    {
        if (p == 0) return 0;
        int steps = Math.Max(1, Math.Min(p, iterations));
        var basis = new List<double[]>();
        var alpha = new double[steps];
        var beta = new double[steps];   // beta[k]: the coupling of vectors k and k + 1
        var v = new double[p];
        for (int i = 0; i < p; i++) v[i] = 1 + 0.1 * i / p;
        TensorPrimitives.Divide(v, TensorPrimitives.Norm(v), v);
        basis.Add(v);
        double theta = 0;
        for (int k = 0; k < steps; k++)
        {
            var w = (double[])basis[k].Clone();
            apply(w);
            alpha[k] = TensorPrimitives.Dot(basis[k], w);
            for (int pass = 0; pass < 2; pass++)
                foreach (var previous in basis)
                    TensorPrimitives.MultiplyAdd(previous, -TensorPrimitives.Dot(previous, w), w, w);
            double b = TensorPrimitives.Norm(w);
            if (!double.IsFinite(alpha[k]) || !double.IsFinite(b))
                return double.NaN;   // the operator gave a value that is not a number (a singular or broken factor)
            (theta, double upper) = LargestTridiagonal(alpha, beta, k + 1);
            double scale = Math.Max(Math.Abs(theta), double.Epsilon);
            // The last step allowed (after p steps the space is the whole space, and θ exact), or an invariant subspace to rounding.
            if (k + 1 == steps || !(b > 1e-14 * scale))
                return theta;
            if (b * Math.Abs(LastEntry(alpha, beta, k + 1, upper)) <= Tolerance * scale)
                return theta;
            beta[k] = b;
            TensorPrimitives.Divide(w, b, w);
            basis.Add(w);
        }
        return theta;
    }

    /// <summary>
    /// The largest eigenvalue of the symmetric tridiagonal matrix of diagonal <paramref name="alpha"/> and off-diagonal
    /// <paramref name="beta"/> (first <paramref name="n"/> and n − 1 entries), by bisection of its Sturm sequence from the
    /// Gershgorin bound, to a bracket of a few units in the last place: its midpoint, and its upper end (no eigenvalue above).
    /// </summary>
    internal static (double Value, double Upper) LargestTridiagonal(ReadOnlySpan<double> alpha, ReadOnlySpan<double> beta, int n)
    {
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity, couplings = 1;
        for (int i = 0; i < n; i++)
        {
            double radius = (i > 0 ? Math.Abs(beta[i - 1]) : 0) + (i < n - 1 ? Math.Abs(beta[i]) : 0);
            lo = Math.Min(lo, alpha[i] - radius);
            hi = Math.Max(hi, alpha[i] + radius);
            if (i < n - 1) couplings = Math.Max(couplings, beta[i] * beta[i]);
        }
        // A pivot smaller than this is taken as this, negative (LAPACK's dstebz does likewise): no division by zero.
        double pivotFloor = 1e-300 * couplings;
        if (!double.IsFinite(lo) || !double.IsFinite(hi)) return (double.NaN, double.NaN);
        // Halving from the Gershgorin width to a few units in the last place takes about 60 steps; the cap only guards the loop.
        for (int step = 0; step < 2200; step++)
        {
            double mid = 0.5 * (lo + hi);
            if (mid <= lo || mid >= hi || hi - lo <= 4 * MachineEpsilon * Math.Max(Math.Abs(lo), Math.Abs(hi))) break;
            // The negative pivots of T − mid·I = LDLᵀ count T's eigenvalues below mid.
            int below = 0;
            double q = 0;
            for (int i = 0; i < n; i++)
            {
                q = alpha[i] - mid - (i > 0 ? beta[i - 1] * beta[i - 1] / q : 0);
                if (Math.Abs(q) < pivotFloor) q = -pivotFloor;
                if (q < 0) below++;
            }
            if (below == n) hi = mid;
            else lo = mid;
        }
        return (0.5 * (lo + hi), hi);
    }

    private const double MachineEpsilon = 2.220446049250313e-16;

    /// <summary>
    /// The last entry of the unit eigenvector of the tridiagonal (<paramref name="alpha"/>, <paramref name="beta"/>, order
    /// <paramref name="n"/>) for its largest eigenvalue: two steps of inverse iteration with σI − T, σ at or just above that
    /// eigenvalue (positive semidefinite, so factored as LDLᵀ without pivoting; a pivot that rounds to zero or below is
    /// lifted to a tiny positive one, which only makes the solve amplify the wanted direction the more).
    /// </summary>
    internal static double LastEntry(ReadOnlySpan<double> alpha, ReadOnlySpan<double> beta, int n, double sigma)
    {
        if (n == 1) return 1;
        var d = new double[n];
        var l = new double[n];
        double norm = 0;
        for (int i = 0; i < n; i++) norm = Math.Max(norm, Math.Abs(alpha[i]) + (i > 0 ? Math.Abs(beta[i - 1]) : 0) + (i < n - 1 ? Math.Abs(beta[i]) : 0));
        double floor = Math.Max(norm * 1e-20, 1e-300);
        d[0] = Math.Max(sigma - alpha[0], floor);
        for (int i = 1; i < n; i++)
        {
            l[i - 1] = -beta[i - 1] / d[i - 1];
            d[i] = Math.Max(sigma - alpha[i] + l[i - 1] * beta[i - 1], floor);
        }
        var x = new double[n];
        Array.Fill(x, 1.0);
        for (int round = 0; round < 2; round++)
        {
            // x ← (σI − T)⁻¹x: L z = x, D u = z, Lᵀ x = u; then x/‖x‖.
            for (int i = 1; i < n; i++) x[i] -= l[i - 1] * x[i - 1];
            for (int i = 0; i < n; i++) x[i] /= d[i];
            for (int i = n - 2; i >= 0; i--) x[i] -= l[i] * x[i + 1];
            double size = TensorPrimitives.Norm(x);
            if (!(size > 0) || !double.IsFinite(size)) return 1;   // cannot tell: claim nothing from it
            TensorPrimitives.Divide(x, size, x);
        }
        return x[n - 1];
    }
}
