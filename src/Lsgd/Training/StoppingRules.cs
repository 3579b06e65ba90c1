using System.Diagnostics;

namespace Lsgd.Training;

/// <summary>
/// The stopping rules of <see cref="GradientDescentOptions"/>, shared by every trainer: interruptions (cancellation,
/// time budget) before a step, and after each accepted full-batch step or epoch, in order: the target loss, the
/// certificate, the article's |ΔJ| rule, the gradient rule, validation.
/// </summary>
internal sealed class StoppingRules(GradientDescentOptions options, IOptimalityCertificate? certificate, EarlyStopping? early, CancellationToken cancel)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    /// <summary>The certificate's last bound on the relative objective gap (NaN before the first check, or without one).</summary>
    public double GapBound { get; private set; } = double.NaN;

    /// <summary>The certificate, if any.</summary>
    public IOptimalityCertificate? Certificate => certificate;

    /// <summary>Early stopping on validation rows, if any.</summary>
    public EarlyStopping? Early => early;

    /// <summary>Time since the run started.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Cancellation or the time budget, checked before each step; null means go on.</summary>
    public StopReason? Interrupted()
    {
        if (cancel.IsCancellationRequested) return StopReason.Cancelled;
        if (options.TimeBudget is { } budget && _clock.Elapsed >= budget) return StopReason.TimeBudget;
        return null;
    }

    /// <summary>
    /// The rules after an accepted step from J = <paramref name="previous"/> to <paramref name="loss"/> at θ with the
    /// gradient of the smooth part <paramref name="gradient"/>; <paramref name="gradientNorm"/> gives the norm the
    /// gradient rule tests (of the gradient mapping under a proximal step). Null means go on.
    /// </summary>
    public StopReason? AfterStep(double previous, double loss, double[] theta, ReadOnlySpan<double> gradient, Func<double> gradientNorm)
    {
        if (loss <= options.TargetLoss) return StopReason.TargetReached;
        if (options.StopWhenCertified && Certify(theta, loss, gradient)) return StopReason.Certified;
        if (Math.Abs(loss - previous) < options.Tolerance) return StopReason.LossChangeBelowTolerance;
        if (options.GradientTolerance > 0 && gradientNorm() < options.GradientTolerance) return StopReason.GradientNormBelowTolerance;
        if (early?.ShouldStop(theta) == true) return StopReason.EarlyStopped;
        return null;
    }

    /// <summary>Evaluates the certificate (if any) at θ; true when its bound is within <see cref="GradientDescentOptions.RelativeGapTolerance"/>.</summary>
    public bool Certify(ReadOnlySpan<double> theta, double loss, ReadOnlySpan<double> gradient)
    {
        if (certificate is null) return false;
        GapBound = certificate.RelativeGapBound(theta, loss, gradient);
        return Convergence.WithinGap(GapBound, options);
    }
}
