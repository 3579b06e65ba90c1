using System.Globalization;
using Lsgd.Internals;

namespace Lsgd.Applications.Classification;

/// <summary>The classes found in a column of labels, in a fixed order, and each row's class index.</summary>
public static class ClassLabels
{
    /// <summary>
    /// The distinct labels, sorted: numerically when every label is a number (so "2" comes before "10"), by
    /// ordinal string comparison otherwise (culture-independent, case-sensitive). Labels are trimmed.
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
}
