using System.Globalization;
using System.Numerics.Tensors;
using Lsgd.Engines;
using Lsgd.Models;
using Lsgd.Optimizers;

namespace Lsgd.Training;

/// <summary>
/// One run of the gradient-descent family over any <see cref="IObjective"/>: the full-batch and mini-batch loops.
/// The step size, line search, stopping rules, early stopping, history and messages live in their own types;
/// this class only sequences them.
/// </summary>
internal sealed class TrainingRun
{
    private readonly IObjective _objective;
    private readonly GradientDescentOptions _options;
    private readonly IOptimizer _optimizer;
    private readonly OptimizerState _state;
    private readonly Proximal? _proximal;
    private readonly StoppingRules _rules;
    private readonly TrainingLog _log;
    private readonly StepSize _step;
    private readonly double[] _theta;
    private readonly double[] _gradient;
    private readonly double _initialLoss;
    private readonly Func<double> _gradientNorm;

    public TrainingRun(IObjective objective, GradientDescentOptions options, ReadOnlySpan<double> initial, IObjective? validation,
        IProgress<TrainingProgress>? progress, IOptimalityCertificate? certificate, CancellationToken cancel)
    {
        _objective = objective;
        _options = options;
        _optimizer = options.Optimizer ?? new Sgd();
        if (options.LineSearch && (!_optimizer.SupportsLineSearch || options.BatchSize is not null))
            throw new LsgdException($"The line search works with full-batch plain gradient descent only, not with {(options.BatchSize is null ? $"the {_optimizer.Name} optimizer" : "mini-batches")}. Drop `LineSearch`, or use the default optimizer without `BatchSize`.");
        _proximal = objective.Proximal;
        if (_proximal is not null && !_optimizer.SupportsProximal)
            throw new LsgdException($"The {_optimizer.Name} optimizer scales each coordinate's step, so it cannot apply the L1 penalty's proximal step exactly. Use `Optimizer = gd` or fista for lasso and elastic net.");
        _state = new OptimizerState(objective.ParameterCount);
        _rules = new StoppingRules(options, certificate, validation is null ? null : new EarlyStopping(validation, options.Patience), cancel);
        _log = new TrainingLog(options, progress);
        _theta = initial.ToArray();
        _gradient = new double[_theta.Length];
        _initialLoss = objective.Evaluate(_theta, _gradient);
        _step = StepSize.Choose(objective, options, _optimizer, _initialLoss);
        _gradientNorm = GradientMappingNorm;
    }

    private bool FullBatch => _options.BatchSize is not { } b || b >= _objective.Rows;

    private string Unit => FullBatch ? "iteration" : "epoch";

    public GradientDescentResult Execute()
    {
        double loss = _initialLoss;
        _log.Start(loss);
        if (!double.IsFinite(loss))
            return Result(StopReason.Diverged, 0, "The loss at the initial parameters is not finite; check the data for huge values.");

        var (reason, k) = FullBatch ? RunFullBatch(loss) : RunMiniBatches(loss);

        bool moved = false;
        if (_rules.Early?.Best is { } best && reason != StopReason.Diverged)
        {
            best.CopyTo(_theta, 0);
            moved = true;
        }
        else if (reason != StopReason.Diverged)
        {
            var before = (double[])_theta.Clone();
            _optimizer.Finish(_theta, _state);
            moved = !before.AsSpan().SequenceEqual(_theta);
        }
        // The reported loss and gradient belong to the reported parameters (after a rejected step θ was rolled back).
        if (moved)
        {
            _log.ReplaceLast(_objective.Evaluate(_theta, _gradient));
            _moved = true;
        }
        double finalLoss = reason == StopReason.Diverged ? _objective.Evaluate(_theta, _gradient) : _log.Last;
        var result = Result(reason, k, null, finalLoss);
        return double.IsFinite(finalLoss) ? result.WithFinalLoss(finalLoss) : result;
    }

