using Lsgd.Engines;
using Lsgd.Internals;
using Lsgd.LinearAlgebra;
using Lsgd.Models;

namespace Lsgd.Tests.Engines;

/// <summary>
/// The gradient pass's vector kernels on every code path (512-bit, 256-bit, scalar) against double-double
/// references, at sizes that exercise every tail: rows not a multiple of 4 or of a micro-block, d not a multiple
/// of any vector width. The bound is the classic one for a sum of n terms in any order, 2·n·ε·Σ|terms|, so a
/// dropped, doubled or misplaced term fails by orders of magnitude.
/// </summary>
public class RowKernelsTest
{
    private const double Eps = 1.1102230246251565e-16;

    public static readonly int[] Paths = [512, 256];

    public static TheoryData<int, int, int> RowShapes()
    {
        var data = new TheoryData<int, int, int>();
        foreach (int bits in Paths)
            foreach (int d in new[] { 1, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 20, 23, 24, 31, 32, 33, 36, 63, 64, 65, 71, 100, 129 })
                foreach (int m in new[] { 1, 3, 4, 5, 8, 11, 16 })
                    data.Add(bits, d, m);
        return data;
    }

    private static double[] RandomValues(Random rng, int count) => [.. Enumerable.Range(0, count).Select(_ => 2 * rng.NextDouble() - 1)];

    [Theory]
    [MemberData(nameof(RowShapes))]
    public void DotsAreEachRowsDotProductOnEveryPath(int bits, int d, int m)
    {
        var rng = new Random(d * 100 + m);
        var w = RandomValues(rng, d);
        foreach (int ld in new[] { d, RowKernels.PaddedStride(d) + 3 })
        {
            // Rows ld apart; the padding between them holds NaN, which must not reach any result.
            var x = Padded(RandomValues(rng, m * d), d, ld, m);
            var dots = new double[m + 1];
            dots[m] = 42;   // past the m results: must stay untouched
            RowKernels.Dots(x, d, ld, m, w, dots, bits);
            for (int t = 0; t < m; t++)
            {
                var row = x.AsSpan(t * ld, d);
                double expected = Accurate.Dot(row, w), bound = 2 * d * Eps * AbsDot(row, w);
                Assert.True(Math.Abs(dots[t] - expected) <= bound, $"{bits}-bit, d = {d}, ld = {ld}, row {t} of {m}: {dots[t]} vs {expected}");
            }
            Assert.Equal(42, dots[m]);
        }
    }

    /// <summary>m rows of d values laid ld apart, NaN in between.</summary>
    private static double[] Padded(double[] rows, int d, int ld, int m)
    {
        var x = Enumerable.Repeat(double.NaN, (m - 1) * ld + d).ToArray();
        for (int t = 0; t < m; t++) rows.AsSpan(t * d, d).CopyTo(x.AsSpan(t * ld));
        return x;
    }

    [Theory]
    [MemberData(nameof(RowShapes))]
    public void DotsWidenWidensEveryValueAndDotsItOnEveryPath(int bits, int d, int m)
    {
        var rng = new Random(d * 100 + m + 7);
        var x = RandomValues(rng, m * d).Select(v => (float)v).ToArray();
        var widened = x.Select(v => (double)v).ToArray();
        var w = RandomValues(rng, d);
        foreach (int ld in new[] { d, RowKernels.PaddedStride(d) })
        {
            var dots = new double[m];
            var wide = Enumerable.Repeat(double.NaN, m * ld + 1).ToArray();
            RowKernels.DotsWiden(x, d, m, w, dots, wide, ld, bits);
            for (int t = 0; t < m; t++)
            {
                Assert.Equal(widened.AsSpan(t * d, d).ToArray(), wide.AsSpan(t * ld, d).ToArray());
                Assert.True(wide.AsSpan(t * ld + d, ld - d).ToArray().All(double.IsNaN), $"ld = {ld}: the kernel wrote into the padding after row {t}");
            }
            Assert.True(double.IsNaN(wide[m * ld]), "the kernel wrote past the m widened rows");
            for (int t = 0; t < m; t++)
            {
                var row = widened.AsSpan(t * d, d);
                double expected = Accurate.Dot(row, w), bound = 2 * d * Eps * AbsDot(row, w);
                Assert.True(Math.Abs(dots[t] - expected) <= bound, $"{bits}-bit, d = {d}, ld = {ld}, row {t} of {m}: {dots[t]} vs {expected}");
            }
        }
    }

