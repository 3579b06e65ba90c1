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
/// r₀ = −∇J(θ₀), z₀ = M⁻¹r₀, d₀ = z₀           (M = I without a preconditioner)
/// for k = 1, 2, …:   a = rᵀz / dᵀHd;  θ += a d;  r −= a Hd;  J −= ½ a rᵀz (exact for a quadratic)
///                    z = M⁻¹r;  d = z + (rᵀz)_new/(rᵀz)_old · d
///                    every p steps: r = −∇J(θ) recomputed from the data and d = M⁻¹r (a restart, which also
///                    works as iterative refinement against rounding)
/// </code>
/// <para>Preconditioned (linear fits: M = H from the one Cholesky factor of the statistics that the certificate
/// already holds), the steps depend on κ(M⁻¹H) — near 1 up to the factor's rounding — instead of κ(H), so a run
/// reaches the rounding floor of its gradient in a few steps where plain conjugate gradient stalls (NIST's Wampler
/// sets: κ(H) ≈ 10¹³). Each step costs one pass over the data plus O(p²) for the two triangular solves.</para>
/// <para>The stopping rules are those of <see cref="GradientDescentOptions"/>; each step costs one pass over the
/// data, like a gradient-descent step. An L1 penalty is not supported (it is not smooth).</para>
/// <para>With a certificate CG stops when it holds: the bound is checked on the recurrence's residual, then confirmed
/// on the gradient recomputed from the data (if it does not hold there, CG restarts from the true gradient and goes
/// on). CG's gradient norm is not monotone, so it is never compared between restarts to claim convergence. When
/// two restarts in a row improve neither the true J nor the true ‖∇J‖ (or two confirmations in a row that the data
/// refused fail to halve the certified bound), rounding has the last word: the run stops as
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
        IOptimalityCertificate? certificate = null, CancellationToken cancellationToken = default) =>
        Minimize(objective, options, initial, progress, certificate, null, cancellationToken);

    /// <summary>Minimises <paramref name="objective"/>, preconditioned by <paramref name="preconditioner"/> when given.</summary>
    internal static GradientDescentResult Minimize(IObjective objective, GradientDescentOptions options,
        ReadOnlySpan<double> initial, IProgress<TrainingProgress>? progress,
        IOptimalityCertificate? certificate, IPreconditioner? preconditioner, CancellationToken cancellationToken)
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
        var z = new double[p];
        var d = new double[p];
        var hd = new double[p];
        var rules = new StoppingRules(options, certificate, null, cancellationToken);
        var log = new TrainingLog(options, progress);
        // Preconditioned, a restart is a step of iterative refinement: its residual is worth computing accurately.
        var refine = preconditioner is null ? null : objective as IAccurateObjective;
        double loss = objective.Evaluate(theta, gradient);
        log.Start(loss);
        TensorPrimitives.Negate(gradient, r);
        double rr = TensorPrimitives.Dot(r, r);
        double rz = Directions(preconditioner, r, z, d, rr);
        int restart = Math.Max(p, 1);
        double bestRestartLoss = loss, bestRestartRr = rr, bestConfirmedGap = double.PositiveInfinity;
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
            double a = rz / dhd;
            double[]? used = k <= options.TraceIterations ? [.. r.Select(v => -v)] : null;
            TensorPrimitives.MultiplyAdd(d, a, theta, theta);
            double next;
            bool restarted = k % restart == 0;
            if (restarted)
            {
                next = Restart(objective, refine, preconditioner, theta, gradient, r, z, d, out rr, out rz);
                // A stall: two restarts in a row that improve neither the true J nor the true ‖∇J‖.
                bool improved = next < bestRestartLoss || rr < bestRestartRr;
                bestRestartLoss = Math.Min(bestRestartLoss, next);
                bestRestartRr = Math.Min(bestRestartRr, rr);
                stalled = improved ? 0 : stalled + 1;
            }
            else
            {
                TensorPrimitives.MultiplyAdd(hd, -a, r, r);
                next = loss - 0.5 * a * rz;
                rr = TensorPrimitives.Dot(r, r);
                double rzNew = Precondition(preconditioner, r, z, rr);
                TensorPrimitives.MultiplyAdd(d, rzNew / rz, z, d);
                rz = rzNew;
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
                loss = Restart(objective, refine, preconditioner, theta, gradient, r, z, d, out rr, out rz);
                log.ReplaceLast(loss);
                TensorPrimitives.Negate(r, gradient);
                if (!rules.Certify(theta, loss, gradient))
                {
                    done = null;
                    // That was a restart too, and counts toward a stall: at the rounding floor of the gradient the recurrence
                    // "certifies" after every step and the data never confirms it (a warm start from the exact solution sits
                    // there from the first step), so the run stops instead of spending its budget there. At that floor J and
                    // ‖∇J‖ are rounding noise and can beat their best by chance, so a refused confirmation counts as progress
                    // only when the certified bound itself at least halves.
                    bool improved = rules.GapBound < 0.5 * bestConfirmedGap;
                    bestConfirmedGap = Math.Min(bestConfirmedGap, rules.GapBound);
                    bestRestartLoss = Math.Min(bestRestartLoss, loss);
                    bestRestartRr = Math.Min(bestRestartRr, rr);
                    stalled = improved ? 0 : stalled + 1;
                }
            }
            if (done is { } rule) { reason = rule; break; }
            if (stalled >= StallRestarts) { reason = StopReason.RoundingLimit; break; }
            log.Report(k, loss, gradient);
        }
        // Report the loss and gradient recomputed from the data at the final parameters (polished first when preconditioned).
        int polished = 0;
        double final;
        if (preconditioner is not null && reason is StopReason.Certified or StopReason.LossChangeBelowTolerance or StopReason.GradientNormBelowTolerance)
            (final, polished) = Polish(objective, refine, preconditioner, theta, gradient, log, ref k);
        else
        {
            final = objective.Evaluate(theta, gradient);
            log.ReplaceLast(final);
        }
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
            + (polished > 0 ? string.Format(CultureInfo.InvariantCulture,
                " Then {0} of iterative refinement (θ += M⁻¹r, M the factor of the statistics, r from residuals in twice the working precision) took the parameters to the rounding floor.",
                polished == 1 ? "one step" : polished + " steps") : "")
            + StopMessages.Verdict(reason, converged, gap, certificate?.Source, options);
        return new GradientDescentResult(theta, reason, k, log.History, norm, log.Trace, message, double.NaN)
        {
            LearningRateSource = "none (conjugate gradient chooses its own steps)",
            Optimizer = "cg",
            Steps = k,
            DataPasses = objective.Passes,
            Elapsed = rules.Elapsed,
            RelativeGapBound = gap,
            CertificateSource = certificate?.Source,
            Converged = converged,
            ConvergenceTest = test,
        };
    }

    /// <summary>Recomputes J and r = −∇J from the data at θ and restarts the directions (d = M⁻¹r); returns J.</summary>
    private static double Restart(IObjective objective, IAccurateObjective? refine, IPreconditioner? preconditioner, double[] theta, double[] gradient,
        double[] r, double[] z, double[] d, out double rr, out double rz)
    {
        double loss = refine?.EvaluateAccurately(theta, gradient) ?? objective.Evaluate(theta, gradient);
        TensorPrimitives.Negate(gradient, r);
        rr = TensorPrimitives.Dot(r, r);
        rz = Directions(preconditioner, r, z, d, rr);
        return loss;
    }

    /// <summary>Rounds of refinement after the stop, at most (LAPACK's iterative refinement stops after five as well).</summary>
    private const int PolishRounds = 5;

    /// <summary>
    /// After a preconditioned run has stopped by its rules (certified, as a rule): iterative refinement θ += M⁻¹r, r = −∇J
    /// from residuals in twice the working precision where the objective offers them, while the correction shrinks by
    /// at least half a round and is above the rounding of θ. A certified gap bounds J, and on ill-conditioned data
    /// (NIST's Wampler sets, κ(H) ≈ 10¹³) J is certified to 10⁻¹⁰ with only 6 digits in θ; each round costs one pass
    /// and gains about −log₁₀‖I − M⁻¹H‖ digits, so two or three reach the floor. The parameters with the smallest
    /// correction are kept, with their (accurate) loss and gradient; returns that loss and the rounds kept.
    /// </summary>
    private static (double Loss, int Rounds) Polish(IObjective objective, IAccurateObjective? refine, IPreconditioner preconditioner,
        double[] theta, double[] gradient, TrainingLog log, ref int k)
    {
        int p = theta.Length;
        var r = new double[p];
        var z = new double[p];
        double loss = refine?.EvaluateAccurately(theta, gradient) ?? objective.Evaluate(theta, gradient);
        log.ReplaceLast(loss);
        var best = ((double[])theta.Clone(), (double[])gradient.Clone(), loss, Correction(preconditioner, gradient, r, z));
        int rounds = 0, kept = 0;
        double previous = double.PositiveInfinity;
        while (rounds < PolishRounds)
        {
            double step = Correction(preconditioner, gradient, r, z);
            if (!(step <= 0.5 * previous) || !(step > Epsilon * TensorPrimitives.Norm(theta))) break;
            previous = step;
            TensorPrimitives.Add(theta, z, theta);
            rounds++;
            loss = refine?.EvaluateAccurately(theta, gradient) ?? objective.Evaluate(theta, gradient);
            log.Add(k + rounds, loss, null, theta);
            if (!double.IsFinite(loss)) break;
            double next = Correction(preconditioner, gradient, r, z);
            if (next < best.Item4)
            {
                best = ((double[])theta.Clone(), (double[])gradient.Clone(), loss, next);
                kept = rounds;
            }
        }
        best.Item1.CopyTo(theta, 0);
        best.Item2.CopyTo(gradient, 0);
        k += kept;
        if (rounds > kept) log.Add(k, best.Item3, null, theta);
        return (best.Item3, kept);
    }

    /// <summary>z = M⁻¹r with r = −∇J, and ‖z‖ (0 when r = 0; ∞ when the preconditioner gives no descent direction there).</summary>
    private static double Correction(IPreconditioner preconditioner, double[] gradient, double[] r, double[] z)
    {
        TensorPrimitives.Negate(gradient, r);
        r.CopyTo(z, 0);
        preconditioner.Precondition(z);
        double rz = TensorPrimitives.Dot(r, z);
        return rz > 0 && double.IsFinite(rz) ? TensorPrimitives.Norm(z)
            : TensorPrimitives.Dot(r, r) == 0 ? 0   // the gradient vanished: nothing left to correct
            : double.PositiveInfinity;
    }

    private const double Epsilon = 2.220446049250313e-16;

    /// <summary>z = M⁻¹r and d = z (a fresh start of the directions); returns rᵀz.</summary>
    private static double Directions(IPreconditioner? preconditioner, double[] r, double[] z, double[] d, double rr)
    {
        double rz = Precondition(preconditioner, r, z, rr);
        z.CopyTo(d, 0);
        return rz;
    }

    /// <summary>
    /// z = M⁻¹r, returning rᵀz; z = r (rᵀz = rᵀr) without a preconditioner, or where it gives no descent direction
    /// (rᵀM⁻¹r ≤ 0 or not finite: a residual outside the range the factor knows, rounding), so a step is never wasted.
    /// </summary>
    private static double Precondition(IPreconditioner? preconditioner, double[] r, double[] z, double rr)
    {
        r.CopyTo(z, 0);
        if (preconditioner is null) return rr;
        preconditioner.Precondition(z);
        double rz = TensorPrimitives.Dot(r, z);
        if (rz > 0 && double.IsFinite(rz)) return rz;
        r.CopyTo(z, 0);
        return rr;
    }

    private static string Explain(StopReason reason, GradientDescentOptions options, int k, int restart, double norm, double[] history, double gap, string? source)
    {
        var c = CultureInfo.InvariantCulture;
        double change = history.Length >= 2 ? Math.Abs(history[^1] - history[^2]) : double.NaN;
        return reason switch
        {
            StopReason.GradientNormBelowTolerance when norm == 0 => string.Format(c, "The residual of the normal equations vanished (‖∇J‖ = 0) at iteration {0}.", k),
            StopReason.MaxIterations => string.Format(c, "Reached the maximum of {0} iterations; the features may be nearly dependent. Raise `MaxIterations` or use `Method = Exact`.", k),
            StopReason.RoundingLimit => string.Format(c, "Stalled at iteration {0}: {1} restarts in a row (from the gradient recomputed from the data, every {2} steps or where the recurrence claimed the certificate) improved neither J nor ‖∇J‖ = {3:G3}, so rounding has the last word. " +
                "A stall is not convergence; use `Method = Exact`, or standardise the features.", k, StallRestarts, restart, norm),
            StopReason.Diverged => string.Format(c, "The loss became non-finite at iteration {0}.", k),
            _ => StopMessages.Common(reason, options, "iteration", k, change, gap, source, false) ?? "",
        };
    }
}
