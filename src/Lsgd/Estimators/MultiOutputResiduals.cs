using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Lsgd.Data;
using Lsgd.LinearAlgebra;
using Lsgd.Models;

namespace Lsgd.Estimators;

/// <summary>
/// The residuals R = Y − (XΘ + b) of a block of rows of a multi-output fit, as a register-blocked small product:
/// four rows against four outputs at a time (16 accumulators), each load of a coefficient vector shared by four rows
/// and each load of a (widened) row vector by four outputs. Row by row, every row streamed all of Θ (768 features ×
/// 20 outputs = 123 KB, from L2); here each four rows stream it once.
/// </summary>
/// <remarks>
/// Each (row, output) sum is formed exactly as <see cref="MultiVectorKernels.Dots"/> forms it (one accumulator of
/// 8 or 4 lanes, the lanes added by <c>Sum</c>, the last d mod 8 (or 4) columns added in order by scalar fused
/// multiply-adds), so the residuals are the same bits as the row-by-row kernel's, whatever the blocking.
/// </remarks>
internal static partial class MultiOutputResiduals
{
    /// <summary>Rows and outputs of a tile.</summary>
    private const int Rows = 4, Outputs = 4;

    /// <summary>
    /// r[o·rows + t] = y[(start + t)·k + o] − (x_{start+t}ᵀθ_o + b_o) for t &lt; <paramref name="rows"/>, o &lt; k,
    /// with θ_o = theta[o·bs .. o·bs + d] and b_o = theta[o·bs + d] when the layout has intercepts (else 0).
    /// </summary>
    /// <param name="storage">The features, float64 or float32 (widened four rows at a time).</param>
    /// <param name="y">All targets, row-major (n·k).</param>
    /// <param name="layout">The parameter layout.</param>
    /// <param name="theta">The parameters, k blocks of <see cref="ParameterLayout.BlockSize"/>.</param>
    /// <param name="start">First row.</param>
    /// <param name="rows">Rows to do.</param>
    /// <param name="r">Out: k·rows residuals, output by output.</param>
    /// <param name="bits">512, 256 or 0 (scalar): the vector width, as <see cref="MultiVectorKernels.Dots"/> takes it.</param>
    internal static void Compute(FeatureStorage storage, ReadOnlySpan<double> y, ParameterLayout layout, ReadOnlySpan<double> theta,
        int start, int rows, Span<double> r, int bits)
    {
        int d = layout.Features, k = layout.Outputs, bs = layout.BlockSize;
        bool single = storage.Precision != FeaturePrecision.DoublePrecision, intercept = layout.HasIntercept;
        if (UsesPanels(d, k, bits) && rows >= TriangularPanels.TileRows(bits))
        {
            Panels(storage, y, layout, theta, start, rows, r, bits);
            return;
        }
        var widened = single ? new double[Rows * d] : null;
        Span<double> sums = stackalloc double[Math.Max(Rows * Outputs, k)];
        ref double wr = ref MemoryMarshal.GetReference(theta);
        int t = 0;
        for (; t + Rows <= rows; t += Rows)
        {
            var x = RowsAt(storage, start + t, Rows, d, widened);
            ref double xr = ref MemoryMarshal.GetReference(x);
            int o = 0;
            for (; o + Outputs <= k; o += Outputs)
            {
                Tile(ref xr, d, ref Unsafe.Add(ref wr, o * bs), bs, sums, bits);
                for (int i = 0; i < Rows; i++)
                    for (int q = 0; q < Outputs; q++)
                        r[(o + q) * rows + t + i] = y[(start + t + i) * k + o + q] - (sums[i * Outputs + q] + (intercept ? theta[(o + q) * bs + d] : 0));
            }
            if (o < k)
                for (int i = 0; i < Rows; i++)
                    Store(x.Slice(i * d, d), y, theta, layout, o, start, t + i, rows, r, sums, bits);
        }
        for (; t < rows; t++)
        {
            ReadOnlySpan<double> row;
            if (widened is not null)
            {
                storage.CopyRow(start + t, widened.AsSpan(0, d));
                row = widened.AsSpan(0, d);
            }
            else row = storage.DoubleValues.Slice((start + t) * d, d);
            Store(row, y, theta, layout, 0, start, t, rows, r, sums, bits);
        }
    }

