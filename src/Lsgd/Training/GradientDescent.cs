using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using Lsgd.Engines;
using Lsgd.Optimizers;

namespace Lsgd.Training;

/// <summary>
/// The training loop of the gradient-descent family. With the defaults of a given α, full batch and
/// <see cref="Sgd"/>, it is the article's batch gradient descent exactly.
/// </summary>
/// <remarks>
/// Full batch:
/// <code>
/// θ₀ = 0 (or seeded random);  J₀ = J(θ₀),  g₀ = ∇J(θ₀)
/// for k = 1, 2, …, MaxIterations:
///     θₖ = update(θₖ₋₁, gₖ₋₁, α·schedule(k−1))    (plain GD: w ← w − α ∂J/∂w,  b ← b − α ∂J/∂b)
///     Jₖ = J(θₖ),  gₖ = ∇J(θₖ)                       (one fused pass over the data)
///     Jₖ not finite (or rising, under Recover)     → roll back; Stop: Diverged; Recover: halve α, go on
///     |Jₖ − Jₖ₋₁| &lt; Tolerance                        → LossChangeBelowTolerance
///     ‖gₖ‖ &lt; GradientTolerance                        → GradientNormBelowTolerance
/// </code>
/// Mini-batches: one iteration is an epoch of shuffled batches (seeded: the same seed gives the same bits
/// whatever the thread count), and the rules are checked on the full loss after it. Validation, time budget
/// and cancellation are checked after every iteration.
/// </remarks>
public static class GradientDescent
{
    /// <summary>Minimises <paramref name="objective"/> from zeros or seeded random values.</summary>
    /// <param name="objective">Loss and gradient.</param>
    /// <param name="options">α, optimizer, batches, stopping rules, initial values.</param>
    /// <param name="progress">Receives a report a few times a second on long runs.</param>
    /// <param name="validation">Held-out rows for early stopping (optional).</param>
    /// <param name="cancellationToken">Stops the run cleanly, keeping the parameters reached.</param>
    /// <param name="certificate">Bounds the relative objective gap after each full-batch step (or epoch): the run stops,
    /// certified, once the bound is at most <see cref="GradientDescentOptions.RelativeGapTolerance"/>.</param>
    public static GradientDescentResult Minimize(LeastSquaresObjective objective, GradientDescentOptions options,
        LeastSquaresObjective? validation = null, IProgress<TrainingProgress>? progress = null, IOptimalityCertificate? certificate = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(options);
        var theta = Initial(objective.Layout.Count, options);
        return Minimize(objective, options, theta, validation, progress, certificate, cancellationToken);
    }

    /// <summary>Minimises <paramref name="objective"/> starting from <paramref name="initial"/> (warm start).</summary>
    public static GradientDescentResult Minimize(LeastSquaresObjective objective, GradientDescentOptions options,
        ReadOnlySpan<double> initial, LeastSquaresObjective? validation = null, IProgress<TrainingProgress>? progress = null,
        IOptimalityCertificate? certificate = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(options);
        int p = objective.Layout.Count;
        if (initial.Length != p)
            Internals.Throw.Length(nameof(initial), initial.Length, p, "the model's parameter count");
        var run = new Run(objective, options, initial, validation, progress, certificate, cancellationToken);
        return run.Execute();
    }

    internal static double[] Initial(int count, GradientDescentOptions options)
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

    /// <summary>Picks α: the given one, or 1/L (plain GD, momentum, FISTA) or a fixed default (adaptive methods).</summary>
    internal static (double Alpha, string Source) ChooseLearningRate(LeastSquaresObjective objective, GradientDescentOptions options, IOptimizer optimizer, double initialLoss)
    {
        if (options.LearningRate is { } given)
            return (given, "given");
        var c = CultureInfo.InvariantCulture;
        // Adaptive methods move each coordinate by about α per step, so α must match the size of the
        // coefficients: take the root-mean-square residual at the start (≈ the scale of y) as that size.
        double rms = Math.Sqrt(2 * initialLoss / (objective.Scaling == Models.LossScaling.Mean ? 1 : objective.Rows));
        double scale = rms > 0 && double.IsFinite(rms) ? rms : 1;
        switch (optimizer)
        {
            case Adam or RmsProp:
                return (0.01 * scale, string.Format(c, "auto: 0.01 × {0:G4}, the RMS residual at the start (adaptive method: steps are about α per coordinate)", scale));
            case AdaGrad:
                return (0.1 * scale, string.Format(c, "auto: 0.1 × {0:G4}, the RMS residual at the start (adaptive method: steps are about α per coordinate)", scale));
            default:
                double l = objective.LargestCurvature(maxIterations: 50, seed: options.Seed + 1, relativeTolerance: 1e-4);
                if (!(l > 0))
                    return (1.0, "auto: 1 (the Hessian is zero)");
                return (1 / l, string.Format(c, "auto: 1/L with L = {0:G6}, the largest Hessian eigenvalue (power iteration)", l));
        }
    }

