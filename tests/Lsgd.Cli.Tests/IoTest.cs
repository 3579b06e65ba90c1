using Lsgd.IO;

namespace Lsgd.Cli.Tests;

public class NumericColumnsTest
{
    [Fact]
    public void NumericColumnWhoseFirstCellIsEmptyIsStillNumericAndItsGapIsReported()
    {
        using var t = new TempFolder();
        string csv = t.File("gap.csv", "y,x,name\n1,,a\n2,4,b\n3,5,c\n");
        Assert.Equal(["y", "x"], Lsgd.IO.CsvReader.NumericColumns(csv));
        var r = CliRunner.Run("fit", csv, "--target", "y");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal($"lsgd: error: {csv}, line 2, column 2 ('x'): the cell is empty (a missing value). Fill it in, or skip rows with missing values with --missing drop.", r.Error.TrimEnd());
    }
}
