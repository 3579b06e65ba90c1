namespace Lsgd.Models;

/// <summary>
/// A proximal operator applied after a gradient step: θ ← prox_{s·g}(θ), e.g. soft-thresholding the weights by
/// s·λ₁ for the L1 term of a <see cref="Penalty"/>.
/// </summary>
/// <param name="theta">Parameters, updated in place.</param>
/// <param name="stepSize">The step size s of the update just made.</param>
public delegate void Proximal(Span<double> theta, double stepSize);
