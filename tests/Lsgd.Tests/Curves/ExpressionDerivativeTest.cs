using Lsgd.Curves;

namespace Lsgd.Tests.Curves;

/// <summary>Automatic derivatives checked against central finite differences and against derivatives worked by hand.</summary>
public class ExpressionDerivativeTest
{
    [Theory]
    [InlineData("a*exp(b*x)+c", new[] { 5.0, -0.3, 1.0 })]
    [InlineData("a/(1+exp(-k*(x-x0)))", new[] { 3.0, 1.5, 0.4 })]
    [InlineData("a1*exp(-(x-m1)^2/(2*s1^2)) + a2*exp(-(x-m2)^2/(2*s2^2))", new[] { 1.0, -0.5, 0.7, 0.4, 1.2, 0.3 })]
    [InlineData("pow(a, b) + a^x + (x+2)^b", new[] { 1.7, 2.3 })]
    [InlineData("sqrt(a*x + b) - log(a + x^2) * sin(b*x) / cos(a)", new[] { 0.8, 2.0 })]
    [InlineData("tanh(a*x) * abs(b - x) - -a", new[] { 0.6, -1.0 })]
    [InlineData("a*a*a - a/b + 2^(a*b)", new[] { 1.1, 0.9 })]
    [InlineData("atan(a*x) + asin(b/3) * acos(b*x/4) - atan2(a, x + b)", new[] { 0.7, 0.5 })]
    [InlineData("sinh(a*x) - cosh(b) * tan(a/2) + erf(b*x) + log10(a + x^2)", new[] { 0.6, -0.8 })]
    [InlineData("b1 - b2*x - atan(b3/(x-b4))/pi", new[] { 0.2, -6e-6, 1200, -181 })]
    public void GradientMatchesCentralDifferences(string text, double[] theta)
    {
        var e = Expression.Parse(text);
        var gradient = new double[theta.Length];
        foreach (double x in new[] { -1.3, 0.25, 0.9, 2.0 })
        {
            double value = e.Evaluate(x, theta, gradient);
            Assert.Equal(e.Evaluate(x, theta), value, 15);
            for (int j = 0; j < theta.Length; j++)
            {
                // Central difference with h ∝ ε^(1/3): truncation and rounding errors both about 1e-10 relative.
                double h = 1e-5 * Math.Max(1, Math.Abs(theta[j]));
                var up = (double[])theta.Clone();
                var down = (double[])theta.Clone();
                up[j] += h;
                down[j] -= h;
                double numeric = (e.Evaluate(x, up) - e.Evaluate(x, down)) / (2 * h);
                Assert.True(Math.Abs(gradient[j] - numeric) <= 1e-7 * Math.Max(1, Math.Abs(numeric)),
                    $"{text}, x = {x}, ∂/∂{e.ParameterNames[j]}: automatic {gradient[j]:R}, numeric {numeric:R}");
            }
        }
    }

    [Fact]
    public void NewFunctionsHaveTheirTextbookValues()
    {
        double V(string text) => Expression.Parse(text + " + 0*a").Evaluate(0, [1.0]);
        Assert.Equal(Math.PI / 4, V("atan(1)"), 15);
        Assert.Equal(Math.PI / 6, V("asin(0.5)"), 15);
        Assert.Equal(Math.PI / 3, V("acos(0.5)"), 15);
        Assert.Equal(-3 * Math.PI / 4, V("atan2(-1, -1)"), 15);
        Assert.Equal(Math.Sinh(1.5), V("sinh(1.5)"), 15);
        Assert.Equal(Math.Cosh(1.5), V("cosh(1.5)"), 14);
        Assert.Equal(3, V("log10(1000)"), 15);
        // erf: A&S table 7.1 / DLMF 7.2 values.
        Assert.Equal(0.8427007929497149, V("erf(1)"), 15);
        Assert.Equal(-0.5204998778130465, V("erf(-0.5)"), 14);
        Assert.Equal(1, V("erf(1e-10)") / 1.1283791670955126e-10, 15);   // 2x/√π to rounding
        Assert.Equal(0.9999779095030014, V("erf(3)"), 15);
    }

    [Fact]
    public void AModelOfTwoVariablesDifferentiatesByItsParametersAtEveryPoint()
    {
        // NIST's Nelson: f = b1 − b2·x1·exp(−b3·x2); ∂f/∂b1 = 1, ∂f/∂b2 = −x1·e^(−b3·x2), ∂f/∂b3 = b2·x1·x2·e^(−b3·x2).
        var e = Expression.Parse("b1-b2*x1*exp(-b3*x2)", ["x1", "x2"]);
        Assert.Equal(["x1", "x2"], e.VariableNames);
        Assert.Equal(["b1", "b2", "b3"], e.ParameterNames);
        double[] theta = [2.5, 5.6e-9, -0.0577];
        double[] points = [1, 180, 8, 225, 16, 250];
        var values = new double[3];
        var jacobian = new double[9];
        ((ICurveModel)e).Evaluate(points, theta, values, jacobian);
        for (int i = 0; i < 3; i++)
        {
            double x1 = points[2 * i], x2 = points[2 * i + 1], ex = Math.Exp(-theta[2] * x2);
            Assert.Equal(theta[0] - theta[1] * x1 * ex, values[i], 14);
            Assert.Equal(e.EvaluateAt([x1, x2], theta), values[i], 15);
            Assert.Equal(1, jacobian[i]);
            Assert.Equal(-x1 * ex, jacobian[3 + i], 12);
            Assert.Equal(theta[1] * x1 * x2 * ex, jacobian[6 + i] / 1, 12);
        }
        Assert.Throws<InvalidOperationException>(() => e.Evaluate(1.0, theta));
    }

    [Fact]
    public void ExponentialDecayGradientIsTheOneWorkedByHand()
    {
        // f = a·e^(bx) + c: ∂f/∂a = e^(bx), ∂f/∂b = a·x·e^(bx), ∂f/∂c = 1.
        var e = Expression.Parse("a*exp(b*x)+c");
        var g = new double[3];
        double f = e.Evaluate(2, [5, -0.3, 1], g);
        double ebx = Math.Exp(-0.6);
        Assert.Equal(5 * ebx + 1, f, 15);
        Assert.Equal(ebx, g[0], 15);
        Assert.Equal(5 * 2 * ebx, g[1], 14);
        Assert.Equal(1, g[2]);
    }

    [Fact]
    public void ConstantSubexpressionsCarryNoDerivative()
    {
        var e = Expression.Parse("a*exp(-x^2/2) + 2*pi");
        var g = new double[1];
        double f = e.Evaluate(1, [3], g);
        Assert.Equal(3 * Math.Exp(-0.5) + 2 * Math.PI, f, 14);
        Assert.Equal(Math.Exp(-0.5), g[0], 15);
    }

    [Fact]
    public void BatchEvaluationFillsAColumnMajorJacobian()
    {
        var e = Expression.Parse("a*x + b*x^2");
        double[] x = [1, 2, 3];
        var values = new double[3];
        var jacobian = new double[6];
        e.Evaluate(x, [2, 0.5], values, jacobian);
        Assert.Equal([2.5, 6, 10.5], values);
        Assert.Equal([1, 2, 3, 1, 4, 9], jacobian);
    }
}