    [Theory]
    [InlineData(512)]
    [InlineData(256)]
    public void DotsWidenGivesTheSameBitsWithOrWithoutPrefetchHints(int bits)
    {
        // The hints reach past the rows (and past the array at its end); they must change nothing but timing.
        int d = 100, m = 16, ld = RowKernels.PaddedStride(d);
        var rng = new Random(bits);
        var x = RandomValues(rng, m * d).Select(v => (float)v).ToArray();
        var w = RandomValues(rng, d);
        double[] Run(int ahead, out double[] wide)
        {
            int saved = RowKernels.PrefetchBytes;
            RowKernels.PrefetchBytes = ahead;
            try
            {
                var dots = new double[m];
                wide = new double[m * ld];
                RowKernels.DotsWiden(x, d, m, w, dots, wide, ld, bits);
                return dots;
            }
            finally
            {
                RowKernels.PrefetchBytes = saved;
            }
        }
        var plain = Run(0, out var plainWide);
        Assert.True(RowKernels.PrefetchBytes > 0, "the kernels prefetch by default");
        var hinted = Run(RowKernels.PrefetchBytes, out var hintedWide);
        Assert.Equal(plain, hinted);
        Assert.Equal(plainWide, hintedWide);
    }

    [Theory]
    [MemberData(nameof(RowShapes))]
    public void AddRowsAddsTheWeightedSumOfTheRowsOnEveryPath(int bits, int d, int m)
    {
        var rng = new Random(d * 100 + m + 13);
        foreach (int ld in new[] { d, RowKernels.PaddedStride(d) + 3 })
        {
            var x = Padded(RandomValues(rng, m * d), d, ld, m);
            var c = RandomValues(rng, m);
            var g = RandomValues(rng, d + 1);
            var before = (double[])g.Clone();
            RowKernels.AddRows(x, d, ld, m, c, g.AsSpan(0, d), bits);
            for (int j = 0; j < d; j++)
            {
                var column = Enumerable.Range(0, m).Select(t => x[t * ld + j]).Append(1.0).ToArray();
                var factors = c.Append(before[j]).ToArray();
                double expected = Accurate.Dot(column, factors), bound = 2 * (m + 1) * Eps * AbsDot(column, factors);
                Assert.True(Math.Abs(g[j] - expected) <= bound, $"{bits}-bit, d = {d}, ld = {ld}, m = {m}, column {j}: {g[j]} vs {expected}");
            }
            Assert.Equal(before[d], g[d]);
        }
    }

    [Fact]
    public void AlignedStartIsACacheLineBoundaryWithinTheFirstLine()
    {
        for (int length = 8; length < 40; length++)
        {
            var buffer = GC.AllocateArray<double>(length, pinned: true);   // pinned: the address cannot change between the two looks
            int at = RowKernels.AlignedStart(buffer);
            Assert.InRange(at, 0, 7);
            nint address = System.Runtime.CompilerServices.Unsafe.ByteOffset(ref System.Runtime.CompilerServices.Unsafe.NullRef<double>(), ref buffer[at]);
            Assert.Equal(0, address % 64);
        }
        Assert.Equal(104, RowKernels.PaddedStride(100));
        Assert.Equal(8, RowKernels.PaddedStride(8));
        Assert.Equal(24, RowKernels.PaddedStride(17));
    }

