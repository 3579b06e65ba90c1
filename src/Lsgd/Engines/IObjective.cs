using Lsgd.Models;

namespace Lsgd.Engines;

/// <summary>
/// What the trainer minimises: a loss J(θ) summed (or averaged) over rows, its gradient, and whatever else the
/// objective can offer — mini-batches, Hessian-vector products, a curvature estimate, a proximal step.
/// </summary>
/// <remarks>
/// <para>Implemented by <see cref="LeastSquaresObjective"/> (rows in memory, sufficient statistics, streamed rows),
/// the shallow network's squared loss, and the gradient method of non-linear curve fits. The trainer
/// (<see cref="Training.GradientDescent"/>, <see cref="Training.ConjugateGradient"/>) reads only this interface: it
/// asks what the objective can do, never what type it is.</para>
/// <para>Capabilities have defaults: no mini-batches, no Hessian-vector products, no curvature estimate, no
/// proximal step, not quadratic. An objective that has one overrides both the flag and the member.</para>
/// </remarks>
public interface IObjective
{
    /// <summary>The length of θ.</summary>
    int ParameterCount { get; }

    /// <summary>n, the number of rows (or points) the loss runs over.</summary>
    long Rows { get; }

    /// <summary>Whether J is the sum over rows or the mean (sets the meaning of α and the size of the automatic one).</summary>
    LossScaling Scaling { get; }

    /// <summary>Full passes over the rows made so far (mini-batches count by their share of n; work on statistics counts 0).</summary>
    double Passes { get; }

    /// <summary>J(θ) over every row, writing the gradient of its smooth part into <paramref name="gradient"/>.</summary>
    double Evaluate(ReadOnlySpan<double> theta, Span<double> gradient);

    /// <summary>The proximal step of the non-smooth part of J (an L1 penalty), or null when J is smooth.</summary>
    Proximal? Proximal => null;

    /// <summary>
    /// Whether J is a quadratic with a constant Hessian (least squares): then plain full-batch gradient descent with
    /// α &lt; 2/L lowers J at every step, so a rise proves α too large.
    /// </summary>
    bool IsQuadratic => false;

    /// <summary>Whether <see cref="Batches"/> is available.</summary>
    bool HasMiniBatches => false;

    /// <summary>
    /// One epoch of seeded mini-batches, each an unbiased estimate of J and its smooth gradient (the batch sum
    /// scaled by s·n/|B|), so α means the same for batches and for all rows.
    /// </summary>
    /// <exception cref="LsgdException">The objective has no mini-batches.</exception>
    IEnumerable<IObjectiveBatch> Batches(int batchSize, int seed) =>
        throw new LsgdException("This objective has no mini-batches: leave BatchSize unset for full-batch training.");

    /// <summary>Whether <see cref="HessianVector"/> is available (conjugate gradient and the automatic α need it).</summary>
    bool HasHessianVector => false;

    /// <summary>Writes H·v, the Hessian (or its Gauss–Newton approximation) of the smooth part of J times v.</summary>
    /// <exception cref="LsgdException">The objective has no Hessian-vector products.</exception>
    void HessianVector(ReadOnlySpan<double> v, Span<double> result) =>
        throw new LsgdException("This objective has no Hessian-vector products: use gradient descent with a given learning rate.");

    /// <summary>
    /// L, an estimate of the largest eigenvalue of the Hessian of the smooth part of J (plain gradient descent is
    /// stable for α &lt; 2/L), or NaN when the objective has no curvature estimate. The default runs power iteration
    /// on <see cref="HessianVector"/> when there is one.
    /// </summary>
    /// <param name="maxIterations">Power-iteration steps (each one Hessian-vector product).</param>
    /// <param name="seed">Seed of the random start vector.</param>
    /// <param name="relativeTolerance">Stop when successive estimates agree to this.</param>
    double LargestCurvature(int maxIterations = 100, int seed = 12345, double relativeTolerance = 1e-9) =>
        HasHessianVector ? Curvature.Largest(this, maxIterations, seed, relativeTolerance) : double.NaN;
}

/// <summary>A mini-batch of an <see cref="IObjective"/>: an unbiased estimate of J and its smooth gradient.</summary>
public interface IObjectiveBatch
{
    /// <summary>Rows in the batch.</summary>
    int Rows { get; }

    /// <summary>The estimate of J(θ); writes the estimate of the smooth gradient.</summary>
    double Evaluate(ReadOnlySpan<double> theta, Span<double> gradient);
}
