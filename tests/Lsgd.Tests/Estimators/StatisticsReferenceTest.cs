using Lsgd.Data;
using Lsgd.Estimators;
using Lsgd.Solvers;

namespace Lsgd.Tests.Estimators;

/// <summary>
/// On many well-conditioned rows in memory the fit's exact reference comes from the statistics it already has
/// (no QR pass over the rows), and agrees with the QR solution; ill-conditioned, few-row or nearly exact data keep
/// the QR of the rows.
/// </summary>
public class StatisticsReferenceTest
{
    private const string FromStatistics = "J* from the exact solution (Cholesky of the statistics)";
    private const string FromQr = "J* from the exact solution (Householder QR of the rows)";

    /// <summary>n rows of d = 4 features; <paramref name="collinearity"/> ties feature 2 to feature 1; noise σ on y.</summary>
    private static Dataset Tall(int n, double collinearity, double noise)
    {
        var rng = new Random(5);
        const int d = 4;
        var x = new double[n * d];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            double a = TestData.Gaussian(rng);
            x[i * d] = 3 + 2 * a;
            x[i * d + 1] = collinearity * a + (1 - collinearity) * TestData.Gaussian(rng);
            x[i * d + 2] = -50 + 10 * TestData.Gaussian(rng);
            x[i * d + 3] = TestData.Gaussian(rng);
            y[i] = 1 + 0.5 * x[i * d] - 2 * x[i * d + 1] + 0.01 * x[i * d + 2] + x[i * d + 3] + noise * TestData.Gaussian(rng);
        }
        return new Dataset(x, y, n, d);
    }

    private static LinearFit Fit(Dataset data) => new LinearRegressor(new LinearRegressorOptions { Method = SolverMethod.ConjugateGradient, CompareWithExact = true }).Fit(data);

    [Fact]
    public void ManyWellConditionedRowsTakeTheReferenceFromTheStatisticsAndAgreeWithQr()
    {
        var data = Tall(LinearRegressor.StatisticsReferenceRows, collinearity: 0, noise: 0.3);
        var fit = Fit(data);
        Assert.True(fit.Converged, fit.NotConvergedReason);
        Assert.StartsWith(FromStatistics, fit.Optimality!.CertificateSource, StringComparison.Ordinal);

        var qr = ExactLeastSquares.Solve(data);
        var exact = fit.Exact!.Model.Parameters.ToArray();
        var expected = qr.Model.Parameters.ToArray();
        for (int j = 0; j < expected.Length; j++)
            Assert.True(Math.Abs(exact[j] - expected[j]) <= 1e-11 * Math.Max(1, Math.Abs(expected[j])), $"θ{j}: {exact[j]:R} vs QR {expected[j]:R}");
        Assert.Equal(qr.ResidualSumOfSquares[0], fit.Exact.ResidualSumOfSquares[0], qr.ResidualSumOfSquares[0] * 1e-9);

        // The report (σ̂ from the fit's own pass) gives QR's standard errors.
        var report = Assert.Single(fit.Report!);
        for (int j = 0; j < data.Features; j++)
            Assert.Equal(qr.StandardErrors[0][j], report.Coefficients[j].StandardError, qr.StandardErrors[0][j] * 1e-8);
    }

    [Fact]
    public void FewerRowsKeepTheQrOfTheRows()
    {
        var fit = Fit(Tall(LinearRegressor.StatisticsReferenceRows - 1, collinearity: 0, noise: 0.3));
        Assert.StartsWith(FromQr, fit.Optimality!.CertificateSource, StringComparison.Ordinal);
    }

    [Fact]
    public void IllConditionedRowsKeepTheQrOfTheRows()
    {
        // Feature 2 is 99.9 % feature 1: κ of the scaled design ≈ 10³, beyond what Cholesky of XᵀX resolves to 12 digits.
        var fit = Fit(Tall(LinearRegressor.StatisticsReferenceRows, collinearity: 0.999, noise: 0.3));
        Assert.True(fit.Exact!.ConditionNumber > LinearRegressor.StatisticsReferenceCondition);
        Assert.StartsWith(FromQr, fit.Optimality!.CertificateSource, StringComparison.Ordinal);
    }

    [Fact]
    public void NearlyExactFitsKeepTheQrOfTheRows()
    {
        // R² = 1 − 10⁻¹²: Syy − θᵀSxy would cancel to a few digits, so J* comes from QR's accurate residuals.
        var fit = Fit(Tall(LinearRegressor.StatisticsReferenceRows, collinearity: 0, noise: 1e-5));
        Assert.StartsWith(FromQr, fit.Optimality!.CertificateSource, StringComparison.Ordinal);
    }
}
