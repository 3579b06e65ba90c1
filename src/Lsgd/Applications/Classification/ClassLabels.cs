using System.Globalization;
using Lsgd.Internals;

namespace Lsgd.Applications.Classification;

/// <summary>
/// The classes found in a column of labels, in a fixed order, and each row's class index; the least-squares targets
/// of class indices (one output per class) and the class indices that scores on those outputs predict.
/// </summary>
public static class ClassLabels
{
    /// <summary>
    /// The distinct labels in the one class order of Lsgd (the classifier's outputs, a head's outputs, the rows
    /// and columns of a confusion matrix): numerically when every label is a number (so "2" comes before "10"),
    /// by ordinal string comparison otherwise (culture-independent, case-sensitive). Labels are trimmed.
    /// </summary>
    /// <exception cref="LsgdException">A label is empty.</exception>
    public static string[] Sorted(IEnumerable<string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        int row = 0;
        foreach (var label in labels)
        {
            row++;
            string t = label?.Trim() ?? "";
            if (t.Length == 0)
                Throw.Data($"The label of row {row} is empty: every row needs a class. Fill it in or remove the row.");
            distinct.Add(t);
        }
        bool numeric = distinct.All(l => double.TryParse(l, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
        return numeric
            ? [.. distinct.OrderBy(l => double.Parse(l, NumberStyles.Float, CultureInfo.InvariantCulture)).ThenBy(l => l, StringComparer.Ordinal)]
            : [.. distinct.OrderBy(l => l, StringComparer.Ordinal)];
    }

    /// <summary>The index in <paramref name="classes"/> of each (trimmed) label.</summary>
    /// <exception cref="LsgdException">A label is not one of the classes.</exception>
    public static int[] Indices(IReadOnlyList<string> labels, IReadOnlyList<string> classes)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classes);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int c = 0; c < classes.Count; c++) index[classes[c]] = c;
        var result = new int[labels.Count];
        for (int i = 0; i < labels.Count; i++)
        {
            string t = labels[i]?.Trim() ?? "";
            if (!index.TryGetValue(t, out result[i]))
                Throw.Data($"The label '{t}' of row {i + 1} is not one of the classes the model knows ({string.Join(", ", classes)}).");
        }
        return result;
    }

    /// <summary>
    /// The least-squares targets of rows of known classes: n × k values, row-major, with 1 in the column of the
    /// row's class and 0 (<see cref="TargetEncoding.OneHot"/>) or −1 (<see cref="TargetEncoding.PlusMinusOne"/>) in the others.
    /// </summary>
    /// <param name="indices">Each row's class index, in 0..k−1.</param>
    /// <param name="classes">k, the number of classes.</param>
    /// <param name="encoding">The value of the other columns.</param>
    /// <exception cref="ArgumentOutOfRangeException">A class index outside 0..k−1.</exception>
    public static double[] EncodeTargets(ReadOnlySpan<int> indices, int classes, TargetEncoding encoding)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        var y = new double[indices.Length * classes];
        Array.Fill(y, encoding == TargetEncoding.PlusMinusOne ? -1 : 0);
        for (int i = 0; i < indices.Length; i++)
        {
            if ((uint)indices[i] >= (uint)classes)
                throw new ArgumentOutOfRangeException(nameof(indices), $"Row {i + 1} has a class index outside 0..{classes - 1}.");
            y[i * classes + indices[i]] = 1;
        }
        return y;
    }

    /// <summary>
    /// The class index each row of n × k scores (row-major, one score per class) predicts: the column of the
    /// largest score, the first of equal ones.
    /// </summary>
    /// <param name="scores">n × k scores, such as a linear model's predictions of <see cref="EncodeTargets"/>.</param>
    /// <param name="classes">k, the number of classes.</param>
    /// <exception cref="ArgumentException">The number of scores is not a multiple of k.</exception>
    public static int[] DecodeScores(ReadOnlySpan<double> scores, int classes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        if (scores.Length % classes != 0)
            throw new ArgumentException($"{scores.Length} scores are not rows of {classes} (one per class).", nameof(scores));
        var result = new int[scores.Length / classes];
        for (int i = 0; i < result.Length; i++) result[i] = ArgMax(scores.Slice(i * classes, classes));
        return result;
    }

    /// <summary>The index of the first largest value.</summary>
    internal static int ArgMax(ReadOnlySpan<double> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
            if (values[i] > values[best]) best = i;
        return best;
    }
}
