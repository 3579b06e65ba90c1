using Lsgd.IO;

namespace Lsgd.IO.Tests;

public class NumericTableTest
{
    [Theory]
    [InlineData(7, new[] { "b", "c" })]             // adjacent columns: one span per row
    [InlineData(7, new[] { "d", "a", "c" })]        // scattered, reordered
    [InlineData(300_000, new[] { "b", "c", "d" })]  // over 2²⁰ values: blocks of rows on every core
    [InlineData(300_000, new[] { "c", "a" })]
    public void SelectCopiesTheNamedColumnsRowMajorInTheOrderAsked(int rows, string[] names)
    {
        string[] columns = ["a", "b", "c", "d", "e"];
        var values = new double[rows * columns.Length];
        for (int i = 0; i < values.Length; i++) values[i] = i * 0.5 - 3;
        var table = new NumericTable("t.csv", columns, values, rows, [.. Enumerable.Range(2, rows)]);
        var selected = table.Select(names);
        Assert.Equal(rows * names.Length, selected.Length);
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < names.Length; j++)
                Assert.Equal(values[i * columns.Length + Array.IndexOf(columns, names[j])], selected[i * names.Length + j]);
    }

    [Fact]
    public void SelectNamesAMissingColumn()
    {
        var table = new NumericTable("t.csv", ["a"], [1.0], 1, [2]);
        var e = Assert.Throws<ArgumentException>(() => table.Select(["a", "zz"]));
        Assert.Contains("'zz'", e.Message);
    }
}
