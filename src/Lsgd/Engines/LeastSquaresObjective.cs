using System.Numerics.Tensors;
using Lsgd.Internals;
using Lsgd.Models;

namespace Lsgd.Engines;

/// <summary>
/// The half-squared-error objective under a chosen <see cref="Models.LossScaling"/> and an optional
/// <see cref="Models.Penalty"/>, over any engine.
/// </summary>
/// <remarks>
/// J(θ) = s · ½ Σᵢ ‖rᵢ‖² + ½λ₂‖w‖² + λ₁‖w‖₁, with s = 1 under <see cref="LossScaling.Sum"/> (the article's) and
/// s = 1/n under <see cref="LossScaling.Mean"/>. Weighted rows give J(θ) = s · ½ Σᵢ wᵢ‖rᵢ‖², with s = 1/Σw under
/// <see cref="LossScaling.Mean"/>: the weighted mean, so that integer weights act as repeated rows and α means the
/// same whatever the weights' scale. The gradient returned is that of the smooth part (the L1 term is
/// handled by a proximal step). A mini-batch B gives the unbiased estimate s·(n/|B|)·(sum over B) of the smooth
/// gradient, so α means the same for batches and for the full data. Counts full passes over the data.
/// </remarks>
public sealed class LeastSquaresObjective : IObjective, IAccurateObjective
{
    private readonly IGradientEngine _engine;
    private readonly double _factor;

    /// <summary>Creates the objective over <paramref name="engine"/>.</summary>
    public LeastSquaresObjective(IGradientEngine engine, LossScaling scaling, Penalty? penalty = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        _engine = engine;
        Scaling = scaling;
        Penalty = penalty ?? Penalty.None;
        _factor = scaling == LossScaling.Mean ? 1.0 / engine.WeightSum : 1.0;
    }

    /// <summary>The scaling applied to the engine's sum.</summary>
    public LossScaling Scaling { get; }

    /// <summary>The penalty on the weights.</summary>
    public Penalty Penalty { get; }

    /// <summary>The parameter layout.</summary>
    public ParameterLayout Layout => _engine.Layout;

    /// <inheritdoc />
    public int ParameterCount => _engine.Layout.Count;

    /// <summary>True: the smooth part of J is quadratic, its Hessian constant.</summary>
    public bool IsQuadratic => true;

    /// <summary>True: every engine gives exact Hessian-vector products.</summary>
    public bool HasHessianVector => true;

    /// <summary>Whether the engine can form mini-batches: engines that read rows can, engines on statistics alone cannot.</summary>
    public bool HasMiniBatches => _engine.HasMiniBatches;

    /// <summary>n, the number of rows.</summary>
    public long Rows => _engine.Rows;

    /// <summary>How many full passes over the rows have been made (mini-batches count by their share of n; evaluations from statistics read no rows and count 0).</summary>
    public double Passes { get; private set; }

    /// <summary>J(θ), writing the gradient of its smooth part into <paramref name="gradient"/>.</summary>
    public double Evaluate(ReadOnlySpan<double> theta, Span<double> gradient)
    {
        if (_engine.ReadsData) Passes++;
        double loss = _engine.Evaluate(theta, gradient);
        return Finish(theta, gradient, loss, _factor);
    }

    /// <summary>
    /// The rows in memory behind the engine, in their original units, and the standardiser the engine's rows were
    /// transformed by (null: none), for <see cref="IAccurateObjective.EvaluateAccurately"/>; null when the engine's
    /// rows are not at hand (statistics, streams), and the accurate evaluation is then the plain one.
    /// </summary>
    internal (Data.Dataset Rows, Data.Standardizer? Standardizer)? AccurateSource { get; init; }

    /// <summary>
    /// J(θ) and its smooth gradient from <see cref="AccurateSource"/>, with the standardised features, residuals and
    /// sums in twice the working precision (<see cref="RowMath.AccumulateAccurately"/>); the plain evaluation without one.
    /// </summary>
    double IAccurateObjective.EvaluateAccurately(ReadOnlySpan<double> theta, Span<double> gradient)
    {
        if (AccurateSource is not var (rows, standardizer)) return Evaluate(theta, gradient);
        if (theta.Length != ParameterCount || gradient.Length != ParameterCount)
            Throw.Length(nameof(theta), theta.Length, ParameterCount, "the model's parameter count");
        Passes++;
        gradient.Clear();
        return Finish(theta, gradient, 0.5 * RowMath.AccumulateAccurately(Layout, theta, gradient, rows, standardizer), _factor);
    }

