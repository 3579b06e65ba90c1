namespace Lsgd.Engines;

/// <summary>
/// An objective that can also evaluate J and its gradient more accurately than its plain pass (residuals and sums in
/// twice the working precision), at a few times the cost: the residual of iterative refinement, which
/// <see cref="Training.ConjugateGradient"/> uses when it restarts a preconditioned run.
/// </summary>
internal interface IAccurateObjective
{
    /// <summary>J(θ), writing the gradient of its smooth part, both accurate to about the rounding of the results.</summary>
    double EvaluateAccurately(ReadOnlySpan<double> theta, Span<double> gradient);
}
