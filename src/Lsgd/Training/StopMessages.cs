using System.Globalization;

namespace Lsgd.Training;

/// <summary>The sentences that say why a run stopped and what to do about it.</summary>
internal static class StopMessages
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>The sentence for the rules every trainer shares; null for a reason the trainer explains itself.</summary>
    public static string? Common(StopReason reason, GradientDescentOptions options, string unit, int k, double change, double gapBound, string? source, bool keptBestOnValidation) => reason switch
    {
        StopReason.LossChangeBelowTolerance => string.Format(C, "|ΔJ| = {0:G3} < tolerance {1:G3} at {2} {3}.", change, options.Tolerance, unit, k),
        StopReason.GradientNormBelowTolerance => string.Format(C, "‖∇J‖ < gradient tolerance {0:G3} at {1} {2}.", options.GradientTolerance, unit, k),
        StopReason.Cancelled => string.Format(C, "Cancelled after {0} {1}s; the parameters reached so far are kept{2}.", k, unit, keptBestOnValidation ? " (the best on validation)" : ""),
        StopReason.EarlyStopped => string.Format(C, "The validation loss did not improve for {0} {1}s; the best parameters on validation are kept.", options.Patience, unit),
        StopReason.TimeBudget => string.Format(C, "The time budget of {0} ran out after {1} {2}s; the parameters reached are kept.", options.TimeBudget, k, unit),
        StopReason.TargetReached => string.Format(C, "J reached the target {0:G6} at {1} {2}.", options.TargetLoss, unit, k),
        StopReason.Certified => string.Format(C, "Certified at {0} {1}: the relative objective gap is at most {2:G3} (tolerance {3:G3}), by {4}.",
            unit, k, gapBound, options.RelativeGapTolerance, source),
        _ => null,
    };

    /// <summary>
    /// What the certificate says of a run that stopped by another rule: nothing when it holds or there is none,
    /// otherwise that the stop is not certified, with the bound.
    /// </summary>
    public static string Verdict(StopReason reason, bool converged, double gapBound, string? source, GradientDescentOptions options)
    {
        if (source is null || converged || reason is StopReason.Diverged or StopReason.Certified) return "";
        return double.IsFinite(gapBound)
            ? string.Format(C, " Not converged: the relative objective gap is at most {0:G3}, above the tolerance {1:G3} (certificate: {2}).", gapBound, options.RelativeGapTolerance, source)
            : string.Format(C, " Not converged: the certificate ({0}) bounds nothing at these parameters.", source);
    }
}
