namespace Lsgd.Training;

/// <summary>
/// The certificate of a known minimum J* (an exact solve, or a problem whose answer is known): the relative objective
/// gap is then computed, not bounded — (J − J*)/J*, or (J − J*)/J(θ₀) when J* is zero (the data lie exactly on the
/// model). Rounding that puts J a hair below J* counts as a gap of 0.
/// </summary>
/// <param name="optimalLoss">J*, under the objective's loss scaling and penalty.</param>
/// <param name="initialLoss">J(θ₀), the scale used when J* is zero.</param>
/// <param name="source">What J* was computed from, for people, e.g. "the exact least-squares solution (QR)".</param>
public sealed class KnownOptimumCertificate(double optimalLoss, double initialLoss, string source) : IOptimalityCertificate
{
    /// <summary>J*.</summary>
    public double OptimalLoss { get; } = optimalLoss;

    /// <inheritdoc />
    public string Source { get; } = optimalLoss > 1e-300 ? source : source + ", J* = 0, so the gap is taken relative to J(θ₀)";

    /// <inheritdoc />
    public double RelativeGapBound(ReadOnlySpan<double> theta, double loss, ReadOnlySpan<double> gradient)
    {
        if (!double.IsFinite(loss)) return double.PositiveInfinity;
        double gap = Math.Max(loss - OptimalLoss, 0);
        double scale = OptimalLoss > 1e-300 ? OptimalLoss : initialLoss;
        return scale > 0 ? gap / scale : (gap == 0 ? 0 : double.PositiveInfinity);
    }
}
