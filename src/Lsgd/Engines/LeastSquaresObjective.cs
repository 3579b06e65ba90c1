using System.Numerics.Tensors;
using Lsgd.Models;

namespace Lsgd.Engines;

/// <summary>
/// The half-squared-error objective under a chosen <see cref="Models.LossScaling"/>, over any engine.
/// </summary>
/// <remarks>
/// <see cref="LossScaling.Sum"/>: J = ½ Σᵢ ‖rᵢ‖² (the article's); <see cref="LossScaling.Mean"/>:
/// J = ½ (1/n) Σᵢ ‖rᵢ‖². The gradient is scaled the same way. Counts evaluations, since each one reads
/// all the data.
/// </remarks>
public sealed class LeastSquaresObjective
{
    private readonly IGradientEngine _engine;
    private readonly double _factor;

    /// <summary>Creates the objective over <paramref name="engine"/>.</summary>
    public LeastSquaresObjective(IGradientEngine engine, LossScaling scaling)
    {
        ArgumentNullException.ThrowIfNull(engine);
        _engine = engine;
        Scaling = scaling;
        _factor = scaling == LossScaling.Mean ? 1.0 / engine.Rows : 1.0;
    }

    /// <summary>The scaling applied to the engine's sum.</summary>
    public LossScaling Scaling { get; }

    /// <summary>The parameter layout.</summary>
    public ParameterLayout Layout => _engine.Layout;

    /// <summary>n, the number of rows.</summary>
    public long Rows => _engine.Rows;

    /// <summary>How many times the objective has been evaluated (full passes over the data).</summary>
    public long Evaluations { get; private set; }

    /// <summary>J(θ), writing ∇J(θ) into <paramref name="gradient"/>.</summary>
    public double Evaluate(ReadOnlySpan<double> theta, Span<double> gradient)
    {
        Evaluations++;
        double loss = _engine.Evaluate(theta, gradient);
        if (_factor != 1.0)
        {
            TensorPrimitives.Multiply(gradient, _factor, gradient);
            loss *= _factor;
        }
        return loss;
    }

    /// <summary>
    /// Estimates L, the largest eigenvalue of the Hessian of J, by power iteration on Hessian-vector
    /// products Hv = ∇J(v) − ∇J(0) (exact for a quadratic). Plain gradient descent is stable for α &lt; 2/L.
    /// </summary>
    /// <param name="maxIterations">Power-iteration steps (each one full pass).</param>
    /// <param name="seed">Seed of the random start vector.</param>
    public double LargestCurvature(int maxIterations = 100, int seed = 12345)
    {
        int p = Layout.Count;
        var zero = new double[p];
        var g0 = new double[p];
        Evaluate(zero, g0);
        var v = new double[p];
        var hv = new double[p];
        var rng = new Random(seed);
        for (int i = 0; i < p; i++) v[i] = rng.NextDouble() + 0.5;
        TensorPrimitives.Divide(v, TensorPrimitives.Norm(v), v);
        double lambda = 0;
        for (int it = 0; it < maxIterations; it++)
        {
            Evaluate(v, hv);
            TensorPrimitives.Subtract(hv, g0, hv);
            double next = TensorPrimitives.Dot(v, hv);
            double norm = TensorPrimitives.Norm(hv);
            if (norm == 0) return 0;
            TensorPrimitives.Divide(hv, norm, v);
            if (Math.Abs(next - lambda) <= 1e-9 * Math.Abs(next))
                return Math.Max(next, norm);
            lambda = next;
        }
        return lambda;
    }
}
