using Lsgd.Data;

namespace Lsgd.IO;

/// <summary>Builds a <see cref="Dataset"/> from numeric columns of a Parquet file (see <see cref="ParquetRowSource"/>).</summary>
public static class ParquetDataset
{
    /// <summary>Loads targets and features from <paramref name="path"/> into memory.</summary>
    /// <param name="path">The Parquet file.</param>
    /// <param name="targets">Target column(s); more than one gives a multi-output model.</param>
    /// <param name="features">Feature columns; null or empty means every other double, float, int32 or int64 column.</param>
    /// <param name="weights">The column of row weights for weighted least squares (<see cref="Dataset.WithWeights"/>), or null.</param>
    /// <exception cref="LsgdException">See <see cref="ParquetRowSource"/>; also a file with no rows, or too many to hold in memory.</exception>
    public static Dataset Load(string path, IReadOnlyList<string> targets, IReadOnlyList<string>? features = null, string? weights = null)
    {
        var source = new ParquetRowSource(path, targets, features, weights);
        long n = source.RowCount ?? 0;
        int d = source.Features, k = source.Outputs;
        if (n * Math.Max(d, k) > Array.MaxLength)
            throw new LsgdException($"{path} has {n} rows, more than fit in memory at once. Read it in chunks (streaming) instead.");
        FeatureSpec.CheckSize(path, n, d + k);
        var x = new double[n * d];
        var y = new double[n * k];
        var w = weights is null ? null : new double[n];
        foreach (var chunk in source.ReadChunks(65536))
        {
            chunk.X.AsSpan(0, chunk.Rows * d).CopyTo(x.AsSpan((int)chunk.FirstRow * d));
            chunk.Y.AsSpan(0, chunk.Rows * k).CopyTo(y.AsSpan((int)chunk.FirstRow * k));
            chunk.W?.AsSpan(0, chunk.Rows).CopyTo(w.AsSpan((int)chunk.FirstRow));
        }
        if (w is not null)
            WeightColumn.CheckNotAllZero(path, weights!, w);
        return new Dataset(x, y, (int)n, d, k, source.FeatureNames, source.TargetNames).WithWeights(w);
    }
}
