using System.Numerics.Tensors;
using Lsgd.Internals;

namespace Lsgd.Applications.Pca;

/// <summary>
/// Orthonormal bases of subspaces of ℝᵈ stored as k rows of d values (row-major), and the principal
/// angles between two of them.
/// </summary>
public static class Subspaces
{
    /// <summary>
    /// The principal angles θ₁ ≤ … ≤ θₖ (radians) between span(<paramref name="a"/>) and span(<paramref name="b"/>),
    /// each given as k orthonormal rows of d values.
    /// </summary>
    /// <remarks>
    /// Computed from sines, not cosines, so that small angles keep their accuracy (acos of a cosine near 1
    /// loses half the digits): the rows of B are projected off span(A) twice, R = (I − AᵀA)Bᵀ, and
    /// sin θᵢ are the singular values of R, found as square roots of the eigenvalues of RᵀR
    /// (<see cref="SymmetricEigen"/>). Angles down to about 1e-15 are resolved.
    /// </remarks>
    /// <param name="a">k × d, orthonormal rows.</param>
    /// <param name="b">k × d, orthonormal rows.</param>
    /// <param name="dimension">d.</param>
    public static double[] PrincipalAngles(ReadOnlySpan<double> a, ReadOnlySpan<double> b, int dimension)
    {
        Check.AtLeast(dimension, 1, nameof(dimension), "Pass the length of each basis vector.");
        int d = dimension;
        if (a.Length % d != 0 || a.Length == 0)
            Throw.Length(nameof(a), a.Length, Math.Max(d, a.Length / d * d), "k rows of d values");
        if (b.Length != a.Length)
            Throw.Length(nameof(b), b.Length, a.Length, "as many rows as a");
        int k = a.Length / d;
        var r = b.ToArray();
        for (int pass = 0; pass < 2; pass++)
            for (int j = 0; j < k; j++)
            {
                var rj = r.AsSpan(j * d, d);
                for (int i = 0; i < k; i++)
                {
                    var ai = a.Slice(i * d, d);
                    TensorPrimitives.MultiplyAdd(ai, -TensorPrimitives.Dot(ai, rj), rj, rj);
                }
            }
        var gram = new double[k * k];
        for (int i = 0; i < k; i++)
            for (int j = i; j < k; j++)
                gram[i * k + j] = gram[j * k + i] = TensorPrimitives.Dot(r.AsSpan(i * d, d), r.AsSpan(j * d, d));
        var eigen = SymmetricEigen.Decompose(gram, k);
        var angles = new double[k];
        for (int i = 0; i < k; i++)
            angles[i] = Math.Asin(Math.Min(1, Math.Sqrt(Math.Max(0, eigen.Values[k - 1 - i]))));
        return angles;
    }

    /// <summary>The largest principal angle (radians) between the two subspaces: 0 when they are the same.</summary>
    public static double LargestPrincipalAngle(ReadOnlySpan<double> a, ReadOnlySpan<double> b, int dimension) =>
        PrincipalAngles(a, b, dimension)[^1];

    /// <summary>
    /// Orthonormalises the k rows of <paramref name="basis"/> in place, in order (modified Gram–Schmidt, done twice
    /// — "twice is enough" — so the result is orthonormal to rounding). A row that is (numerically) in the span of
    /// the rows before it is replaced by a seeded random unit vector orthogonal to them, so the result always
    /// has k orthonormal rows.
    /// </summary>
    /// <param name="basis">k × d, row-major; k ≤ d.</param>
    /// <param name="dimension">d.</param>
    /// <param name="seed">Seed of the replacement vectors.</param>
    internal static void Orthonormalize(Span<double> basis, int dimension, int seed = 0)
    {
        int d = dimension, k = basis.Length / d;
        Random? rng = null;
        for (int j = 0; j < k; j++)
        {
            var row = basis.Slice(j * d, d);
            double original = TensorPrimitives.Norm(row);
            for (int attempt = 0; ; attempt++)
            {
                for (int pass = 0; pass < 2; pass++)
                    for (int i = 0; i < j; i++)
                    {
                        var previous = basis.Slice(i * d, d);
                        TensorPrimitives.MultiplyAdd(previous, -TensorPrimitives.Dot(previous, row), row, row);
                    }
                double norm = TensorPrimitives.Norm(row);
                if (norm > 1e-10 * original && norm > 0 && double.IsFinite(norm))
                {
                    TensorPrimitives.Divide(row, norm, row);
                    break;
                }
                if (attempt > 10)
                    throw new InvalidOperationException("Could not complete an orthonormal basis.");
                rng ??= new Random(seed);
                for (int i = 0; i < d; i++) row[i] = Sampling.Gaussian(rng);
                original = TensorPrimitives.Norm(row);
            }
        }
    }
}
