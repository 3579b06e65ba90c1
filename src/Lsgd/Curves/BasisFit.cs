using Lsgd.Data;
using Lsgd.Internals;
using Lsgd.Solvers;

namespace Lsgd.Curves;

/// <summary>
/// Linear least squares on user basis functions φⱼ(x): the design's columns are the functions evaluated at
/// every x, and the fit is <see cref="ExactLeastSquares"/>'s. A constant function (such as <c>1</c>) becomes the
/// solver's intercept, so the other columns are centred before the QR, as in every exact fit.
/// </summary>
internal static class BasisFit
{
    public static CurveFit Solve(ReadOnlySpan<double> x, ReadOnlySpan<double> y, IReadOnlyList<Expression> functions)
    {
        if (functions.Count == 0)
            Throw.Data("No basis functions were given: list at least one, e.g. 1,x,sin(x).");
        foreach (var f in functions)
            if (f.ParameterNames.Count > 0)
                Throw.Data($"The basis function '{f.Text}' has the parameter '{f.ParameterNames[0]}': a basis function may use only x, numbers, pi and e " +
                    "(its coefficient is what the fit finds). Write it without the parameter, or fit a non-linear model instead.");
        var duplicate = functions.GroupBy(f => f.Text.Trim()).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            Throw.Data($"The basis function '{duplicate.Key}' is listed twice; list each function once.");

        var model = new BasisCurve(functions);
        var problem = new CurveProblem(model, x, y);
        int n = problem.N, p = functions.Count;
        var design = new double[n * p]; // column-major
        int constant = -1;
        for (int j = 0; j < p; j++)
        {
            var column = design.AsSpan(j * n, n);
            for (int i = 0; i < n; i++)
            {
                column[i] = functions[j].Evaluate(problem.X[i], []);
                if (!double.IsFinite(column[i]))
                    Throw.Data($"The basis function '{functions[j].Text}' is {Throw.Format(column[i])} at x = {Throw.Format(problem.X[i])} (point {i + 1}): " +
                        "every basis function must be finite at every x. Drop it or change it.");
            }
            bool same = true;
            for (int i = 1; i < n && same; i++) same = column[i] == column[0];
            if (!same) continue;
            if (column[0] == 0)
                Throw.Data($"The basis function '{functions[j].Text}' is 0 at every x, so its coefficient is not determined. Drop it.");
            if (constant >= 0)
                Throw.Data($"The basis functions '{functions[constant].Text}' and '{functions[j].Text}' are both constant, so their coefficients cannot be told apart. Keep one.");
            constant = j;
        }

        int d = constant >= 0 ? p - 1 : p;
        var features = new double[n * d];
        var names = new List<string>(d);
        for (int j = 0, f = 0; j < p; j++)
        {
            if (j == constant) continue;
            for (int i = 0; i < n; i++) features[i * d + f] = design[j * n + i];
            names.Add(functions[j].Text);
            f++;
        }
        var solution = ExactLeastSquares.Solve(new Dataset(features, problem.Y, n, d, 1, names, ["y"]), fitIntercept: constant >= 0);
        var theta = new double[p];
        var w = solution.Model.Coefficients(0);
        for (int j = 0, f = 0; j < p; j++)
            theta[j] = j == constant ? solution.Model.Intercept(0) / design[j * n] : w[f++];

        double sse = solution.ResidualSumOfSquares[0];
        var (covariance, condition) = CurveProblem.Covariance(design, n, p, sse);
        string message = "QR with iterative refinement" + (constant >= 0 ? $", with '{functions[constant].Text}' as the intercept column." : ".");
        return new CurveFit(model, CurveFitMethod.Exact, theta, covariance, n, sse, problem.TotalSumOfSquares, condition, 0, null, message);
    }
}

/// <summary>Σⱼ cⱼ φⱼ(x), with each coefficient named by its function's text.</summary>
internal sealed class BasisCurve(IReadOnlyList<Expression> functions) : ICurveModel
{
    public string Formula { get; } = "linear in " + string.Join(", ", functions.Select(f => f.Text));

    public IReadOnlyList<string> ParameterNames { get; } = [.. functions.Select(f => f.Text)];

    public double Evaluate(double x, ReadOnlySpan<double> parameters)
    {
        double s = 0;
        for (int j = 0; j < functions.Count; j++) s += parameters[j] * functions[j].Evaluate(x, []);
        return s;
    }

    public double Evaluate(double x, ReadOnlySpan<double> parameters, Span<double> gradient)
    {
        double s = 0;
        for (int j = 0; j < functions.Count; j++)
        {
            gradient[j] = functions[j].Evaluate(x, []);
            s += parameters[j] * gradient[j];
        }
        return s;
    }
}
