using Lsgd.Data;
using Lsgd.Solvers;

namespace Lsgd.Embeddings.Tests;

public class HeadTrainerTest(EncoderFixture fixture) : IClassFixture<EncoderFixture>
{
    [Fact]
    public void HeadFitMatchesTheExactLeastSquaresSolutionOnEmbeddings()
    {
        // 40 AFINN words; their first 8 embedding coordinates as features (least squares needs more rows than features).
        var (words, valence) = Vectors.AfinnSample(40);
        var e = new TextEmbedder(fixture.Encoder).Embed(words);
        const int d = 8;
        var x = new float[words.Length * d];
        for (int i = 0; i < words.Length; i++) e.Vector(i)[..d].CopyTo(x.AsSpan(i * d, d));

        var fit = new HeadTrainer(new HeadOptions { L2 = 0, MaxIterations = 20_000 }).Fit(x, d, HeadTarget.Regression("valence", valence));

        var exact = ExactLeastSquares.Solve(Dataset.FromSingle(x, valence, words.Length, d).ToDoublePrecision());
        Assert.Equal(0, fit.L2);
        Assert.True(fit.Regression.Training!.Converged, fit.Regression.Training.Message);
        for (int j = 0; j < d; j++)
            Assert.Equal(exact.Model.Coefficients()[j], fit.Head.Model.Coefficients()[j], 1e-4 * Math.Max(1, Math.Abs(exact.Model.Coefficients()[j])));
        Assert.Equal(exact.Model.Intercept(), fit.Head.Model.Intercept(), 1e-5);
        // The article's stopping rule (|ΔJ| < 1e-12) stops with the loss within 1e-10 of the optimum and θ within 1e-5.
        Assert.True(fit.Regression.Optimality!.RelativeObjectiveGap < 1e-10);
        Assert.True(fit.Regression.Optimality.RelativeCoefficientDistance < 1e-5);
    }

    [Fact]
    public void OneHotLeastSquaresRecoversASeparableLabelling()
    {
        // Three well-separated clusters in 5 dimensions, 30 points each.
        var random = new Random(7);
        string[] names = ["north", "east", "south"];
        float[][] centres = [[3, 0, 0, 1, 0], [0, 3, 0, 0, 1], [0, 0, 3, -1, -1]];
        int n = 90, d = 5;
        var x = new float[n * d];
        var labels = new string[n];
        for (int i = 0; i < n; i++)
        {
            labels[i] = names[i % 3];
            for (int j = 0; j < d; j++) x[i * d + j] = centres[i % 3][j] + (float)(0.3 * (random.NextDouble() - 0.5));
        }
        var target = HeadTarget.Classification("direction", labels);
        var split = DataSplit.Create(n, new SplitOptions { TestFraction = 0.3, ValidationFraction = 0 });

        var fit = new HeadTrainer().Fit(x, d, target, split.Train);

        Assert.Equal(["east", "north", "south"], fit.Head.Classes);
        Assert.Equal(1.0, Finetuner.Evaluate(fit.Head, x, target, split.Train).Accuracy);
        Assert.Equal(1.0, Finetuner.Evaluate(fit.Head, x, target, split.Test).Accuracy);
        // Least squares on one-hot targets with an intercept: the k scores of every row sum to 1.
        var scores = fit.Head.Scores(x.AsSpan(0, d));
        Assert.Equal(1.0, scores.Sum(), 1e-6);
    }

    [Fact]
    public void RidgePenaltyIsChosenOnTheValidationRows()
    {
        var random = new Random(3);
        int n = 200, d = 10;
        var x = new float[n * d];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < d; j++) x[i * d + j] = (float)random.NextDouble();
            y[i] = x[i * d] - 2 * x[i * d + 1] + 0.1 * random.NextDouble();
        }
        var split = DataSplit.Create(n, new SplitOptions());
        var fit = new HeadTrainer().Fit(x, d, HeadTarget.Regression("y", y), split.Train, split.Validation);
        Assert.Equal(HeadOptions.AutoL2Candidates, fit.Trials.Select(t => t.L2));
        Assert.Equal(fit.Trials.MinBy(t => t.ValidationLoss)!.L2, fit.L2);
    }

    [Fact]
    public void TooFewTrainingRowsForTheFeaturesGetAClearError()
    {
        var error = Assert.Throws<LsgdException>(() =>
            new HeadTrainer().Fit(new float[30 * 384], 384, HeadTarget.Regression("y", [.. Enumerable.Range(0, 30).Select(i => (double)i)])));
        Assert.Equal("The training set has 30 rows but a head on 384 features has 385 parameters per output: least squares needs at least 385 training rows. " +
            "Add rows, or give smaller features with --embeddings.", error.Message);
    }

    [Fact]
    public void TargetWithOneClassIsRefused()
    {
        var error = Assert.Throws<LsgdException>(() => HeadTarget.Parse("group", ["a", "a ", "a"]));
        Assert.Equal("The target 'group' has only one class ('a') in all 3 rows: a classifier needs at least two. Check the column.", error.Message);
    }

    [Fact]
    public void NumericTargetIsRegressionAndTextTargetIsClassification()
    {
        Assert.Equal(HeadTask.Regression, HeadTarget.Parse("y", ["1", "-2.5", "3e1"]).Task);
        Assert.Equal(HeadTask.Classification, HeadTarget.Parse("y", ["1", "two", "3"]).Task);
        Assert.Equal(HeadTask.Classification, HeadTarget.Parse("stars", ["1", "2", "2"], HeadTask.Classification).Task);
        var error = Assert.Throws<LsgdException>(() => HeadTarget.Parse("y", ["1", "two"], HeadTask.Regression, i => $"line {i + 2}"));
        Assert.Equal("The target 'y' is 'two' in line 3, not a number: regression needs numbers. Fix the cell, or use --task classification.", error.Message);
    }

    [Fact]
    public void NumericClassLabelsKeepOrdinalOrder()
    {
        // Heads order classes as text (unlike 'lsgd classify', which sorts numbers as numbers): a head's outputs stay as they were.
        var target = HeadTarget.Parse("stars", ["2", "10", " 1", "2"], HeadTask.Classification);
        Assert.Equal(["1", "10", "2"], target.Classes);
        Assert.Equal([2, 1, 0, 2], target.ClassIndex);
    }

    [Fact]
    public void EmptyLabelIsRefusedWithItsRow()
    {
        var error = Assert.Throws<LsgdException>(() => HeadTarget.Classification("group", ["a", "", "b"]));
        Assert.Equal("The target 'group' is empty in row 2: every row needs a class. Fill it in or remove the row.", error.Message);
    }
}