    /// <summary>
    /// Whether blocks of <paramref name="d"/> features and <paramref name="k"/> outputs at <paramref name="bits"/>-bit
    /// vectors go through <see cref="Panels"/> (when they hold a whole tile of rows) rather than the 4 × 4 tiles: the
    /// dispatch's rule, which the entry-point list asks too.
    /// </summary>
    internal static bool UsesPanels(int d, int k, int bits) => bits >= 256 && k >= PanelOutputs && d >= PanelFeatures;

    /// <summary>
    /// <paramref name="count"/> rows of <paramref name="d"/> features from row <paramref name="first"/>: float64 rows in
    /// place, float32 rows widened into <paramref name="widened"/> (non-null exactly when the storage is float32).
    /// </summary>
    private static ReadOnlySpan<double> RowsAt(FeatureStorage storage, int first, int count, int d, double[]? widened)
    {
        if (widened is null) return storage.DoubleValues.Slice(first * d, count * d);
        for (int i = 0; i < count; i++) storage.CopyRow(first + i, widened.AsSpan(i * d, d));
        return widened.AsSpan(0, count * d);
    }

    /// <summary>Outputs from which the residuals are formed by <see cref="Panels"/> (fewer: the 4 × 4 tiles).</summary>
    internal const int PanelOutputs = 8;

    /// <summary>Features from which the residuals are formed by <see cref="Panels"/>.</summary>
    internal const int PanelFeatures = 32;

    /// <summary>
    /// The residuals by the register tile of <see cref="TriangularPanels"/>: Θᵀ packed once as a panel (row j the
    /// j-th coefficient of every output, padded to 24 (12) columns), then 8 (4) rows of X at a time against it, 24
    /// (12) accumulators of 8 (4) lanes each fed by three loads of the panel and one broadcast per row. The 4 × 4 tiles
    /// streamed all of Θ (123 KB for 768 features and 20 outputs) from L2 for every four rows with four loads per 16
    /// multiply-adds; here each eight rows stream the panel once with three loads per 24. Each (row, output) sum is
    /// taken in order of the features (rows past the last full tile as <see cref="Store"/> takes them), so the residuals
    /// differ from the 4 × 4 tiles' by rounding only.
    /// </summary>
    private static void Panels(FeatureStorage storage, ReadOnlySpan<double> y, ParameterLayout layout, ReadOnlySpan<double> theta,
        int start, int rows, Span<double> r, int bits)
    {
        int d = layout.Features, k = layout.Outputs, bs = layout.BlockSize;
        int tileRows = TriangularPanels.TileRows(bits), width = TriangularPanels.TileColumns(bits);
        int m = (k + width - 1) / width * width;
        var panel = new double[d * m];
        for (int o = 0; o < k; o++)
            for (int j = 0; j < d; j++) panel[j * m + o] = theta[o * bs + j];
        var sums = new double[tileRows * m];
        bool single = storage.Precision != FeaturePrecision.DoublePrecision;
        var widened = single ? new double[tileRows * d] : null;
        Span<double> scratch = stackalloc double[Math.Max(Rows * Outputs, k)];
        int t = 0;
        for (; t + tileRows <= rows; t += tileRows)
        {
            var x = RowsAt(storage, start + t, tileRows, d, widened);
            Array.Clear(sums);
            ref double xr = ref MemoryMarshal.GetReference(x);
            for (int c = 0; c < m; c += width)
                TriangularPanels.SubtractProduct(ref xr, d, ref panel[c], m, d, ref sums[c], bits);
            for (int i = 0; i < tileRows; i++)
            {
                int at = (start + t + i) * k;
                for (int o = 0; o < k; o++)
                    r[o * rows + t + i] = y[at + o] - (-sums[i * m + o] + (layout.HasIntercept ? theta[o * bs + d] : 0));
            }
        }
        var row = single ? widened.AsSpan(0, d) : default;
        for (; t < rows; t++)
        {
            if (single) storage.CopyRow(start + t, row);
            Store(single ? row : storage.DoubleValues.Slice((start + t) * d, d), y, theta, layout, 0, start, t, rows, r, scratch, bits);
        }
    }

