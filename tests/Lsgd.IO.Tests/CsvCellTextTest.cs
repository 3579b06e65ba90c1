using System.Globalization;
using System.Text;
using Lsgd.IO;

namespace Lsgd.IO.Tests;

/// <summary>
/// The reader thread copies each row's text once and keeps where each chosen cell lies in it; quoted cells (which
/// Sep unescapes) and padded ones still give exactly the numbers written, in file order, streamed or in memory.
/// </summary>
public class CsvCellTextTest
{
    private static (string Csv, double[] X, double[] Y) Write(TempFolder t, int rows)
    {
        var sb = new StringBuilder("y,\"a \"\"name\"\"\",x,z\n");
        var x = new double[rows];
        var y = new double[rows];
        for (int i = 0; i < rows; i++)
        {
            y[i] = i * 0.25 - 3;
            x[i] = Math.Round(Math.Sqrt(i) * 1e6) / 1e6;
            string yText = y[i].ToString("R", CultureInfo.InvariantCulture);
            string xText = x[i].ToString("F6", CultureInfo.InvariantCulture);
            string cell = (i % 5) switch
            {
                0 => xText,
                1 => $"\"{xText}\"",
                2 => $" {xText}\t",
                3 => $"\" {xText} \"",
                _ => $"{xText}",
            };
            string text = i % 3 == 0 ? $"\"say \"\"{i}\"\", twice\"" : $"t{i}";
            sb.Append(CultureInfo.InvariantCulture, $"{(i % 7 == 2 ? $"\"{yText}\"" : yText)},{text},{cell},{i}\n");
        }
        return (t.File("cells.csv", sb.ToString()), x, y);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 7)]
    [InlineData(3, 1024)]
    public void QuotedAndPaddedCellsGiveTheNumbersWrittenInFileOrder(int workers, int batchRows)
    {
        using var t = new TempFolder();
        var (csv, x, y) = Write(t, 3_000);
        var source = new CsvRowSource(csv, ["y"], ["x"]) { WorkerThreads = workers, RowsPerBatch = batchRows };
        var (xs, ys, _) = NpyDatasetTest.Collect(source, 500);
        Assert.Equal(x, xs);
        Assert.Equal(y, ys);

        var table = CsvReader.ReadColumns(csv, ["x", "y"]);
        Assert.Equal(x, table.Column("x"));
        Assert.Equal(y, table.Column("y"));
    }

    [Fact]
    public void ABadQuotedCellIsNamedWithItsLineAndColumn()
    {
        using var t = new TempFolder();
        string csv = t.File("bad.csv", "y,x\n1,2\n2,\"3\"\n3,\"4 5\"\n");
        var e = Assert.Throws<CsvFormatException>(() => NpyDatasetTest.Collect(new CsvRowSource(csv, ["y"]), 10));
        Assert.Equal($"{csv}, line 4, column 2 ('x'): '4 5' is not a number. Use digits with '.' as the decimal point, e.g. 3.25 or 1e-3.", e.Message);
    }
}
