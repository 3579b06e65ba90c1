using Lsgd.Applications.Pca;
using Lsgd.Data;

namespace Lsgd.Tests.Applications;

public class SymmetricEigenTest
{
    [Fact]
    public void TwoByTwoHasEigenvaluesThreeAndOne()
    {
        // [[2, 1], [1, 2]]: λ = 3 with (1, 1)/√2 and λ = 1 with (1, −1)/√2 (by hand: det(A − λI) = (2 − λ)² − 1).
        var e = SymmetricEigen.Decompose([2, 1, 1, 2], 2);
        Assert.Equal(3, e.Values[0], 14);
        Assert.Equal(1, e.Values[1], 14);
        double r = Math.Sqrt(0.5);
        Assert.Equal([r, r], e.Vector(0), (a, b) => Math.Abs(a - b) < 1e-15);
        Assert.Equal([r, -r], e.Vector(1), (a, b) => Math.Abs(a - b) < 1e-15);   // tie in magnitude: the first entry is made positive
    }

    [Fact]
    public void RandomSymmetricMatrixIsReconstructedFromItsEigenpairs()
    {
        const int n = 20;
        var rng = new Random(7);
        var b = new double[n * n];
        for (int i = 0; i < b.Length; i++) b[i] = TestData.Gaussian(rng);
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                a[i * n + j] = b[i * n + j] + b[j * n + i];
        var e = SymmetricEigen.Decompose(a, n);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = 0, dot = 0;
                for (int k = 0; k < n; k++)
                {
                    sum += e.Values[k] * e.Vectors[k * n + i] * e.Vectors[k * n + j];   // (VᵀΛV)ᵢⱼ
                    dot += e.Vectors[i * n + k] * e.Vectors[j * n + k];                 // (VVᵀ)ᵢⱼ
                }
                Assert.True(Math.Abs(sum - a[i * n + j]) < 1e-12, $"A[{i},{j}]: {sum} vs {a[i * n + j]}");
                Assert.True(Math.Abs(dot - (i == j ? 1 : 0)) < 1e-13, $"VVᵀ[{i},{j}] = {dot}");
            }
        for (int k = 1; k < n; k++) Assert.True(e.Values[k] <= e.Values[k - 1]);
        Assert.True(e.Sweeps <= 12, $"{e.Sweeps} sweeps");
    }

    [Fact]
    public void PrincipalAnglesKeepSmallAnglesAccurate()
    {
        // span(e₁) against span(cos t e₁ + sin t e₂): the angle is t; from cosines 1e-9 would come out as about 1e-8 or 0.
        foreach (double t in new[] { 1e-9, 0.3 })
        {
            double angle = Subspaces.LargestPrincipalAngle([1, 0, 0], [Math.Cos(t), Math.Sin(t), 0], 3);
            Assert.True(Math.Abs(angle - t) <= 1e-15 + 1e-12 * t, $"t = {t}: {angle:R}");
        }
        // Two planes sharing e₁, the second tilted by 0.2 about it: angles 0 and 0.2.
        var angles = Subspaces.PrincipalAngles([1, 0, 0, 0, 1, 0], [1, 0, 0, 0, Math.Cos(0.2), Math.Sin(0.2)], 3);
        Assert.Equal(0, angles[0], 12);
        Assert.Equal(0.2, angles[1], 12);
    }
}

public class PcaTest
{
    private static double[] Flatten(PcaFit fit) => [.. fit.Components().SelectMany(c => c)];

    [Theory]
    [InlineData(PcaMethod.Subspace)]
    [InlineData(PcaMethod.GradientDescent)]
    public void ComponentsMatchTheEigendecompositionOnAWellSeparatedSpectrum(PcaMethod method)
    {
        var data = ApplicationData.Spectrum();
        int d = data.Features, k = 3;
        var fit = new PrincipalComponentAnalysis(new PcaOptions { Components = k, Method = method }).Fit(data);
        var reference = SymmetricEigen.Decompose(ApplicationData.Covariance(data), d);

        Assert.True(fit.Converged, fit.StopReason.ToString());
        double subspace = Subspaces.LargestPrincipalAngle(Flatten(fit), reference.Vectors.AsSpan(0, k * d), d);
        Assert.True(subspace < 1e-6, $"largest principal angle {subspace:E2}");
        for (int i = 0; i < k; i++)
        {
            // Each component, not only the subspace: same direction and (by the sign convention) the same sign.
            double angle = Subspaces.LargestPrincipalAngle(fit.Component(i), reference.Vector(i), d);
            Assert.True(angle < 1e-6, $"component {i + 1}: angle {angle:E2}");
            Assert.Equal(reference.Vector(i), fit.Component(i).ToArray(), (a, b) => Math.Abs(a - b) < 1e-6);
            Assert.Equal(reference.Values[i], fit.ExplainedVariance[i], 1e-9 * reference.Values[0]);
        }
        Assert.Equal(reference.Values.Sum(), fit.TotalVariance, 1e-9 * fit.TotalVariance);
        Assert.Equal(reference.Values.Skip(k).Sum(), fit.ResidualVariance, 1e-8 * fit.TotalVariance);
    }

