namespace Lsgd.IO;

/// <summary>Numeric columns read from a CSV file: n rows × c columns, row-major.</summary>
public sealed class NumericTable
{
    internal NumericTable(string path, IReadOnlyList<string> columns, double[] values, int rows, int[] lines)
    {
        Path = path;
        Columns = columns;
        Values = values;
        Rows = rows;
        Lines = lines;
    }

    /// <summary>The file read.</summary>
    public string Path { get; }

    /// <summary>The column names, in the order of <see cref="Values"/>.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>n, the number of data rows.</summary>
    public int Rows { get; }

    /// <summary>All values, row-major: row i, column j at <c>i * Columns.Count + j</c>.</summary>
    public double[] Values { get; }

    /// <summary>The 1-based line number of each data row in the file (the header is line 1).</summary>
    public IReadOnlyList<int> Lines { get; }

    /// <summary>Copies column <paramref name="name"/> into a new array.</summary>
    public double[] Column(string name)
    {
        int j = Columns.ToList().IndexOf(name);
        if (j < 0)
            throw new ArgumentException($"The table has no column '{name}'.", nameof(name));
        int c = Columns.Count;
        var result = new double[Rows];
        for (int i = 0; i < Rows; i++) result[i] = Values[i * c + j];
        return result;
    }

    /// <summary>Copies the named columns, row-major (n × names.Count).</summary>
    public double[] Select(IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var list = Columns.ToList();
        var idx = names.Select(n => list.IndexOf(n)).ToArray();
        if (Array.IndexOf(idx, -1) is var missing and >= 0)
            throw new ArgumentException($"The table has no column '{names[missing]}'.", nameof(names));
        int c = Columns.Count, m = idx.Length;
        var result = new double[Rows * m];
        for (int i = 0; i < Rows; i++)
            for (int j = 0; j < m; j++)
                result[i * m + j] = Values[i * c + idx[j]];
        return result;
    }
}
