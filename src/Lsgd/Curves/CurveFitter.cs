using System.Globalization;
using Lsgd.Internals;
using Lsgd.Models;
using Lsgd.Training;

namespace Lsgd.Curves;

/// <summary>
/// Fits curves y ≈ f(x; θ) by least squares: non-linear models by Levenberg–Marquardt or gradient descent,
/// polynomials and user basis functions exactly.
/// </summary>
/// <example>
/// <code>
/// var model = Expression.Parse("a*exp(b*x)+c");
/// var fit = CurveFitter.Fit(model, x, y, initial: [1, -0.5, 0]);
/// Console.WriteLine($"b = {fit.Parameter("b")} ± {fit.StandardError("b")}");
/// </code>
/// </example>
public static class CurveFitter
{
    /// <summary>
    /// Minimises S(θ) = Σ (yᵢ − f(xᵢ; θ))² from <paramref name="initial"/> by Levenberg–Marquardt (the default) or
    /// gradient descent, and reports standard errors from the Jacobian at the solution.
    /// </summary>
    /// <param name="model">The model, e.g. an <see cref="Expression"/> or <see cref="GaussianPeaks"/>.</param>
    /// <param name="x">The points' x; for a model of k variables (<see cref="ICurveModel.VariableNames"/>), n·k values, row-major.</param>
    /// <param name="y">The points' y, one per point.</param>
    /// <param name="initial">θ₀, in the order of <see cref="ICurveModel.ParameterNames"/>.</param>
    /// <param name="options">Method and stopping rules (default: Levenberg–Marquardt).</param>
    /// <param name="cancellationToken">Stops the iterations, keeping the parameters reached.</param>
    /// <exception cref="LsgdException">Too few points, non-finite data, or a model that is not finite at θ₀.</exception>
    public static CurveFit Fit(ICurveModel model, ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> initial,
        CurveFitOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new CurveFitOptions();
        if (initial.Length != model.ParameterNames.Count)
            Throw.Length(nameof(initial), initial.Length, model.ParameterNames.Count, "one start per parameter: " + string.Join(", ", model.ParameterNames));
        var problem = new CurveProblem(model, x, y);
        return options.Method switch
        {
            CurveFitMethod.LevenbergMarquardt => LevenbergMarquardt.Minimize(problem, initial, options, cancellationToken),
            CurveFitMethod.GradientDescent => Descend(problem, initial, options, cancellationToken),
            _ => throw new InvalidOptionException(nameof(CurveFitOptions.Method), options.Method,
                "LevenbergMarquardt or GradientDescent for a non-linear model",
                "Try LevenbergMarquardt; linear models are solved exactly by CurveFitter.Polynomial and CurveFitter.Basis."),
        };
    }

    /// <summary>Gradient descent by the library's trainer, on parameters scaled by the Jacobian's column norms at the start.</summary>
    private static CurveFit Descend(CurveProblem problem, ReadOnlySpan<double> initial, CurveFitOptions options, CancellationToken cancellationToken)
    {
        var gd = options.GradientDescent;
        if (gd.BatchSize is not null)
            Throw.Option(nameof(GradientDescentOptions.BatchSize), gd.BatchSize, "unset (curve fits use the full batch)", "Leave BatchSize unset.");
        int n = problem.N, p = problem.P;
        var theta = initial.ToArray();
        var r = new double[n];
        var jacobian = new double[n * p];
        problem.Start(theta, r, jacobian);
        var scale = new double[p];
        for (int j = 0; j < p; j++)
        {
            double norm = options.ScaleParameters ? System.Numerics.Tensors.TensorPrimitives.Norm(jacobian.AsSpan(j * n, n)) : 1;
            scale[j] = norm > 0 && double.IsFinite(norm) ? norm : 1;
        }
        var objective = new CurveObjective(problem, scale, gd.LossScaling);
        // The objective certifies itself by its stationarity, so the trainer stops (and judges) by the same test as LM.
        var result = GradientDescent.Minimize(objective, gd with { RelativeGapTolerance = options.StationarityTolerance },
            objective.FromParameters(theta), certificate: objective, cancellationToken: cancellationToken);
        var solution = new double[p];
        objective.ToParameters([.. result.Parameters], solution);
        string message = result.StopReason == StopReason.MaxIterations
            ? string.Format(CultureInfo.InvariantCulture,
                "Reached the maximum of {0} iterations before a stationary point; gradient descent is slow on curved valleys: raise the iteration limit, or use Levenberg–Marquardt.",
                result.Iterations)
            : result.Message;
        return problem.Finish(solution, CurveFitMethod.GradientDescent, result.Iterations, result.StopReason, message, options.StationarityTolerance);
    }

    /// <summary>
    /// The least-squares polynomial c₀ + c₁x + … + c_N xᴺ, solved exactly in a well-conditioned basis: Chebyshev
    /// polynomials Tₖ(t) of t = (x − m)/h, the x range mapped onto [−1, 1]. The coefficients and their standard
    /// errors are then mapped back to the ordinary (monomial) ones, named c0 … cN.
    /// </summary>
    /// <param name="x">The points' x (at least two distinct values).</param>
    /// <param name="y">The points' y.</param>
    /// <param name="degree">N ≥ 1.</param>
    /// <exception cref="LsgdException">Fewer than N + 1 points, or every x the same.</exception>
    public static CurveFit Polynomial(ReadOnlySpan<double> x, ReadOnlySpan<double> y, int degree)
    {
        Check.AtLeast(degree, 1, "degree", "Use 1 for a straight line, 2 for a parabola.");
        return PolynomialFit.Solve(x, y, degree);
    }

    /// <summary>
    /// Linear least squares on user basis functions: y ≈ Σⱼ cⱼ φⱼ(x), solved exactly by QR with iterative
    /// refinement (<see cref="Solvers.ExactLeastSquares"/>). The coefficients are named by the functions' text.
    /// </summary>
    /// <param name="x">The points' x.</param>
    /// <param name="y">The points' y.</param>
    /// <param name="functions">φ₁ … φ_p: expressions in x without parameters, e.g. <c>1</c>, <c>x</c>, <c>sin(x)</c>.</param>
    /// <exception cref="LsgdException">A function with a parameter, two constant functions, or linearly dependent functions.</exception>
    public static CurveFit Basis(ReadOnlySpan<double> x, ReadOnlySpan<double> y, IReadOnlyList<Expression> functions)
    {
        ArgumentNullException.ThrowIfNull(functions);
        return BasisFit.Solve(x, y, functions);
    }
}