    private sealed class Run
    {
        private readonly LeastSquaresObjective _objective;
        private readonly GradientDescentOptions _options;
        private readonly IProgress<TrainingProgress>? _progress;
        private readonly CancellationToken _cancel;
        private readonly LeastSquaresObjective? _validation;
        private readonly IOptimizer _optimizer;
        private readonly OptimizerState _state;
        private readonly Proximal? _proximal;
        private readonly double[] _theta;
        private readonly double[] _gradient;
        private readonly List<double> _history;
        private readonly List<IterationRecord> _trace;
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly string _alphaSource;
        private readonly DivergencePolicy _policy;
        private double _alpha;
        private readonly double _initialLoss;
        private int _recoveries;
        private double[]? _bestValidationTheta;
        private double _bestValidation = double.PositiveInfinity;
        private int _sinceImprovement;
        private string? _recoveryNote;
        private readonly IOptimalityCertificate? _certificate;
        private double _gapBound = double.NaN;

        public Run(LeastSquaresObjective objective, GradientDescentOptions options, ReadOnlySpan<double> initial,
            LeastSquaresObjective? validation, IProgress<TrainingProgress>? progress,
            IOptimalityCertificate? certificate, CancellationToken cancel)
        {
            _certificate = certificate;
            _objective = objective;
            _options = options;
            _progress = progress;
            _cancel = cancel;
            _validation = validation;
            _optimizer = options.Optimizer ?? new Sgd();
            if (options.LineSearch && (_optimizer is not Sgd || options.BatchSize is not null))
                throw new LsgdException($"The line search works with full-batch plain gradient descent only, not with {(options.BatchSize is null ? $"the {_optimizer.Name} optimizer" : "mini-batches")}. Drop --line-search, or use the default optimizer without --batch-size.");
            _state = new OptimizerState(objective.Layout.Count);
            _proximal = objective.Proximal;
            _theta = initial.ToArray();
            _gradient = new double[_theta.Length];
            _history = new List<double>(Math.Min(options.MaxIterations + 1, 1 << 20));
            _trace = new List<IterationRecord>(options.TraceIterations);
            _initialLoss = objective.Evaluate(_theta, _gradient);
            (_alpha, _alphaSource) = ChooseLearningRate(objective, options, _optimizer, _initialLoss);
            _policy = options.OnDivergence ?? (options.LearningRate is null ? DivergencePolicy.Recover : DivergencePolicy.Stop);
        }

        public GradientDescentResult Execute()
        {
            double loss = _initialLoss;
            _history.Add(loss);
            if (!double.IsFinite(loss))
                return Result(StopReason.Diverged, 0, double.NaN, "The loss at the initial parameters is not finite; check the data for huge values.");

            bool fullBatch = _options.BatchSize is not { } b || b >= _objective.Rows;
            var (reason, k) = fullBatch ? FullBatch(loss) : MiniBatch(loss);

            bool moved = false;
            if (_bestValidationTheta is not null && reason != StopReason.Diverged)
            {
                _bestValidationTheta.CopyTo(_theta, 0);
                moved = true;
            }
            else if (reason != StopReason.Diverged)
            {
                var before = (double[])_theta.Clone();
                _optimizer.Finish(_theta, _state);
                moved = !before.AsSpan().SequenceEqual(_theta);
            }
            if (moved)
            {
                // The reported loss and gradient belong to the reported parameters.
                _history[^1] = _objective.Evaluate(_theta, _gradient);
            }
            // After a rejected step θ was rolled back: report the loss at the θ returned, not at the rejected one.
            double finalLoss = reason == StopReason.Diverged ? _objective.Evaluate(_theta, _gradient) : _history[^1];
            double norm = GradientMappingNorm();
            return Result(reason, k, norm, Explain(reason, k)) is var result && double.IsFinite(finalLoss)
                ? result.WithFinalLoss(finalLoss)
                : result;
        }

