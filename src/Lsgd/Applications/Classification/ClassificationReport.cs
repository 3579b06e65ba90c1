using Lsgd.Internals;

namespace Lsgd.Applications.Classification;

/// <summary>How well predicted classes match the true ones: accuracy and the confusion matrix.</summary>
public sealed class ClassificationReport
{
    private readonly int[] _confusion;

    private ClassificationReport(IReadOnlyList<string> classes, int[] confusion, int count)
    {
        Classes = [.. classes];
        _confusion = confusion;
        Count = count;
        int correct = 0;
        for (int c = 0; c < classes.Count; c++) correct += confusion[c * classes.Count + c];
        Correct = correct;
    }

    /// <summary>The classes, in the order of the confusion matrix's rows and columns.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>Rows evaluated.</summary>
    public int Count { get; }

    /// <summary>Rows whose predicted class is the true one.</summary>
    public int Correct { get; }

    /// <summary>Correct / Count.</summary>
    public double Accuracy => Count > 0 ? (double)Correct / Count : double.NaN;

    /// <summary>Rows of true class <paramref name="actual"/> predicted as <paramref name="predicted"/> (class indices).</summary>
    public int Confusion(int actual, int predicted) => _confusion[actual * Classes.Count + predicted];

    /// <summary>The confusion matrix: row = true class, column = predicted class, as counts.</summary>
    public int[][] ConfusionMatrix()
    {
        int c = Classes.Count;
        return [.. Enumerable.Range(0, c).Select(i => _confusion.AsSpan(i * c, c).ToArray())];
    }

    /// <summary>Recall of each class: the share of its rows predicted as it (NaN for a class with no rows).</summary>
    public double[] Recall()
    {
        int c = Classes.Count;
        var result = new double[c];
        for (int i = 0; i < c; i++)
        {
            int total = 0;
            for (int j = 0; j < c; j++) total += _confusion[i * c + j];
            result[i] = total > 0 ? (double)_confusion[i * c + i] / total : double.NaN;
        }
        return result;
    }

    /// <summary>Counts how the predicted class indices compare with the true ones.</summary>
    /// <param name="classes">The class names.</param>
    /// <param name="actual">The true class index of each row.</param>
    /// <param name="predicted">The predicted class index of each row.</param>
    public static ClassificationReport Compute(IReadOnlyList<string> classes, ReadOnlySpan<int> actual, ReadOnlySpan<int> predicted)
    {
        ArgumentNullException.ThrowIfNull(classes);
        if (predicted.Length != actual.Length)
            Throw.Length(nameof(predicted), predicted.Length, actual.Length, "one prediction per row");
        int c = classes.Count;
        var confusion = new int[c * c];
        for (int i = 0; i < actual.Length; i++)
        {
            if ((uint)actual[i] >= (uint)c || (uint)predicted[i] >= (uint)c)
                throw new ArgumentOutOfRangeException(nameof(actual), $"Row {i + 1} has a class index outside 0..{c - 1}.");
            confusion[actual[i] * c + predicted[i]]++;
        }
        return new ClassificationReport(classes, confusion, actual.Length);
    }
}
