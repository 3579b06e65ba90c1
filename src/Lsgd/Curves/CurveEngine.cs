using Lsgd.Engines;
using Lsgd.Models;

namespace Lsgd.Curves;

/// <summary>
/// A curve fit seen as a gradient engine, so the library's trainer (<see cref="Training.GradientDescent"/>) runs
/// gradient descent on it: J(u) = ½ Σ (yᵢ − f(xᵢ; θ))² with θⱼ = uⱼ/dⱼ, and ∂J/∂uⱼ = −Σ rᵢ Jᵢⱼ / dⱼ.
/// </summary>
/// <remarks>
/// The scales d (the Jacobian's column norms at the start, or ones) make every parameter move at a comparable
/// rate, as standardising features does for linear models. <see cref="HessianVector"/> uses the Gauss–Newton
/// matrix JᵀJ at the last point evaluated: the curvature the trainer needs to choose an automatic step size.
/// </remarks>
internal sealed class CurveEngine : IGradientEngine
{
    private readonly CurveProblem _problem;
    private readonly double[] _scale;
    private readonly double[] _theta;
    private readonly double[] _r;
    private readonly double[] _jacobian;

    public CurveEngine(CurveProblem problem, double[] scale)
    {
        _problem = problem;
        _scale = scale;
        _theta = new double[problem.P];
        _r = new double[problem.N];
        _jacobian = new double[problem.N * problem.P];
        Layout = new ParameterLayout(problem.P, 1, HasIntercept: false);
    }

    public ParameterLayout Layout { get; }

    public long Rows => _problem.N;

    /// <summary>θ = u/d.</summary>
    public void ToParameters(ReadOnlySpan<double> u, Span<double> theta)
    {
        for (int j = 0; j < theta.Length; j++) theta[j] = u[j] / _scale[j];
    }

    public double Evaluate(ReadOnlySpan<double> theta, Span<double> gradient)
    {
        int n = _problem.N, p = _problem.P;
        ToParameters(theta, _theta);
        double sse = _problem.ResidualsAndJacobian(_theta, _r, _jacobian);
        for (int j = 0; j < p; j++)
            gradient[j] = -System.Numerics.Tensors.TensorPrimitives.Dot(_jacobian.AsSpan(j * n, n), _r) / _scale[j];
        return 0.5 * sse;
    }

    public IEnumerable<IMiniBatch> Batches(int batchSize, int seed) =>
        throw new LsgdException("Curve fits use the full batch: leave BatchSize unset.");

    public void HessianVector(ReadOnlySpan<double> v, Span<double> result)
    {
        // (JD⁻¹)ᵀ(JD⁻¹) v, through w = J D⁻¹ v, with J from the last call of Evaluate (the trainer always
        // evaluates the starting point before it asks for curvature).
        int n = _problem.N, p = _problem.P;
        var w = new double[n];
        for (int j = 0; j < p; j++)
            System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(_jacobian.AsSpan(j * n, n), v[j] / _scale[j], w, w);
        for (int j = 0; j < p; j++)
            result[j] = System.Numerics.Tensors.TensorPrimitives.Dot(_jacobian.AsSpan(j * n, n), w) / _scale[j];
    }
}
