using System.Numerics.Tensors;
using Lsgd.Engines;

namespace Lsgd.Training;

/// <summary>
/// Backtracking (Armijo) line search along −g: from α₀, halve α until J(prox(θ − αg)) ≤ J(θ) − ½α‖g‖², at most
/// 100 trials. Each trial is one evaluation of the objective.
/// </summary>
internal static class LineSearch
{
    /// <summary>
    /// Writes the accepted point into <paramref name="theta"/> and its gradient into <paramref name="gradient"/>;
    /// returns its loss and α. When no trial is accepted, θ is the last trial and the loss returned is the start's.
    /// </summary>
    public static (double Loss, double Alpha) Backtrack(IObjective objective, ReadOnlySpan<double> start, ReadOnlySpan<double> startGradient,
        double loss, double alpha, Span<double> theta, Span<double> gradient)
    {
        var proximal = objective.Proximal;
        double g2 = TensorPrimitives.SumOfSquares(startGradient);
        for (int trial = 0; trial < 100; trial++)
        {
            start.CopyTo(theta);
            TensorPrimitives.MultiplyAdd(startGradient, -alpha, theta, theta);
            proximal?.Invoke(theta, alpha);
            double next = objective.Evaluate(theta, gradient);
            if (double.IsFinite(next) && next <= loss - 0.5 * alpha * g2)
                return (next, alpha);
            alpha *= 0.5;
        }
        return (loss, alpha);
    }
}
