using Lsgd.Optimizers;

namespace Lsgd.Embeddings;

/// <summary>Settings of <see cref="HeadTrainer"/>. Immutable; each value is checked when set.</summary>
/// <remarks>
/// The head is fitted by <see cref="Estimators.LinearRegressor"/> with gradient descent on standardised features under
/// the mean loss ½/n Σ‖y − ŷ‖², with an automatic step size α = 1/L, on the sufficient statistics XᵀX, Xᵀy (one pass
/// over the rows, then each step costs O(d²k) whatever n).
/// </remarks>
public sealed record HeadOptions
{
    /// <summary>
    /// Ridge penalty ½λ‖w‖² on the standardised weights (≥ 0; never the intercept), or <c>null</c> (the default)
    /// to choose λ from <see cref="AutoL2Candidates"/> by the loss on the validation rows (0 when there are none).
    /// 0 is plain least squares.
    /// </summary>
    public double? L2
    {
        get;
        init => field = value is not { } v || (v >= 0 && double.IsFinite(v)) ? value
            : throw new InvalidOptionException(nameof(L2), value, "a finite number >= 0, or unset to choose it on the validation set", "Try 0.1, or 0 for plain least squares.");
    }

    /// <summary>
    /// The λ tried when <see cref="L2"/> is null: 0 and powers of ten from 0.01 to 10. With standardised features
    /// and the mean loss, λ = 1 weighs a unit weight like one unit of mean squared error, so the useful range of
    /// λ hardly depends on the data's size or units.
    /// </summary>
    public static IReadOnlyList<double> AutoL2Candidates { get; } = [0, 0.01, 0.1, 1, 10];

    /// <summary>
    /// The optimizer; null means Nesterov momentum 0.9. Embedding coordinates are strongly correlated, so plain
    /// gradient descent (<see cref="Sgd"/>, the article's) needs many thousands of steps where momentum needs hundreds.
    /// </summary>
    public IOptimizer? Optimizer { get; init; }

    /// <summary>Most steps (≥ 1). Default 5000.</summary>
    public int MaxIterations
    {
        get;
        init => field = value >= 1 ? value : throw new InvalidOptionException(nameof(MaxIterations), value, "an integer >= 1", "Try 5000.");
    } = 5000;

    /// <summary>Stop when |J(θₖ) − J(θₖ₋₁)| &lt; Tolerance (≥ 0), J the mean loss. Default 1e-12.</summary>
    public double Tolerance
    {
        get;
        init => field = value >= 0 && double.IsFinite(value) ? value : throw new InvalidOptionException(nameof(Tolerance), value, "a finite number >= 0", "Try 1e-12.");
    } = 1e-12;

    /// <summary>Upper bound on threads for the passes over the rows (≥ 1); null uses every core.</summary>
    public int? Threads
    {
        get;
        init => field = value is { } v && v < 1 ? throw new InvalidOptionException(nameof(Threads), v, "an integer >= 1", "Use 1, or leave it unset to use every core.") : value;
    }

    /// <summary>Also compute the exact least-squares solution and report how far from it the fit stopped (default true).</summary>
    public bool CompareWithExact { get; init; } = true;
}
