using System.Numerics.Tensors;

namespace Lsgd.LinearAlgebra;

/// <summary>
/// The step of a tall-skinny QR (TSQR): Householder QR of an upper-triangular R stacked on a block of rows B,
/// [R; B] = Q·[R′; 0], with R′ written over R and Q not kept. Reflector j has a one at row j of R and the
/// block's column j below it, so it costs 4·rows·(m − j) operations and leaves the zeros of R alone: folding
/// n rows into R block by block costs 2np², the same as a Householder QR of the n × p matrix at once, in
/// blocks that stay in cache.
/// </summary>
internal static class StackedQr
{
    /// <summary>Folds the block <paramref name="b"/> (column-major, <paramref name="rows"/> × m, overwritten) into <paramref name="r"/>.</summary>
    /// <param name="r">m × m row-major; only the upper triangle is read and written.</param>
    /// <param name="m">Columns.</param>
    /// <param name="b">rows × m column-major (column c at c·rows).</param>
    /// <param name="rows">Rows of the block.</param>
    public static void Reduce(Span<double> r, int m, Span<double> b, int rows)
    {
        if (rows == 0) return;
        for (int j = 0; j < m; j++)
        {
            var bj = b.Slice(j * rows, rows);
            double sigma = TensorPrimitives.Dot<double>(bj, bj);
            if (sigma == 0) continue;                     // the block's column is zero: R's column j stays
            double rjj = r[j * m + j];
            double norm = Math.Sqrt(rjj * rjj + sigma);
            double alpha = rjj >= 0 ? -norm : norm;
            double v0 = rjj - alpha;                      // v = [v0; bj], |v0| = |rjj| + norm > 0
            double tau = 2 / (v0 * v0 + sigma);
            r[j * m + j] = alpha;
            int c = j + 1;
            for (; c + 4 <= m; c += 4)
                Update4(r, m, j, b, rows, c, bj, v0, tau);
            for (; c < m; c++)
            {
                var bc = b.Slice(c * rows, rows);
                double s = tau * (v0 * r[j * m + c] + TensorPrimitives.Dot<double>(bj, bc));
                r[j * m + c] -= s * v0;
                TensorPrimitives.MultiplyAdd<double>(bj, -s, bc, bc);
            }
        }
    }

    /// <summary>Applies reflector j to columns c … c+3: four dot products in one sweep over bⱼ, then four updates in another.</summary>
    private static void Update4(Span<double> r, int m, int j, Span<double> b, int rows, int c, ReadOnlySpan<double> bj, double v0, double tau)
    {
        var b0 = b.Slice(c * rows, rows);
        var b1 = b.Slice((c + 1) * rows, rows);
        var b2 = b.Slice((c + 2) * rows, rows);
        var b3 = b.Slice((c + 3) * rows, rows);
        int w = System.Numerics.Vector<double>.Count, i = 0;
        var a0 = System.Numerics.Vector<double>.Zero;
        var a1 = a0; var a2 = a0; var a3 = a0;
        for (; i + w <= rows; i += w)
        {
            var v = new System.Numerics.Vector<double>(bj[i..]);
            a0 = System.Numerics.Vector.FusedMultiplyAdd(v, new System.Numerics.Vector<double>(b0[i..]), a0);
            a1 = System.Numerics.Vector.FusedMultiplyAdd(v, new System.Numerics.Vector<double>(b1[i..]), a1);
            a2 = System.Numerics.Vector.FusedMultiplyAdd(v, new System.Numerics.Vector<double>(b2[i..]), a2);
            a3 = System.Numerics.Vector.FusedMultiplyAdd(v, new System.Numerics.Vector<double>(b3[i..]), a3);
        }
        double d0 = System.Numerics.Vector.Sum(a0), d1 = System.Numerics.Vector.Sum(a1), d2 = System.Numerics.Vector.Sum(a2), d3 = System.Numerics.Vector.Sum(a3);
        for (int t = i; t < rows; t++)
        {
            d0 += bj[t] * b0[t]; d1 += bj[t] * b1[t]; d2 += bj[t] * b2[t]; d3 += bj[t] * b3[t];
        }
        int row = j * m;
        double s0 = tau * (v0 * r[row + c] + d0), s1 = tau * (v0 * r[row + c + 1] + d1);
        double s2 = tau * (v0 * r[row + c + 2] + d2), s3 = tau * (v0 * r[row + c + 3] + d3);
        r[row + c] -= s0 * v0; r[row + c + 1] -= s1 * v0; r[row + c + 2] -= s2 * v0; r[row + c + 3] -= s3 * v0;
        var n0 = new System.Numerics.Vector<double>(-s0);
        var n1 = new System.Numerics.Vector<double>(-s1);
        var n2 = new System.Numerics.Vector<double>(-s2);
        var n3 = new System.Numerics.Vector<double>(-s3);
        for (i = 0; i + w <= rows; i += w)
        {
            var v = new System.Numerics.Vector<double>(bj[i..]);
            System.Numerics.Vector.FusedMultiplyAdd(v, n0, new System.Numerics.Vector<double>(b0[i..])).CopyTo(b0[i..]);
            System.Numerics.Vector.FusedMultiplyAdd(v, n1, new System.Numerics.Vector<double>(b1[i..])).CopyTo(b1[i..]);
            System.Numerics.Vector.FusedMultiplyAdd(v, n2, new System.Numerics.Vector<double>(b2[i..])).CopyTo(b2[i..]);
            System.Numerics.Vector.FusedMultiplyAdd(v, n3, new System.Numerics.Vector<double>(b3[i..])).CopyTo(b3[i..]);
        }
        for (int t = i; t < rows; t++)
        {
            b0[t] -= s0 * bj[t]; b1[t] -= s1 * bj[t]; b2[t] -= s2 * bj[t]; b3[t] -= s3 * bj[t];
        }
    }
}