        private (StopReason, int) FullBatch(double loss)
        {
            int p = _theta.Length;
            var previous = new double[p];
            var previousGradient = new double[p];
            var usedGradient = _options.TraceIterations > 0 ? new double[p] : [];
            long lastReport = 0;
            int k = 0;
            bool monotone = _optimizer is Sgd && _options.Schedule is Schedules.ConstantSchedule;
            double lineAlpha = _alpha;
            while (k < _options.MaxIterations)
            {
                if (Interrupted() is { } stop) return (stop, k);
                k++;
                _theta.CopyTo(previous, 0);
                _gradient.CopyTo(previousGradient, 0);
                var savedState = _policy == DivergencePolicy.Recover ? _state.Clone() : null;
                if (k <= _options.TraceIterations) _gradient.CopyTo(usedGradient, 0);

                double next;
                if (_options.LineSearch)
                {
                    (next, lineAlpha) = Backtrack(previous, previousGradient, loss, Math.Min(2 * lineAlpha, 1e300));
                    _alpha = lineAlpha;
                }
                else
                {
                    double stepAlpha = _alpha * _options.Schedule.Factor(k - 1);
                    _optimizer.Update(_theta, _gradient, stepAlpha, _state, _proximal);
                    next = _objective.Evaluate(_theta, _gradient);
                }
                _history.Add(next);
                if (k <= _options.TraceIterations)
                    _trace.Add(new IterationRecord(k, (double[])usedGradient.Clone(), (double[])_theta.Clone(), next));

                // Plain full-batch GD on a quadratic decreases J at every step when α < 2/L, so a rise beyond
                // rounding proves α ≥ 2/L: stop (or recover) now rather than wait for an overflow.
                bool rising = monotone
                    ? next > loss + 1e-10 * Math.Abs(loss) + 1e-14 * Math.Abs(_history[0])
                    : _policy == DivergencePolicy.Recover && next > 100 * Math.Max(_history[0], 1e-300);
                if (!double.IsFinite(next) || rising)
                {
                    previous.CopyTo(_theta, 0);
                    previousGradient.CopyTo(_gradient, 0);
                    if (_policy == DivergencePolicy.Stop || _recoveries >= 60)
                        return (StopReason.Diverged, k);
                    Recover(savedState!, k, next, loss);
                    _history[^1] = loss;
                    continue;
                }
                if (Converged(next, ref loss, k, ref lastReport) is { } done) return (done, k);
            }
            return (StopReason.MaxIterations, k);
        }

        /// <summary>
        /// The stopping rules after an accepted step to loss <paramref name="next"/> (which becomes the current
        /// loss), in order: target loss, the article's |ΔJ| rule, the gradient rule, validation; then a progress
        /// report at most every 100 ms. Null means go on.
        /// </summary>
        private StopReason? Converged(double next, ref double loss, int k, ref long lastReport)
        {
            double change = Math.Abs(next - loss);
            loss = next;
            if (loss <= _options.TargetLoss) return StopReason.TargetReached;
            if (Certified(loss)) return StopReason.Certified;
            if (change < _options.Tolerance) return StopReason.LossChangeBelowTolerance;
            if (_options.GradientTolerance > 0 && GradientMappingNorm() < _options.GradientTolerance)
                return StopReason.GradientNormBelowTolerance;
            if (ValidationSaysStop()) return StopReason.EarlyStopped;
            if (_progress is not null && _clock.ElapsedMilliseconds - lastReport >= 100)
            {
                lastReport = _clock.ElapsedMilliseconds;
                _progress.Report(new TrainingProgress(k, _options.MaxIterations, loss, TensorPrimitives.Norm(_gradient)));
            }
            return null;
        }

        /// <summary>Whether the certificate (if any) bounds the relative gap at the current θ within the tolerance.</summary>
        private bool Certified(double loss)
        {
            if (_certificate is null || _options.RelativeGapTolerance <= 0) return false;
            _gapBound = _certificate.RelativeGapBound(_theta, loss, _gradient);
            return _gapBound <= _options.RelativeGapTolerance;
        }