    [Fact]
    public void KernelsRefuseSpansTooShortForTheShape()
    {
        var x = new double[10];
        var ex = Assert.Throws<ArgumentException>(() => RowKernels.Dots(x, 4, 4, 3, new double[4], new double[3], 256));
        Assert.Contains("3 rows of 4 values, 4 apart, need 12 values", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => RowKernels.Dots(x, 4, 3, 2, new double[4], new double[2], 256));   // rows overlap
        Assert.Throws<ArgumentException>(() => RowKernels.AddRows(x, 5, 5, 2, new double[2], new double[4], 512));
        Assert.Throws<ArgumentException>(() => RowKernels.AddRows(x, 4, 8, 2, new double[2], new double[4], 512));
        Assert.Throws<ArgumentException>(() => RowKernels.DotsWiden(new float[8], 4, 2, new double[4], new double[2], new double[11], 8, 512));
    }

    public static TheoryData<int, int, int, bool, bool, bool, bool> PassShapes()
    {
        var data = new TheoryData<int, int, int, bool, bool, bool, bool>();
        (int Rows, int D, int K)[] shapes =
            [(1, 17, 1), (3, 17, 2), (5, 20, 1), (15, 23, 1), (16, 33, 3), (17, 36, 1), (33, 64, 2), (50, 65, 1), (37, 100, 1), (21, 129, 2), (9, 5, 2), (40, 16, 1),
             // Narrow rows (d ≤ 16), which single-precision data sends through the blocked kernels: 1 row, tails of 1–3 rows, d below, at and between the vector widths.
             (1, 1, 1), (5, 2, 1), (7, 3, 2), (37, 7, 1), (17, 8, 3), (33, 9, 1), (4, 15, 2), (18, 12, 1)];
        int i = 0;
        foreach (var (rows, d, k) in shapes)
            foreach (bool singlePrecision in new[] { false, true })
            {
                i++;
                data.Add(rows, d, k, singlePrecision, i % 2 == 0, i % 3 != 0, i % 4 != 1);
            }
        return data;
    }

    [Theory]
    [MemberData(nameof(PassShapes))]
    public void AccumulateRowsMatchesADoubleDoublePassOnEveryPath(int rows, int d, int k, bool singlePrecision, bool intercept, bool weighted, bool withTargets)
    {
        var rng = new Random(rows * 1000 + d * 10 + k);
        var layout = new ParameterLayout(d, k, intercept);
        var x = RandomValues(rng, rows * d);
        var xs = x.Select(v => (float)v).ToArray();
        if (singlePrecision) x = [.. xs.Select(v => (double)v)];
        var y = RandomValues(rng, rows * k);
        var weights = weighted ? Enumerable.Range(0, rows).Select(_ => 0.25 + rng.NextDouble()).ToArray() : null;
        var theta = RandomValues(rng, layout.Count);
        var (expectedLoss, expected, magnitude, lossMagnitude) = Reference(layout, theta, x, y, weights, rows, withTargets);

        foreach (int bits in new[] { 512, 256, 0 })
        {
            var g = Enumerable.Repeat(0.5, layout.Count).ToArray();
            double loss = singlePrecision
                ? RowMath.AccumulateRows(layout, theta, g, xs, y, weights, rows, withTargets, bits)
                : RowMath.AccumulateRows(layout, theta, g, x, y, weights, rows, withTargets, bits);
            double bound = 4 * (d + rows + 2) * Eps;
            Assert.True(Math.Abs(loss - expectedLoss) <= bound * lossMagnitude, $"{bits}-bit: loss {loss} vs {expectedLoss}");
            for (int j = 0; j < g.Length; j++)
                Assert.True(Math.Abs(g[j] - 0.5 - expected[j]) <= bound * magnitude[j] + 2 * Eps, $"{bits}-bit: gradient[{j}] {g[j] - 0.5} vs {expected[j]}");
        }
    }

