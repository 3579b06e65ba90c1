using System.Diagnostics;
using Lsgd.Applications.Classification;
using Lsgd.Data;
using Lsgd.Training;

namespace Lsgd.Embeddings;

/// <summary>Settings of <see cref="Finetuner"/>.</summary>
public sealed record FinetuneOptions
{
    /// <summary>How rows are split into training, validation and test sets.</summary>
    public SplitOptions Split { get; init => field = value ?? throw new ArgumentNullException(nameof(Split)); } = new();

    /// <summary>How heads (the encoder's and the baseline's) are trained.</summary>
    public HeadOptions Head { get; init => field = value ?? throw new ArgumentNullException(nameof(Head)); } = new();

    /// <summary>The character n-gram baseline's features; null skips that baseline.</summary>
    public CharNgramOptions? BagOfWords { get; init; } = new();
}

/// <summary>What <see cref="Finetuner.Run"/> found: the head, its metrics on each set, and the baselines' on the test set.</summary>
public sealed class FinetuneResult
{
    internal FinetuneResult() { }

    /// <summary>The target learned.</summary>
    public required HeadTarget Target { get; init; }

    /// <summary>Regression or classification.</summary>
    public HeadTask Task => Target.Task;

    /// <summary>The rows of each set.</summary>
    public required DataSplit Split { get; init; }

    /// <summary>The head on the given features, trained on the training set.</summary>
    public required HeadFit Head { get; init; }

    /// <summary>The head's metrics on the training set.</summary>
    public required HeadMetrics Train { get; init; }

    /// <summary>The head's metrics on the validation set; null when there is none.</summary>
    public HeadMetrics? Validation { get; init; }

    /// <summary>The head's metrics on the test set.</summary>
    public required HeadMetrics Test { get; init; }

    /// <summary>"mean" (regression) or "majority" (classification): the constant baseline.</summary>
    public string ConstantBaselineName => Task == HeadTask.Classification ? "majority" : "mean";

    /// <summary>The constant baseline's prediction: the training mean, or the most frequent training class.</summary>
    public required string ConstantPrediction { get; init; }

    /// <summary>The constant baseline's metrics on the test set.</summary>
    public required HeadMetrics ConstantBaseline { get; init; }

    /// <summary>The character n-gram head's metrics on the test set; null when skipped.</summary>
    public HeadMetrics? BagOfWords { get; init; }

    /// <summary>The character n-gram head; null when skipped.</summary>
    public HeadFit? BagOfWordsFit { get; init; }

    /// <summary>The character n-grams the baseline head reads (its vocabulary); null when skipped.</summary>
    public CharNgramFeaturizer? BagOfWordsFeatures { get; init; }

    /// <summary>Time to train the head.</summary>
    public TimeSpan HeadTime { get; init; }

    /// <summary>Time to build the n-gram features and train their head.</summary>
    public TimeSpan BagOfWordsTime { get; init; }
}

/// <summary>
/// Re-fits the last layer for a new task: splits the rows (seeded, optionally by group), trains a least-squares
/// head on the given features (an encoder's vectors), and measures it on held-out rows next to two baselines
/// trained on the same rows: a constant (mean or majority class) and a head on character n-grams of the texts.
/// </summary>
public sealed class Finetuner
{
    /// <summary>Creates a finetuner with <paramref name="options"/> (defaults when null).</summary>
    public Finetuner(FinetuneOptions? options = null) => Options = options ?? new FinetuneOptions();

    /// <summary>The settings.</summary>
    public FinetuneOptions Options { get; }

    /// <summary>Runs the split, the head and the baselines.</summary>
    /// <param name="texts">The n texts (for the n-gram baseline).</param>
    /// <param name="features">n × d features of the texts, row-major.</param>
    /// <param name="dimension">d.</param>
    /// <param name="target">What to predict, for all n rows.</param>
    /// <param name="groups">Optional group key per row: a group never straddles two sets.</param>
    /// <param name="progress">Progress of each head's gradient descent.</param>
    /// <param name="cancellationToken">Stops training.</param>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public FinetuneResult Run(IReadOnlyList<string> texts, float[] features, int dimension, HeadTarget target, IReadOnlyList<string>? groups = null,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(target);
        if (texts.Count != target.Rows)
            throw new ArgumentException($"There are {texts.Count} texts but the target has {target.Rows} rows.", nameof(texts));
        var split = DataSplit.Create(target.Rows, Options.Split, groups);
        var trainer = new HeadTrainer(Options.Head);

        var clock = Stopwatch.StartNew();
        var head = trainer.Fit(features, dimension, target, split.Train, split.Validation, null, progress, cancellationToken);
        var headTime = clock.Elapsed;

        var (constant, constantMetrics) = ConstantBaseline(target, split);

        HeadMetrics? bagMetrics = null;
        HeadFit? bagFit = null;
        CharNgramFeaturizer? bag = null;
        clock.Restart();
        if (Options.BagOfWords is { } bagOptions)
        {
            bag = CharNgramFeaturizer.Fit(split.Train.Select(i => texts[i]),
                bagOptions with { MaxFeatures = Math.Max(1, Math.Min(bagOptions.MaxFeatures, split.Train.Count / 2)) });
            var bagFeatures = bag.Transform(texts);
            bagFit = trainer.Fit(bagFeatures, bag.Dimension, target, split.Train, split.Validation, bag.Vocabulary, progress, cancellationToken);
            bagMetrics = Evaluate(bagFit, bagFeatures, target, split.Test);
        }
        var bagTime = clock.Elapsed;
        cancellationToken.ThrowIfCancellationRequested();   // heads stopped early are not worth reporting

        return new FinetuneResult
        {
            Target = target,
            Split = split,
            Head = head,
            Train = head.Classification is { } c ? HeadMetrics.ForClassification(c.Training) : Evaluate(head, features, target, split.Train),
            Validation = split.Validation.Count > 0 ? Evaluate(head, features, target, split.Validation) : null,
            Test = Evaluate(head, features, target, split.Test),
            ConstantPrediction = constant,
            ConstantBaseline = constantMetrics,
            BagOfWords = bagMetrics,
            BagOfWordsFit = bagFit,
            BagOfWordsFeatures = bag,
            HeadTime = headTime,
            BagOfWordsTime = bagTime,
        };
    }

    /// <summary>The metrics of <paramref name="head"/> on the rows <paramref name="rows"/>.</summary>
    public static HeadMetrics Evaluate(HeadFit head, float[] features, HeadTarget target, IReadOnlyList<int> rows)
    {
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(rows);
        var scores = head.Model.Predict(HeadTrainer.Features(features, head.Model.Features, rows, head.Model.FeatureNames));
        return HeadMetrics.Measure(target, rows, scores);
    }

    private static (string Prediction, HeadMetrics Metrics) ConstantBaseline(HeadTarget target, DataSplit split)
    {
        if (target.Task == HeadTask.Classification)
        {
            var counts = new int[target.Classes.Count];
            foreach (int i in split.Train) counts[target.ClassIndex![i]]++;
            int majority = Array.IndexOf(counts, counts.Max());
            var report = ClassificationReport.Compute(target.Classes, [.. split.Test.Select(i => target.ClassIndex![i])], [.. split.Test.Select(_ => majority)]);
            return (target.Classes[majority], HeadMetrics.ForClassification(report));
        }
        double mean = split.Train.Average(i => target.Values![i]);
        return (mean.ToString("G6", System.Globalization.CultureInfo.InvariantCulture),
            HeadMetrics.ForRegression([.. split.Test.Select(i => target.Values![i])], [.. split.Test.Select(_ => mean)]));
    }
}
