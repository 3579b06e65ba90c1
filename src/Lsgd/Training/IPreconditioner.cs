namespace Lsgd.Training;

/// <summary>
/// An approximation M⁻¹ of the inverse Hessian, symmetric and positive definite on the range of the Hessian, that
/// <see cref="ConjugateGradient"/> applies to its residual (preconditioned conjugate gradient): the closer M is to the
/// Hessian, the fewer steps; the answer is the same, since every step's gradient still comes from the objective.
/// </summary>
internal interface IPreconditioner
{
    /// <summary>r ← M⁻¹ r, for a residual laid out as the parameters.</summary>
    void Precondition(Span<double> residual);
}
