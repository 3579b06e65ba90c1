using Lsgd.Curves;
using Lsgd.Training;

namespace Lsgd.Tests.Curves;

public class NonlinearFitTest
{
    private static readonly Expression Decay = Expression.Parse("a*exp(b*x)+c");

    [Theory]
    [InlineData(CurveFitMethod.LevenbergMarquardt)]
    [InlineData(CurveFitMethod.GradientDescent)]
    public void ExponentialDecayParametersAreRecoveredWithinThreeStandardErrors(CurveFitMethod method)
    {
        var (x, y) = CurveTestData.ExponentialDecay();
        var fit = CurveFitter.Fit(Decay, x, y, [1, -0.5, 0], new CurveFitOptions { Method = method });
        Assert.True(fit.Converged, fit.Message);
        double[] truth = [5, -0.3, 1];
        for (int j = 0; j < 3; j++)
            Assert.True(Math.Abs(fit.Parameters[j] - truth[j]) <= 3 * fit.StandardErrors[j],
                $"{method} {fit.ParameterNames[j]} = {fit.Parameters[j]:R} ± {fit.StandardErrors[j]:R}, truth {truth[j]} ({fit.Iterations} iterations, {fit.Message})");
        Assert.Equal(0.1, fit.ResidualStandardDeviation, 1);   // the noise σ, to one decimal
    }

    [Theory]
    [InlineData(CurveFitMethod.LevenbergMarquardt)]
    [InlineData(CurveFitMethod.GradientDescent)]
    public void LogisticCurveIsRecoveredWithinThreeStandardErrors(CurveFitMethod method)
    {
        // y = 3/(1 + e^(−1.5(x − 4))) + N(0, 0.05²) at 80 points of [0, 7.9], seeded.
        var rng = new Random(3);
        var x = Enumerable.Range(0, 80).Select(i => i * 0.1).ToArray();
        var y = x.Select(v => 3 / (1 + Math.Exp(-1.5 * (v - 4))) + 0.05 * TestData.Gaussian(rng)).ToArray();
        var fit = CurveFitter.Fit(Expression.Parse("L/(1+exp(-k*(x-x0)))"), x, y, [1, 1, 3], new CurveFitOptions { Method = method });
        Assert.True(fit.Converged, fit.Message);
        double[] truth = [3, 1.5, 4];
        for (int j = 0; j < 3; j++)
            Assert.True(Math.Abs(fit.Parameters[j] - truth[j]) <= 3 * fit.StandardErrors[j],
                $"{method} {fit.ParameterNames[j]} = {fit.Parameters[j]:R} ± {fit.StandardErrors[j]:R}");
    }

    [Fact]
    public void GradientDescentUsesAnalyticDerivativesOfGaussianPeaks()
    {
        // One peak 2·exp(−(x − 4)²/(2·1.2²)) + N(0, 0.02²), from the automatic starting values.
        var rng = new Random(3);
        var peaks = new GaussianPeaks(1);
        var x = Enumerable.Range(0, 80).Select(i => i * 0.1).ToArray();
        var y = x.Select(v => peaks.Evaluate(v, [2, 4, 1.2]) + 0.02 * TestData.Gaussian(rng)).ToArray();
        var fit = CurveFitter.Fit(peaks, x, y, peaks.InitialValues(x, y), new CurveFitOptions { Method = CurveFitMethod.GradientDescent });
        Assert.True(fit.Converged, fit.Message);
        double[] truth = [2, 4, 1.2];
        for (int j = 0; j < 3; j++)
            Assert.True(Math.Abs(fit.Parameters[j] - truth[j]) <= 3 * fit.StandardErrors[j], $"{fit.ParameterNames[j]} = {fit.Parameters[j]:R} ± {fit.StandardErrors[j]:R}");
    }

    [Fact]
    public void GradientDescentStopsNearTheLevenbergMarquardtSolution()
    {
        var (x, y) = CurveTestData.ExponentialDecay();
        var lm = CurveFitter.Fit(Decay, x, y, [1, -0.5, 0]);
        var gd = CurveFitter.Fit(Decay, x, y, [1, -0.5, 0], new CurveFitOptions { Method = CurveFitMethod.GradientDescent });
        Assert.Equal(CurveFitMethod.GradientDescent, gd.Method);
        Assert.Equal(StopReason.Certified, gd.StopReason);   // stopped at a stationary point, not because J stopped changing
        Assert.True(gd.Converged && gd.Stationarity <= 1e-10, gd.Message);
        for (int j = 0; j < 3; j++)
            Assert.True(Math.Abs(gd.Parameters[j] - lm.Parameters[j]) <= 1e-3 * lm.StandardErrors[j],
                $"{lm.ParameterNames[j]}: gd {gd.Parameters[j]:R} vs lm {lm.Parameters[j]:R} (SE {lm.StandardErrors[j]:G3}; {gd.Iterations} gd iterations)");
        Assert.True(gd.ResidualSumOfSquares >= lm.ResidualSumOfSquares * (1 - 1e-12));
    }

