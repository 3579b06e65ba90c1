using System.Globalization;
using System.Text;

namespace Lsgd.IO.Tests;

/// <summary>
/// The CSV the reader tests share: a quoted header name, a text column, blank lines, and numbers written in
/// every form the parser accepts (trailing or leading point, spaces, quotes, exponents).
/// </summary>
internal static class CsvSample
{
    /// <param name="t">Where to write sample.csv.</param>
    /// <param name="rows">Data rows.</param>
    /// <param name="blankRuns">Also runs of blank and whitespace-only lines, and two trailing blank lines.</param>
    /// <param name="x1Scale">x1 is √i times this.</param>
    public static string Write(TempFolder t, int rows, bool blankRuns = false, double x1Scale = 1)
    {
        var sb = new StringBuilder("y,name,x1,\"x 2\"\n");
        for (int i = 0; i < rows; i++)
        {
            if (i % 17 == 5) sb.Append('\n');
            if (blankRuns && i % 101 == 7) sb.Append("  \n\n");
            string x2 = (i % 4) switch { 0 => $"{i}.", 1 => $" .{i} ", 2 => $"\"{i}e-3\"", _ => $"-{i}.25E+01" };
            sb.Append(CultureInfo.InvariantCulture, $"{i * 0.1},n{i},{Math.Sqrt(i) * x1Scale},{x2}\n");
        }
        if (blankRuns) sb.Append("\n\n");
        return t.File("sample.csv", sb.ToString());
    }
}
