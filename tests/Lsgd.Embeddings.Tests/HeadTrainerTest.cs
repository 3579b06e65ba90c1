using Lsgd.Applications.Classification;
using Lsgd.Data;
using Lsgd.Models;
using Lsgd.Solvers;
using Lsgd.Training;

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
        Assert.NotEqual(StopReason.MaxIterations, fit.Regression.Training!.StopReason);
        for (int j = 0; j < d; j++)
            Assert.Equal(exact.Model.Coefficients()[j], fit.Model.Coefficients()[j], 1e-4 * Math.Max(1, Math.Abs(exact.Model.Coefficients()[j])));
        Assert.Equal(exact.Model.Intercept(), fit.Model.Intercept(), 1e-5);
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

        Assert.Equal(["east", "north", "south"], fit.Classes);
        Assert.Equal(1.0, Finetuner.Evaluate(fit, x, target, split.Train).Accuracy);
        Assert.Equal(1.0, Finetuner.Evaluate(fit, x, target, split.Test).Accuracy);
        // The head is the core classifier's fit: its model predicts the classes, its report counts the training rows.
        Assert.Equal(labels[0], fit.Classification!.Model.Predict(x.AsSpan(0, d).ToArray().Select(v => (double)v).ToArray()));
        Assert.Equal((split.Train.Count, 1.0), (fit.Classification.Training.Count, fit.Classification.Training.Accuracy));
        // Least squares on one-hot targets with an intercept: the k scores of every row sum to 1.
        var scores = fit.Scores(x[..d]);
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
        Assert.Equal(Penalty.Ridge(fit.L2).L2, fit.Regression.Options.Penalty.L2);

        // Each trial's loss is that of the exact ridge solution (here checked against gradient descent run to
        // convergence with the same λ): the search solves, it does not iterate.
        var trial = fit.Trials[2];
        var gd = new HeadTrainer(new HeadOptions { L2 = trial.L2, MaxIterations = 50_000, Tolerance = 0 }).Fit(x, d, HeadTarget.Regression("y", y), split.Train);
        var predicted = gd.Scores(HeadTrainerSelect(x, d, split.Validation));
        double loss = 0.5 * split.Validation.Select((row, i) => (y[row] - predicted[i]) * (y[row] - predicted[i])).Sum() / split.Validation.Count;
        Assert.Equal(loss, trial.ValidationLoss, 1e-6 * loss);
    }

    [Fact]
    public void ClassifierHeadChoosesItsPenaltyOnOneHotValidationLoss()
    {
        var random = new Random(5);
        int n = 300, d = 6;
        var x = new float[n * d];
        var labels = new string[n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < d; j++) x[i * d + j] = (float)random.NextDouble();
            labels[i] = x[i * d] + 0.3 * random.NextDouble() > 0.8 ? "hi" : x[i * d + 1] > 0.5 ? "mid" : "lo";
        }
        var split = DataSplit.Create(n, new SplitOptions());
        var target = HeadTarget.Classification("level", labels);
        var fit = new HeadTrainer().Fit(x, d, target, split.Train, split.Validation);
        Assert.Equal(HeadOptions.AutoL2Candidates.Count, fit.Trials.Count);
        Assert.Equal(fit.Trials.MinBy(t => t.ValidationLoss)!.L2, fit.L2);
        Assert.All(fit.Trials, t => Assert.Equal(split.Validation.Count, t.Validation.Rows));
        Assert.Equal(["hi", "lo", "mid"], fit.Classes);
    }

    private static float[] HeadTrainerSelect(float[] x, int d, IReadOnlyList<int> rows) => [.. rows.SelectMany(i => x.Skip(i * d).Take(d))];

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
    public void NumericClassLabelsAreOrderedAsTheClassifierOrdersThem()
    {
        // One rule for 'lsgd classify' and the heads: numbers as numbers.
        var target = HeadTarget.Parse("stars", ["2", "10", " 1", "2"], HeadTask.Classification);
        Assert.Equal(["1", "2", "10"], target.Classes);
        Assert.Equal(ClassLabels.Sorted(["2", "10", " 1", "2"]), target.Classes);
        Assert.Equal([1, 2, 0, 1], target.ClassIndex);
    }

    [Fact]
    public void EmptyLabelIsRefusedWithItsRow()
    {
        var error = Assert.Throws<LsgdException>(() => HeadTarget.Classification("group", ["a", "", "b"]));
        Assert.Equal("The target 'group' is empty in row 2: every row needs a class. Fill it in or remove the row.", error.Message);
    }
}