    /// <summary>
    /// Shapes for the fused one-output pass (<see cref="FusedRows"/>, from <see cref="RowMath.FusedMinRows"/> rows): d from
    /// 8 to 40 (every gcd with 8, so periods 1, 2, 4 and 8 of the row phases), 100 and 129; rows a few blocks and a
    /// ragged tail.
    /// </summary>
    public static TheoryData<int, int, bool> FusedShapes()
    {
        var data = new TheoryData<int, int, bool>();
        int i = 0;
        foreach (int d in Enumerable.Range(8, 33).Append(100).Append(129))
            foreach (bool singlePrecision in new[] { false, true })
                data.Add(RowMath.FusedMinRows + (i++ * 7) % 61, d, singlePrecision);
        return data;
    }

    [Theory]
    [MemberData(nameof(FusedShapes))]
    public void TheFusedPassMatchesADoubleDoublePassAtEveryPhase(int rows, int d, bool singlePrecision)
    {
        // x starts at each offset 0…7 of a larger array, so its rows meet every phase against cache lines; the values
        // around it are NaN, which must not reach any result (the pass reads only inside x).
        var rng = new Random(rows * 100 + d);
        foreach (int offset in Enumerable.Range(0, 8))
        {
            bool intercept = offset % 2 == 0, weighted = offset % 3 != 0, withTargets = offset != 5;
            var layout = new ParameterLayout(d, 1, intercept);
            var (x, xPadded, xsPadded) = PaddedRows(rng, rows * d, offset, singlePrecision);
            var y = RandomValues(rng, rows);
            var weights = weighted ? Enumerable.Range(0, rows).Select(_ => 0.25 + rng.NextDouble()).ToArray() : null;
            var theta = RandomValues(rng, layout.Count);
            var (expectedLoss, expected, magnitude, lossMagnitude) = Reference(layout, theta, x, y, weights, rows, withTargets);
            foreach (int bits in new[] { 512, 256, 0 })
            {
                var g = Enumerable.Repeat(0.5, layout.Count).ToArray();
                double loss = singlePrecision
                    ? RowMath.AccumulateRows(layout, theta, g, xsPadded.AsSpan(offset, rows * d), y, weights, rows, withTargets, bits)
                    : RowMath.AccumulateRows(layout, theta, g, xPadded.AsSpan(offset, rows * d), y, weights, rows, withTargets, bits);
                double bound = 4 * (d + rows + 2) * Eps;
                Assert.True(Math.Abs(loss - expectedLoss) <= bound * lossMagnitude, $"{bits}-bit, offset {offset}: loss {loss} vs {expectedLoss}");
                for (int j = 0; j < g.Length; j++)
                    Assert.True(Math.Abs(g[j] - 0.5 - expected[j]) <= bound * magnitude[j] + 2 * Eps, $"{bits}-bit, offset {offset}: gradient[{j}] {g[j] - 0.5} vs {expected[j]}");
            }
        }
    }

    /// <summary>
    /// Random rows (float32-representable when <paramref name="singlePrecision"/>), and copies of them as float64 and float32
    /// starting at <paramref name="offset"/> in arrays of NaN with 16 more values: every phase of x against the chunks, and
    /// NaN that must not reach a result.
    /// </summary>
    private static (double[] X, double[] XPadded, float[] XsPadded) PaddedRows(Random rng, int count, int offset, bool singlePrecision)
    {
        var x = RandomValues(rng, count);
        var xs = x.Select(v => (float)v).ToArray();
        if (singlePrecision) x = [.. xs.Select(v => (double)v)];
        var xPadded = Enumerable.Repeat(double.NaN, count + 16).ToArray();
        var xsPadded = Enumerable.Repeat(float.NaN, count + 16).ToArray();
        x.CopyTo(xPadded, offset);
        xs.CopyTo(xsPadded, offset);
        return (x, xPadded, xsPadded);
    }

    /// <summary>The fused shapes at each vector width the fused pass has (<see cref="FusedShapes"/>, 512 and 256 bits).</summary>
    public static TheoryData<int, int, int, bool> FusedShapesAtEveryWidth()
    {
        var data = new TheoryData<int, int, int, bool>();
        foreach (var row in FusedShapes())
            foreach (int bits in Paths)
                data.Add(bits, (int)row[0], (int)row[1], (bool)row[2]);
        return data;
    }

