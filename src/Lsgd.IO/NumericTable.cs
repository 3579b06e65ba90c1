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
        int c = Columns.Count, m = idx.Length, rows = Rows;
        var values = Values;
        var result = new double[(long)rows * m <= Array.MaxLength ? rows * m : throw new LsgdException($"{Path}: {rows} rows × {m} columns are more values than one array holds.")];
        // Columns next to each other in the file (the usual case: features, then the target) are copied as one
        // span per row; blocks of rows go to different cores for large tables.
        bool adjacent = m > 0 && idx.Select((column, j) => column == idx[0] + j).All(a => a);
        const int blockRows = 65536;
        int blocks = (rows + blockRows - 1) / blockRows;
        Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = (long)rows * m >= 1 << 20 ? Environment.ProcessorCount : 1 }, b =>
        {
            int end = Math.Min(rows, (b + 1) * blockRows);
            for (int i = b * blockRows; i < end; i++)
            {
                var target = result.AsSpan(i * m, m);
                if (adjacent)
                    values.AsSpan(i * c + idx[0], m).CopyTo(target);
                else
                    for (int j = 0; j < m; j++)
                        target[j] = values[i * c + idx[j]];
            }
        });
        return result;
    }
}
