using Lsgd.Applications.Classification;
using Lsgd.Data;
using Lsgd.Estimators;

namespace Lsgd.Tests.Applications;

public class LeastSquaresClassifierTest
{
    /// <summary>Three tight clusters around (0, 0), (10, 0) and (0, 10), 30 rows each: linearly separable by a wide margin.</summary>
    private static (Dataset, string[]) Separable()
    {
        var rng = new Random(4);
        (double X, double Y, string Name)[] centres = [(0, 0, "red"), (10, 0, "green"), (0, 10, "blue")];
        var x = new List<double>();
        var labels = new List<string>();
        for (int i = 0; i < 90; i++)
        {
            var c = centres[i % 3];
            x.Add(c.X + TestData.Gaussian(rng));
            x.Add(c.Y + TestData.Gaussian(rng));
            labels.Add(c.Name);
        }
        return (new Dataset([.. x], new double[90], 90, 2, 1, ["a", "b"]), [.. labels]);
    }

    [Theory]
    [InlineData(SolverMethod.Exact)]
    [InlineData(SolverMethod.GradientDescent)]
    [InlineData(SolverMethod.ConjugateGradient)]
    public void SeparableClassesAreClassifiedWithoutError(SolverMethod method)
    {
        var (data, labels) = Separable();
        var options = new LeastSquaresClassifierOptions();
        var fit = new LeastSquaresClassifier(options with { Regression = options.Regression with { Method = method } }).Fit(data, labels);
        Assert.Equal(1.0, fit.Evaluation.Accuracy);
        Assert.Equal(EvaluationSet.Training, fit.EvaluatedOn);
        Assert.Equal(["blue", "green", "red"], fit.Model.Classes);   // ordinal order
        Assert.Equal([[30, 0, 0], [0, 30, 0], [0, 0, 30]], fit.Evaluation.ConfusionMatrix());
        Assert.Equal("green", fit.Model.Predict([9.5, 0.5]));
    }

    [Theory]
    [InlineData(SolverMethod.Auto)]
    [InlineData(SolverMethod.Exact)]
    [InlineData(SolverMethod.GradientDescent)]
    [InlineData(SolverMethod.ConjugateGradient)]
    public void AnAllZeroColumnAndOneConstantOnlyInTheTrainingRowsAreNamedAndTheFitGoesOn(SolverMethod method)
    {
        // A digits-like table: 'blank' is 0 in every row (a pixel no digit touches), 'rare' is 0 in every training row
        // and varies only in the held-out rows. Both are aliased in the regression on the training rows.
        var (separable, labels) = Separable();
        var x = new double[90 * 4];
        for (int i = 0; i < 90; i++)
        {
            x[i * 4] = separable.Feature(i, 0);
            x[i * 4 + 2] = separable.Feature(i, 1);
            x[i * 4 + 3] = i >= 60 && i % 2 == 0 ? 1 : 0;
        }
        var data = new Dataset(x, new double[90], 90, 4, 1, ["a", "blank", "b", "rare"]);
        var options = new LeastSquaresClassifierOptions();
        var fit = new LeastSquaresClassifier(options with { Regression = options.Regression with { Method = method } })
            .Fit(data, labels, [.. Enumerable.Range(0, 60)], [.. Enumerable.Range(60, 30)]);
        Assert.Equal(["blank", "rare"], fit.ConstantFeatures);
        Assert.Equal(["rare"], fit.ConstantOnlyInTraining);
        Assert.Equal(3, fit.Regression.Exact!.Rank);   // a, b and the intercept
        Assert.Equal(["blank", "rare"], fit.Regression.Exact.Aliased);
        Assert.True(fit.Regression.Converged);
        for (int k = 0; k < 3; k++)
        {
            Assert.Equal(0, fit.Regression.Model.Coefficients(k)[1]);   // minimum norm: nothing on a column of zeros
            Assert.Equal(0, fit.Regression.Model.Coefficients(k)[3]);
        }
        Assert.Equal(1.0, fit.Training.Accuracy);
        Assert.Equal(1.0, fit.Test!.Accuracy);
    }

