using System.Globalization;
using System.Numerics.Tensors;
using Lsgd.Engines;

namespace Lsgd.Training;

/// <summary>
/// Conjugate gradient on the normal equations (CGLS): H θ = −∇J(0), with exact Hessian-vector products
/// from the objective. In exact arithmetic it reaches the least-squares solution in at most p steps (p parameters).
/// </summary>
/// <remarks>
/// <code>
/// r₀ = −∇J(θ₀), d₀ = r₀
/// for k = 1, 2, …:   a = rᵀr / dᵀHd;  θ += a d;  r −= a Hd;  J −= ½ a rᵀr (exact for a quadratic)
///                    d = r + (rᵀr)_new/(rᵀr)_old · d
///                    every p steps: r = −∇J(θ) recomputed from the data and d = r (a restart, which also
///                    works as iterative refinement against rounding)
/// </code>
/// <para>The stopping rules are those of <see cref="GradientDescentOptions"/>; each step costs one pass over the
/// data, like a gradient-descent step. An L1 penalty is not supported (it is not smooth).</para>
/// <para>With a certificate CG stops when it holds: the bound is checked on the recurrence's residual, then confirmed
/// on the gradient recomputed from the data (if it does not hold there, CG restarts from the true gradient and goes
/// on). CG's gradient norm is not monotone, so it is never compared between restarts to claim convergence. When
/// two restarts in a row improve neither the true J nor the true ‖∇J‖, rounding has the last word: the run stops as
/// <see cref="StopReason.RoundingLimit"/>, which is converged only if the certificate (or the gradient tolerance) holds.</para>
/// </remarks>
public static class ConjugateGradient
{
    /// <summary>Restarts in a row without improvement after which the run stops as a rounding stall.</summary>
    private const int StallRestarts = 2;

