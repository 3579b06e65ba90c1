using Lsgd.Internals;

namespace Lsgd.Models;

/// <summary>
/// A penalty on the weights w (never on intercepts): λ₁‖w‖₁ + ½λ₂‖w‖², added to the scaled loss.
/// </summary>
/// <remarks>
/// Ridge is <c>L2 &gt; 0</c>, lasso <c>L1 &gt; 0</c>, elastic net both. With standardised features the penalty
/// applies to the standardised weights, so every feature is penalised on the same scale; coefficients are
/// reported in original units. Under <see cref="LossScaling.Sum"/> the same λ weighs less as n grows.
/// </remarks>
/// <param name="L1">λ₁ ≥ 0, the lasso weight.</param>
/// <param name="L2">λ₂ ≥ 0, the ridge weight.</param>
public sealed record Penalty(double L1 = 0, double L2 = 0)
{
    /// <summary>λ₁.</summary>
    public double L1 { get; init; } = Check.NonNegative(L1, nameof(L1), "Try 0.01, or 0 for no lasso penalty.");

    /// <summary>λ₂.</summary>
    public double L2 { get; init; } = Check.NonNegative(L2, nameof(L2), "Try 0.01, or 0 for no ridge penalty.");

    /// <summary>No penalty.</summary>
    public static Penalty None { get; } = new();

    /// <summary>Ridge: ½λ‖w‖².</summary>
    public static Penalty Ridge(double lambda) => new(0, lambda);

    /// <summary>Lasso: λ‖w‖₁.</summary>
    public static Penalty Lasso(double lambda) => new(lambda, 0);

    /// <summary>Elastic net as scikit-learn writes it: λ·ρ‖w‖₁ + ½λ(1 − ρ)‖w‖².</summary>
    public static Penalty ElasticNet(double lambda, double l1Ratio)
    {
        if (!(l1Ratio >= 0 && l1Ratio <= 1)) Throw.Option("L1Ratio", l1Ratio, "a number in [0, 1]", "Try 0.5.");
        return new(lambda * l1Ratio, lambda * (1 - l1Ratio));
    }

    /// <summary>Whether the penalty is zero.</summary>
    public bool IsNone => L1 == 0 && L2 == 0;
}
