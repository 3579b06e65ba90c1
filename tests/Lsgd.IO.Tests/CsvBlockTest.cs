using System.Globalization;
using System.Text;

namespace Lsgd.IO.Tests;

/// <summary>
/// The parse pass cuts the file's bytes into blocks of whole rows and parses each on its own: whatever the line
/// endings, quotes (line endings inside them too), byte-order marks and encodings, and however small the blocks,
/// the values and lines are those Sep gives reading the whole file on one thread.
/// </summary>
public class CsvBlockTest
{
    /// <summary>Rows in many spellings, with <paramref name="newline"/> between them.</summary>
    private static string Content(string newline, int rows = 120)
    {
        var sb = new StringBuilder("y,\"x 2\",name,x1" + newline);
        for (int i = 0; i < rows; i++)
        {
            if (i % 13 == 4) sb.Append(newline);                  // a blank line
            if (i % 29 == 8) sb.Append("   ").Append(newline);    // a line of spaces
            string name = (i % 5) switch
            {
                0 => $"\"multi{newline}line {i}\"",                // a line ending inside quotes
                1 => $"\"say \"\"{i}\"\"\"",
                2 => $"café {i}",                                  // non-ASCII text
                _ => $"n{i}",
            };
            string x2 = (i % 4) switch { 0 => $"\"{i}.5\"", 1 => $" {i}e-2 ", 2 => $"{-i}.125", _ => $"{i}" };
            sb.Append(CultureInfo.InvariantCulture, $"{i * 0.1},{x2},{name},{Math.Sqrt(i)}").Append(newline);
        }
        return sb.ToString();
    }

    private static string Write(TempFolder t, string name, byte[] bytes)
    {
        string path = t.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public static TheoryData<string, string> Files => new()
    {
        { "lf", "\n" },
        { "crlf", "\r\n" },
        { "cr", "\r" },
        { "utf-8 bom", "\n" },
        { "utf-16 bom", "\r\n" },
        { "no final newline", "\n" },
    };

    private static byte[] Bytes(string kind, string newline)
    {
        string content = Content(newline);
        return kind switch
        {
            "utf-8 bom" => [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(content)],
            "utf-16 bom" => [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(content)],
            "no final newline" => Encoding.UTF8.GetBytes(content.TrimEnd('\n')),
            _ => Encoding.UTF8.GetBytes(content),
        };
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void EveryBlockSizeGivesTheValuesAndLinesOfAWholeFileRead(string kind, string newline)
    {
        using var t = new TempFolder();
        string csv = Write(t, "data.csv", Bytes(kind, newline));
        string[] columns = ["x 2", "y", "x1"];
        var expected = CsvReaderTest.SingleThreaded(csv, columns);
        Assert.Equal(120, expected.Rows);
        foreach (var (workers, batchRows) in new[] { (0, 1), (0, 1024), (3, 1), (2, 2), (1, 1024) })
        {
            var table = CsvReader.ReadTable(csv, columns, ',', workers, 7, batchRows);
            Assert.Equal(expected.Values.Select(BitConverter.DoubleToInt64Bits), table.Values.Select(BitConverter.DoubleToInt64Bits));
            Assert.Equal(expected.Lines, table.Lines);
        }
        var source = new CsvRowSource(csv, ["y"], [columns[0], "x1"]) { WorkerThreads = 3, RowsPerBatch = 1 };
        var (x, y, _) = NpyDatasetTest.Collect(source, 10);
        Assert.Equal(expected.Select([columns[0], "x1"]), x);
        Assert.Equal(expected.Column("y"), y);
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\r")]
    public void ABadCellAfterQuotedLineEndingsIsNamedWithItsLine(string newline)
    {
        using var t = new TempFolder();
        string content = Content(newline, 40) + "1,2,\"a" + newline + "b\",oops" + newline + "3,4,c,5" + newline;
        string csv = Write(t, "bad.csv", Encoding.UTF8.GetBytes(content));
        var expected = Assert.Throws<CsvFormatException>(() => CsvReaderTest.SingleThreaded(csv, ["y", "x1"]));
        foreach (var (workers, batchRows) in new[] { (0, 1), (3, 1), (2, 1024) })
        {
            var e = Assert.Throws<CsvFormatException>(() => CsvReader.ReadTable(csv, ["y", "x1"], ',', workers, 5, batchRows));
            Assert.Equal(expected.Message, e.Message);
        }
    }
}