        /// <summary>Armijo backtracking from α₀: accept θ − αg when J falls by at least ½α‖g‖².</summary>
        private (double Loss, double Alpha) Backtrack(double[] start, double[] gradient, double loss, double alpha)
        {
            double g2 = TensorPrimitives.SumOfSquares(gradient);
            for (int trial = 0; trial < 100; trial++)
            {
                start.CopyTo(_theta, 0);
                TensorPrimitives.MultiplyAdd(gradient, -alpha, _theta, _theta);
                _proximal?.Invoke(_theta, alpha);
                double next = _objective.Evaluate(_theta, _gradient);
                if (double.IsFinite(next) && next <= loss - 0.5 * alpha * g2)
                    return (next, alpha);
                alpha *= 0.5;
            }
            return (loss, alpha);
        }

        private (StopReason, int) MiniBatch(double loss)
        {
            int batch = _options.BatchSize!.Value;
            var start = new double[_theta.Length];
            var batchGradient = new double[_theta.Length];
            long step = 0;
            long lastReport = 0;
            int epoch = 0;
            while (epoch < _options.MaxIterations)
            {
                if (Interrupted() is { } stop) return (stop, epoch);
                epoch++;
                _theta.CopyTo(start, 0);
                var savedState = _policy == DivergencePolicy.Recover ? _state.Clone() : null;
                bool finite = true;
                foreach (var minibatch in _objective.Batches(batch, unchecked(_options.Seed * 7919 + epoch)))
                {
                    minibatch.Evaluate(_theta, batchGradient);
                    _optimizer.Update(_theta, batchGradient, _alpha * _options.Schedule.Factor(step), _state, _proximal);
                    step++;
                    if (!double.IsFinite(_theta[0]) || !double.IsFinite(batchGradient[0]))
                    {
                        finite = false;
                        break;
                    }
                }
                double next = finite ? _objective.Evaluate(_theta, _gradient) : double.NaN;
                _history.Add(next);
                bool rising = _policy == DivergencePolicy.Recover && next > 100 * Math.Max(_history[0], 1e-300);
                if (!double.IsFinite(next) || rising)
                {
                    start.CopyTo(_theta, 0);
                    _objective.Evaluate(_theta, _gradient);
                    if (_policy == DivergencePolicy.Stop || _recoveries >= 60)
                        return (StopReason.Diverged, epoch);
                    Recover(savedState!, epoch, next, loss);
                    _history[^1] = loss;
                    continue;
                }
                if (Converged(next, ref loss, epoch, ref lastReport) is { } done) return (done, epoch);
            }
            return (StopReason.MaxIterations, epoch);
        }

        private void Recover(OptimizerState saved, int k, double bad, double good)
        {
            _recoveries++;
            _alpha /= 2;
            CopyState(saved, _state);
            _recoveryNote = string.Format(CultureInfo.InvariantCulture,
                "The loss rose to {0:G4} from {1:G4} at iteration {2}; the step was rolled back and α halved ({3} time{4}), to {5:G4}.",
                bad, good, k, _recoveries, _recoveries == 1 ? "" : "s", _alpha);
        }

        private static void CopyState(OptimizerState from, OptimizerState to)
        {
            to.Step = from.Step;
            to.Scalar = from.Scalar;
            foreach (var name in to.BufferNames.ToList())
            {
                var source = from.BufferNames.Contains(name) ? from.Buffer(name) : new double[to.ParameterCount];
                source.CopyTo(to.Buffer(name), 0);
            }
        }

        private StopReason? Interrupted()
        {
            if (_cancel.IsCancellationRequested) return StopReason.Cancelled;
            if (_options.TimeBudget is { } budget && _clock.Elapsed >= budget) return StopReason.TimeBudget;
            return null;
        }

        private bool ValidationSaysStop()
        {
            if (_validation is null) return false;
            var scratch = new double[_theta.Length];
            double v = _validation.Evaluate(_theta, scratch);
            if (v < _bestValidation)
            {
                _bestValidation = v;
                _bestValidationTheta = (double[])_theta.Clone();
                _sinceImprovement = 0;
                return false;
            }
            return ++_sinceImprovement >= _options.Patience;
        }

