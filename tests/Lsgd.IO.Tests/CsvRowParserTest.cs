using System.Globalization;
using System.Text;
using Lsgd.IO;

namespace Lsgd.IO.Tests;

public class CsvRowParserTest
{
    /// <summary>
    /// The fast path (csFastFloat) must accept exactly what the runtime's parser accepts, with the same
    /// double: thousands separators, trailing text, 'inf' and the like must fall through to the runtime's
    /// verdict and its message.
    /// </summary>
    [Fact]
    public void EveryCellGetsTheRuntimeParsersVerdictAndValue()
    {
        var rng = new Random(11);
        const string Alphabet = "0123456789+-.eE, \tinfINFaN\u221e_xd\u00a0";
        var cells = new List<string> { "1,5", "12abc", "inf", "-INF", "\u221e", "1e999", "0x10", ".5", "5.", "1 000", "+.5e-3", "1.7976931348623157e308", "4.9e-324" };
        while (cells.Count < 5000)
        {
            int length = rng.Next(1, 14);
            cells.Add(string.Concat(Enumerable.Range(0, length).Select(_ => Alphabet[rng.Next(rng.Next(3) == 0 ? Alphabet.Length : 13)])));
        }
        using var t = new TempFolder();
        string csv = t.File("cells.csv", "x\n" + string.Concat(cells.Select(c => $"\"{c}\"\n")));

        using var reader = CsvReader.Open(csv, ',');
        var parser = new CsvRowParser(csv, reader, ["x"], ',');
        var value = new double[1];
        int i = 0, accepted = 0;
        foreach (var row in reader)
        {
            string cell = cells[i++];
            if (string.IsNullOrWhiteSpace(cell)) continue;
            bool parses = double.TryParse(cell.AsSpan().Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double expected);
            try
            {
                Assert.True(parser.TryParse(row, value));
                Assert.True(parses && double.IsFinite(expected), $"'{cell}' was accepted as {value[0]}");
                Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(value[0]));
                accepted++;
            }
            catch (CsvFormatException e) when (CsvFormat.IsMissing(cell.AsSpan().Trim()))
            {
                Assert.EndsWith("is a missing value. Fill it in, or skip rows with missing values with --missing drop.", e.Message);
            }
            catch (CsvFormatException e)
            {
                Assert.EndsWith(parses ? "is not a finite number. Remove or impute that row." : "Use digits with '.' as the decimal point, e.g. 3.25 or 1e-3.", e.Message);
            }
        }
        Assert.Equal(cells.Count, i);
        Assert.InRange(accepted, 500, 4500); // both verdicts were exercised
    }
}
