using System.Globalization;

namespace Lsgd.Training;

/// <summary>
/// The one rule for calling a run converged. With an <see cref="IOptimalityCertificate"/>: only when the certificate
/// holds — its bound at the parameters returned (the certified stop's own point, or the point re-checked when
/// the optimizer or early stopping returns another) is at most
/// <see cref="GradientDescentOptions.RelativeGapTolerance"/>. Without one (a non-convex objective such as the shallow
/// network, or a caller that has none): only at a stationary point, ‖∇J‖ (of the gradient mapping under a proximal
/// step) below <see cref="GradientDescentOptions.GradientTolerance"/> at the final parameters, or exactly zero.
/// </summary>
/// <remarks>
/// A stop by the article's |ΔJ| rule, a stall of the loss, a target loss, a time budget or the iteration limit is
/// never by itself convergence: the loss can stop changing far from the optimum (ill-conditioned data, a plateau).
/// A diverged run never converged.
/// </remarks>
internal static class Convergence
{
    /// <summary>Whether a certificate's bound is within the gap tolerance (0 turns the rule off: only an exact 0 passes).</summary>
    public static bool WithinGap(double bound, GradientDescentOptions options) => bound <= options.RelativeGapTolerance;

    /// <summary>Whether the final point passes the stationarity test.</summary>
    public static bool Stationary(double gradientNorm, GradientDescentOptions options) =>
        gradientNorm == 0 || gradientNorm < options.GradientTolerance;

    /// <summary>The verdict, and the test it rests on (for people).</summary>
    public static (bool Converged, string Test) Judge(StopReason reason, bool hasCertificate, double gapBound, double gradientNorm, GradientDescentOptions options)
    {
        var c = CultureInfo.InvariantCulture;
        if (hasCertificate)
            return (reason != StopReason.Diverged && WithinGap(gapBound, options),
                string.Format(c, "certificate: relative objective gap ≤ {0:G3}", options.RelativeGapTolerance));
        if (options.GradientTolerance > 0)
            return (reason != StopReason.Diverged && Stationary(gradientNorm, options),
                string.Format(c, "stationarity: ‖∇J‖ < {0:G3}", options.GradientTolerance));
        return (reason != StopReason.Diverged && gradientNorm == 0, "stationarity: ‖∇J‖ = 0 (no certificate and no gradient tolerance were given)");
    }
}
