using Parquet;
using Parquet.Schema;

namespace Lsgd.Testing;

/// <summary>A small Parquet file of several column types, for the Parquet reader's tests and the CLI's error corpus.</summary>
internal static class ParquetSample
{
    private static readonly DataField<double> Y = new("y");
    private static readonly DataField<double?> A = new("a");
    private static readonly DataField<float> B = new("b");
    private static readonly DataField<int> C = new("c");
    private static readonly DataField<long?> D = new("d");
    private static readonly DataField<string> Name = new("name");

    /// <summary>Writes two row groups of (y, a, b, c, d, name); row r has y = r, a = r/2, b = r + 0.5, c = -r, d = 1000 r.</summary>
    public static async Task<string> Write(TempFolder t, int[] groupRows, (int Row, double? A)? change = null)
    {
        string path = t.File("data.parquet");
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(Y, A, B, C, D, Name), stream);
        int first = 0;
        foreach (int n in groupRows)
        {
            var rows = Enumerable.Range(first, n).ToArray();
            var a = rows.Select(r => (double?)(r / 2.0)).ToArray();
            if (change is { } c && c.Row >= first && c.Row < first + n) a[c.Row - first] = c.A;
            using var group = writer.CreateRowGroup();
            await group.WriteAsync<double>(Y, rows.Select(r => (double)r).ToArray());
            await group.WriteAsync<double>(A, a);
            await group.WriteAsync<float>(B, rows.Select(r => r + 0.5f).ToArray());
            await group.WriteAsync<int>(C, rows.Select(r => -r).ToArray());
            await group.WriteAsync<long>(D, rows.Select(r => (long?)(1000L * r)).ToArray());
            await group.WriteAsync(Name, rows.Select(r => $"row {r}").ToArray());
            first += n;
        }
        return path;
    }
}
