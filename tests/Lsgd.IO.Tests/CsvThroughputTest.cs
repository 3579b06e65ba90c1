using System.Diagnostics;
using System.Globalization;
using System.Text;
using Lsgd.IO;
using Xunit.Abstractions;

namespace Lsgd.IO.Tests;

/// <summary>A fact that runs only when LSGD_BENCHMARK=1, for measurements too slow for every test run.</summary>
public sealed class BenchmarkFactAttribute : FactAttribute
{
    /// <summary>Skips unless the environment variable LSGD_BENCHMARK is 1.</summary>
    public BenchmarkFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("LSGD_BENCHMARK") != "1")
            Skip = "A benchmark: set LSGD_BENCHMARK=1 to run it.";
    }
}

public class CsvThroughputTest(ITestOutputHelper output)
{
    /// <summary>
    /// Streams a generated CSV of 1,000,000 rows × 20 columns (about 220 MB, in the temp folder) through
    /// <see cref="CsvRowSource"/> while the consumer sums every value, and reports MB/s end to end.
    /// Run: <c>LSGD_BENCHMARK=1 dotnet test tests/Lsgd.Cli.Tests -c Release --filter CsvThroughput --logger "console;verbosity=detailed"</c>.
    /// </summary>
    [BenchmarkFact]
    public void StreamsTwoHundredMegabytesOfCsv()
    {
        const int Rows = 1_000_000, Columns = 20;
        string path = Path.Combine(Path.GetTempPath(), $"lsgd-throughput-{Guid.NewGuid():N}.csv");
        try
        {
            double expected = Generate(path, Rows, Columns);
            double megabytes = new FileInfo(path).Length / 1e6;
            var source = new CsvRowSource(path, ["c1"]);
            Assert.Equal(Columns - 1, source.Features);

            for (int run = 1; run <= 3; run++)
            {
                var clock = Stopwatch.StartNew();
                long rows = 0;
                double sum = 0;
                foreach (var chunk in source.ReadChunks(65_536))
                {
                    rows += chunk.Rows;
                    for (int i = 0; i < chunk.Rows; i++)
                    {
                        sum += chunk.Y[i];
                        for (int j = 0; j < Columns - 1; j++) sum += chunk.X[i * (Columns - 1) + j];
                    }
                }
                double seconds = clock.Elapsed.TotalSeconds;
                output.WriteLine($"run {run}: {megabytes:F0} MB in {seconds:F2} s = {megabytes / seconds:F0} MB/s " +
                    $"({Environment.ProcessorCount} cores)");
                Assert.Equal(Rows, rows);
                Assert.Equal(expected, sum, 6);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Writes rows of 9-significant-digit numbers; returns the sum of the values written, target first in each row.</summary>
    private static double Generate(string path, int rows, int columns)
    {
        var rng = new Random(2024);
        double sum = 0;
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        writer.Write(string.Join(",", Enumerable.Range(1, columns).Select(j => $"c{j}")) + "\n");
        var line = new StringBuilder();
        var row = new double[columns];
        for (int i = 0; i < rows; i++)
        {
            line.Clear();
            for (int j = 0; j < columns; j++)
            {
                string cell = (rng.NextDouble() * 200 - 100).ToString("G9", CultureInfo.InvariantCulture);
                row[j] = double.Parse(cell, CultureInfo.InvariantCulture);
                line.Append(j == 0 ? "" : ",").Append(cell);
            }
            foreach (double v in row) sum += v;
            writer.Write(line.Append('\n'));
        }
        return sum;
    }
}