    [Theory]
    [MemberData(nameof(FusedShapesAtEveryWidth))]
    public void EachWidthOfTheFusedPassMatchesADoubleDoubleSumOverTheRowsItTakes(int bits, int rows, int d, bool singlePrecision)
    {
        // FusedRows.Run itself at a forced width (the dispatch test above passes through RowMath, which would hide a
        // width that silently fell back to the micro-block path): on this AVX-512 machine both steps run. x starts at
        // every offset 0…7, so every phase of the rows against the chunks; NaN around x must not reach any result.
        if (!FusedRows.Takes(d, bits))
            return;
        var rng = new Random(rows * 1000 + d * 10 + bits);
        foreach (int offset in Enumerable.Range(0, 8))
        {
            bool weighted = offset % 3 != 0, withTargets = offset != 5;
            var layout = new ParameterLayout(d, 1, true);
            var (x, xPadded, xsPadded) = PaddedRows(rng, rows * d, offset, singlePrecision);
            var y = RandomValues(rng, rows);
            var weights = weighted ? Enumerable.Range(0, rows).Select(_ => 0.25 + rng.NextDouble()).ToArray() : null;
            var theta = RandomValues(rng, layout.Count);
            var g = Enumerable.Repeat(0.5, d).ToArray();
            double sumR = 0.25;
            int first, count;
            double loss = singlePrecision
                ? FusedRows.Run<float>(xsPadded.AsSpan(offset, rows * d), d, rows, theta.AsSpan(0, d), theta[d], withTargets ? y : default, weights, g, ref sumR, out first, out count, bits)
                : FusedRows.Run<double>(xPadded.AsSpan(offset, rows * d), d, rows, theta.AsSpan(0, d), theta[d], withTargets ? y : default, weights, g, ref sumR, out first, out count, bits);
            // It takes whole blocks of 4P rows (P ≤ 8) and leaves at most the first row and the last ones.
            Assert.True(first <= 1 && count > 0 && rows - first - count < 4 * 8 + 1, $"{bits}-bit, offset {offset}: rows [{first}, {first + count}) of {rows}");
            var (expectedLoss, expected, magnitude, lossMagnitude) = Reference(layout, theta, x[(first * d)..((first + count) * d)], withTargets ? y[first..(first + count)] : y,
                weights?[first..(first + count)], count, withTargets);
            double bound = 4 * (d + count + 2) * Eps;
            Assert.True(Math.Abs(loss - expectedLoss) <= bound * lossMagnitude, $"{bits}-bit, offset {offset}: loss {loss} vs {expectedLoss}");
            for (int j = 0; j < d; j++)
                Assert.True(Math.Abs(g[j] - 0.5 - expected[j]) <= bound * magnitude[j] + 2 * Eps, $"{bits}-bit, offset {offset}: gradient[{j}] {g[j] - 0.5} vs {expected[j]}");
            // The intercept's gradient is −Σ wᵢrᵢ.
            Assert.True(Math.Abs(-(sumR - 0.25) - expected[d]) <= bound * magnitude[d] + 2 * Eps, $"{bits}-bit, offset {offset}: Σ wr {sumR - 0.25} vs {-expected[d]}");
        }
    }