    /// <summary>
    /// One epoch of mini-batches (seeded), each evaluating an unbiased estimate of J(θ) and its smooth
    /// gradient: the batch sum scaled by s·n/|B|, plus the penalty.
    /// </summary>
    public IEnumerable<IObjectiveBatch> Batches(int batchSize, int seed)
    {
        foreach (var batch in _engine.Batches(batchSize, seed))
            yield return new Batch(this, batch);
    }

    private sealed class Batch(LeastSquaresObjective owner, IMiniBatch batch) : IObjectiveBatch
    {
        public int Rows => batch.Rows;

        public double Evaluate(ReadOnlySpan<double> theta, Span<double> gradient)
        {
            owner.Passes += (double)batch.Rows / owner.Rows;
            double loss = batch.Evaluate(theta, gradient);
            return owner.Finish(theta, gradient, loss, owner._factor * owner.Rows / batch.Rows);
        }
    }

    /// <summary>Writes H·v for the smooth part of J (exact: J is quadratic).</summary>
    public void HessianVector(ReadOnlySpan<double> v, Span<double> result)
    {
        if (_engine.ReadsData) Passes++;
        _engine.HessianVector(v, result);
        if (_factor != 1.0)
            TensorPrimitives.Multiply(result, _factor, result);
        if (Penalty.L2 > 0)
            ForEachWeight(v, result, (vi, ref ri) => ri += Penalty.L2 * vi);
    }

    /// <summary>The penalty's value at θ: ½λ₂‖w‖² + λ₁‖w‖₁.</summary>
    public double PenaltyValue(ReadOnlySpan<double> theta)
    {
        if (Penalty.IsNone) return 0;
        double l1 = 0, l2 = 0;
        var layout = Layout;
        for (int o = 0; o < layout.Outputs; o++)
        {
            var w = layout.Weights(theta, o);
            l1 += TensorPrimitives.SumOfMagnitudes(w);
            l2 += TensorPrimitives.SumOfSquares(w);
        }
        return Penalty.L1 * l1 + 0.5 * Penalty.L2 * l2;
    }

    /// <summary>
    /// The proximal step of the L1 term (soft-thresholding the weights by s·λ₁), or null without one.
    /// </summary>
    public Proximal? Proximal => Penalty.L1 > 0 ? SoftThreshold : null;

    private void SoftThreshold(Span<double> theta, double stepSize)
    {
        double threshold = stepSize * Penalty.L1;
        var layout = Layout;
        for (int o = 0; o < layout.Outputs; o++)
        {
            var w = layout.Weights(theta, o);
            for (int j = 0; j < w.Length; j++)
                w[j] = Math.Sign(w[j]) * Math.Max(Math.Abs(w[j]) - threshold, 0);
        }
    }

    private double Finish(ReadOnlySpan<double> theta, Span<double> gradient, double loss, double factor)
    {
        if (factor != 1.0)
        {
            TensorPrimitives.Multiply(gradient, factor, gradient);
            loss *= factor;
        }
        if (Penalty.L2 > 0)
            ForEachWeight(theta, gradient, (t, ref g) => g += Penalty.L2 * t);
        return loss + PenaltyValue(theta);
    }

    private delegate void WeightUpdate(double source, ref double target);

    private void ForEachWeight(ReadOnlySpan<double> source, Span<double> target, WeightUpdate update)
    {
        var layout = Layout;
        for (int o = 0; o < layout.Outputs; o++)
            for (int j = 0; j < layout.Features; j++)
            {
                int i = o * layout.BlockSize + j;
                update(source[i], ref target[i]);
            }
    }

    /// <summary>
    /// Estimates L, the largest eigenvalue of the Hessian of the smooth part of J, by power iteration on exact
    /// Hessian-vector products. Plain gradient descent is stable for α &lt; 2/L.
    /// </summary>
    /// <param name="maxIterations">Power-iteration steps (each one full pass).</param>
    /// <param name="seed">Seed of the random start vector.</param>
    /// <param name="relativeTolerance">Stop when successive estimates agree to this.</param>
    public double LargestCurvature(int maxIterations = 100, int seed = 12345, double relativeTolerance = 1e-9) =>
        Curvature.Largest(this, maxIterations, seed, relativeTolerance);
}
