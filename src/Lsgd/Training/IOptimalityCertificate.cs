namespace Lsgd.Training;

/// <summary>
/// Certifies how close parameters are to the minimum of the objective being trained: an upper bound on the
/// relative objective gap (J(θ) − J*) / J*, where J* is the minimum. A fit is reported as converged only when such
/// a bound holds below <see cref="GradientDescentOptions.RelativeGapTolerance"/>.
/// </summary>
/// <remarks>
/// Sources of a bound, for least squares: the exact optimum J* where it is computed (the bound is then the gap itself);
/// the gradient and a lower bound μ of the Hessian's smallest eigenvalue (J − J* ≤ ‖∇J‖²/(2μ)); for penalised
/// fits a duality gap. When J* is zero (the data lie exactly on the model) the bound is taken relative to J(θ₀)
/// instead, and <see cref="Source"/> says so.
/// </remarks>
public interface IOptimalityCertificate
{
    /// <summary>What the bound is derived from, for people: e.g. "the exact solution (Cholesky of the statistics)".</summary>
    string Source { get; }

    /// <summary>
    /// An upper bound on the relative objective gap at <paramref name="theta"/>, given J(θ) and the gradient of
    /// its smooth part there (in the space the objective is posed in); +∞ when nothing can be certified there.
    /// </summary>
    double RelativeGapBound(ReadOnlySpan<double> theta, double loss, ReadOnlySpan<double> gradient);
}
