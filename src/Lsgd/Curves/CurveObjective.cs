using System.Numerics.Tensors;
using Lsgd.Engines;
using Lsgd.Models;

namespace Lsgd.Curves;

/// <summary>
/// The objective of a curve fit by gradient descent: J(u) = s·½ Σ (yᵢ − f(xᵢ; θ))² on scaled parameters θⱼ = uⱼ/dⱼ,
/// with ∂J/∂uⱼ = −s Σ rᵢ Jᵢⱼ / dⱼ (s = 1, or 1/n under <see cref="LossScaling.Mean"/>).
/// </summary>
/// <remarks>
/// The scales d (the Jacobian's column norms at the start, or ones) make every parameter move at a comparable
/// rate, as standardising features does for linear models. <see cref="HessianVector"/> uses the Gauss–Newton
/// matrix s·(JD⁻¹)ᵀ(JD⁻¹) at the last point evaluated: the curvature the trainer needs for an automatic step size
/// (it evaluates the starting point before it asks). J is not quadratic and has no mini-batches.
/// </remarks>
internal sealed class CurveObjective : IObjective, Training.IOptimalityCertificate
{
    private readonly CurveProblem _problem;
    private readonly double[] _scale;
    private readonly double _factor;
    private readonly double[] _theta;
    private readonly double[] _r;
    private readonly double[] _jacobian;
    private readonly double[] _w;
    private readonly double[] _lastU;

    public CurveObjective(CurveProblem problem, double[] scale, LossScaling scaling)
    {
        _problem = problem;
        _scale = scale;
        Scaling = scaling;
        _factor = scaling == LossScaling.Mean ? 1.0 / problem.N : 1.0;
        _theta = new double[problem.P];
        _r = new double[problem.N];
        _jacobian = new double[problem.N * problem.P];
        _w = new double[problem.N];
        _lastU = new double[problem.P];
        _lastU[0] = double.NaN;
    }

    public int ParameterCount => _problem.P;

    public long Rows => _problem.N;

    public LossScaling Scaling { get; }

    public double Passes { get; private set; }

    public bool HasHessianVector => true;

    /// <summary>θ = u/d.</summary>
    public void ToParameters(ReadOnlySpan<double> u, Span<double> theta)
    {
        for (int j = 0; j < theta.Length; j++) theta[j] = u[j] / _scale[j];
    }

    /// <summary>u = d·θ.</summary>
    public double[] FromParameters(ReadOnlySpan<double> theta)
    {
        var u = new double[theta.Length];
        for (int j = 0; j < u.Length; j++) u[j] = theta[j] * _scale[j];
        return u;
    }

    public double Evaluate(ReadOnlySpan<double> u, Span<double> gradient)
    {
        Passes++;
        int n = _problem.N, p = _problem.P;
        u.CopyTo(_lastU);
        ToParameters(u, _theta);
        double sse = _problem.ResidualsAndJacobian(_theta, _r, _jacobian);
        for (int j = 0; j < p; j++)
            gradient[j] = -_factor * TensorPrimitives.Dot(_jacobian.AsSpan(j * n, n), _r) / _scale[j];
        return _factor * 0.5 * sse;
    }

    /// <summary>As a certificate: the Gauss–Newton model's relative gap (exact for a linear model, a local estimate otherwise).</summary>
    public string Source => "the Gauss–Newton model (the share of the sum of squares a Gauss–Newton step would remove)";

    /// <summary><see cref="CurveProblem.Stationarity"/> at u (from the last evaluation when it was at u).</summary>
    public double RelativeGapBound(ReadOnlySpan<double> u, double loss, ReadOnlySpan<double> gradient)
    {
        if (!u.SequenceEqual(_lastU))
            Evaluate(u, new double[u.Length]);
        return _problem.Stationarity(_jacobian, _r);
    }

    public void HessianVector(ReadOnlySpan<double> v, Span<double> result)
    {
        // s·(JD⁻¹)ᵀ(JD⁻¹) v through w = J D⁻¹ v, with J from the last call of Evaluate.
        int n = _problem.N, p = _problem.P;
        Array.Clear(_w);
        for (int j = 0; j < p; j++)
            TensorPrimitives.MultiplyAdd(_jacobian.AsSpan(j * n, n), v[j] / _scale[j], _w, _w);
        for (int j = 0; j < p; j++)
            result[j] = _factor * TensorPrimitives.Dot(_jacobian.AsSpan(j * n, n), _w) / _scale[j];
    }
}