    [Fact]
    public void SeparableClassesStayPerfectOnHeldOutRows()
    {
        var (data, labels) = Separable();
        var fit = new LeastSquaresClassifier(new LeastSquaresClassifierOptions { TestFraction = 0.3, Seed = 2 }).Fit(data, labels);
        Assert.Equal(EvaluationSet.Test, fit.EvaluatedOn);
        Assert.Equal(27, fit.TestRows.Count);   // round(0.3 × 30) = 9 per class
        Assert.Equal(1.0, fit.Test!.Accuracy);
        Assert.Same(fit.Test, fit.Evaluation);
    }

    [Fact]
    public void IrisSplitIsStratifiedAndSeeded()
    {
        var (iris, species) = ApplicationData.Iris();
        var options = new LeastSquaresClassifierOptions { TestFraction = 0.3, Seed = 1 };
        var fit = new LeastSquaresClassifier(options).Fit(iris, species);
        Assert.Equal(45, fit.TestRows.Count);
        foreach (var name in new[] { "setosa", "versicolor", "virginica" })
            Assert.Equal(15, fit.TestRows.Count(i => species[i] == name));
        Assert.Equal(fit.TestRows, new LeastSquaresClassifier(options).Fit(iris, species).TestRows);
        Assert.NotEqual(fit.TestRows, new LeastSquaresClassifier(options with { Seed = 2 }).Fit(iris, species).TestRows);
        Assert.Empty(fit.TrainingRows.Intersect(fit.TestRows));
    }

    [Fact]
    public void IrisTrainingAccuracyOfTheExactFit()
    {
        // The exact least-squares fit leaves nothing to chance, so these counts are a property of the data: setosa is
        // linearly separable (all 50 right); a linear score confuses versicolor and virginica (16 and 7 errors), the
        // "masking" of the middle class that Hastie, Tibshirani and Friedman (ESL §4.2) describe for indicator regression.
        var (iris, species) = ApplicationData.Iris();
        var fit = new LeastSquaresClassifier().Fit(iris, species);
        Assert.True(fit.Regression.Converged);   // auto reaches the certified least-squares optimum
        Assert.Equal([[50, 0, 0], [0, 34, 16], [0, 7, 43]], fit.Training.ConfusionMatrix());
        Assert.Equal(127.0 / 150, fit.Training.Accuracy, 15);
    }

    [Fact]
    public void PlusMinusOneTargetsPredictLikeOneHotWithAnIntercept()
    {
        // ±1 = 2·one-hot − 1, and least squares with an intercept is equivariant under that map: the same argmax.
        var (iris, species) = ApplicationData.Iris();
        var oneHot = new LeastSquaresClassifier().Fit(iris, species);
        var pm = new LeastSquaresClassifier(new LeastSquaresClassifierOptions { Encoding = TargetEncoding.PlusMinusOne }).Fit(iris, species);
        Assert.Equal(oneHot.Model.PredictIndices(iris), pm.Model.PredictIndices(iris));
        Assert.Equal(2 * oneHot.Model.Scores.Intercept(0) - 1, pm.Model.Scores.Intercept(0), 10);
    }

    [Fact]
    public void NumericLabelsAreSortedAsNumbers()
    {
        Assert.Equal(["2", "10", "100"], ClassLabels.Sorted(["10", "2", "100", "2"]));
        Assert.Equal(["B", "a", "b"], ClassLabels.Sorted(["b", "a", "B"]));   // ordinal: upper case first
    }

    [Fact]
    public void EmptyLabelIsRefused() => Assert.Throws<LsgdException>(() => ClassLabels.Sorted(["a", " "]));

