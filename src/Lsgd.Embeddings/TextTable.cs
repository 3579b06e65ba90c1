using System.Globalization;
using nietras.SeparatedValues;

namespace Lsgd.Embeddings;

/// <summary>
/// Columns of a CSV file read as text (cells unquoted, not trimmed): the texts to embed, labels, group keys.
/// Blank lines are skipped; every problem names the file and line.
/// </summary>
public sealed class TextTable
{
    private readonly Dictionary<string, string[]> _columns;

    private TextTable(string path, Dictionary<string, string[]> columns, int[] lines)
    {
        Path = path;
        _columns = columns;
        Lines = lines;
    }

    /// <summary>The file read.</summary>
    public string Path { get; }

    /// <summary>The number of data rows.</summary>
    public int Rows => Lines.Count;

    /// <summary>The 1-based line of each data row in the file (the header is line 1).</summary>
    public IReadOnlyList<int> Lines { get; }

    /// <summary>The cells of column <paramref name="name"/>, one per row.</summary>
    public IReadOnlyList<string> Column(string name) =>
        _columns.TryGetValue(name, out var cells) ? cells : throw new ArgumentException($"The column '{name}' was not read.", nameof(name));

    /// <summary>Reads the named columns of every row of <paramref name="path"/>.</summary>
    /// <param name="path">A CSV file with a header row.</param>
    /// <param name="columns">The header names to read.</param>
    /// <param name="separator">The field separator (comma by default; tab for .tsv files).</param>
    /// <exception cref="LsgdException">A missing file, a missing column (the message lists those there are), no data rows, or a row with too few fields.</exception>
    public static TextTable Read(string path, IReadOnlyList<string> columns, char separator = ',')
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(columns);
        var reader = Lsgd.IO.CsvReader.Open(path, separator);
        using (reader)
        {
            var names = reader.Header.ColNames;
            if (reader.Header.IsEmpty || names.All(string.IsNullOrWhiteSpace))
                throw new LsgdException($"{path} is empty: a header row naming the columns is needed, then one row per text.");
            var index = new int[columns.Count];
            for (int c = 0; c < columns.Count; c++)
            {
                index[c] = -1;
                for (int j = 0; j < names.Count; j++)
                    if (string.Equals(names[j].Trim(), columns[c], StringComparison.Ordinal)) { index[c] = j; break; }
                if (index[c] < 0)
                    throw new LsgdException($"{path} has no column '{columns[c]}'; its columns are {string.Join(", ", names.Select(n => $"'{n}'"))}. " +
                        (names.Count == 1 && separator == ',' ? "Only one column was found: if the file is not comma-separated, give --separator." : "Check the spelling (names are case-sensitive)."));
            }
            var cells = columns.Distinct(StringComparer.Ordinal).ToDictionary(c => c, _ => new List<string>(), StringComparer.Ordinal);
            var lines = new List<int>();
            int width = index.Length == 0 ? 0 : index.Max() + 1;
            foreach (var row in reader)
            {
                if (row.Span.IsWhiteSpace()) continue;
                if (row.ColCount < width)
                    throw new LsgdException($"{path}, line {row.LineNumberFrom}: the row has {row.ColCount} fields but the column '{columns[Array.IndexOf(index, index.Max())]}' is field {width}. Check the quoting of that line.");
                for (int c = 0; c < columns.Count; c++)
                {
                    var list = cells[columns[c]];
                    if (list.Count == lines.Count) list.Add(row[index[c]].ToString());
                }
                lines.Add(row.LineNumberFrom);
            }
            if (lines.Count == 0)
                throw new LsgdException($"{path} has a header but no data rows: add one row per text below the header.");
            return new TextTable(path, cells.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal), [.. lines]);
        }
    }
}