    /// <summary>One row's residuals for the outputs from <paramref name="from"/> on, by <see cref="MultiVectorKernels.Dots"/>.</summary>
    private static void Store(ReadOnlySpan<double> row, ReadOnlySpan<double> y, ReadOnlySpan<double> theta, ParameterLayout layout, int from,
        int start, int t, int rows, Span<double> r, Span<double> sums, int bits)
    {
        int d = layout.Features, k = layout.Outputs, bs = layout.BlockSize;
        MultiVectorKernels.Dots(row, theta[(from * bs)..], bs, k - from, sums, bits);
        for (int o = from; o < k; o++)
            r[o * rows + t] = y[(start + t) * k + o] - (sums[o - from] + (layout.HasIntercept ? theta[o * bs + d] : 0));
    }

    /// <summary>
    /// s[i·4 + q] = Σⱼ x[i·d + j]·w[q·bs + j] for four rows i and four outputs q: 512-bit lanes (16 accumulators), or
    /// 256-bit lanes two outputs at a time (8 accumulators: AVX2 has 16 registers), then the columns left scalar.
    /// </summary>
    private static void Tile(ref double x0, int d, ref double w0, int bs, Span<double> s, int bits)
    {
        nuint i = 0, n = (nuint)d;
        if (bits == 512 && d >= 8)
        {
            ref double x1 = ref Unsafe.Add(ref x0, d);
            ref double x2 = ref Unsafe.Add(ref x0, 2 * d);
            ref double x3 = ref Unsafe.Add(ref x0, 3 * d);
            ref double w1 = ref Unsafe.Add(ref w0, bs);
            ref double w2 = ref Unsafe.Add(ref w0, 2 * bs);
            ref double w3 = ref Unsafe.Add(ref w0, 3 * bs);
            Vector512<double> a00 = default, a01 = default, a02 = default, a03 = default, a10 = default, a11 = default, a12 = default, a13 = default,
                a20 = default, a21 = default, a22 = default, a23 = default, a30 = default, a31 = default, a32 = default, a33 = default;
            for (; i + 8 <= n; i += 8)
            {
                var v0 = Vector512.LoadUnsafe(ref w0, i);
                var v1 = Vector512.LoadUnsafe(ref w1, i);
                var v2 = Vector512.LoadUnsafe(ref w2, i);
                var v3 = Vector512.LoadUnsafe(ref w3, i);
                var x = Vector512.LoadUnsafe(ref x0, i);
                a00 = Vector512.FusedMultiplyAdd(x, v0, a00);
                a01 = Vector512.FusedMultiplyAdd(x, v1, a01);
                a02 = Vector512.FusedMultiplyAdd(x, v2, a02);
                a03 = Vector512.FusedMultiplyAdd(x, v3, a03);
                x = Vector512.LoadUnsafe(ref x1, i);
                a10 = Vector512.FusedMultiplyAdd(x, v0, a10);
                a11 = Vector512.FusedMultiplyAdd(x, v1, a11);
                a12 = Vector512.FusedMultiplyAdd(x, v2, a12);
                a13 = Vector512.FusedMultiplyAdd(x, v3, a13);
                x = Vector512.LoadUnsafe(ref x2, i);
                a20 = Vector512.FusedMultiplyAdd(x, v0, a20);
                a21 = Vector512.FusedMultiplyAdd(x, v1, a21);
                a22 = Vector512.FusedMultiplyAdd(x, v2, a22);
                a23 = Vector512.FusedMultiplyAdd(x, v3, a23);
                x = Vector512.LoadUnsafe(ref x3, i);
                a30 = Vector512.FusedMultiplyAdd(x, v0, a30);
                a31 = Vector512.FusedMultiplyAdd(x, v1, a31);
                a32 = Vector512.FusedMultiplyAdd(x, v2, a32);
                a33 = Vector512.FusedMultiplyAdd(x, v3, a33);
            }
            s[0] = Vector512.Sum(a00); s[1] = Vector512.Sum(a01); s[2] = Vector512.Sum(a02); s[3] = Vector512.Sum(a03);
            s[4] = Vector512.Sum(a10); s[5] = Vector512.Sum(a11); s[6] = Vector512.Sum(a12); s[7] = Vector512.Sum(a13);
            s[8] = Vector512.Sum(a20); s[9] = Vector512.Sum(a21); s[10] = Vector512.Sum(a22); s[11] = Vector512.Sum(a23);
            s[12] = Vector512.Sum(a30); s[13] = Vector512.Sum(a31); s[14] = Vector512.Sum(a32); s[15] = Vector512.Sum(a33);
        }
        else if (bits >= 256 && d >= 4)
        {
            Tile256(ref x0, d, ref w0, bs, s, 0, out i);
            Tile256(ref x0, d, ref Unsafe.Add(ref w0, 2 * bs), bs, s, 2, out i);
        }
        else s[..(Rows * Outputs)].Clear();
        for (; i < n; i++)
            for (int row = 0; row < Rows; row++)
            {
                double v = Unsafe.Add(ref x0, row * d + (int)i);
                for (int q = 0; q < Outputs; q++)
                    s[row * Outputs + q] = Math.FusedMultiplyAdd(v, Unsafe.Add(ref w0, q * bs + (int)i), s[row * Outputs + q]);
            }
    }

