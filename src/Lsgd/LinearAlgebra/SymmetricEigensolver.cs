using System.Numerics.Tensors;
using Lsgd.Internals;

namespace Lsgd.LinearAlgebra;

/// <summary>
/// The cyclic Jacobi method for symmetric matrices: the library's one eigensolver (the reference the gradient
/// methods of PCA are checked against, behind the public <c>Applications.Pca.SymmetricEigen</c>).
/// </summary>
/// <remarks>
/// Each sweep zeroes every off-diagonal entry (p, q) in turn with a plane rotation chosen as in Golub and
/// Van Loan, <i>Matrix Computations</i>, §8.5 (t = sign(θ)/(|θ| + √(1 + θ²)), θ = (a_qq − a_pp)/(2a_pq)); sweeps
/// repeat until the off-diagonal mass is below 1e-15 of the matrix's Frobenius norm (or stops shrinking) — rounding level, so the
/// eigenvalues are accurate to about 1e-15·‖A‖ and the eigenvectors to about that over the eigenvalue gap.
/// Cost: O(n³) per sweep, usually 6–10 sweeps; meant for the d × d covariance of a few hundred features at most.
/// </remarks>
internal static class SymmetricEigensolver
{
    /// <summary>Most sweeps before giving up (convergence is quadratic; 10 usually suffice).</summary>
    public const int MaxSweeps = 100;

    /// <summary>Decomposes the symmetric n × n matrix <paramref name="matrix"/> (row-major; not modified).</summary>
    /// <param name="matrix">n·n values; only symmetric matrices are meaningful (the upper triangle is used).</param>
    /// <param name="order">n (≥ 1).</param>
    /// <exception cref="LsgdException">A value is not finite.</exception>
    public static (double[] Values, double[] Vectors, int Sweeps) Decompose(ReadOnlySpan<double> matrix, int order)
    {
        Check.AtLeast(order, 1, nameof(order), "Pass the number of rows of the square matrix.");
        int n = order;
        if (matrix.Length != (long)n * n)
            Throw.Length(nameof(matrix), matrix.Length, (long)n * n, $"{n} × {n} values");
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double v = i <= j ? matrix[i * n + j] : matrix[j * n + i];
                if (!double.IsFinite(v))
                    Throw.Data($"The matrix entry ({i + 1}, {j + 1}) is {Throw.Format(v)}: every entry must be a finite number.");
                a[i * n + j] = v;
            }
        var v2 = new double[n * n];   // columns are the eigenvectors while rotating
        for (int i = 0; i < n; i++) v2[i * n + i] = 1;

        double frobenius = 0;
        foreach (double x in a) frobenius += x * x;
        double threshold = 1e-30 * frobenius;   // (1e-15 ‖A‖_F)²
        int sweeps = 0;
        double previousOff = double.PositiveInfinity;
        while (sweeps < MaxSweeps)
        {
            double off = 0;
            for (int p = 0; p < n; p++)
                for (int q = p + 1; q < n; q++) off += 2 * a[p * n + q] * a[p * n + q];
            if (off <= threshold || off >= previousOff) break;   // converged, or rounding stops any progress
            previousOff = off;
            sweeps++;
            for (int p = 0; p < n - 1; p++)
                for (int q = p + 1; q < n; q++)
                    Rotate(a, v2, n, p, q);
        }

        var order2 = Enumerable.Range(0, n).OrderByDescending(i => a[i * n + i]).ThenBy(i => i).ToArray();
        var values = new double[n];
        var vectors = new double[n * n];
        for (int r = 0; r < n; r++)
        {
            int c = order2[r];
            values[r] = a[c * n + c];
            var row = vectors.AsSpan(r * n, n);
            for (int i = 0; i < n; i++) row[i] = v2[i * n + c];
            SignConvention.MakeLargestPositive(row);
        }
        return (values, vectors, sweeps);
    }

    /// <summary>Zeroes a[p, q] by a rotation in the (p, q) plane: A ← JᵀAJ, V ← VJ.</summary>
    private static void Rotate(double[] a, double[] v, int n, int p, int q)
    {
        double apq = a[p * n + q];
        if (apq == 0) return;
        double app = a[p * n + p], aqq = a[q * n + q];
        double theta = (aqq - app) / (2 * apq);
        double t = Math.Sign(theta) / (Math.Abs(theta) + Math.Sqrt(1 + theta * theta));
        if (theta == 0) t = 1;
        if (double.IsInfinity(theta * theta)) t = 1 / (2 * theta);   // |θ| huge: t ≈ 1/(2θ)
        double c = 1 / Math.Sqrt(1 + t * t), s = t * c;
        for (int k = 0; k < n; k++)
        {
            // Columns p and q of A (and, by symmetry, rows).
            double akp = a[k * n + p], akq = a[k * n + q];
            a[k * n + p] = c * akp - s * akq;
            a[k * n + q] = s * akp + c * akq;
        }
        for (int k = 0; k < n; k++)
        {
            double apk = a[p * n + k], aqk = a[q * n + k];
            a[p * n + k] = c * apk - s * aqk;
            a[q * n + k] = s * apk + c * aqk;
        }
        a[p * n + q] = a[q * n + p] = 0;
        for (int k = 0; k < n; k++)
        {
            double vkp = v[k * n + p], vkq = v[k * n + q];
            v[k * n + p] = c * vkp - s * vkq;
            v[k * n + q] = s * vkp + c * vkq;
        }
    }
}

/// <summary>The sign convention of components and eigenvectors: the entry of largest magnitude is positive.</summary>
internal static class SignConvention
{
    public static void MakeLargestPositive(Span<double> vector)
    {
        int best = 0;
        for (int i = 1; i < vector.Length; i++)
            if (Math.Abs(vector[i]) > Math.Abs(vector[best])) best = i;
        if (vector.Length > 0 && vector[best] < 0)
            TensorPrimitives.Negate(vector, vector);
    }
}
