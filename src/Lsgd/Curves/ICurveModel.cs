namespace Lsgd.Curves;

/// <summary>
/// A model y = f(x; θ) with p named parameters whose derivatives ∂f/∂θ are known, analytically or by
/// automatic differentiation: what <see cref="CurveFitter"/> fits.
/// </summary>
public interface ICurveModel
{
    /// <summary>The model as a formula, e.g. <c>a*exp(b*x)+c</c>.</summary>
    string Formula { get; }

    /// <summary>The parameter names, in the order of the parameter vector θ.</summary>
    IReadOnlyList<string> ParameterNames { get; }

    /// <summary>The variables, in the order of a point's values: x alone unless the model says otherwise.</summary>
    IReadOnlyList<string> VariableNames => [Expression.VariableName];

    /// <summary>f(x; θ).</summary>
    /// <param name="x">The point.</param>
    /// <param name="parameters">θ, in the order of <see cref="ParameterNames"/>.</param>
    double Evaluate(double x, ReadOnlySpan<double> parameters);

    /// <summary>f(x; θ), writing ∂f/∂θ into <paramref name="gradient"/>.</summary>
    /// <param name="x">The point.</param>
    /// <param name="parameters">θ, in the order of <see cref="ParameterNames"/>.</param>
    /// <param name="gradient">Receives ∂f/∂θⱼ for every j (length p).</param>
    double Evaluate(double x, ReadOnlySpan<double> parameters, Span<double> gradient);

    /// <summary>
    /// f at every point, and when <paramref name="jacobian"/> is not empty the Jacobian Jᵢⱼ = ∂f(xᵢ)/∂θⱼ,
    /// column-major (column j, the derivative by θⱼ at every point, starts at <c>j·n</c>).
    /// </summary>
    /// <param name="x">The n points: n·k values, row-major, for the k = <see cref="VariableNames"/>.Count variables (n values for one).</param>
    /// <param name="parameters">θ.</param>
    /// <param name="values">Receives f(xᵢ; θ) (length n).</param>
    /// <param name="jacobian">Receives J (length n·p), or empty for values only.</param>
    void Evaluate(ReadOnlySpan<double> x, ReadOnlySpan<double> parameters, Span<double> values, Span<double> jacobian)
    {
        int n = x.Length, p = ParameterNames.Count;
        if (jacobian.IsEmpty)
        {
            for (int i = 0; i < n; i++) values[i] = Evaluate(x[i], parameters);
            return;
        }
        Span<double> row = p <= 64 ? stackalloc double[p] : new double[p];
        for (int i = 0; i < n; i++)
        {
            values[i] = Evaluate(x[i], parameters, row);
            for (int j = 0; j < p; j++) jacobian[j * n + i] = row[j];
        }
    }
}
