using System.Numerics.Tensors;
using Lsgd.Data;

namespace Lsgd.Applications.Pca;

/// <summary>
/// Products with the sample covariance C = X̃ᵀX̃/(n − 1) of a row source, in one pass each, without forming C:
/// x̃ = (x − x̄)/σ is made row by row as the chunks arrive.
/// </summary>
internal sealed class CovariancePass(IRowSource source, double[] means, double[]? scales, long rows, int chunkRows, CancellationToken cancellation)
{
    private const int BlockRows = 1024;
    private readonly int _d = source.Features;
    private readonly double[] _inverseScales = scales is null ? [.. Enumerable.Repeat(1.0, means.Length)] : [.. scales.Select(s => 1 / s)];

    public CancellationToken Cancellation => cancellation;

    /// <summary>result (k × d): row c is C w_c, w_c the c-th row of W. Row blocks are summed in order, so the bits do not depend on the thread count.</summary>
    public void Multiply(double[] w, int k, double[] result)
    {
        int d = _d;
        Array.Clear(result);
        foreach (var chunk in source.ReadChunks(chunkRows, cancellation))
        {
            int blocks = (chunk.Rows + BlockRows - 1) / BlockRows;
            var partial = new double[blocks][];
            Parallel.For(0, blocks, new ParallelOptions { CancellationToken = cancellation }, b =>
            {
                var acc = new double[k * d];
                var x = new double[d];
                int end = Math.Min(chunk.Rows, (b + 1) * BlockRows);
                for (int i = b * BlockRows; i < end; i++)
                {
                    Centre(chunk.X.AsSpan(i * d, d), x);
                    for (int c = 0; c < k; c++)
                    {
                        var accRow = acc.AsSpan(c * d, d);
                        TensorPrimitives.MultiplyAdd(x, TensorPrimitives.Dot(w.AsSpan(c * d, d), x), accRow, accRow);
                    }
                }
                partial[b] = acc;
            });
            foreach (var acc in partial)
                TensorPrimitives.Add(result, acc, result);
        }
        TensorPrimitives.Divide(result, rows - 1, result);
    }

    /// <summary>
    /// One epoch of Oja's subspace rule: after each mini-batch B (rows shuffled within each chunk),
    /// wᵢ ← wᵢ + αᵢ(I − WᵀW)C_B wᵢ for each row, then W ← orth(W), with C_B = Σ_B x̃x̃ᵀ/|B|. Writes into
    /// <paramref name="rayleigh"/> the mean over batches of each wᵢᵀC_B wᵢ, an estimate of λᵢ for the next epoch's steps.
    /// </summary>
    public void OjaEpoch(double[] w, int k, int batchSize, double[] steps, Random rng, int seed, double[] rayleigh)
    {
        int d = _d;
        var g = new double[k * d];
        var x = new double[d];
        Array.Clear(rayleigh);
        long batches = 0;
        foreach (var chunk in source.ReadChunks(chunkRows, cancellation))
        {
            var order = Enumerable.Range(0, chunk.Rows).ToArray();
            rng.Shuffle(order);
            for (int start = 0; start < order.Length; start += batchSize)
            {
                int end = Math.Min(order.Length, start + batchSize);
                Array.Clear(g);
                for (int t = start; t < end; t++)
                {
                    Centre(chunk.X.AsSpan(order[t] * d, d), x);
                    for (int c = 0; c < k; c++)
                    {
                        var gRow = g.AsSpan(c * d, d);
                        TensorPrimitives.MultiplyAdd(x, TensorPrimitives.Dot(w.AsSpan(c * d, d), x), gRow, gRow);
                    }
                }
                TensorPrimitives.Divide(g, end - start, g);
                batches++;
                for (int c = 0; c < k; c++)
                {
                    var gRow = g.AsSpan(c * d, d);
                    rayleigh[c] += TensorPrimitives.Dot(w.AsSpan(c * d, d), gRow);
                    // Project the row of G off span(W), then step: wc += αc (I − WᵀW) C_B wc.
                    for (int i = 0; i < k; i++)
                    {
                        var wi = w.AsSpan(i * d, d);
                        TensorPrimitives.MultiplyAdd(wi, -TensorPrimitives.Dot(wi, gRow), gRow, gRow);
                    }
                }
                for (int c = 0; c < k; c++)
                    TensorPrimitives.MultiplyAdd(g.AsSpan(c * d, d), steps[c], w.AsSpan(c * d, d), w.AsSpan(c * d, d));
                Subspaces.Orthonormalize(w, d, seed);
            }
        }
        if (batches > 0)
            TensorPrimitives.Divide(rayleigh, batches, rayleigh);
    }

    private void Centre(ReadOnlySpan<double> row, Span<double> x)
    {
        TensorPrimitives.Subtract(row, means, x);
        TensorPrimitives.Multiply(x, _inverseScales, x);
    }
}
