using Lsgd.Models;

namespace Lsgd.Engines;

/// <summary>
/// The seam between data and optimizers: the half-squared-error loss and its gradient at θ.
/// </summary>
/// <remarks>
/// An engine returns the <b>sum</b> form, ½ Σᵢ ‖yᵢ − ŷᵢ‖², and its gradient
/// ∂J/∂w = −Σᵢ rᵢ xᵢ, ∂J/∂b = −Σᵢ rᵢ with rᵢ = yᵢ − Wᵀxᵢ − b (the article's formulas), each term times the row's
/// weight wᵢ for weighted rows; the objective applies the <see cref="LossScaling"/>. Implementations must give the same bits for the same θ
/// whatever the number of threads.
/// </remarks>
public interface IGradientEngine
{
    /// <summary>The parameter layout the engine expects.</summary>
    ParameterLayout Layout { get; }

    /// <summary>n, the number of rows the sums run over.</summary>
    long Rows { get; }

    /// <summary>
    /// W = Σw, the total weight of the rows for weighted least squares (the sums then run over wᵢ‖rᵢ‖²); n for
    /// unweighted rows. <see cref="LossScaling.Mean"/> divides by it.
    /// </summary>
    double WeightSum => Rows;

    /// <summary>Whether an evaluation reads the rows (false for engines working from statistics), for counting data passes.</summary>
    bool ReadsData => true;

    /// <summary>Whether <see cref="Batches"/> is available (by default: when evaluations read the rows).</summary>
    bool HasMiniBatches => ReadsData;

    /// <summary>Computes ½ Σ r² at θ and writes its gradient.</summary>
    /// <param name="theta">Parameters laid out as <see cref="Layout"/> says.</param>
    /// <param name="gradient">Receives ∂J/∂θ (sum form); same length as θ.</param>
    /// <returns>The sum-form loss ½ Σᵢ ‖rᵢ‖².</returns>
    double Evaluate(ReadOnlySpan<double> theta, Span<double> gradient);

    /// <summary>
    /// One epoch of mini-batches in a seeded order: every row once, in batches of at most
    /// <paramref name="batchSize"/> rows. The same seed gives the same batches.
    /// </summary>
    /// <exception cref="LsgdException">The engine cannot form mini-batches (it keeps only statistics).</exception>
    IEnumerable<IMiniBatch> Batches(int batchSize, int seed);

    /// <summary>Writes H·v, with H = DᵀD the Hessian of the sum-form loss (D the design, with a column of ones for intercepts).</summary>
    void HessianVector(ReadOnlySpan<double> v, Span<double> result);
}

/// <summary>A mini-batch of rows whose loss and gradient can be evaluated at any θ.</summary>
public interface IMiniBatch
{
    /// <summary>Rows in the batch.</summary>
    int Rows { get; }

    /// <summary>½ Σ r² over the batch (sum form), writing its gradient.</summary>
    double Evaluate(ReadOnlySpan<double> theta, Span<double> gradient);
}