    private (StopReason, int) RunFullBatch(double loss)
    {
        int p = _theta.Length;
        var previous = new double[p];
        var previousGradient = new double[p];
        bool monotone = _objective.IsQuadratic && _optimizer.IsMonotone && _options.Schedule.IsConstant;
        double lineAlpha = _step.Alpha;
        int k = 0;
        while (k < _options.MaxIterations)
        {
            if (_rules.Interrupted() is { } stop) return (stop, k);
            k++;
            _theta.CopyTo(previous, 0);
            _gradient.CopyTo(previousGradient, 0);
            var savedState = _step.Policy == DivergencePolicy.Recover ? _state.Clone() : null;

            double next;
            if (_options.LineSearch)
            {
                (next, lineAlpha) = LineSearch.Backtrack(_objective, previous, previousGradient, loss, Math.Min(2 * lineAlpha, 1e300), _theta, _gradient);
                _step.Alpha = lineAlpha;
            }
            else
            {
                _optimizer.Update(_theta, _gradient, _step.Alpha * _options.Schedule.Factor(k - 1), _state, _proximal);
                next = _objective.Evaluate(_theta, _gradient);
            }
            _log.Add(k, next, previousGradient, _theta);

            if (_step.Rejects(next, loss, _initialLoss, monotone))
            {
                previous.CopyTo(_theta, 0);
                previousGradient.CopyTo(_gradient, 0);
                if (!_step.CanRecover) return (StopReason.Diverged, k);
                _step.Halve(Unit, k, next, loss);
                _state.RestoreFrom(savedState!);
                _log.ReplaceLast(loss);
                continue;
            }
            double before = loss;
            loss = next;
            if (_rules.AfterStep(before, loss, _theta, _gradient, _gradientNorm) is { } done) return (done, k);
            _log.Report(k, loss, _gradient);
        }
        return (StopReason.MaxIterations, k);
    }

    /// <summary>Mini-batch updates so far (the schedule's step counter).</summary>
    private long _steps;

    private (StopReason, int) RunMiniBatches(double loss)
    {
        int batch = _options.BatchSize!.Value;
        var start = new double[_theta.Length];
        var batchGradient = new double[_theta.Length];
        int epoch = 0;
        while (epoch < _options.MaxIterations)
        {
            if (_rules.Interrupted() is { } stop) return (stop, epoch);
            epoch++;
            _theta.CopyTo(start, 0);
            var savedState = _step.Policy == DivergencePolicy.Recover ? _state.Clone() : null;
            bool finite = true;
            foreach (var minibatch in _objective.Batches(batch, unchecked(_options.Seed * 7919 + epoch)))
            {
                minibatch.Evaluate(_theta, batchGradient);
                _optimizer.Update(_theta, batchGradient, _step.Alpha * _options.Schedule.Factor(_steps), _state, _proximal);
                _steps++;
                if (!double.IsFinite(_theta[0]) || !double.IsFinite(batchGradient[0]))
                {
                    finite = false;
                    break;
                }
            }
            double next = finite ? _objective.Evaluate(_theta, _gradient) : double.NaN;
            _log.Add(epoch, next, null, _theta);
            if (_step.Rejects(next, loss, _initialLoss, monotone: false))
            {
                start.CopyTo(_theta, 0);
                _objective.Evaluate(_theta, _gradient);
                if (!_step.CanRecover) return (StopReason.Diverged, epoch);
                _step.Halve(Unit, epoch, next, loss);
                _state.RestoreFrom(savedState!);
                _log.ReplaceLast(loss);
                continue;
            }
            double before = loss;
            loss = next;
            if (_rules.AfterStep(before, loss, _theta, _gradient, _gradientNorm) is { } done) return (done, epoch);
            _log.Report(epoch, loss, _gradient);
        }
        return (StopReason.MaxIterations, epoch);
    }

