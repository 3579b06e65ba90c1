using Lsgd.LinearAlgebra;

namespace Lsgd.Applications.Pca;

/// <summary>
/// Eigenvalues and eigenvectors of a real symmetric matrix: λ₁ ≥ λ₂ ≥ … ≥ λₙ, and row i of
/// <see cref="Vectors"/> the unit eigenvector of λᵢ.
/// </summary>
/// <param name="Values">The n eigenvalues, largest first.</param>
/// <param name="Vectors">n × n, row-major: row i is the eigenvector of <c>Values[i]</c>, its largest-magnitude entry positive.</param>
/// <param name="Sweeps">Jacobi sweeps made.</param>
public sealed record SymmetricEigenDecomposition(double[] Values, double[] Vectors, int Sweeps)
{
    /// <summary>n, the order of the matrix.</summary>
    public int Order => Values.Length;

    /// <summary>A copy of the eigenvector of <c>Values[i]</c>.</summary>
    public double[] Vector(int i) => Vectors.AsSpan(i * Order, Order).ToArray();
}

/// <summary>
/// The cyclic Jacobi method for symmetric matrices: the reference eigensolver the gradient methods of
/// <see cref="PrincipalComponentAnalysis"/> are checked against.
/// </summary>
/// <remarks>
/// Each sweep zeroes every off-diagonal entry (p, q) in turn with a plane rotation chosen as in Golub and
/// Van Loan, <i>Matrix Computations</i>, §8.5; sweeps repeat until the off-diagonal mass is below 1e-15 of the
/// matrix's Frobenius norm (or stops shrinking) — rounding level, so the eigenvalues are accurate to about
/// 1e-15·‖A‖ and the eigenvectors to about that over the eigenvalue gap. Cost: O(n³) per sweep, usually 6–10
/// sweeps; meant for the d × d covariance of a few hundred features at most.
/// </remarks>
public static class SymmetricEigen
{
    /// <summary>Most sweeps before giving up (convergence is quadratic; 10 usually suffice).</summary>
    public const int MaxSweeps = SymmetricEigensolver.MaxSweeps;

    /// <summary>Decomposes the symmetric n × n matrix <paramref name="matrix"/> (row-major; not modified).</summary>
    /// <param name="matrix">n·n values; only symmetric matrices are meaningful (the upper triangle is used).</param>
    /// <param name="order">n (≥ 1).</param>
    /// <exception cref="LsgdException">A value is not finite.</exception>
    public static SymmetricEigenDecomposition Decompose(ReadOnlySpan<double> matrix, int order)
    {
        var (values, vectors, sweeps) = SymmetricEigensolver.Decompose(matrix, order);
        return new SymmetricEigenDecomposition(values, vectors, sweeps);
    }
}