        /// <summary>‖∇J‖, or with an L1 penalty the norm of the gradient mapping (θ − prox(θ − αg))/α.</summary>
        private double GradientMappingNorm()
        {
            if (_proximal is null) return TensorPrimitives.Norm(_gradient);
            var moved = (double[])_theta.Clone();
            TensorPrimitives.MultiplyAdd(_gradient, -_alpha, moved, moved);
            _proximal(moved, _alpha);
            TensorPrimitives.Subtract(_theta, moved, moved);
            return TensorPrimitives.Norm(moved) / _alpha;
        }

        private GradientDescentResult Result(StopReason reason, int k, double norm, string message)
        {
            double? validationLoss = _validation is null ? null : _validation.Evaluate(_theta, new double[_theta.Length]);
            return new GradientDescentResult(_theta, reason, k, [.. _history], norm, _trace, message, _alpha)
            {
                LearningRateSource = _alphaSource,
                Optimizer = _optimizer.Name,
                Recoveries = _recoveries,
                DataPasses = _objective.Passes + (_validation is null ? 0 : _validation.Passes * _validation.Rows / (double)_objective.Rows),
                Elapsed = _clock.Elapsed,
                ValidationLoss = validationLoss,
                RelativeGapBound = _certificate is null ? double.NaN
                    : reason == StopReason.Certified ? _gapBound
                    : _certificate.RelativeGapBound(_theta, _history[^1], _gradient),
                CertificateSource = _certificate?.Source,
            };
        }

        private string Explain(StopReason reason, int k)
        {
            var c = CultureInfo.InvariantCulture;
            string unit = _options.BatchSize is null ? "iteration" : "epoch";
            string Bound()
            {
                double l = _objective.LargestCurvature(maxIterations: 50, seed: _options.Seed + 1, relativeTolerance: 1e-4);
                if (!(l > 0)) return "";
                return string.Format(c, " Plain gradient descent is stable only for α < 2/L = {0:G4} (L = {1:G6}, the largest eigenvalue of the Hessian); try --learning-rate {2:G3}, or leave it unset for automatic.",
                    2 / l, l, 1 / l);
            }
            string text = reason switch
            {
                StopReason.Diverged => string.Format(c, "The loss became {0} at {1} {2}: the learning rate α = {3:G6} is too large for this data.",
                    _history[^1] is var h && double.IsFinite(h) ? $"{h:G4} (rising)" : Internals.Throw.Format(h), unit, k, _alpha) + Bound(),
                StopReason.MaxIterations when _history[^1] > _history[0] => string.Format(c, "The loss grew from {0:G6} to {1:G6} in {2} {3}s: α = {4:G6} is too large.",
                    _history[0], _history[^1], k, unit, _alpha) + Bound(),
                StopReason.MaxIterations => string.Format(c, "Reached the maximum of {0} {1}s before a convergence rule was met. Gradient descent needs more iterations the worse the features are conditioned: raise --max-iterations, standardise the features, or use --method exact.", k, unit),
                StopReason.LossChangeBelowTolerance => string.Format(c, "|ΔJ| = {0:G3} < tolerance {1:G3} at {2} {3}.",
                    Math.Abs(_history[^1] - _history[^2]), _options.Tolerance, unit, k),
                StopReason.GradientNormBelowTolerance => string.Format(c, "‖∇J‖ < gradient tolerance {0:G3} at {1} {2}.", _options.GradientTolerance, unit, k),
                StopReason.Cancelled => string.Format(c, "Cancelled after {0} {1}s; the parameters reached so far are kept{2}.", k, unit, _bestValidationTheta is null ? "" : " (the best on validation)"),
                StopReason.EarlyStopped => string.Format(c, "The validation loss did not improve for {0} {1}s; the best parameters on validation are kept.", _options.Patience, unit),
                StopReason.TimeBudget => string.Format(c, "The time budget of {0} ran out after {1} {2}s; the parameters reached are kept.", _options.TimeBudget, k, unit),
                StopReason.TargetReached => string.Format(c, "J reached the target {0:G6} at {1} {2}.", _options.TargetLoss, unit, k),
                StopReason.Certified => string.Format(c, "Certified at {0} {1}: the relative objective gap is at most {2:G3} (tolerance {3:G3}), by {4}.",
                    unit, k, _gapBound, _options.RelativeGapTolerance, _certificate!.Source),
                _ => "",
            };
            return _recoveryNote is null ? text : text + " " + _recoveryNote;
        }
    }
}
