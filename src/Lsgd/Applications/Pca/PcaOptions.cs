using Lsgd.Internals;

namespace Lsgd.Applications.Pca;

/// <summary>How <see cref="PrincipalComponentAnalysis"/> finds the top-k subspace. Every method reads the data in passes over the rows, so each can stream.</summary>
public enum PcaMethod
{
    /// <summary>
    /// Subspace (block power) iteration with Rayleigh–Ritz: each pass computes CW, rotates to the Ritz basis and
    /// orthonormalises; the error shrinks by about λₖ₊₁/λₖ per pass. The fastest; the default.
    /// </summary>
    Subspace,

    /// <summary>
    /// Gradient descent on the reconstruction error ½‖X̃ − X̃WᵀW‖²/(n − 1) over W with orthonormal rows wᵢ: each row
    /// steps wᵢ ← wᵢ + α(I − WᵀW)Cwᵢ — minus the gradient at an orthonormal W — and W is orthonormalised again,
    /// with α = η/λ̂₁ (η the learning rate, λ̂₁ the largest Ritz value). Slower than <see cref="Subspace"/> when λ₁ ≫ λₖ.
    /// </summary>
    GradientDescent,

    /// <summary>
    /// Oja's subspace rule, the stochastic version of <see cref="GradientDescent"/>: after each mini-batch B,
    /// wᵢ ← wᵢ + αᵢ(I − WᵀW)C_B wᵢ, then W ← orth(W), with a step per row αᵢ = η/(λ̂ᵢ·e) in epoch e ≥ 1 (λ̂ᵢ the row's
    /// mean Rayleigh quotient over the previous epoch; η/tr(C) in epoch 0). Rows are shuffled within each chunk
    /// read. A last full pass gives the Ritz values. The steps decay like 1/epoch, so the error does too: it is for a
    /// quick estimate from a few passes over very large data, not for 1e-10 accuracy.
    /// </summary>
    Oja,
}

/// <summary>Settings of <see cref="PrincipalComponentAnalysis"/>. Immutable; each value is checked when set.</summary>
public sealed record PcaOptions
{
    /// <summary>k, the number of components (≥ 1, at most the number of features). Default 2, a plane to plot.</summary>
    public int Components
    {
        get;
        init => field = Check.AtLeast(value, 1, nameof(Components), "Try 2.");
    } = 2;

    /// <summary>
    /// Divide each centred feature by its sample standard deviation (correlation-matrix PCA, R's
    /// <c>prcomp(scale. = TRUE)</c>). Default false: covariance PCA, as scikit-learn. Turn it on when features
    /// have different units, or the one with the largest numbers decides the first component.
    /// </summary>
    public bool Standardize { get; init; }

    /// <summary>Subspace iteration (default), gradient descent on the reconstruction error, or Oja's rule.</summary>
    public PcaMethod Method { get; init; } = PcaMethod.Subspace;

    /// <summary>Most passes (epochs for Oja) over the data (≥ 1). Default 1000.</summary>
    public int MaxIterations
    {
        get;
        init => field = Check.AtLeast(value, 1, nameof(MaxIterations), "Try 1000.");
    } = 1000;

    /// <summary>
    /// Stop when the largest principal angle between the subspaces of two consecutive passes is below this many
    /// radians (≥ 0; 0 runs <see cref="MaxIterations"/> passes). Default 1e-10: the components are then within
    /// about 1e-10/(1 − λₖ₊₁/λₖ) radians of the eigenvectors, far below what the data can tell apart.
    /// </summary>
    public double Tolerance
    {
        get;
        init => field = Check.NonNegative(value, nameof(Tolerance), "Try 1e-10.");
    } = 1e-10;

    /// <summary>
    /// η in (0, 1], the step of <see cref="PcaMethod.GradientDescent"/> and <see cref="PcaMethod.Oja"/> relative to
    /// 1/λ̂₁. Default 1: the largest step for which every direction keeps its sign, so the top directions always
    /// gain on the others.
    /// </summary>
    public double LearningRate
    {
        get;
        init => field = value is > 0 and <= 1 ? value : throw new InvalidOptionException(nameof(LearningRate), value, "a number in (0, 1]", "Try 1, or 0.5 for a more cautious step.");
    } = 1;

    /// <summary>Rows per mini-batch of <see cref="PcaMethod.Oja"/> (≥ 1). Default 32.</summary>
    public int BatchSize
    {
        get;
        init => field = Check.AtLeast(value, 1, nameof(BatchSize), "Try 32.");
    } = 32;

    /// <summary>Seed of the random starting basis (and of Oja's shuffles). Default 0.</summary>
    public int Seed { get; init; }
}