    /// <summary>Four rows against the two outputs at w0 and w0 + bs in 256-bit lanes, into s[i·4 + at], s[i·4 + at + 1]; <paramref name="done"/> is the columns covered.</summary>
    private static void Tile256(ref double x0, int d, ref double w0, int bs, Span<double> s, int at, out nuint done)
    {
        nuint i = 0, n = (nuint)d;
        ref double x1 = ref Unsafe.Add(ref x0, d);
        ref double x2 = ref Unsafe.Add(ref x0, 2 * d);
        ref double x3 = ref Unsafe.Add(ref x0, 3 * d);
        ref double w1 = ref Unsafe.Add(ref w0, bs);
        Vector256<double> a00 = default, a01 = default, a10 = default, a11 = default, a20 = default, a21 = default, a30 = default, a31 = default;
        for (; i + 4 <= n; i += 4)
        {
            var v0 = Vector256.LoadUnsafe(ref w0, i);
            var v1 = Vector256.LoadUnsafe(ref w1, i);
            var x = Vector256.LoadUnsafe(ref x0, i);
            a00 = Vector256.FusedMultiplyAdd(x, v0, a00);
            a01 = Vector256.FusedMultiplyAdd(x, v1, a01);
            x = Vector256.LoadUnsafe(ref x1, i);
            a10 = Vector256.FusedMultiplyAdd(x, v0, a10);
            a11 = Vector256.FusedMultiplyAdd(x, v1, a11);
            x = Vector256.LoadUnsafe(ref x2, i);
            a20 = Vector256.FusedMultiplyAdd(x, v0, a20);
            a21 = Vector256.FusedMultiplyAdd(x, v1, a21);
            x = Vector256.LoadUnsafe(ref x3, i);
            a30 = Vector256.FusedMultiplyAdd(x, v0, a30);
            a31 = Vector256.FusedMultiplyAdd(x, v1, a31);
        }
        s[at] = Vector256.Sum(a00); s[at + 1] = Vector256.Sum(a01);
        s[4 + at] = Vector256.Sum(a10); s[4 + at + 1] = Vector256.Sum(a11);
        s[8 + at] = Vector256.Sum(a20); s[8 + at + 1] = Vector256.Sum(a21);
        s[12 + at] = Vector256.Sum(a30); s[12 + at + 1] = Vector256.Sum(a31);
        done = i;
    }
}