    [Fact]
    public void StandardErrorsMatchAFiniteDifferenceJacobian()
    {
        var (x, y) = CurveTestData.ExponentialDecay();
        var fit = CurveFitter.Fit(Decay, x, y, [1, -0.5, 0]);
        int n = x.Length, p = 3;
        var theta = fit.Parameters.ToArray();
        // JᵀJ from central differences, then σ̂²(JᵀJ)⁻¹ by Gauss–Jordan.
        var jtj = new double[p, p];
        var columns = new double[p][];
        for (int j = 0; j < p; j++)
        {
            double h = 1e-6 * Math.Max(1, Math.Abs(theta[j]));
            var up = (double[])theta.Clone();
            var down = (double[])theta.Clone();
            up[j] += h;
            down[j] -= h;
            columns[j] = [.. x.Select(xi => (Decay.Evaluate(xi, up) - Decay.Evaluate(xi, down)) / (2 * h))];
        }
        for (int i = 0; i < p; i++)
            for (int j = 0; j < p; j++)
                jtj[i, j] = Enumerable.Range(0, n).Sum(r => columns[i][r] * columns[j][r]);
        var inverse = Invert(jtj);
        double sigma2 = fit.ResidualSumOfSquares / (n - p);
        for (int j = 0; j < p; j++)
        {
            double expected = Math.Sqrt(sigma2 * inverse[j, j]);
            Assert.True(Math.Abs(fit.StandardErrors[j] - expected) <= 1e-6 * expected,
                $"SE({fit.ParameterNames[j]}) = {fit.StandardErrors[j]:R}, finite differences {expected:R}");
        }
    }

    [Fact]
    public void Misra1aMatchesNistCertifiedValuesFromTheFarStart()
    {
        // NIST StRD Misra1a, start 1 (b1 = 500, b2 = 1e-4). Certified to 11 digits:
        // b1 = 2.3894212918E+02 (SE 2.7070075241E+00), b2 = 5.5015643181E-04 (SE 7.2668688436E-06),
        // residual sum of squares 1.2455138894E-01, residual SD 1.0187876330E-01.
        var model = Expression.Parse("b1*(1-exp(-b2*x))");
        var fit = CurveFitter.Fit(model, CurveTestData.Misra1aX, CurveTestData.Misra1aY, [500, 1e-4]);
        Assert.True(fit.Converged, fit.Message);
        AssertDigits(fit.Parameter("b1"), 2.3894212918E+02, 9);
        AssertDigits(fit.Parameter("b2"), 5.5015643181E-04, 9);
        AssertDigits(fit.StandardError("b1"), 2.7070075241E+00, 9);
        AssertDigits(fit.StandardError("b2"), 7.2668688436E-06, 9);
        AssertDigits(fit.ResidualSumOfSquares, 1.2455138894E-01, 9);
        AssertDigits(fit.ResidualStandardDeviation, 1.0187876330E-01, 9);
    }

    [Fact]
    public void ModelThatIsNotFiniteAtTheStartIsRefusedWithThePoint()
    {
        var model = Expression.Parse("a*log(x - b)");
        var e = Assert.Throws<LsgdException>(() => CurveFitter.Fit(model, [1, 2, 3], [0, 1, 2], [1, 1.5]));
        Assert.Equal("The model a*log(x - b) is NaN at x = 1 (point 1) with the initial values a = 1, b = 1.5. " +
            "Choose initial values where it is finite (e.g. no log or sqrt of a negative number, no division by zero).", e.Message);
    }

    [Fact]
    public void TooFewPointsForTheParametersIsRefused()
    {
        var e = Assert.Throws<LsgdException>(() => CurveFitter.Fit(Decay, [1, 2], [1, 2], [1, 1, 1]));
        Assert.Equal("The data has 2 points but the model has 3 parameters (a, b, c): at least 3 points are needed. Add points or use a model with fewer parameters.", e.Message);
    }

    [Fact]
    public void ExactMethodIsRefusedForANonLinearModel()
    {
        var e = Assert.Throws<InvalidOptionException>(() =>
            CurveFitter.Fit(Decay, [1, 2, 3, 4], [1, 2, 3, 4], [1, 1, 1], new CurveFitOptions { Method = CurveFitMethod.Exact }));
        Assert.Equal("Method = Exact is not allowed: it must be LevenbergMarquardt or GradientDescent for a non-linear model. " +
            "Try LevenbergMarquardt; linear models are solved exactly by CurveFitter.Polynomial and CurveFitter.Basis.", e.Message);
    }

    [Fact]
    public void ParametersThatCannotBeToldApartHaveNoStandardErrors()
    {
        // a and b only ever appear as a·b: the Jacobian's columns are proportional.
        var model = Expression.Parse("a*b*x");
        var fit = CurveFitter.Fit(model, [1, 2, 3, 4], [2, 4.1, 5.9, 8], [1, 1]);
        Assert.Equal(2, fit.Parameter("a") * fit.Parameter("b"), 1);
        Assert.True(double.IsNaN(fit.StandardErrors[0]));
        Assert.Contains("cannot all be determined", fit.Message, StringComparison.Ordinal);
    }

    internal static void AssertDigits(double actual, double certified, double digits)
    {
        double lre = TestData.Lre(actual, certified);
        Assert.True(lre >= digits, $"{actual:R} vs certified {certified:R}: {lre:F1} digits, {digits} wanted");
    }

    private static double[,] Invert(double[,] a)
    {
        int p = a.GetLength(0);
        var m = new double[p, 2 * p];
        for (int i = 0; i < p; i++)
        {
            for (int j = 0; j < p; j++) m[i, j] = a[i, j];
            m[i, p + i] = 1;
        }
        for (int c = 0; c < p; c++)
        {
            int pivot = Enumerable.Range(c, p - c).MaxBy(r => Math.Abs(m[r, c]));
            for (int j = 0; j < 2 * p; j++) (m[c, j], m[pivot, j]) = (m[pivot, j], m[c, j]);
            double d = m[c, c];
            for (int j = 0; j < 2 * p; j++) m[c, j] /= d;
            for (int r = 0; r < p; r++)
            {
                if (r == c) continue;
                double f = m[r, c];
                for (int j = 0; j < 2 * p; j++) m[r, j] -= f * m[c, j];
            }
        }
        var inverse = new double[p, p];
        for (int i = 0; i < p; i++)
            for (int j = 0; j < p; j++) inverse[i, j] = m[i, p + j];
        return inverse;
    }
}
