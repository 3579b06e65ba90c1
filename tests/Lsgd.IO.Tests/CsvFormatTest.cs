using Lsgd.IO;

namespace Lsgd.IO.Tests;

/// <summary>The separator detection, missing-value tokens, decimal comma and column typing of <see cref="CsvFormat"/>.</summary>
public sealed class CsvFormatTest
{
    [Theory]
    [InlineData("a,b,c\n1,2,3\n", ',')]
    [InlineData("a;b;c\n1,5;2;3\n", ';')]
    [InlineData("a\tb\n1\t2\n", '\t')]
    [InlineData("\"x;y\",b,c\n1,2,3\n", ',')]   // a separator inside quotes does not count
    [InlineData("only\n1\n", ',')]
    [InlineData("a;b,c;d\n1;2,5;3\n", ';')]       // the most frequent wins
    public void SeparatorIsDetectedFromTheHeaderLine(string content, char expected)
    {
        using var t = new TempFolder();
        Assert.Equal(expected, new CsvFormat().SeparatorFor(t.File("d.csv", content)));
    }

    [Fact]
    public void TsvFilesAreTabSeparatedAndAGivenSeparatorWins()
    {
        using var t = new TempFolder();
        Assert.Equal('\t', new CsvFormat().SeparatorFor(t.File("d.tsv", "a,b\n")));
        Assert.Equal('|', CsvFormat.FromChar('|').SeparatorFor(t.File("e.csv", "a,b\n")));
    }

    [Fact]
    public void DecimalCommaDefaultsToSemicolonAndRefusesACommaSeparator()
    {
        using var t = new TempFolder();
        string path = t.File("d.csv", "x\n1,5\n");
        Assert.Equal(';', new CsvFormat { DecimalComma = true }.SeparatorFor(path));
        Assert.Contains("--decimal-comma", Assert.Throws<LsgdException>(() => new CsvFormat { Separator = ',', DecimalComma = true }.SeparatorFor(path)).Message);
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("NA", true)]
    [InlineData("na", true)]
    [InlineData("N/A", true)]
    [InlineData("NaN", true)]
    [InlineData("NULL", true)]
    [InlineData("0", false)]
    [InlineData("Infinity", false)]
    [InlineData("NAN1", false)]
    public void MissingValueTokens(string cell, bool missing) => Assert.Equal(missing, CsvFormat.IsMissing(cell));

    [Fact]
    public void DecimalCommaParsesCommasAndRefusesPoints()
    {
        var format = new CsvFormat { Separator = ';', DecimalComma = true };
        Assert.True(format.TryParseNumber("3,25", out double v));
        Assert.Equal(3.25, v);
        Assert.True(format.TryParseNumber("-1,5e-3", out v));
        Assert.Equal(-1.5e-3, v);
        Assert.False(format.TryParseNumber("1.234,5", out _));
        Assert.False(format.TryParseNumber("3.25", out _));
    }

    [Fact]
    public void ColumnTypesAreNotDecidedByOneRow()
    {
        using var t = new TempFolder();
        string path = t.File("d.csv", "na_first,text,mixed,empty,y\nNA,a,b,,1\n2,b,3,,2\n,c,4,NA,3\n");
        // A column is numeric if any cell among the first rows is a number; missing values decide nothing.
        Assert.Equal(["na_first", "mixed", "y"], CsvReader.NumericColumns(path));
        // The mixed column's text cell is then an error with its place.
        var e = Assert.Throws<CsvFormatException>(() => CsvReader.ReadColumns(path, ["mixed"]));
        Assert.Equal((2, 3), (e.Line, e.Column));
    }

    [Fact]
    public void DroppingMissingValuesSkipsTheRowsInMemoryAndStreamed()
    {
        using var t = new TempFolder();
        string path = t.File("d.csv", "x,y\n1,2\nNA,3\n4,\n5,6\n");
        var drop = new CsvFormat { Separator = ',', Missing = MissingValues.Drop };
        var table = CsvReader.ReadColumns(path, ["x", "y"], drop);
        Assert.Equal([1.0, 2, 5, 6], table.Values);
        Assert.Equal([2, 5], table.Lines);
        var streamed = new CsvRowSource(path, ["y"], ["x"], drop).ReadChunks(10).Sum(c => c.Rows);
        Assert.Equal(2, streamed);
    }

    [Fact]
    public void QuotedValuesAreShortAndEscaped()
    {
        Assert.Equal("'a\\nb\\x01'", Quote.Text("a\nb\u0001"));
        string quoted = Quote.Text(new string('z', 500));
        Assert.Equal(Quote.MaxLength + 3, quoted.Length);
        Assert.EndsWith("…'", quoted);
        Assert.Equal("c0, 'c\\n1', c2", Quote.List(["c0", "c\n1", "c2"]));
        Assert.EndsWith("and 80 more", Quote.List([.. Enumerable.Range(0, 100).Select(i => $"c{i}")]));
    }
}
