using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using Lsgd.Engines;

namespace Lsgd.Training;

/// <summary>
/// Batch gradient descent exactly as the article writes it.
/// </summary>
/// <remarks>
/// <code>
/// θ₀ = 0 (or seeded random);  J₀ = J(θ₀),  g₀ = ∇J(θ₀)
/// for k = 1, 2, …, MaxIterations:
///     θₖ = θₖ₋₁ − α gₖ₋₁                       (w ← w − α ∂J/∂w,  b ← b − α ∂J/∂b)
///     Jₖ = J(θₖ),  gₖ = ∇J(θₖ)                  (one fused pass over the data)
///     stop if Jₖ is not finite                    → Diverged (θ rolled back to θₖ₋₁)
///     stop if |Jₖ − Jₖ₋₁| &lt; Tolerance           → LossChangeBelowTolerance
///     stop if ‖gₖ‖ &lt; GradientTolerance           → GradientNormBelowTolerance
/// </code>
/// The learning rate is never changed behind the user's back; a run that diverges is stopped and the
/// message gives the stability bound 2/L, with L the largest Hessian eigenvalue estimated by power iteration.
/// </remarks>
public static class GradientDescent
{
    /// <summary>Minimises <paramref name="objective"/> from zeros or seeded random values.</summary>
    /// <param name="objective">Loss and gradient.</param>
    /// <param name="options">α, stopping rules, initial values.</param>
    /// <param name="progress">Receives a report a few times a second on long runs.</param>
    /// <param name="cancellationToken">Stops the run cleanly, keeping the parameters reached.</param>
    public static GradientDescentResult Minimize(LeastSquaresObjective objective, GradientDescentOptions options,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(options);
        var theta = Initial(objective.Layout.Count, options);
        return Minimize(objective, options, theta, progress, cancellationToken);
    }

    /// <summary>Minimises <paramref name="objective"/> starting from <paramref name="initial"/> (warm start).</summary>
    public static GradientDescentResult Minimize(LeastSquaresObjective objective, GradientDescentOptions options,
        ReadOnlySpan<double> initial, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(options);
        int p = objective.Layout.Count;
        if (initial.Length != p)
            Internals.Throw.Length(nameof(initial), initial.Length, p, "the model's parameter count");

        double alpha = options.LearningRate;
        var theta = initial.ToArray();
        var previous = new double[p];
        var gradient = new double[p];
        var history = new List<double>(Math.Min(options.MaxIterations + 1, 1 << 20));
        var trace = new List<IterationRecord>(options.TraceIterations);
        double loss = objective.Evaluate(theta, gradient);
        history.Add(loss);
        if (!double.IsFinite(loss))
            return new GradientDescentResult(theta, StopReason.Diverged, 0, [.. history], double.NaN, trace,
                "The loss at the initial parameters is not finite; check the data for huge values.", alpha);

        var clock = Stopwatch.StartNew();
        long lastReport = 0;
        var reason = StopReason.MaxIterations;
        int k = 0;
        int increases = 0;
        double gradientNorm = TensorPrimitives.Norm(gradient);
        var usedGradient = options.TraceIterations > 0 ? new double[p] : [];
        while (k < options.MaxIterations)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                reason = StopReason.Cancelled;
                break;
            }
            k++;
            theta.CopyTo(previous, 0);
            if (k <= options.TraceIterations) gradient.CopyTo(usedGradient, 0);
            TensorPrimitives.MultiplyAdd(gradient, -alpha, theta, theta);   // θ ← θ − α g
            double next = objective.Evaluate(theta, gradient);
            history.Add(next);
            if (k <= options.TraceIterations)
                trace.Add(new IterationRecord(k, (double[])usedGradient.Clone(), (double[])theta.Clone(), next));
            if (!double.IsFinite(next))
            {
                previous.CopyTo(theta, 0);
                reason = StopReason.Diverged;
                gradientNorm = double.NaN;
                break;
            }
            if (next > loss) increases++;
            double change = Math.Abs(next - loss);
            loss = next;
            gradientNorm = TensorPrimitives.Norm(gradient);
            if (change < options.Tolerance)
            {
                reason = StopReason.LossChangeBelowTolerance;
                break;
            }
            if (gradientNorm < options.GradientTolerance)
            {
                reason = StopReason.GradientNormBelowTolerance;
                break;
            }
            if (progress is not null && clock.ElapsedMilliseconds - lastReport >= 100)
            {
                lastReport = clock.ElapsedMilliseconds;
                progress.Report(new TrainingProgress(k, options.MaxIterations, loss, gradientNorm));
            }
        }
        progress?.Report(new TrainingProgress(k, options.MaxIterations, loss, gradientNorm));

        string message = Explain(objective, options, reason, k, history, increases);
        if (reason == StopReason.Diverged)
        {
            // θ was rolled back; its gradient is recomputed for an honest report.
            objective.Evaluate(theta, gradient);
            gradientNorm = TensorPrimitives.Norm(gradient);
        }
        return new GradientDescentResult(theta, reason, k, [.. history],
            gradientNorm, trace, message, alpha);
    }

    private static double[] Initial(int count, GradientDescentOptions options)
    {
        var theta = new double[count];
        if (options.Initialization == Initialization.Random)
        {
            var rng = new Random(options.Seed);
            for (int i = 0; i < count; i++)
            {
                // Box–Muller: N(0, 1) scaled to a standard deviation of 0.01.
                double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
                theta[i] = 0.01 * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            }
        }
        return theta;
    }

    private static string Explain(LeastSquaresObjective objective, GradientDescentOptions options, StopReason reason,
        int k, List<double> history, int increases)
    {
        var c = CultureInfo.InvariantCulture;
        double alpha = options.LearningRate;
        string Bound()
        {
            double l = objective.LargestCurvature(seed: options.Seed + 1);
            if (!(l > 0)) return "";
            return string.Format(c, " Plain gradient descent is stable only for α < 2/L = {0:G4} (L = {1:G6}, the largest eigenvalue of the Hessian); try --learning-rate {2:G3}.",
                2 / l, l, 1 / l);
        }
        switch (reason)
        {
            case StopReason.Diverged:
                return string.Format(c, "The loss became {0} at iteration {1}: the learning rate α = {2:G6} is too large for this data.",
                    history[^1], k, alpha) + Bound();
            case StopReason.MaxIterations when history[^1] > history[0] || increases > k / 2:
                return string.Format(c, "The loss grew from {0:G6} to {1:G6} in {2} iterations: α = {3:G6} is too large.",
                    history[0], history[^1], k, alpha) + Bound();
            case StopReason.MaxIterations:
                return string.Format(c, "Reached the maximum of {0} iterations before a convergence rule was met. Gradient descent needs more iterations the worse the features are conditioned: raise --max-iterations, standardise the features, or use --method exact.", k);
            case StopReason.LossChangeBelowTolerance:
                return string.Format(c, "|ΔJ| = {0:G3} < tolerance {1:G3} at iteration {2}.",
                    Math.Abs(history[^1] - history[^2]), options.Tolerance, k);
            case StopReason.GradientNormBelowTolerance:
                return string.Format(c, "‖∇J‖ < gradient tolerance {0:G3} at iteration {1}.", options.GradientTolerance, k);
            case StopReason.Cancelled:
                return string.Format(c, "Cancelled after {0} iterations; the parameters reached so far are kept.", k);
            default:
                return "";
        }
    }
}
