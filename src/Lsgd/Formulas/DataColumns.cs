namespace Lsgd.Formulas;

/// <summary>
/// Named columns of equal length, each numbers or text: what a <see cref="FormulaEncoding"/> reads. Text columns
/// become categories; numeric ones enter arithmetic (and categories through <c>C()</c>).
/// </summary>
public sealed class DataColumns
{
    private readonly Dictionary<string, double[]> _numbers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string[]> _texts = new(StringComparer.Ordinal);
    private readonly List<string> _names = [];
    private readonly Func<int, string> _describeRow;

    /// <summary>Creates an empty set of columns of <paramref name="rows"/> rows.</summary>
    /// <param name="rows">n, the length of every column.</param>
    /// <param name="describeRow">How messages name row i (0-based), e.g. "data.csv, line 7"; by default "row i+1".</param>
    public DataColumns(int rows, Func<int, string>? describeRow = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        Rows = rows;
        _describeRow = describeRow ?? (i => $"row {i + 1}");
    }

    /// <summary>n, the number of rows.</summary>
    public int Rows { get; }

    /// <summary>The column names, in the order they were added.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>Adds a numeric column.</summary>
    public DataColumns Add(string name, double[] values)
    {
        Check(name, values?.Length);
        _numbers[name] = values!;
        _names.Add(name);
        return this;
    }

    /// <summary>Adds a text column (its cells are categories).</summary>
    public DataColumns Add(string name, string[] values)
    {
        Check(name, values?.Length);
        _texts[name] = values!;
        _names.Add(name);
        return this;
    }

    /// <summary>Whether column <paramref name="name"/> holds text.</summary>
    public bool IsText(string name) => _texts.ContainsKey(name);

    /// <summary>Whether there is a column <paramref name="name"/>.</summary>
    public bool Contains(string name) => _numbers.ContainsKey(name) || _texts.ContainsKey(name);

    /// <summary>The values of numeric column <paramref name="name"/>.</summary>
    public IReadOnlyList<double> Numbers(string name) => _numbers[name];

    /// <summary>The cells of text column <paramref name="name"/>.</summary>
    public IReadOnlyList<string> Texts(string name) => _texts[name];

    internal double[] NumberArray(string name) => _numbers[name];

    internal string[] TextArray(string name) => _texts[name];

    /// <summary>How messages name row <paramref name="row"/> (0-based).</summary>
    public string DescribeRow(int row) => _describeRow(row);

    private void Check(string name, int? length)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (length is not { } n)
            throw new ArgumentNullException(nameof(length), "The values are null.");
        if (n != Rows)
            throw new ArgumentException($"Column '{name}' has {n} values but the columns have {Rows} rows.", nameof(name));
        if (Contains(name))
            throw new ArgumentException($"There is already a column '{name}'.", nameof(name));
    }
}