    /// <summary>Minimises <paramref name="objective"/> from <paramref name="initial"/> (zeros when empty).</summary>
    /// <exception cref="InvalidOptionException">The objective has a proximal (L1) part.</exception>
    /// <exception cref="LsgdException">The objective has no Hessian-vector products.</exception>
    public static GradientDescentResult Minimize(IObjective objective, GradientDescentOptions options,
        ReadOnlySpan<double> initial = default, IProgress<TrainingProgress>? progress = null,
        IOptimalityCertificate? certificate = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(options);
        if (objective.Proximal is not null)
            throw new InvalidOptionException("L1", "> 0", "0 with conjugate gradient (the L1 penalty is not smooth)",
                "Use `Method = GradientDescent` (proximal gradient) or `Optimizer = fista` for lasso and elastic net.");
        if (!objective.HasHessianVector)
            throw new LsgdException("Conjugate gradient needs Hessian-vector products, and this objective has none. Use gradient descent.");
        int p = objective.ParameterCount;
        var theta = initial.IsEmpty ? GradientDescent.Initial(p, options) : initial.ToArray();
        var gradient = new double[p];
        var r = new double[p];
        var d = new double[p];
        var hd = new double[p];
        var rules = new StoppingRules(options, certificate, null, cancellationToken);
        var log = new TrainingLog(options, progress);
        double loss = objective.Evaluate(theta, gradient);
        log.Start(loss);
        TensorPrimitives.Negate(gradient, r);
        r.CopyTo(d, 0);
        double rr = TensorPrimitives.Dot(r, r);
        int restart = Math.Max(p, 1);
        double bestRestartLoss = loss, bestRestartRr = rr;
        int stalled = 0;
        bool flat = false;
        var reason = StopReason.MaxIterations;
        int k = 0;
        while (k < options.MaxIterations)
        {
            if (rules.Interrupted() is { } stop) { reason = stop; break; }
            if (rr == 0) { reason = StopReason.GradientNormBelowTolerance; break; }
            k++;
            objective.HessianVector(d, hd);
            double dhd = TensorPrimitives.Dot(d, hd);
            if (!(dhd > 0)) { reason = StopReason.RoundingLimit; flat = true; k--; break; }
            double a = rr / dhd;
            double[]? used = k <= options.TraceIterations ? [.. r.Select(v => -v)] : null;
            TensorPrimitives.MultiplyAdd(d, a, theta, theta);
            double next;
            bool restarted = k % restart == 0;
            if (restarted)
            {
                next = Restart(objective, theta, gradient, r, d, out rr);
                // A stall: two restarts in a row that improve neither the true J nor the true ‖∇J‖.
                bool improved = next < bestRestartLoss || rr < bestRestartRr;
                bestRestartLoss = Math.Min(bestRestartLoss, next);
                bestRestartRr = Math.Min(bestRestartRr, rr);
                stalled = improved ? 0 : stalled + 1;
            }
            else
            {
                TensorPrimitives.MultiplyAdd(hd, -a, r, r);
                next = loss - 0.5 * a * rr;
                double rrNew = TensorPrimitives.Dot(r, r);
                TensorPrimitives.MultiplyAdd(d, rrNew / rr, r, d);
                rr = rrNew;
            }
            log.Add(k, next, used, theta);
            if (!double.IsFinite(next)) { reason = StopReason.Diverged; break; }
            double previous = loss;
            loss = next;
            // The recurrence's r is −∇J in exact arithmetic; the rules see it as the gradient.
            TensorPrimitives.Negate(r, gradient);
            var done = rules.AfterStep(previous, loss, theta, gradient, () => Math.Sqrt(rr));
            if (done == StopReason.Certified && !restarted)
            {
                // Confirm on the gradient recomputed from the data; if it does not hold there, restart from it.
                loss = Restart(objective, theta, gradient, r, d, out rr);
                log.ReplaceLast(loss);
                TensorPrimitives.Negate(r, gradient);
                if (!rules.Certify(theta, loss, gradient)) done = null;
            }
            if (done is { } rule) { reason = rule; break; }
            if (stalled >= StallRestarts) { reason = StopReason.RoundingLimit; break; }
            log.Report(k, loss, gradient);
        }
        // Report the loss and gradient recomputed from the data at the final parameters.
        double final = objective.Evaluate(theta, gradient);
        log.ReplaceLast(final);
        double norm = TensorPrimitives.Norm(gradient);
        double gap = double.NaN;
        if (certificate is not null)
        {
            gap = certificate.RelativeGapBound(theta, final, gradient);
            if (reason == StopReason.Certified && !Convergence.WithinGap(gap, options))
                reason = StopReason.RoundingLimit;   // the bound confirmed at the stop moved with the last evaluation
        }
        var (converged, test) = Convergence.Judge(reason, certificate is not null, gap, norm, options);
        string message = (flat
            ? string.Format(CultureInfo.InvariantCulture, "No direction of positive curvature is left at iteration {0} (dᵀHd ≤ 0 with ‖∇J‖ = {1:G3}): rounding has the last word. A stall is not convergence; use `Method = Exact`.", k, norm)
            : Explain(reason, options, k, restart, norm, log.History, gap, certificate?.Source))
            + StopMessages.Verdict(reason, converged, gap, certificate?.Source, options);
        return new GradientDescentResult(theta, reason, k, log.History, norm, log.Trace, message, double.NaN)
        {
            LearningRateSource = "none (conjugate gradient chooses its own steps)",
            Optimizer = "cg",
            DataPasses = objective.Passes,
            Elapsed = rules.Elapsed,
            RelativeGapBound = gap,
            CertificateSource = certificate?.Source,
            Converged = converged,
            ConvergenceTest = test,
        };
    }

    /// <summary>Recomputes J and r = −∇J from the data at θ and restarts the directions (d = r); returns J.</summary>
    private static double Restart(IObjective objective, double[] theta, double[] gradient, double[] r, double[] d, out double rr)
    {
        double loss = objective.Evaluate(theta, gradient);
        TensorPrimitives.Negate(gradient, r);
        r.CopyTo(d, 0);
        rr = TensorPrimitives.Dot(r, r);
        return loss;
    }

    private static string Explain(StopReason reason, GradientDescentOptions options, int k, int restart, double norm, double[] history, double gap, string? source)
    {
        var c = CultureInfo.InvariantCulture;
        double change = history.Length >= 2 ? Math.Abs(history[^1] - history[^2]) : double.NaN;
        return reason switch
        {
            StopReason.GradientNormBelowTolerance when norm == 0 => string.Format(c, "The residual of the normal equations vanished (‖∇J‖ = 0) at iteration {0}.", k),
            StopReason.MaxIterations => string.Format(c, "Reached the maximum of {0} iterations; the features may be nearly dependent. Raise `MaxIterations` or use `Method = Exact`.", k),
            StopReason.RoundingLimit => string.Format(c, "Stalled at iteration {0}: {1} restarts in a row (every {2} steps) improved neither J nor ‖∇J‖ = {3:G3}, so rounding has the last word. " +
                "A stall is not convergence; use `Method = Exact`, or standardise the features.", k, StallRestarts, restart, norm),
            StopReason.Diverged => string.Format(c, "The loss became non-finite at iteration {0}.", k),
            _ => StopMessages.Common(reason, options, "iteration", k, change, gap, source, false) ?? "",
        };
    }
}