    [Fact]
    public void FitOnGivenRowsKeepsEveryClassAndReportsOnTheTestRows()
    {
        var (data, labels) = Separable();
        int[] train = [.. Enumerable.Range(0, 60)], test = [.. Enumerable.Range(60, 30)];
        var fit = new LeastSquaresClassifier().Fit(data, labels, train, test);
        Assert.Equal(["blue", "green", "red"], fit.Model.Classes);
        Assert.Equal(train, fit.TrainingRows);
        Assert.Equal(test, fit.TestRows);
        Assert.Equal((60, 30, 1.0), (fit.Training.Count, fit.Test!.Count, fit.Test.Accuracy));

        // A class with no training row keeps its output, fitted to 0 everywhere: it is never predicted.
        int[] notBlue = [.. Enumerable.Range(0, 90).Where(i => labels[i] != "blue")], blue = [.. Enumerable.Range(0, 90).Where(i => labels[i] == "blue")];
        var without = new LeastSquaresClassifier().Fit(data, labels, notBlue, blue);
        Assert.Equal(3, without.Model.Scores.Outputs);
        Assert.Equal(0, without.Test!.Correct);
        Assert.Equal(0, without.Model.Scores.Intercept(0), 1e-12);
    }

    [Fact]
    public void FitOnGivenRowsKeepsSinglePrecisionFeatures()
    {
        var (data, labels) = Separable();
        var single = Dataset.FromSingle([.. data.X.ToArray().Select(v => (float)v)], new double[data.Rows], data.Rows, data.Features, 1, data.FeatureNames);
        int[] all = [.. Enumerable.Range(0, data.Rows)];
        var fromDouble = new LeastSquaresClassifier().Fit(data, labels, all, []);
        var fromSingle = new LeastSquaresClassifier().Fit(single, labels, all, []);
        // The features are small integers plus noise of a few hundredths: float32 rounds them at about 1e-6.
        for (int i = 0; i < fromDouble.Model.Scores.Parameters.Length; i++)
            Assert.Equal(fromDouble.Model.Scores.Parameters[i], fromSingle.Model.Scores.Parameters[i], 1e-4);
        Assert.Null(fromSingle.Test);
    }

    [Fact]
    public void TargetsAreEncodedPerClassAndScoresDecodedToTheFirstLargest()
    {
        Assert.Equal([0, 1, 0, 1, 0, 0, 0, 0, 1], ClassLabels.EncodeTargets([1, 0, 2], 3, TargetEncoding.OneHot));
        Assert.Equal([-1, 1, -1, 1, -1, -1], ClassLabels.EncodeTargets([1, 0], 3, TargetEncoding.PlusMinusOne));
        Assert.Throws<ArgumentOutOfRangeException>(() => ClassLabels.EncodeTargets([3], 3, TargetEncoding.OneHot));

        Assert.Equal([1, 0, 2], ClassLabels.DecodeScores([0.1, 0.8, 0.1, 0.6, 0.3, 0.1, -1, -2, 0.5], 3));
        Assert.Equal([0, 0], ClassLabels.DecodeScores([0.5, 0.5, 0.2, double.NaN], 2));   // a tie goes to the first; a later NaN never wins
        Assert.Equal([0, 2, 1], ClassLabels.DecodeScores(ClassLabels.EncodeTargets([0, 2, 1], 3, TargetEncoding.PlusMinusOne), 3));
        Assert.Throws<ArgumentException>(() => ClassLabels.DecodeScores([1, 2, 3], 2));
    }

    [Fact]
    public void ProblemsAreReportedInOneLine()
    {
        var data = new Dataset([1, 2, 3, 4], [0, 0, 0, 0], 4, 1);
        Assert.Equal("Every row has the class 'x': a classifier needs at least two classes. Check the label column.",
            Assert.Throws<LsgdException>(() => new LeastSquaresClassifier().Fit(data, ["x", "x", " x", "x"])).Message);
        Assert.Equal("There are 3 labels for 4 rows: give one label per row.",
            Assert.Throws<LsgdException>(() => new LeastSquaresClassifier().Fit(data, ["x", "y", "x"])).Message);
        Assert.Equal("The label of row 2 is empty: every row needs a class. Fill it in or remove the row.",
            Assert.Throws<LsgdException>(() => new LeastSquaresClassifier().Fit(data, ["x", " ", "y", "y"])).Message);
        Assert.Equal("TestFraction = 1 is not allowed: it must be a number in [0, 1). Try 0.3, or 0 to train on every row.",
            Assert.Throws<InvalidOptionException>(() => new LeastSquaresClassifierOptions { TestFraction = 1 }).Message);
    }
}
