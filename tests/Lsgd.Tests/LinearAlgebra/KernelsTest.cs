using Lsgd.LinearAlgebra;

namespace Lsgd.Tests.LinearAlgebra;

/// <summary>Every kernel against a plain loop, at every length that exercises vector bodies and tails.</summary>
public class KernelsTest
{
    public static IEnumerable<object[]> Lengths() => Enumerable.Range(0, 41).Select(n => new object[] { n });

    [Theory]
    [MemberData(nameof(Lengths))]
    public void DotWidenEqualsAPlainDoubleLoopOnEveryCodePath(int n)
    {
        var rng = new Random(n);
        var x = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var w = Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
        double expected = 0, magnitude = 0;
        for (int i = 0; i < n; i++) { expected += (double)x[i] * w[i]; magnitude += Math.Abs((double)x[i] * w[i]); }
        foreach (int? bits in new int?[] { 512, 256, 0, null })
            Assert.True(Math.Abs(expected - Kernels.DotWiden(x, w, bits)) <= 4 * (n + 1) * 1.1e-16 * magnitude, $"{bits}-bit path, n = {n}");
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void AxpyWidenEqualsAPlainDoubleLoopOnEveryCodePath(int n)
    {
        foreach (int? bits in new int?[] { 512, 256, 0, null })
        {
            var rng = new Random(n + 100);
            var x = Enumerable.Range(0, n + 1).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
            var y = Enumerable.Range(0, n + 1).Select(_ => rng.NextDouble()).ToArray();
            var expected = (double[])y.Clone();
            for (int i = 0; i < n; i++) expected[i] += -0.75 * x[i];
            Kernels.AxpyWiden(-0.75, x.AsSpan(0, n), y.AsSpan(0, n), bits);
            for (int i = 0; i < n; i++) Assert.True(Math.Abs(expected[i] - y[i]) <= 2.3e-16 * Math.Abs(expected[i]) + 1e-300, $"{bits}-bit path, n = {n}, [{i}]");
            Assert.Equal(expected[n], y[n]);   // past the span: untouched
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 3)]
    [InlineData(3, 4)]
    [InlineData(5, 5)]
    [InlineData(12, 9)]
    [InlineData(13, 16)]
    [InlineData(16, 33)]
    [InlineData(17, 2)]
    [InlineData(29, 7)]
    [InlineData(40, 1)]
    [InlineData(20, 6)]     // diagonal blocks of 1, 2 and 3 quads after the first strip of 16
    [InlineData(24, 3)]
    [InlineData(28, 8)]
    [InlineData(102, 9)]    // d = 100 with y and the 1
    [InlineData(129, 5)]    // wider than 128: the 512-bit path packs the panel into strips
    [InlineData(150, 17)]
    public void GramUpdateAddsZTransposeZOnAndBelowTheDiagonalOnEveryCodePath(int cols, int rows)
    {
        int ld = (cols + 15) & ~15;
        foreach (int bits in new[] { 512, 256, 0 })
        {
            if (bits == 512 && !System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated) continue;
            var rng = new Random(cols * 100 + rows);
            // Padding columns hold garbage on purpose: they must not leak into the wanted entries.
            var z = Enumerable.Range(0, rows * ld).Select(_ => rng.NextDouble() - 0.5).ToArray();
            for (int t = 0; t < rows; t++)
                for (int c = cols; c < ld; c++) z[t * ld + c] = double.NaN;
            var g = Enumerable.Range(0, ld * ld).Select(_ => 1.0).ToArray();
            Kernels.GramUpdate(z, rows, ld, cols, g, bits);
            for (int j = 0; j < cols; j++)
                for (int i = 0; i <= j; i++)
                {
                    double expected = 1;
                    for (int t = 0; t < rows; t++) expected += z[t * ld + i] * z[t * ld + j];
                    Assert.True(Math.Abs(expected - g[j * ld + i]) <= 1e-13, $"{bits}-bit path, entry ({i}, {j}): {g[j * ld + i]} vs {expected}");
                }
        }
    }

    [Theory]
    [InlineData(12, 5, 128)]
    [InlineData(16, 128, 128)]
    [InlineData(30, 7, 9)]
    [InlineData(102, 22, 128)]  // d = 100: a last panel shorter than the strips
    [InlineData(150, 17, 20)]
    public void GramUpdatePackedReadsStripsLongerThanTheRowsOnEveryCodePath(int cols, int rows, int stripRows)
    {
        int ld = (cols + 15) & ~15;
        foreach (int bits in new[] { 512, 256, 0 })
        {
            if (bits == 512 && !System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated) continue;
            var rng = new Random(cols * 100 + rows);
            // Everything outside the rows and columns wanted is NaN: none of it may reach a wanted entry.
            var packed = Enumerable.Repeat(double.NaN, ld * stripRows).ToArray();
            var z = new double[rows, cols];
            for (int t = 0; t < rows; t++)
                for (int c = 0; c < cols; c++)
                    packed[c / 16 * stripRows * 16 + t * 16 + c % 16] = z[t, c] = rng.NextDouble() - 0.5;
            var g = Enumerable.Range(0, ld * ld).Select(_ => 1.0).ToArray();
            Kernels.GramUpdatePacked(packed, 16, stripRows * 16, rows, ld, cols, g, bits);
            for (int j = 0; j < cols; j++)
                for (int i = 0; i <= j; i++)
                {
                    double expected = 1;
                    for (int t = 0; t < rows; t++) expected += z[t, i] * z[t, j];
                    Assert.True(Math.Abs(expected - g[j * ld + i]) <= 1e-13, $"{bits}-bit path, entry ({i}, {j}): {g[j * ld + i]} vs {expected}");
                }
        }
    }

    [Fact]
    public void GramUpdateTilesEveryWidthUpTo50ColumnsAndShortPanelsOnEveryCodePath()
    {
        // Every remainder of the 256-bit 8 × 6 tiles (4, 8 and multiples of 6 left of a half strip, pairs of columns
        // from a strip's column 12 or 14) and of the 512-bit 16 × 12 and 16 × 4 tiles; 1, 3 and 5 rows. Packed, with
        // the next panel's memory to fetch given (it must change nothing), the rows of one panel a strip apart.
        foreach (int cols in Enumerable.Range(1, 50))
            foreach (int rows in new[] { 1, 3, 5 })
                foreach (int bits in new[] { 512, 256, 0 })
                {
                    if (bits == 512 && !System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated) continue;
                    int ld = (cols + 15) & ~15, stripRows = rows + 2;
                    var rng = new Random(cols * 10 + rows);
                    var packed = Enumerable.Repeat(double.NaN, ld * stripRows).ToArray();
                    var z = new double[rows, cols];
                    for (int t = 0; t < rows; t++)
                        for (int c = 0; c < cols; c++)
                            packed[c / 16 * stripRows * 16 + t * 16 + c % 16] = z[t, c] = rng.NextDouble() - 0.5;
                    var g = Enumerable.Range(0, ld * ld).Select(i => 0.25 * (i % 7)).ToArray();
                    var ahead = new byte[1000];
                    Kernels.GramUpdatePacked(packed, 16, stripRows * 16, rows, ld, cols, g, bits, ahead);
                    for (int j = 0; j < cols; j++)
                        for (int i = 0; i <= j; i++)
                        {
                            double expected = 0.25 * ((j * ld + i) % 7), magnitude = Math.Abs(expected);
                            for (int t = 0; t < rows; t++)
                            {
                                expected += z[t, i] * z[t, j];
                                magnitude += Math.Abs(z[t, i] * z[t, j]);
                            }
                            Assert.True(Math.Abs(expected - g[j * ld + i]) <= 4e-16 * (rows + 1) * magnitude,
                                $"{bits}-bit path, {cols} columns, {rows} rows, entry ({i}, {j}): {g[j * ld + i]} vs {expected}");
                        }
                }
    }

    [Fact]
    public void GramUpdateDispatchesOnWhatTheCpuHas()
    {
        int expected = System.Runtime.Intrinsics.X86.Avx512F.IsSupported && System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? 512
            : System.Runtime.Intrinsics.X86.Fma.IsSupported && System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? 256 : 0;
        if (!System.Runtime.Intrinsics.X86.X86Base.IsSupported)
            return;   // off x86 the widest accelerated width is taken; nothing x86-specific to check
        Assert.Equal(expected, Kernels.GramVectorBits);
    }

    [Fact]
    public void GramUpdateRejectsAStrideThatIsNotAMultipleOf16()
    {
        var z = new double[40];
        var g = new double[400];
        Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.GramUpdate(z, 2, 20, 3, g));
    }

    [Fact]
    public void MinusProductHasTheBitsOfAFusedMultiplyAddOfTheNegatedFactor()
    {
        // Values where a − c·x rounds (products of many bits), cancels to ±0, overflows, or meets ±0, ∞ and NaN.
        double[] values = [1.0 / 3, -2.5e-300, 7.0, -7.0, 1e308, -0.0, 0.0, double.PositiveInfinity, 3.0000000000000004, -1.0 / 7];
        foreach (double c in values)
            foreach (double x in values)
                foreach (double a in values)
                {
                    var v512 = Kernels.MinusProduct(System.Runtime.Intrinsics.Vector512.Create(c), System.Runtime.Intrinsics.Vector512.Create(x), System.Runtime.Intrinsics.Vector512.Create(a));
                    var v256 = Kernels.MinusProduct(System.Runtime.Intrinsics.Vector256.Create(c), System.Runtime.Intrinsics.Vector256.Create(x), System.Runtime.Intrinsics.Vector256.Create(a));
                    double expected = Math.FusedMultiplyAdd(-c, x, a);
                    for (int i = 0; i < 8; i++)
                        Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(v512[i]));
                    for (int i = 0; i < 4; i++)
                        Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(v256[i]));
                }
    }
}