    /// <summary>‖∇J‖, or with a proximal step the norm of the gradient mapping (θ − prox(θ − αg))/α.</summary>
    private double GradientMappingNorm()
    {
        if (_proximal is null) return TensorPrimitives.Norm(_gradient);
        double alpha = _step.Alpha;
        var moved = (double[])_theta.Clone();
        TensorPrimitives.MultiplyAdd(_gradient, -alpha, moved, moved);
        _proximal(moved, alpha);
        TensorPrimitives.Subtract(_theta, moved, moved);
        return TensorPrimitives.Norm(moved) / alpha;
    }

    private bool _moved;

    private GradientDescentResult Result(StopReason reason, int k, string? fixedMessage, double finalLoss = double.NaN)
    {
        var validation = _rules.Early?.Validation;
        double? validationLoss = validation?.Evaluate(_theta, new double[_theta.Length]);
        double norm = fixedMessage is null ? GradientMappingNorm() : double.NaN;
        var certificate = _rules.Certificate;
        double gap = certificate is null ? double.NaN
            : reason == StopReason.Certified && !_moved ? _rules.GapBound
            // FISTA reports its last proximal point, early stopping the best on validation: certify what is returned.
            : certificate.RelativeGapBound(_theta, double.IsFinite(finalLoss) ? finalLoss : _log.Last, _gradient);
        var (converged, test) = Convergence.Judge(reason, certificate is not null, gap, norm, _options);
        string message = fixedMessage ?? Explain(reason, k, gap) + StopMessages.Verdict(reason, converged, gap, certificate?.Source, _options);
        if (_step.RecoveryNote is { } note) message += " " + note;
        return new GradientDescentResult(_theta, reason, k, _log.History, norm, _log.Trace, message, _step.Alpha)
        {
            LearningRateSource = _step.Source,
            Optimizer = _optimizer.Name,
            Recoveries = _step.Recoveries,
            Steps = FullBatch ? k : _steps,
            DataPasses = _objective.Passes + (validation is null ? 0 : validation.Passes * validation.Rows / (double)_objective.Rows),
            Elapsed = _rules.Elapsed,
            ValidationLoss = validationLoss,
            RelativeGapBound = gap,
            CertificateSource = certificate?.Source,
            Converged = converged,
            ConvergenceTest = test,
        };
    }

    private string Explain(StopReason reason, int k, double gap)
    {
        var c = CultureInfo.InvariantCulture;
        var history = _log.History;
        double change = history.Length >= 2 ? Math.Abs(history[^1] - history[^2]) : double.NaN;
        if (StopMessages.Common(reason, _options, Unit, k, change, gap, _rules.Certificate?.Source, _rules.Early?.Best is not null) is { } common)
            return common;
        string Bound()
        {
            double l = _objective.LargestCurvature(maxIterations: 50, seed: _options.Seed + 1, relativeTolerance: 1e-4);
            if (!(l > 0)) return "";
            return string.Format(c, " Plain gradient descent is stable only for α < 2/L = {0:G4} (L = {1:G6}, the largest eigenvalue of the Hessian); try `LearningRate = {2:G3}`, or leave it unset for automatic.",
                2 / l, l, 1 / l);
        }
        return reason switch
        {
            StopReason.Diverged => string.Format(c, "The loss became {0} at {1} {2}: the learning rate α = {3:G6} is too large for this data.",
                history[^1] is var h && double.IsFinite(h) ? $"{h:G4} (rising)" : Internals.Throw.Format(h), Unit, k, _step.Alpha) + Bound(),
            StopReason.MaxIterations when history[^1] > history[0] => string.Format(c, "The loss grew from {0:G6} to {1:G6} in {2} {3}s: α = {4:G6} is too large.",
                history[0], history[^1], k, Unit, _step.Alpha) + Bound(),
            StopReason.MaxIterations => string.Format(c, "Reached the maximum of {0} {1}s before a convergence rule was met. Gradient descent needs more iterations the worse the features are conditioned: raise `MaxIterations`, standardise the features, or use `Method = Exact`.", k, Unit),
            _ => "",
        };
    }
}