    [Theory]
    [InlineData(512)]
    [InlineData(256)]
    public void TheFusedPassTakesTheRowsAndLeavesAtMostTheEdges(int bits)
    {
        // At d = 100 and x on a 64-byte boundary (phase 0), rows alternate phases 0 and 4 (blocks of 8 rows): a row of
        // phase 0 reads 4 values of the next, so the last row, of phase 0, is left (its chunks would reach past x).
        // The same with 256-bit vectors: a chunk is still 8 values, read as two halves.
        if (!FusedRows.Takes(100, bits))
            return;
        int rows = 1001, d = 100;
        var array = GC.AllocateArray<double>(rows * d + 8, pinned: true);
        int at = RowKernels.AlignedStart(array);
        var x = array.AsSpan(at, rows * d);
        var w = new double[d];
        var g = new double[d];
        double sumR = 0;
        FusedRows.Run<double>(x, d, rows, w, 0, default, default, g, ref sumR, out int first, out int count, bits);
        Assert.Equal(0, first);
        Assert.Equal(1000, count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TheDefaultPathIsTheWidestTheCpuHas(bool singlePrecision)
    {
        var rng = new Random(3);
        int rows = 45, d = 37, k = 2;
        var layout = new ParameterLayout(d, k, true);
        var x = RandomValues(rng, rows * d);
        var xs = x.Select(v => (float)v).ToArray();
        var y = RandomValues(rng, rows * k);
        var theta = RandomValues(rng, layout.Count);
        double Run(int? bits, double[] g) => singlePrecision
            ? RowMath.AccumulateRows(layout, theta, g, xs, y, default, rows, true, bits)
            : RowMath.AccumulateRows(layout, theta, g, x, y, default, rows, true, bits);
        var byDefault = new double[layout.Count];
        var forced = new double[layout.Count];
        Assert.Equal(BitConverter.DoubleToInt64Bits(Run(Kernels.GramVectorBits, forced)), BitConverter.DoubleToInt64Bits(Run(null, byDefault)));
        Assert.Equal(forced, byDefault);
    }

    /// <summary>Σ wᵢ‖rᵢ‖² and −Σ wᵢ rᵢ [xᵢ, 1] in double-double, with Σ|terms| of each for the error bound.</summary>
    private static (double Loss, double[] Gradient, double[] Magnitude, double LossMagnitude) Reference(ParameterLayout layout, double[] theta,
        double[] x, double[] y, double[]? weights, int rows, bool withTargets)
    {
        int d = layout.Features, k = layout.Outputs, bs = layout.BlockSize;
        var gradient = new double[layout.Count];
        var magnitude = new double[layout.Count];
        var lossTerms = new List<double>();
        var lossAbs = new List<double>();
        for (int o = 0; o < k; o++)
        {
            var w = theta.AsSpan(o * bs, d);
            var r = new double[rows];
            var rAbs = new double[rows];
            for (int i = 0; i < rows; i++)
            {
                var row = x.AsSpan(i * d, d);
                // r = y − x·w − b, all in one double-double dot product.
                double[] terms = [.. row.ToArray(), withTargets ? y[i * k + o] : 0.0, layout.HasIntercept ? theta[o * bs + d] : 0.0];
                double[] factors = [.. w.ToArray().Select(v => -v), 1.0, -1.0];
                r[i] = Accurate.Dot(terms, factors);
                rAbs[i] = AbsDot(terms, factors);
                double wi = weights?[i] ?? 1.0;
                lossTerms.Add(wi * r[i] * r[i]);
                lossAbs.Add(wi * rAbs[i] * rAbs[i]);
            }
            var wr = r.Select((v, i) => -(weights?[i] ?? 1.0) * v).ToArray();
            var wrAbs = rAbs.Select((v, i) => (weights?[i] ?? 1.0) * v).ToArray();
            for (int j = 0; j < d; j++)
            {
                var column = Enumerable.Range(0, rows).Select(i => x[i * d + j]).ToArray();
                gradient[o * bs + j] = Accurate.Dot(column, wr);
                magnitude[o * bs + j] = AbsDot(column, wrAbs);
            }
            if (layout.HasIntercept)
            {
                gradient[o * bs + d] = Accurate.Sum(wr);
                magnitude[o * bs + d] = wrAbs.Sum();
            }
        }
        return (Accurate.Sum([.. lossTerms]), gradient, magnitude, lossAbs.Sum());
    }

    private static double AbsDot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += Math.Abs(a[i] * b[i]);
        return s;
    }
}
