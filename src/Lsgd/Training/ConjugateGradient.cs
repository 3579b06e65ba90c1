using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using Lsgd.Engines;

namespace Lsgd.Training;

/// <summary>
/// Conjugate gradient on the normal equations (CGLS): H θ = −∇J(0), with exact Hessian-vector products
/// from the engine. In exact arithmetic it reaches the least-squares solution in at most p steps (p parameters).
/// </summary>
/// <remarks>
/// <code>
/// r₀ = −∇J(θ₀), d₀ = r₀
/// for k = 1, 2, …:   a = rᵀr / dᵀHd;  θ += a d;  r −= a Hd;  J −= ½ a rᵀr (exact for a quadratic)
///                    d = r + (rᵀr)_new/(rᵀr)_old · d
///                    every p steps: r = −∇J(θ) recomputed from the data and d = r (a restart, which also
///                    works as iterative refinement against rounding)
/// </code>
/// The stopping rules are those of <see cref="GradientDescentOptions"/>; each step costs one pass over the
/// data, like a gradient-descent step. An L1 penalty is not supported (it is not smooth).
/// </remarks>
public static class ConjugateGradient
{
    /// <summary>Minimises <paramref name="objective"/> from <paramref name="initial"/> (zeros when empty).</summary>
    public static GradientDescentResult Minimize(LeastSquaresObjective objective, GradientDescentOptions options,
        ReadOnlySpan<double> initial = default, IProgress<TrainingProgress>? progress = null,
        IOptimalityCertificate? certificate = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(options);
        if (objective.Penalty.L1 > 0)
            throw new InvalidOptionException("L1", objective.Penalty.L1, "0 with conjugate gradient (the L1 penalty is not smooth)",
                "Use --method gd (proximal gradient) or --optimizer fista for lasso and elastic net.");
        int p = objective.Layout.Count;
        var theta = initial.IsEmpty ? GradientDescent.Initial(p, options) : initial.ToArray();
        var gradient = new double[p];
        var r = new double[p];
        var d = new double[p];
        var hd = new double[p];
        var history = new List<double>();
        var trace = new List<IterationRecord>();
        var clock = Stopwatch.StartNew();
        double loss = objective.Evaluate(theta, gradient);
        history.Add(loss);
        TensorPrimitives.Negate(gradient, r);
        r.CopyTo(d, 0);
        double rr = TensorPrimitives.Dot(r, r);
        int restart = Math.Max(p, 1);
        double lastRestartRr = double.PositiveInfinity;
        var reason = StopReason.MaxIterations;
        double gapBound = double.NaN;
        int k = 0;
        long lastReport = 0;
        while (k < options.MaxIterations)
        {
            if (cancellationToken.IsCancellationRequested) { reason = StopReason.Cancelled; break; }
            if (options.TimeBudget is { } budget && clock.Elapsed >= budget) { reason = StopReason.TimeBudget; break; }
            if (rr == 0) { reason = StopReason.GradientNormBelowTolerance; break; }
            k++;
            objective.HessianVector(d, hd);
            double dhd = TensorPrimitives.Dot(d, hd);
            if (!(dhd > 0)) { reason = StopReason.GradientNormBelowTolerance; k--; break; }
            double a = rr / dhd;
            double[]? used = k <= options.TraceIterations ? [.. r.Select(v => -v)] : null;
            TensorPrimitives.MultiplyAdd(d, a, theta, theta);
            double next;
            double rrNew;
            if (k % restart == 0)
            {
                next = objective.Evaluate(theta, gradient);
                TensorPrimitives.Negate(gradient, r);
                rrNew = TensorPrimitives.Dot(r, r);
                r.CopyTo(d, 0);
                // A whole cycle that did not shrink the true gradient means rounding has the last word.
                if (rrNew >= lastRestartRr)
                {
                    rr = rrNew;
                    history.Add(next);
                    reason = StopReason.RoundingLimit;
                    break;
                }
                lastRestartRr = rrNew;
            }
            else
            {
                TensorPrimitives.MultiplyAdd(hd, -a, r, r);
                next = loss - 0.5 * a * rr;
                rrNew = TensorPrimitives.Dot(r, r);
                TensorPrimitives.MultiplyAdd(d, rrNew / rr, r, d);
            }
            rr = rrNew;
            history.Add(next);
            if (used is not null)
                trace.Add(new IterationRecord(k, used, (double[])theta.Clone(), next));
            if (!double.IsFinite(next)) { reason = StopReason.Diverged; break; }
            double change = Math.Abs(next - loss);
            loss = next;
            if (loss <= options.TargetLoss) { reason = StopReason.TargetReached; break; }
            if (certificate is not null && options.RelativeGapTolerance > 0)
            {
                // The recurrence's r is −∇J in exact arithmetic; the bound is checked on it, then confirmed below on
                // the gradient recomputed from the data.
                TensorPrimitives.Negate(r, gradient);
                gapBound = certificate.RelativeGapBound(theta, loss, gradient);
                if (gapBound <= options.RelativeGapTolerance) { reason = StopReason.Certified; break; }
            }
            if (change < options.Tolerance) { reason = StopReason.LossChangeBelowTolerance; break; }
            if (options.GradientTolerance > 0 && Math.Sqrt(rr) < options.GradientTolerance) { reason = StopReason.GradientNormBelowTolerance; break; }
            if (progress is not null && clock.ElapsedMilliseconds - lastReport >= 100)
            {
                lastReport = clock.ElapsedMilliseconds;
                progress.Report(new TrainingProgress(k, options.MaxIterations, loss, Math.Sqrt(rr)));
            }
        }
        // Report the loss and gradient recomputed from the data at the final parameters.
        history[^1] = objective.Evaluate(theta, gradient);
        double norm = TensorPrimitives.Norm(gradient);
        if (certificate is not null)
        {
            gapBound = certificate.RelativeGapBound(theta, history[^1], gradient);
            if (reason == StopReason.Certified && !(gapBound <= options.RelativeGapTolerance))
                reason = StopReason.RoundingLimit;   // the recurrence's residual drifted from the true gradient
        }
        var c = CultureInfo.InvariantCulture;
        string message = reason switch
        {
            StopReason.LossChangeBelowTolerance => string.Format(c, "|ΔJ| < tolerance {0:G3} at iteration {1}.", options.Tolerance, k),
            StopReason.GradientNormBelowTolerance => string.Format(c, "The residual of the normal equations vanished (‖∇J‖ = {0:G3}) at iteration {1}.", norm, k),
            StopReason.MaxIterations => string.Format(c, "Reached the maximum of {0} iterations; the features may be nearly dependent. Raise --max-iterations or use --method exact.", k),
            StopReason.Cancelled => string.Format(c, "Cancelled after {0} iterations; the parameters reached so far are kept.", k),
            StopReason.TimeBudget => string.Format(c, "The time budget ran out after {0} iterations.", k),
            StopReason.RoundingLimit => string.Format(c, "Converged to the limit of floating point at iteration {0}: a full cycle of {1} steps no longer shrank ‖∇J‖ = {2:G3}.", k, restart, norm),
            StopReason.TargetReached => string.Format(c, "J reached the target {0:G6} at iteration {1}.", options.TargetLoss, k),
            StopReason.Certified => string.Format(c, "Certified at iteration {0}: the relative objective gap is at most {1:G3} (tolerance {2:G3}), by {3}.",
                k, gapBound, options.RelativeGapTolerance, certificate!.Source),
            _ => string.Format(c, "The loss became non-finite at iteration {0}.", k),
        };
        return new GradientDescentResult(theta, reason, k, [.. history], norm, trace, message, double.NaN)
        {
            LearningRateSource = "none (conjugate gradient chooses its own steps)",
            Optimizer = "cg",
            DataPasses = objective.Passes,
            Elapsed = clock.Elapsed,
            RelativeGapBound = gapBound,
            CertificateSource = certificate?.Source,
        };
    }
}