    [Fact]
    public void IrisMatchesScikitLearn()
    {
        // scikit-learn PCA(n_components=2).fit(load_iris().data): explained_variance_ratio_ = [0.92461872, 0.05306648],
        // explained_variance_ = [4.22824171, 0.24267075], components_ = [[0.36138659, −0.08452251, 0.85667061, 0.3582892],
        // [0.65658877, 0.73016143, −0.17337266, −0.07548102]] (printed to 8 decimals, hence 5e-9).
        var (iris, _) = ApplicationData.Iris();
        var fit = new PrincipalComponentAnalysis(new PcaOptions { Components = 2 }).Fit(iris);
        Assert.Equal(0.92461872, fit.ExplainedVarianceRatio[0], 5e-9);
        Assert.Equal(0.05306648, fit.ExplainedVarianceRatio[1], 5e-9);
        Assert.Equal(4.22824171, fit.ExplainedVariance[0], 5e-9);
        Assert.Equal(0.24267075, fit.ExplainedVariance[1], 5e-9);
        Assert.Equal([0.36138659, -0.08452251, 0.85667061, 0.3582892], fit.Component(0).ToArray(), (a, b) => Math.Abs(a - b) < 5e-9);
        Assert.Equal([0.65658877, 0.73016143, -0.17337266, -0.07548102], fit.Component(1).ToArray(), (a, b) => Math.Abs(a - b) < 5e-9);
    }

