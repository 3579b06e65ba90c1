using Lsgd.Curves;

namespace Lsgd.Tests.Curves;

public class BasisFitTest
{
    private static Expression[] Basis(params string[] texts) => [.. texts.Select(Expression.Parse)];

    [Fact]
    public void ExactCombinationOfBasisFunctionsIsRecovered()
    {
        // y = 2 + 3x − 1.5 sin(x) + 4 e^(−x), no noise.
        var x = Enumerable.Range(0, 30).Select(i => i * 0.3).ToArray();
        var y = x.Select(v => 2 + 3 * v - 1.5 * Math.Sin(v) + 4 * Math.Exp(-v)).ToArray();
        var fit = CurveFitter.Basis(x, y, Basis("1", "x", "sin(x)", "exp(-x)"));
        Assert.Equal(["1", "x", "sin(x)", "exp(-x)"], fit.ParameterNames);
        double[] expected = [2, 3, -1.5, 4];
        for (int j = 0; j < 4; j++)
            Assert.True(Math.Abs(fit.Parameters[j] - expected[j]) <= 1e-10 * Math.Abs(expected[j]), $"{fit.ParameterNames[j]}: {fit.Parameters[j]:R}");
        Assert.Equal(fit.Predict(1.7), 2 + 3 * 1.7 - 1.5 * Math.Sin(1.7) + 4 * Math.Exp(-1.7), 10);
    }

    [Fact]
    public void ConstantOtherThanOneScalesItsCoefficient()
    {
        var x = Enumerable.Range(0, 10).Select(i => (double)i).ToArray();
        var y = x.Select(v => 6 + v).ToArray();
        var fit = CurveFitter.Basis(x, y, Basis("2", "x"));
        Assert.Equal(3, fit.Parameters[0], 12);   // 3·2 = 6
        Assert.Equal(1, fit.Parameters[1], 12);
    }

    [Fact]
    public void StandardErrorsAgreeWithThePolynomialFit()
    {
        var (x, y) = CurveTestData.ExponentialDecay(50);
        var basis = CurveFitter.Basis(x, y, Basis("1", "x", "x^2"));
        var poly = CurveFitter.Polynomial(x, y, 2);
        for (int j = 0; j < 3; j++)
        {
            Assert.Equal(poly.Parameters[j], basis.Parameters[j], 10);
            Assert.True(Math.Abs(poly.StandardErrors[j] - basis.StandardErrors[j]) <= 1e-9 * poly.StandardErrors[j]);
        }
    }

    [Fact]
    public void WithoutAConstantTheFitGoesThroughTheOrigin()
    {
        var x = Enumerable.Range(1, 10).Select(i => (double)i).ToArray();
        var y = x.Select(v => 2 * v + 0.5 * v * v).ToArray();
        var fit = CurveFitter.Basis(x, y, Basis("x", "x^2"));
        Assert.Equal(2, fit.Parameters[0], 12);
        Assert.Equal(0.5, fit.Parameters[1], 12);
    }

    public static TheoryData<string[], string> Refusals() => new()
    {
        { ["1", "a*x"], "The basis function 'a*x' has the parameter 'a': a basis function may use only x, numbers, pi and e (its coefficient is what the fit finds). Write it without the parameter, or fit a non-linear model instead." },
        { ["1", "x", "2"], "The basis functions '1' and '2' are both constant, so their coefficients cannot be told apart. Keep one." },
        { ["x", "x"], "The basis function 'x' is listed twice; list each function once." },
        { ["1", "log(x - 3)"], "The basis function 'log(x - 3)' is NaN at x = 1 (point 1): every basis function must be finite at every x. Drop it or change it." },
        { ["1", "sin(pi)*0"], "The basis function 'sin(pi)*0' is 0 at every x, so its coefficient is not determined. Drop it." },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void UnusableBasisIsRefusedWithTheReason(string[] texts, string message)
    {
        var e = Assert.Throws<LsgdException>(() => CurveFitter.Basis([1, 2, 3, 4, 5], [1, 3, 2, 5, 4], Basis(texts)));
        Assert.Equal(message, e.Message);
    }
}
