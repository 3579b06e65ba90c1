using System.Globalization;
using Lsgd.Applications.Classification;

namespace Lsgd.Embeddings;

/// <summary>What a head predicts.</summary>
public enum HeadTask
{
    /// <summary>A number per text: least squares on the value itself.</summary>
    Regression,

    /// <summary>A class per text: least squares on one-hot targets (one output per class), then the class of the largest output.</summary>
    Classification,
}

/// <summary>
/// The column a head learns, as read: numbers for regression, or labels for classification. The classes, their
/// order and each row's class are the core classifier's (<see cref="ClassLabels"/>), so a head's outputs are
/// ordered as <c>lsgd classify</c> orders them.
/// </summary>
public sealed class HeadTarget
{
    private HeadTarget(string name, HeadTask task, double[]? values, string[]? labels, string[] classes, int[]? classIndex)
    {
        Name = name;
        Task = task;
        Values = values;
        Labels = labels;
        Classes = classes;
        ClassIndex = classIndex;
    }

    /// <summary>The target's name (the CSV column).</summary>
    public string Name { get; }

    /// <summary>Regression or classification.</summary>
    public HeadTask Task { get; }

    /// <summary>n values, for regression; null for classification.</summary>
    public IReadOnlyList<double>? Values { get; }

    /// <summary>n labels (trimmed), for classification; null for regression.</summary>
    public IReadOnlyList<string>? Labels { get; }

    /// <summary>
    /// The classes in output order, for classification (<see cref="ClassLabels.Sorted"/>: numerically when every
    /// label is a number, by ordinal comparison otherwise); empty for regression.
    /// </summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>Each row's index in <see cref="Classes"/>, for classification; null for regression.</summary>
    public IReadOnlyList<int>? ClassIndex { get; }

    /// <summary>n, the number of rows.</summary>
    public int Rows => Values?.Count ?? ClassIndex!.Count;

    /// <summary>A numeric target.</summary>
    /// <exception cref="LsgdException">A value is not finite, or every value is the same.</exception>
    public static HeadTarget Regression(string name, IReadOnlyList<double> values, Func<int, string>? describeRow = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        var where = describeRow ?? (i => $"row {i + 1}");
        for (int i = 0; i < values.Count; i++)
            if (!double.IsFinite(values[i]))
                throw new LsgdException($"The target '{name}' is {values[i].ToString(CultureInfo.InvariantCulture)} in {where(i)}: every value must be a finite number.");
        if (values.Count == 0)
            throw new LsgdException($"The target '{name}' has no rows.");
        if (values.All(v => v == values[0]))
            throw new LsgdException($"The target '{name}' is {values[0].ToString(CultureInfo.InvariantCulture)} in every row: there is nothing to learn. Check the column.");
        return new HeadTarget(name, HeadTask.Regression, [.. values], null, [], null);
    }

    /// <summary>A categorical target: each distinct (trimmed) label is a class.</summary>
    /// <exception cref="LsgdException">A label is empty, or there is only one class.</exception>
    public static HeadTarget Classification(string name, IReadOnlyList<string> labels, Func<int, string>? describeRow = null)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var where = describeRow ?? (i => $"row {i + 1}");
        var trimmed = new string[labels.Count];
        for (int i = 0; i < labels.Count; i++)
        {
            trimmed[i] = labels[i]?.Trim() ?? "";
            if (trimmed[i].Length == 0)
                throw new LsgdException($"The target '{name}' is empty in {where(i)}: every row needs a class. Fill it in or remove the row.");
        }
        var classes = ClassLabels.Sorted(trimmed);
        if (classes.Length < 2)
            throw new LsgdException($"The target '{name}' has only one class ('{classes.FirstOrDefault()}') in all {labels.Count} rows: a classifier needs at least two. Check the column.");
        return new HeadTarget(name, HeadTask.Classification, null, trimmed, classes, ClassLabels.Indices(trimmed, classes));
    }

    /// <summary>
    /// Reads a column of cells: regression when <paramref name="task"/> says so, or when it is null and every cell
    /// is a number (invariant culture); classification otherwise.
    /// </summary>
    /// <exception cref="LsgdException">Regression was asked for but a cell is not a number; or as <see cref="Regression"/> and <see cref="Classification"/>.</exception>
    public static HeadTarget Parse(string name, IReadOnlyList<string> cells, HeadTask? task = null, Func<int, string>? describeRow = null)
    {
        ArgumentNullException.ThrowIfNull(cells);
        var where = describeRow ?? (i => $"row {i + 1}");
        var values = new double[cells.Count];
        int firstText = -1;
        for (int i = 0; i < cells.Count && firstText < 0; i++)
            if (!double.TryParse(cells[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]))
                firstText = i;
        if (task == HeadTask.Regression && firstText >= 0)
            throw new LsgdException($"The target '{name}' is '{cells[firstText]}' in {where(firstText)}, not a number: regression needs numbers. Fix the cell, or use --task classification.");
        bool regression = task == HeadTask.Regression || (task is null && firstText < 0);
        return regression ? Regression(name, values, where) : Classification(name, cells, where);
    }
}