    [Fact]
    public void StandardizedPcaIsThePcaOfTheCorrelationMatrix()
    {
        // R: prcomp(iris[, 1:4], scale. = TRUE) prints standard deviations 1.7083611 0.9560494 0.3830886 0.1439265.
        var (iris, _) = ApplicationData.Iris();
        var fit = new PrincipalComponentAnalysis(new PcaOptions { Components = 2, Standardize = true }).Fit(iris);
        Assert.Equal(1.7083611, Math.Sqrt(fit.ExplainedVariance[0]), 5e-8);
        Assert.Equal(0.9560494, Math.Sqrt(fit.ExplainedVariance[1]), 5e-8);
        var reference = SymmetricEigen.Decompose(ApplicationData.Covariance(iris, standardize: true), 4);
        Assert.Equal(4, fit.TotalVariance, 12);   // the trace of a correlation matrix is d
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(reference.Values[i], fit.ExplainedVariance[i], 1e-9);
            Assert.True(Subspaces.LargestPrincipalAngle(fit.Component(i), reference.Vector(i), 4) < 1e-6);
        }
    }

    [Fact]
    public void StreamingInSmallChunksGivesTheSameComponents()
    {
        var data = ApplicationData.Spectrum(n: 500);
        var source = new ApplicationData.SmallChunks(data, rows: 37);
        var options = new PcaOptions { Components = 2 };
        var streamed = new PrincipalComponentAnalysis(options).Fit(source);
        var inMemory = new PrincipalComponentAnalysis(options).Fit(data);
        Assert.True(Subspaces.LargestPrincipalAngle(Flatten(streamed), Flatten(inMemory), data.Features) < 1e-9);
        Assert.Equal(inMemory.ExplainedVariance[0], streamed.ExplainedVariance[0], 1e-10 * inMemory.ExplainedVariance[0]);
        Assert.Equal(streamed.Iterations + 1, source.Passes);   // one pass for the means, then one per iteration
        Assert.Equal(source.Passes, streamed.DataPasses);
    }

    [Fact]
    public void CancellingKeepsTheLastCompletePass()
    {
        // Cancel as the fourth pass starts: pass 1 gave the means, passes 2 and 3 two iterations.
        using var cancel = new CancellationTokenSource();
        var source = new ApplicationData.SmallChunks(ApplicationData.Spectrum(n: 300), rows: 50, pass => { if (pass == 4) cancel.Cancel(); });
        var fit = new PrincipalComponentAnalysis(new PcaOptions { Components = 2 }).Fit(source, cancel.Token);
        Assert.Equal(PcaStopReason.Cancelled, fit.StopReason);
        Assert.Equal(2, fit.Iterations);
        Assert.Equal(3, fit.DataPasses);
        Assert.All(fit.ExplainedVariance, v => Assert.True(double.IsFinite(v) && v > 0));
    }

    [Fact]
    public void OjasRuleApproachesTheComponentsInAFewEpochs()
    {
        // Stochastic steps αᵢ = 1/(λ̂ᵢ·e) leave an error of order 1/epochs, not rounding: 30 epochs of 63 batches give
        // 5.6e-3 rad here (seeded), so 0.02 bounds it with room for a different shuffle.
        var data = ApplicationData.Spectrum();
        var fit = new PrincipalComponentAnalysis(new PcaOptions { Components = 3, Method = PcaMethod.Oja, MaxIterations = 30 }).Fit(data);
        var reference = SymmetricEigen.Decompose(ApplicationData.Covariance(data), data.Features);
        double angle = Subspaces.LargestPrincipalAngle(Flatten(fit), reference.Vectors.AsSpan(0, 3 * data.Features), data.Features);
        Assert.True(angle < 0.02, $"angle {angle:E2}");
        Assert.Equal(PcaStopReason.MaxIterations, fit.StopReason);
        Assert.Equal(reference.Values[0], fit.ExplainedVariance[0], 1e-3 * reference.Values[0]);
    }

    [Fact]
    public void LargestLoadingOfEachComponentIsPositive()
    {
        var fit = new PrincipalComponentAnalysis(new PcaOptions { Components = 4, Seed = 5 }).Fit(ApplicationData.Spectrum(n: 300));
        for (int i = 0; i < fit.Count; i++)
        {
            var c = fit.Component(i).ToArray();
            Assert.True(c.MaxBy(Math.Abs) > 0);
            Assert.Equal(1, Math.Sqrt(c.Sum(v => v * v)), 13);
        }
    }

    [Fact]
    public void SameSeedGivesTheSameBits()
    {
        var data = ApplicationData.Spectrum(n: 300);
        var options = new PcaOptions { Components = 2, Method = PcaMethod.Oja, MaxIterations = 3, Seed = 9 };
        Assert.Equal(Flatten(new PrincipalComponentAnalysis(options).Fit(data)), Flatten(new PrincipalComponentAnalysis(options).Fit(data)));
    }

    [Fact]
    public void TransformGivesScoresWithTheExplainedVariance()
    {
        var (iris, _) = ApplicationData.Iris();
        var fit = new PrincipalComponentAnalysis(new PcaOptions { Components = 2 }).Fit(iris);
        var scores = fit.Transform(iris);
        for (int c = 0; c < 2; c++)
        {
            var s = Enumerable.Range(0, iris.Rows).Select(i => scores[i * 2 + c]).ToArray();
            Assert.Equal(0, s.Average(), 12);
            Assert.Equal(fit.ExplainedVariance[c], s.Sum(v => v * v) / (iris.Rows - 1), 10);
        }
    }

    [Fact]
    public void MoreComponentsThanFeaturesIsRefusedWithTheLimit()
    {
        var (iris, _) = ApplicationData.Iris();
        var e = Assert.Throws<InvalidOptionException>(() => new PrincipalComponentAnalysis(new PcaOptions { Components = 5 }).Fit(iris));
        Assert.Equal("Components = 5 is not allowed: it must be at most the number of features (4). Try 2, or add feature columns.", e.Message);
    }

    [Fact]
    public void DataWithoutVarianceIsRefused()
    {
        var same = new Dataset([1, 2, 1, 2, 1, 2], [0, 0, 0], 3, 2);
        var e = Assert.Throws<LsgdException>(() => new PrincipalComponentAnalysis(new PcaOptions { Components = 1 }).Fit(same));
        Assert.Equal("Every row of the data is the same point, so there is no variance for components to explain. Check the feature columns.", e.Message);
        var one = new Dataset([1, 2], [0], 1, 2);
        Assert.Equal("The data has 1 row: PCA needs at least 2 rows to have a variance.",
            Assert.Throws<LsgdException>(() => new PrincipalComponentAnalysis(new PcaOptions { Components = 1 }).Fit(one)).Message);
    }

    [Theory]
    [InlineData("Components", "Components = 0 is not allowed: it must be an integer >= 1. Try 2.")]
    [InlineData("LearningRate", "LearningRate = 1.5 is not allowed: it must be a number in (0, 1]. Try 1, or 0.5 for a more cautious step.")]
    [InlineData("Tolerance", "Tolerance = -1 is not allowed: it must be a finite number >= 0 (0 turns the rule off). Try 1e-10.")]
    public void BadOptionsSayWhatIsAllowed(string option, string message)
    {
        var e = Assert.Throws<InvalidOptionException>(() => option switch
        {
            "Components" => new PcaOptions { Components = 0 },
            "LearningRate" => new PcaOptions { LearningRate = 1.5 },
            _ => new PcaOptions { Tolerance = -1 },
        });
        Assert.Equal(message, e.Message);
    }
}
