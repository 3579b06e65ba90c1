using System.Globalization;
using System.Text;
using Lsgd.IO;

namespace Lsgd.IO.Tests;

public class CsvReaderTest
{
    /// <summary>
    /// The single-threaded read <see cref="CsvReader.ReadColumns"/> did before it used the parallel pass: row by
    /// row with <c>CsvRowParser.TryParse</c> on the calling thread. The reference the parallel read must match.
    /// </summary>
    internal static NumericTable SingleThreaded(string path, IReadOnlyList<string> columns, char separator = ',')
    {
        using var reader = CsvReader.Open(path, separator);
        var parser = new CsvRowParser(path, reader, columns, separator);
        int width = parser.Width;
        var values = new List<double>();
        var lines = new List<int>();
        var row = new double[width];
        foreach (var r in reader)
        {
            if (!parser.TryParse(r, row)) continue;
            values.AddRange(row);
            lines.Add(r.LineNumberFrom);
        }
        if (lines.Count == 0)
            throw new LsgdException($"{path} has a header but no data rows: add one row per observation below the header.");
        return (NumericTable)Activator.CreateInstance(typeof(NumericTable),
            System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance, null,
            [path, columns.ToArray(), values.ToArray(), lines.Count, lines.ToArray()], null)!;
    }

    /// <summary>A CSV with a text column, NIST number forms, padded and quoted cells, and blank lines (some in a row).</summary>
    private static string Sample(TempFolder t, int rows) => CsvSample.Write(t, rows, blankRuns: true, x1Scale: 1e-7);

    [Theory]
    [InlineData(0, 1, 1)]
    [InlineData(0, 5, 3)]
    [InlineData(0, 1_000_000, 1024)]
    [InlineData(1, 1, 1)]
    [InlineData(2, 7, 3)]
    [InlineData(2, 64, 1024)]
    [InlineData(4, 100, 9)]
    [InlineData(3, 1_000_000, 1024)]
    public void ReadColumnsGivesTheValuesAndLinesOfASingleThreadedRead(int workers, int chunkRows, int batchRows)
    {
        using var t = new TempFolder();
        string csv = Sample(t, 700);
        string[] columns = ["x 2", "y", "x1", "y"];
        var expected = SingleThreaded(csv, columns);
        Assert.Equal(700, expected.Rows);
        for (int pass = 0; pass < 3; pass++)
        {
            var table = CsvReader.ReadTable(csv, columns, ',', workers, chunkRows, batchRows);
            Assert.Equal(expected.Rows, table.Rows);
            Assert.Equal(columns, table.Columns);
            Assert.Equal(expected.Values.Select(BitConverter.DoubleToInt64Bits), table.Values.Select(BitConverter.DoubleToInt64Bits));
            Assert.Equal(expected.Lines, table.Lines);
        }
        var whole = CsvReader.ReadColumns(csv, columns);
        Assert.Equal(expected.Values, whole.Values);
        Assert.Equal(expected.Lines, whole.Lines);
    }

    [Fact]
    public void ReadColumnsFillsSeveralDefaultSizedChunks()
    {
        // 2 columns read: chunks of 524 288 rows, so 800 000 rows make two, the first grown from 1024 rows.
        using var t = new TempFolder();
        var sb = new StringBuilder("a,b,c\n");
        for (int i = 0; i < 800_000; i++)
            sb.Append(i % 250_000 == 3 ? "\n" : "").Append(CultureInfo.InvariantCulture, $"{i},{-i},{i * 0.5}\n");
        string csv = t.File("long.csv", sb.ToString());
        var expected = SingleThreaded(csv, ["c", "a"]);
        var table = CsvReader.ReadColumns(csv, ["c", "a"]);
        Assert.Equal(800_000, table.Rows);
        Assert.Equal(expected.Values, table.Values);
        Assert.Equal(expected.Lines, table.Lines);
        Assert.Equal(800_000 * 2, table.Values.Length);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4)]
    public void ReadColumnsReportsTheFirstBadCellWithItsLineAndColumn(int workers)
    {
        // Bad cells at rows 1 234 (line 1 236) and 1 240, then a ragged row at 1 300, in chunks of 100 rows and
        // batches of 3: the first is reported, whichever worker parses which batch first.
        using var t = new TempFolder();
        var sb = new StringBuilder("y,x\n");
        for (int i = 0; i < 2_000; i++)
            sb.Append(i switch { 1_234 => "1,x1234\n", 1_240 => "oops,1\n", 1_300 => "1\n", _ => $"{i},{2 * i}\n" });
        string csv = t.File("bad.csv", sb.ToString());
        for (int pass = 0; pass < 5; pass++)
        {
            var e = Assert.Throws<CsvFormatException>(() => CsvReader.ReadTable(csv, ["x", "y"], ',', workers, 100, 3));
            Assert.Equal(1_236, e.Line);
            Assert.Equal(2, e.Column);
            Assert.Equal($"{csv}, line 1236, column 2 ('x'): 'x1234' is not a number. Use digits with '.' as the decimal point, e.g. 3.25 or 1e-3.", e.Message);
        }
    }

    [Theory]
    [InlineData("y,x\n1,2\n3\n5,6\n")]
    [InlineData("y,x\n1,2\n3,4,5\n")]
    [InlineData("y,x\n1,2\n3,\n")]
    [InlineData("y,x\n1,2\n3,abc\n")]
    [InlineData("y,x\n1,2\nNaN,4\n")]
    [InlineData("y,x\n1,2\n3,-Infinity\n")]
    [InlineData("y,x\n1,2\n3,1e999\n")]
    [InlineData("y,x\n1,2\n3,inf\n")]
    [InlineData("y,x\n1,2\n\"1,5\",2\n")]
    [InlineData("y,x\n1,2\n3,12abc\n")]
    [InlineData("y,x\n1,2\n3,abc\n4\n")]
    [InlineData("y,x\n1,2\n3\n4,abc\n")]
    [InlineData("y,x\n")]
    [InlineData("y,x\n\n  \n")]
    [InlineData("")]
    [InlineData("y,z\n1,2\n")]
    public void ErrorsOfReadColumnsAreThoseOfASingleThreadedRead(string content)
    {
        using var t = new TempFolder();
        string csv = t.File("bad.csv", content);
        var expected = Assert.ThrowsAny<LsgdException>(() => SingleThreaded(csv, ["x", "y"]));
        var actual = Assert.ThrowsAny<LsgdException>(() => CsvReader.ReadColumns(csv, ["x", "y"]));
        Assert.Equal(expected.GetType(), actual.GetType());
        Assert.Equal(expected.Message, actual.Message);
        if (expected is CsvFormatException format)
        {
            Assert.Equal(format.Line, ((CsvFormatException)actual).Line);
            Assert.Equal(format.Column, ((CsvFormatException)actual).Column);
        }
    }

    [Fact]
    public void MissingFileAndFolderAreNamed()
    {
        using var t = new TempFolder();
        string missing = t.File("missing.csv");
        var e = Assert.Throws<LsgdException>(() => CsvReader.ReadColumns(missing, ["y"]));
        Assert.Equal(Assert.Throws<LsgdException>(() => SingleThreaded(missing, ["y"])).Message, e.Message);
        Assert.StartsWith($"{missing} does not exist.", e.Message);
        var folder = Assert.Throws<LsgdException>(() => CsvReader.ReadColumns(t.Path, ["y"]));
        Assert.Equal($"{t.Path} is a folder, not a CSV file.", folder.Message);
    }
}
