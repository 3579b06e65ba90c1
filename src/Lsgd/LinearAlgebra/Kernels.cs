using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Lsgd.Internals;

namespace Lsgd.LinearAlgebra;

/// <summary>
/// Span kernels that <see cref="TensorPrimitives"/> does not offer: single-precision data widened to double
/// (so every product and sum is double), and the Gram-matrix update behind XᵀX.
/// </summary>
/// <remarks>
/// Written with the portable <see cref="Vector256{T}"/> API (fused multiply-add where the hardware has it) and a
/// scalar tail; the Gram update also has 512-bit tiles, taken where the CPU has AVX-512F
/// (<see cref="GramVectorBits"/>), and packs wide panels into contiguous strips first. Every path (512-bit,
/// 256-bit, scalar; packed and not) is tested against plain loops on any AVX-512 machine, at lengths that
/// exercise the tails.
/// </remarks>
internal static partial class Kernels
{
    /// <summary>Σ xᵢ·wᵢ with x widened to double: result = Σ (double)x[i] * w[i].</summary>
    /// <param name="x">The single-precision values.</param>
    /// <param name="w">As many double-precision weights.</param>
    /// <param name="vectorBits">512, 256 or 0 (scalar) to force a code path in tests; by default <see cref="GramVectorBits"/>.</param>
    public static double DotWiden(ReadOnlySpan<float> x, ReadOnlySpan<double> w, int? vectorBits = null)
    {
        if (x.Length != w.Length) Throw.Length(nameof(w), w.Length, x.Length, "one weight per feature");
        int bits = vectorBits ?? GramVectorBits;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref double wr = ref MemoryMarshal.GetReference(w);
        nuint i = 0, n = (nuint)x.Length;
        double sum = 0;
        if (bits == 512 && n >= 16)
        {
            var acc0 = Vector512<double>.Zero;
            var acc1 = Vector512<double>.Zero;
            for (; i + 16 <= n; i += 16)
            {
                acc0 = Vector512.FusedMultiplyAdd(Widen8(ref xr, i), Vector512.LoadUnsafe(ref wr, i), acc0);
                acc1 = Vector512.FusedMultiplyAdd(Widen8(ref xr, i + 8), Vector512.LoadUnsafe(ref wr, i + 8), acc1);
            }
            if (i + 8 <= n)
            {
                acc0 = Vector512.FusedMultiplyAdd(Widen8(ref xr, i), Vector512.LoadUnsafe(ref wr, i), acc0);
                i += 8;
            }
            sum = Vector512.Sum(acc0 + acc1);
        }
        else if (bits != 0 && n >= 8)
        {
            var acc0 = Vector256<double>.Zero;
            var acc1 = Vector256<double>.Zero;
            for (; i + 8 <= n; i += 8)
            {
                acc0 = Vector256.FusedMultiplyAdd(Widen4(ref xr, i), Vector256.LoadUnsafe(ref wr, i), acc0);
                acc1 = Vector256.FusedMultiplyAdd(Widen4(ref xr, i + 4), Vector256.LoadUnsafe(ref wr, i + 4), acc1);
            }
            sum = Vector256.Sum(acc0 + acc1);
        }
        for (; i < n; i++)
            sum += Unsafe.Add(ref xr, i) * Unsafe.Add(ref wr, i);
        return sum;
    }

    /// <summary>y ← y + a·x with x widened to double.</summary>
    /// <param name="a">The factor.</param>
    /// <param name="x">The single-precision values.</param>
    /// <param name="y">As many double-precision values, updated.</param>
    /// <param name="vectorBits">512, 256 or 0 (scalar) to force a code path in tests; by default <see cref="GramVectorBits"/>.</param>
    public static void AxpyWiden(double a, ReadOnlySpan<float> x, Span<double> y, int? vectorBits = null)
    {
        if (x.Length != y.Length) Throw.Length(nameof(y), y.Length, x.Length, "one value per feature");
        int bits = vectorBits ?? GramVectorBits;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref double yr = ref MemoryMarshal.GetReference(y);
        nuint i = 0, n = (nuint)x.Length;
        if (bits == 512)
        {
            var va = Vector512.Create(a);
            for (; i + 8 <= n; i += 8)
                Vector512.FusedMultiplyAdd(Widen8(ref xr, i), va, Vector512.LoadUnsafe(ref yr, i)).StoreUnsafe(ref yr, i);
        }
        if (bits != 0)
        {
            var va = Vector256.Create(a);
            for (; i + 4 <= n; i += 4)
                Vector256.FusedMultiplyAdd(Widen4(ref xr, i), va, Vector256.LoadUnsafe(ref yr, i)).StoreUnsafe(ref yr, i);
        }
        for (; i < n; i++)
            Unsafe.Add(ref yr, i) += a * Unsafe.Add(ref xr, i);
    }

    /// <summary>
    /// a − c·x in each lane, rounded once (vfnmadd with AVX-512F): the same bits as the fused (−c)·x + a, without negating
    /// c. Tiles that broadcast a negated scalar every step (a scalar negation, then a register broadcast: a shuffle on a
    /// port the multiply-adds need) run about a quarter faster this way, the broadcast then coming from memory
    /// (<c>head-stages</c>' "tile in L1", 2-vCPU Xeon).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<double> MinusProduct(Vector512<double> c, Vector512<double> x, Vector512<double> a) =>
        Avx512F.IsSupported ? Avx512F.FusedMultiplyAddNegated(c, x, a) : Vector512.FusedMultiplyAdd(-c, x, a);

    /// <summary>a − c·x in each lane, rounded once (vfnmadd with FMA3), as the 512-bit one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<double> MinusProduct(Vector256<double> c, Vector256<double> x, Vector256<double> a) =>
        Fma.IsSupported ? Fma.MultiplyAddNegated(c, x, a) : Vector256.FusedMultiplyAdd(-c, x, a);

    /// <summary>x[i … i+8) widened to double (one vcvtps2pd with AVX-512F).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<double> Widen8(ref float x, nuint i) =>
        Avx512F.IsSupported
            ? Avx512F.ConvertToVector512Double(Vector256.LoadUnsafe(ref x, i))
            : Vector512.WidenLower(Vector256.LoadUnsafe(ref x, i).ToVector512Unsafe());

    /// <summary>x[i … i+4) widened to double (one vcvtps2pd with AVX).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<double> Widen4(ref float x, nuint i) =>
        Avx.IsSupported
            ? Avx.ConvertToVector256Double(Vector128.LoadUnsafe(ref x, i))
            : Vector256.WidenLower(Vector128.LoadUnsafe(ref x, i).ToVector256Unsafe());

    /// <summary>
    /// G += ZᵀZ on and below the diagonal, for Z a block of <paramref name="rows"/> rows stored row-major with
    /// stride <paramref name="ld"/>: the entry for columns i ≤ j, Σₜ zₜᵢ·zₜⱼ, is added to g[j·ld + i]
    /// (row j, column i of the ld × ld matrix G).
    /// </summary>
    /// <remarks>
    /// <para>The outer-product form of a GEMM micro-kernel: for each row t, a strip of consecutive columns
    /// zₜ[i₀ … i₀+16) is loaded as vectors and multiplied by zₜⱼ broadcast for a few columns j, into a tile of G
    /// held in registers (16 × 12 with 512-bit vectors: 24 accumulators, two loads and twelve broadcasts per
    /// 24 fused multiply-adds; 8 × 6 with 256-bit vectors, 12 accumulators of the 16 registers AVX2 has). There is no horizontal sum and no transposition:
    /// the rows are used as they lie in memory. With 512-bit vectors the 16 × 16 blocks on the diagonal (the whole
    /// matrix for 16 columns or fewer) take a triangle kernel instead, which skips the 8 × 8 quarter below the
    /// diagonal: 16 fused multiply-adds a row for 12 columns (d = 10 with y and the 1) where a 16 × 12 tile makes 24.</para>
    /// <para>Only the first <paramref name="cols"/> columns matter; the kernel also reads (and writes results
    /// for) columns up to the next multiple of 16, so <paramref name="ld"/> must be at least that. Whatever
    /// those extra columns hold only affects entries of G outside the first <paramref name="cols"/>. Entries
    /// above the diagonal inside a diagonal tile (g[j·ld + i], i &gt; j) receive partial sums and are not to be read.</para>
    /// <para>Panels wider than 128 columns (16 with 256-bit vectors) are first copied into strips of 16 columns,
    /// each strip's rows contiguous; the tiles then stream through those strips.</para>
    /// </remarks>
    /// <param name="z">rows × ld values.</param>
    /// <param name="rows">Rows of Z to add.</param>
    /// <param name="ld">Stride of Z's rows and of G's rows: a multiple of 16, at least <paramref name="cols"/>.</param>
    /// <param name="cols">The columns wanted.</param>
    /// <param name="g">ld × ld values.</param>
    /// <param name="vectorBits">512, 256 or 0 (scalar) to force a code path in tests; by default the widest the hardware accelerates.</param>
    public static void GramUpdate(ReadOnlySpan<double> z, int rows, int ld, int cols, Span<double> g, int? vectorBits = null)
    {
        if (ld % 16 != 0 || ld < cols) throw new ArgumentOutOfRangeException(nameof(ld), ld, $"The stride must be a multiple of 16 and at least {cols}.");
        if (z.Length < rows * ld) Throw.Length(nameof(z), z.Length, rows * ld, "rows × ld values");
        if (g.Length < ld * ld) Throw.Length(nameof(g), g.Length, ld * ld, "an ld × ld matrix");
        int bits = vectorBits ?? GramVectorBits;
        if (bits == 0)
        {
            for (int t = 0; t < rows; t++)
            {
                var row = z.Slice(t * ld, cols);
                for (int j = 0; j < cols; j++)
                {
                    double zj = row[j];
                    var target = g.Slice(j * ld, j + 1);
                    for (int i = 0; i <= j; i++) target[i] += row[i] * zj;
                }
            }
            return;
        }
        if (ld == 16 || (bits == 512 && ld <= PackAbove))
        {
            // Row-major: sixteen columns or fewer are one strip already, and up to 128 the 512-bit tiles stream the rows as they lie.
            GramUpdatePacked(z, ld, 16, rows, ld, cols, g, bits);
            return;
        }
        int strips = ld / 16;
        var a = System.Buffers.ArrayPool<double>.Shared.Rent(rows * ld);
        try
        {
            ref double zr = ref MemoryMarshal.GetReference(z);
            ref double ar = ref MemoryMarshal.GetArrayDataReference(a);
            for (int s = 0; s < strips; s++)
            {
                nuint from = (nuint)(s * 16), to = (nuint)(s * rows * 16);
                for (int t = 0; t < rows; t++, from += (nuint)ld, to += 16)
                {
                    Vector256.LoadUnsafe(ref zr, from).StoreUnsafe(ref ar, to);
                    Vector256.LoadUnsafe(ref zr, from + 4).StoreUnsafe(ref ar, to + 4);
                    Vector256.LoadUnsafe(ref zr, from + 8).StoreUnsafe(ref ar, to + 8);
                    Vector256.LoadUnsafe(ref zr, from + 12).StoreUnsafe(ref ar, to + 12);
                }
            }
            GramUpdatePacked(a.AsSpan(0, rows * ld), 16, rows * 16, rows, ld, cols, g, bits);
        }
        finally
        {
            System.Buffers.ArrayPool<double>.Shared.Return(a);
        }
    }

    /// <summary>
    /// The vector width <see cref="GramUpdate"/> uses by default: 512 where the CPU has AVX-512F (and the JIT
    /// accelerates 512-bit vectors), 256 where it has AVX2 with FMA (or, off x86, accelerated 256-bit vectors),
    /// else 0 (scalar). Tests force the other paths through the method's argument.
    /// </summary>
    internal static int GramVectorBits { get; } =
        Vector512.IsHardwareAccelerated && (Avx512F.IsSupported || !X86Base.IsSupported) ? 512
        : Vector256.IsHardwareAccelerated && (Fma.IsSupported || !X86Base.IsSupported) ? 256
        : 0;

    /// <summary>
    /// Panels of more columns than this are packed into strips for the 512-bit tiles (<see cref="GramUpdatePacked"/>);
    /// up to it the row-major panel is read as it lies. Measured (one thread, CPU time, interleaved with the packed
    /// path, d = 100): the row-major 16 × 12 tiles were faster up to about 128 columns, packing beyond.
    /// </summary>
    internal static int PackAbove { get; set; } = 128;

    /// <summary>
    /// <see cref="GramUpdate"/> on a panel laid out in strips of 16 columns: column c of row t is at
    /// <c>z[(c / 16)·stripStride + t·rowStride + c % 16]</c>. Packed strips (rowStride 16, stripStride = 16 × the
    /// rows a strip has room for) keep each strip's rows contiguous, so that every tile streams through a few
    /// contiguous runs instead of striding through a row-major panel, where wide rows evict each other from L1;
    /// a row-major panel is the case rowStride = ld, stripStride = 16. The statistics pass writes its panel in
    /// whichever layout directly, so nothing is copied twice.
    /// </summary>
    /// <param name="z">The panel.</param>
    /// <param name="rowStride">From a row's values to the next row's: 16 packed, ld row-major.</param>
    /// <param name="stripStride">From a strip of 16 columns to the next: 16 row-major, at least 16·rows packed.</param>
    /// <param name="rows">Rows of Z to add.</param>
    /// <param name="ld">Columns of Z with padding (a multiple of 16, at least <paramref name="cols"/>), and the stride of G's rows.</param>
    /// <param name="cols">The columns wanted (those after hold anything finite or not: they only reach entries not wanted).</param>
    /// <param name="g">ld × ld values; the entry for columns i ≤ j is added to g[j·ld + i].</param>
    /// <param name="vectorBits">512, 256 or 0 (scalar) to force a code path in tests; by default <see cref="GramVectorBits"/>.</param>
    /// <param name="ahead">Memory to bring into cache while the tiles work (the rows the next panel is copied from): its cache lines are
    /// asked for a few before each tile, spread over the whole update, so that reading them overlaps the multiply-adds instead of
    /// stalling the next copy. Only read as a hint; empty for none.</param>
    internal static void GramUpdatePacked(ReadOnlySpan<double> z, int rowStride, int stripStride, int rows, int ld, int cols, Span<double> g, int? vectorBits = null, ReadOnlySpan<byte> ahead = default)
    {
        var fetch = new Ahead(ahead);
        GramUpdatePacked(z, rowStride, stripStride, rows, ld, cols, g, vectorBits, ref fetch);
    }

    /// <summary>
    /// Work spread between the tiles of <see cref="GramUpdatePacked{TGaps}"/>: <see cref="Start"/> once with the number of
    /// calls to <see cref="Next"/> to come (one before each tile), so that memory the work reads or writes is in flight
    /// while the tiles' multiply-adds run instead of in a phase of its own (prefetching the rows of the next panel:
    /// <see cref="Ahead"/>; copying them: the statistics pass's panels).
    /// </summary>
    internal interface ITileGaps
    {
        /// <summary>Called once, before the first tile, with the number of calls to <see cref="Next"/> that follow.</summary>
        void Start(int calls);

        /// <summary>Called before each tile.</summary>
        void Next();
    }

    /// <summary>
    /// <see cref="GramUpdatePacked(ReadOnlySpan{double}, int, int, int, int, int, Span{double}, int?, ReadOnlySpan{byte})"/> with
    /// <paramref name="gaps"/> called between the tiles (a struct, so the calls are inlined).
    /// </summary>
    internal static void GramUpdatePacked<TGaps>(ReadOnlySpan<double> z, int rowStride, int stripStride, int rows, int ld, int cols, Span<double> g, int? vectorBits, ref TGaps gaps)
        where TGaps : ITileGaps, allows ref struct
    {
        if (ld % 16 != 0 || ld < cols) throw new ArgumentOutOfRangeException(nameof(ld), ld, $"The stride must be a multiple of 16 and at least {cols}.");
        ArgumentOutOfRangeException.ThrowIfLessThan(rowStride, 16);
        ArgumentOutOfRangeException.ThrowIfLessThan(stripStride, 16);
        long needed = rows == 0 ? 0 : (long)(ld / 16 - 1) * stripStride + (long)(rows - 1) * rowStride + 16;
        if (z.Length < needed) Throw.Length(nameof(z), z.Length, needed, "ld / 16 strips of the rows");
        if (g.Length < ld * ld) Throw.Length(nameof(g), g.Length, ld * ld, "an ld × ld matrix");
        int bits = vectorBits ?? GramVectorBits;
        int cols4 = (cols + 3) & ~3;
        ref double ar = ref MemoryMarshal.GetReference(z);
        nuint stride = (nuint)rowStride;
        ref double gr = ref MemoryMarshal.GetReference(g);
        if (bits == 512)
        {
            // Each strip of 16 rows of G: its diagonal block with the triangle kernel, then 16 × 12 tiles to the right.
            int calls = 0;
            for (int i0 = 0; i0 < cols; i0 += 16) calls += 1 + (cols4 - i0 - 16 + 11) / 12;
            gaps.Start(calls);
            for (int i0 = 0; i0 < cols; i0 += 16)
            {
                ref double strip = ref Quad(ref ar, stripStride, i0);
                gaps.Next();
                Diagonal512(DiagonalQuads(cols4, i0), ref strip, rows, rowStride, ref Unsafe.Add(ref gr, i0 * ld + i0), ld);
                int j0 = i0 + 16;
                for (; j0 + 12 <= cols4; j0 += 12)
                {
                    gaps.Next();
                    PackedTile16x12(ref strip, ref Quad(ref ar, stripStride, j0), ref Quad(ref ar, stripStride, j0 + 4), ref Quad(ref ar, stripStride, j0 + 8), rows, stride, ref Unsafe.Add(ref gr, j0 * ld + i0), ld);
                }
                if (j0 < cols4) gaps.Next();
                for (; j0 < cols4; j0 += 4) PackedTile16x4(ref strip, ref Quad(ref ar, stripStride, j0), rows, stride, ref Unsafe.Add(ref gr, j0 * ld + i0), ld);
            }
        }
        else if (bits == 256)
        {
            // Each half strip of 8 rows of G: 8 × 6 tiles (12 accumulators of the 16 registers) from the diagonal on, 8 × 4 for the last 4 or 8 columns.
            // One call of the gaps per tile: count them as the loops below make them.
            int calls = 0;
            for (int i0 = 0; i0 < cols; i0 += 8)
            {
                int j0 = i0;
                for (; cols4 - j0 >= 6 && cols4 - j0 != 8; j0 += 6) calls++;
                calls += (cols4 - j0) / 4;
            }
            gaps.Start(calls);
            for (int i0 = 0; i0 < cols; i0 += 8)
            {
                ref double strip = ref Quad(ref ar, stripStride, i0);
                int j0 = i0;
                for (; cols4 - j0 >= 6 && cols4 - j0 != 8; j0 += 6)
                {
                    gaps.Next();
                    PackedTile8x6(ref strip, ref Quad(ref ar, stripStride, j0), ref Quad(ref ar, stripStride, j0 + 2), ref Quad(ref ar, stripStride, j0 + 4), rows, stride, ref Unsafe.Add(ref gr, j0 * ld + i0), ld);
                }
                for (; j0 < cols4; j0 += 4)
                {
                    gaps.Next();
                    PackedTile8x4(ref strip, ref Quad(ref ar, stripStride, j0), rows, stride, ref Unsafe.Add(ref gr, j0 * ld + i0), ld);
                }
            }
        }
        else
        {
            gaps.Start(0);
            for (int t = 0; t < rows; t++)
                for (int j = 0; j < cols; j++)
                {
                    double zj = Unsafe.Add(ref Quad(ref ar, stripStride, j), t * rowStride);
                    for (int i = 0; i <= j; i++) Unsafe.Add(ref gr, j * ld + i) += Unsafe.Add(ref Quad(ref ar, stripStride, i), t * rowStride) * zj;
                }
        }
    }

    /// <summary>
    /// Prefetches of a run of memory spread over a number of calls to <see cref="Next"/>: each asks for its share of the
    /// cache lines (into L2: they are read once, by the next copy), so that they are in flight while the tiles between work.
    /// </summary>
    private ref struct Ahead : ITileGaps
    {
        private readonly ref byte _start;
        private readonly nint _length;
        private nint _next, _share;

        public Ahead(ReadOnlySpan<byte> memory)
        {
            _start = ref MemoryMarshal.GetReference(memory);
            _length = Sse.IsSupported ? memory.Length : 0;
        }

        public void Start(int calls) => _share = calls > 0 ? ((_length + calls - 1) / calls + 63) & ~(nint)63 : _length;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public unsafe void Next()
        {
            if (_next >= _length) return;
            nint end = Math.Min(_next + _share, _length);
            for (; _next < end; _next += 64) Sse.Prefetch1(Unsafe.AsPointer(ref Unsafe.Add(ref _start, _next)));
        }
    }

    /// <summary>Column <paramref name="column"/> of row 0 in strips <paramref name="stripStride"/> values apart.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref double Quad(ref double z, int stripStride, int column) => ref Unsafe.Add(ref z, (column >> 4) * stripStride + (column & 15));

    /// <summary>
    /// Asks for the cache lines of a tile of G (<paramref name="count"/> rows of <paramref name="width"/> values: 16, or 8 for the 256-bit tiles) before the tile's loop, so
    /// that they have arrived when the loop ends and adds into them: for wide panels G outgrows L2 (784² doubles for
    /// d = 768), and every tile would otherwise stall on its 2·count lines at the end.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void PrefetchTile(ref double g, int ld, int count, int width = 16)
    {
        if (!Sse.IsSupported) return;
        for (int c = 0; c < count; c++)
        {
            Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref g, c * ld)));
            Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref g, c * ld + width - 1)));
        }
    }

    /// <summary>16 × 12 tile on packed strips: <paramref name="a"/> a strip, <paramref name="q0"/>…<paramref name="q2"/> three quads of columns (rows <paramref name="step"/> apart for all).</summary>
    /// <remarks>
    /// Each broadcast feeds two FMAs, so the JIT loads it with a <c>vbroadcastsd</c> of its own. An 8 × 24 tile (one vector of the
    /// strip, six quads, 24 accumulators) has every broadcast folded into its FMA (<c>{1to8}</c>), 25 vector instructions a row against 38,
    /// but one load per FMA against 14 per 24, and measured slower (interleaved, one thread, <c>gram-ratios --d 100,768 --bits 512
    /// --repeat 7</c>, medians of three runs: the kernel 0.71–0.74 of the FMA peak against 0.77–0.80 at d = 100, 0.71–0.74 against
    /// 0.74–0.77 at d = 768; the d = 768 pass level within the noise), so this one stays.
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining)]   // inlined into the caller (PGO), the loop reloaded its strides from the stack and recomputed a quad's address every row
    private static void PackedTile16x12(ref double a, ref double q0, ref double q1, ref double q2, int rows, nuint step, ref double g, int ld)
    {
        PrefetchTile(ref g, ld, 12);
        Vector512<double> a0 = default, b0 = default, a1 = default, b1 = default, a2 = default, b2 = default, a3 = default, b3 = default;
        Vector512<double> a4 = default, b4 = default, a5 = default, b5 = default, a6 = default, b6 = default, a7 = default, b7 = default;
        Vector512<double> a8 = default, b8 = default, a9 = default, b9 = default, a10 = default, b10 = default, a11 = default, b11 = default;
        nuint ta = 0;
        for (int t = 0; t < rows; t++, ta += step)
        {
            var lo = Vector512.LoadUnsafe(ref a, ta);
            var hi = Vector512.LoadUnsafe(ref a, ta + 8);
            ref double p = ref Unsafe.Add(ref q0, ta);
            var y = Vector512.Create(p); a0 = Vector512.FusedMultiplyAdd(lo, y, a0); b0 = Vector512.FusedMultiplyAdd(hi, y, b0);
            y = Vector512.Create(Unsafe.Add(ref p, 1)); a1 = Vector512.FusedMultiplyAdd(lo, y, a1); b1 = Vector512.FusedMultiplyAdd(hi, y, b1);
            y = Vector512.Create(Unsafe.Add(ref p, 2)); a2 = Vector512.FusedMultiplyAdd(lo, y, a2); b2 = Vector512.FusedMultiplyAdd(hi, y, b2);
            y = Vector512.Create(Unsafe.Add(ref p, 3)); a3 = Vector512.FusedMultiplyAdd(lo, y, a3); b3 = Vector512.FusedMultiplyAdd(hi, y, b3);
            p = ref Unsafe.Add(ref q1, ta);
            y = Vector512.Create(p); a4 = Vector512.FusedMultiplyAdd(lo, y, a4); b4 = Vector512.FusedMultiplyAdd(hi, y, b4);
            y = Vector512.Create(Unsafe.Add(ref p, 1)); a5 = Vector512.FusedMultiplyAdd(lo, y, a5); b5 = Vector512.FusedMultiplyAdd(hi, y, b5);
            y = Vector512.Create(Unsafe.Add(ref p, 2)); a6 = Vector512.FusedMultiplyAdd(lo, y, a6); b6 = Vector512.FusedMultiplyAdd(hi, y, b6);
            y = Vector512.Create(Unsafe.Add(ref p, 3)); a7 = Vector512.FusedMultiplyAdd(lo, y, a7); b7 = Vector512.FusedMultiplyAdd(hi, y, b7);
            p = ref Unsafe.Add(ref q2, ta);
            y = Vector512.Create(p); a8 = Vector512.FusedMultiplyAdd(lo, y, a8); b8 = Vector512.FusedMultiplyAdd(hi, y, b8);
            y = Vector512.Create(Unsafe.Add(ref p, 1)); a9 = Vector512.FusedMultiplyAdd(lo, y, a9); b9 = Vector512.FusedMultiplyAdd(hi, y, b9);
            y = Vector512.Create(Unsafe.Add(ref p, 2)); a10 = Vector512.FusedMultiplyAdd(lo, y, a10); b10 = Vector512.FusedMultiplyAdd(hi, y, b10);
            y = Vector512.Create(Unsafe.Add(ref p, 3)); a11 = Vector512.FusedMultiplyAdd(lo, y, a11); b11 = Vector512.FusedMultiplyAdd(hi, y, b11);
        }
        nuint stride = (nuint)ld, o = 0;
        AddTo(ref g, o, a0, b0); AddTo(ref g, o += stride, a1, b1); AddTo(ref g, o += stride, a2, b2); AddTo(ref g, o += stride, a3, b3);
        AddTo(ref g, o += stride, a4, b4); AddTo(ref g, o += stride, a5, b5); AddTo(ref g, o += stride, a6, b6); AddTo(ref g, o += stride, a7, b7);
        AddTo(ref g, o += stride, a8, b8); AddTo(ref g, o += stride, a9, b9); AddTo(ref g, o += stride, a10, b10); AddTo(ref g, o + stride, a11, b11);
    }

    /// <summary>16 × 4 tile on packed strips (the last quads of a strip's row of tiles); <paramref name="b"/> a quad.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]   // inlined into the caller (PGO), the loop reloaded its strides from the stack and recomputed a quad's address every row
    private static void PackedTile16x4(ref double a, ref double b, int rows, nuint step, ref double g, int ld)
    {
        PrefetchTile(ref g, ld, 4);
        Vector512<double> a0 = default, b0 = default, a1 = default, b1 = default, a2 = default, b2 = default, a3 = default, b3 = default;
        nuint ta = 0;
        for (int t = 0; t < rows; t++, ta += step)
        {
            var lo = Vector512.LoadUnsafe(ref a, ta);
            var hi = Vector512.LoadUnsafe(ref a, ta + 8);
            ref double p = ref Unsafe.Add(ref b, ta);
            var y = Vector512.Create(p); a0 = Vector512.FusedMultiplyAdd(lo, y, a0); b0 = Vector512.FusedMultiplyAdd(hi, y, b0);
            y = Vector512.Create(Unsafe.Add(ref p, 1)); a1 = Vector512.FusedMultiplyAdd(lo, y, a1); b1 = Vector512.FusedMultiplyAdd(hi, y, b1);
            y = Vector512.Create(Unsafe.Add(ref p, 2)); a2 = Vector512.FusedMultiplyAdd(lo, y, a2); b2 = Vector512.FusedMultiplyAdd(hi, y, b2);
            y = Vector512.Create(Unsafe.Add(ref p, 3)); a3 = Vector512.FusedMultiplyAdd(lo, y, a3); b3 = Vector512.FusedMultiplyAdd(hi, y, b3);
        }
        nuint stride = (nuint)ld, o = 0;
        AddTo(ref g, o, a0, b0); AddTo(ref g, o += stride, a1, b1); AddTo(ref g, o += stride, a2, b2); AddTo(ref g, o + stride, a3, b3);
    }

    /// <summary>8 × 4 tile of 256-bit vectors on packed operands: <paramref name="a"/> 8 columns of a strip (16 per row), <paramref name="b"/> a quad (rows <paramref name="step"/> apart for both).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]   // inlined into the caller (PGO), the loop reloaded its strides from the stack and recomputed a quad's address every row
    private static void PackedTile8x4(ref double a, ref double b, int rows, nuint step, ref double g, int ld)
    {
        PrefetchTile(ref g, ld, 4, 8);
        Vector256<double> a0 = default, b0 = default, a1 = default, b1 = default, a2 = default, b2 = default, a3 = default, b3 = default;
        nuint ta = 0;
        for (int t = 0; t < rows; t++, ta += step)
        {
            var lo = Vector256.LoadUnsafe(ref a, ta);
            var hi = Vector256.LoadUnsafe(ref a, ta + 4);
            ref double p = ref Unsafe.Add(ref b, ta);
            var y = Vector256.Create(p); a0 = Vector256.FusedMultiplyAdd(lo, y, a0); b0 = Vector256.FusedMultiplyAdd(hi, y, b0);
            y = Vector256.Create(Unsafe.Add(ref p, 1)); a1 = Vector256.FusedMultiplyAdd(lo, y, a1); b1 = Vector256.FusedMultiplyAdd(hi, y, b1);
            y = Vector256.Create(Unsafe.Add(ref p, 2)); a2 = Vector256.FusedMultiplyAdd(lo, y, a2); b2 = Vector256.FusedMultiplyAdd(hi, y, b2);
            y = Vector256.Create(Unsafe.Add(ref p, 3)); a3 = Vector256.FusedMultiplyAdd(lo, y, a3); b3 = Vector256.FusedMultiplyAdd(hi, y, b3);
        }
        nuint stride = (nuint)ld, o = 0;
        for (int c = 0; c < 4; c++, o += stride)
        {
            var (lo, hi) = c switch { 0 => (a0, b0), 1 => (a1, b1), 2 => (a2, b2), _ => (a3, b3) };
            (Vector256.LoadUnsafe(ref g, o) + lo).StoreUnsafe(ref g, o);
            (Vector256.LoadUnsafe(ref g, o + 4) + hi).StoreUnsafe(ref g, o + 4);
        }
    }

    /// <summary>
    /// 8 × 6 tile of 256-bit vectors on packed operands: <paramref name="a"/> 8 columns of a strip, <paramref name="p0"/>…<paramref name="p2"/>
    /// three pairs of columns (a pair never straddles two strips; rows <paramref name="step"/> apart for all): 12 accumulators, two loads
    /// and six broadcasts per 12 fused multiply-adds, where the 8 × 4 tile's 8 accumulators only just cover the latency of two FMA ports.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void PackedTile8x6(ref double a, ref double p0, ref double p1, ref double p2, int rows, nuint step, ref double g, int ld)
    {
        PrefetchTile(ref g, ld, 6, 8);
        Vector256<double> a0 = default, b0 = default, a1 = default, b1 = default, a2 = default, b2 = default;
        Vector256<double> a3 = default, b3 = default, a4 = default, b4 = default, a5 = default, b5 = default;
        nuint ta = 0;
        for (int t = 0; t < rows; t++, ta += step)
        {
            var lo = Vector256.LoadUnsafe(ref a, ta);
            var hi = Vector256.LoadUnsafe(ref a, ta + 4);
            var y = Vector256.Create(Unsafe.Add(ref p0, ta)); a0 = Vector256.FusedMultiplyAdd(lo, y, a0); b0 = Vector256.FusedMultiplyAdd(hi, y, b0);
            y = Vector256.Create(Unsafe.Add(ref p0, ta + 1)); a1 = Vector256.FusedMultiplyAdd(lo, y, a1); b1 = Vector256.FusedMultiplyAdd(hi, y, b1);
            y = Vector256.Create(Unsafe.Add(ref p1, ta)); a2 = Vector256.FusedMultiplyAdd(lo, y, a2); b2 = Vector256.FusedMultiplyAdd(hi, y, b2);
            y = Vector256.Create(Unsafe.Add(ref p1, ta + 1)); a3 = Vector256.FusedMultiplyAdd(lo, y, a3); b3 = Vector256.FusedMultiplyAdd(hi, y, b3);
            y = Vector256.Create(Unsafe.Add(ref p2, ta)); a4 = Vector256.FusedMultiplyAdd(lo, y, a4); b4 = Vector256.FusedMultiplyAdd(hi, y, b4);
            y = Vector256.Create(Unsafe.Add(ref p2, ta + 1)); a5 = Vector256.FusedMultiplyAdd(lo, y, a5); b5 = Vector256.FusedMultiplyAdd(hi, y, b5);
        }
        nuint stride = (nuint)ld, o = 0;
        AddTo(ref g, o, a0, b0); AddTo(ref g, o += stride, a1, b1); AddTo(ref g, o += stride, a2, b2);
        AddTo(ref g, o += stride, a3, b3); AddTo(ref g, o += stride, a4, b4); AddTo(ref g, o + stride, a5, b5);
    }

    /// <summary>A count of 4-column quads fixed at JIT time, so that <see cref="Narrow512{TQuads}"/> keeps only the accumulators it needs (and so does <see cref="NarrowGram"/>).</summary>
    internal interface IQuads
    {
        static abstract int Count { get; }
    }

    internal readonly struct One : IQuads { public static int Count => 1; }

    internal readonly struct Two : IQuads { public static int Count => 2; }

    internal readonly struct Three : IQuads { public static int Count => 3; }

    internal readonly struct Four : IQuads { public static int Count => 4; }

    /// <summary>
    /// The Gram update of a narrow panel (at most 16 columns, 4·<typeparamref name="TQuads"/> of them used) in one
    /// sweep over its rows, the whole upper triangle in registers: row t's columns 0–7 (v₀) and 8–15 (v₁) are loaded
    /// once, and for each column j, v₀·zₜⱼ is accumulated, and v₁·zₜⱼ only for j ≥ 8, where it holds entries on or
    /// above the diagonal: 16 fused multiply-adds a row for 12 columns (d = 10), where the 16 × 12 tile makes 24.
    /// </summary>
    private static void Narrow512<TQuads>(ref double z, int rows, int ld, ref double g, int gld) where TQuads : struct, IQuads
    {
        Vector512<double> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        Vector512<double> a8 = default, a9 = default, a10 = default, a11 = default, a12 = default, a13 = default, a14 = default, a15 = default;
        Vector512<double> b8 = default, b9 = default, b10 = default, b11 = default, b12 = default, b13 = default, b14 = default, b15 = default;
        nuint stride = (nuint)ld, row = 0;
        for (int t = 0; t < rows; t++, row += stride)
        {
            ref double q = ref Unsafe.Add(ref z, row);
            var lo = Vector512.LoadUnsafe(ref q);
            a0 = Vector512.FusedMultiplyAdd(lo, Vector512.Create(q), a0);
            a1 = Vector512.FusedMultiplyAdd(lo, Vector512.Create(Unsafe.Add(ref q, 1)), a1);
            a2 = Vector512.FusedMultiplyAdd(lo, Vector512.Create(Unsafe.Add(ref q, 2)), a2);
            a3 = Vector512.FusedMultiplyAdd(lo, Vector512.Create(Unsafe.Add(ref q, 3)), a3);
            if (TQuads.Count > 1)
            {
                a4 = Vector512.FusedMultiplyAdd(lo, Vector512.Create(Unsafe.Add(ref q, 4)), a4);
                a5 = Vector512.FusedMultiplyAdd(lo, Vector512.Create(Unsafe.Add(ref q, 5)), a5);
                a6 = Vector512.FusedMultiplyAdd(lo, Vector512.Create(Unsafe.Add(ref q, 6)), a6);
                a7 = Vector512.FusedMultiplyAdd(lo, Vector512.Create(Unsafe.Add(ref q, 7)), a7);
            }
            if (TQuads.Count > 2)
            {
                var hi = Vector512.LoadUnsafe(ref q, 8);
                var y = Vector512.Create(Unsafe.Add(ref q, 8)); a8 = Vector512.FusedMultiplyAdd(lo, y, a8); b8 = Vector512.FusedMultiplyAdd(hi, y, b8);
                y = Vector512.Create(Unsafe.Add(ref q, 9)); a9 = Vector512.FusedMultiplyAdd(lo, y, a9); b9 = Vector512.FusedMultiplyAdd(hi, y, b9);
                y = Vector512.Create(Unsafe.Add(ref q, 10)); a10 = Vector512.FusedMultiplyAdd(lo, y, a10); b10 = Vector512.FusedMultiplyAdd(hi, y, b10);
                y = Vector512.Create(Unsafe.Add(ref q, 11)); a11 = Vector512.FusedMultiplyAdd(lo, y, a11); b11 = Vector512.FusedMultiplyAdd(hi, y, b11);
                if (TQuads.Count > 3)
                {
                    y = Vector512.Create(Unsafe.Add(ref q, 12)); a12 = Vector512.FusedMultiplyAdd(lo, y, a12); b12 = Vector512.FusedMultiplyAdd(hi, y, b12);
                    y = Vector512.Create(Unsafe.Add(ref q, 13)); a13 = Vector512.FusedMultiplyAdd(lo, y, a13); b13 = Vector512.FusedMultiplyAdd(hi, y, b13);
                    y = Vector512.Create(Unsafe.Add(ref q, 14)); a14 = Vector512.FusedMultiplyAdd(lo, y, a14); b14 = Vector512.FusedMultiplyAdd(hi, y, b14);
                    y = Vector512.Create(Unsafe.Add(ref q, 15)); a15 = Vector512.FusedMultiplyAdd(lo, y, a15); b15 = Vector512.FusedMultiplyAdd(hi, y, b15);
                }
            }
        }
        stride = (nuint)gld;
        nuint o = 0;
        Add(ref g, o, a0); Add(ref g, o += stride, a1); Add(ref g, o += stride, a2); Add(ref g, o += stride, a3);
        if (TQuads.Count > 1)
        {
            Add(ref g, o += stride, a4); Add(ref g, o += stride, a5); Add(ref g, o += stride, a6); Add(ref g, o += stride, a7);
        }
        if (TQuads.Count > 2)
        {
            AddTo(ref g, o += stride, a8, b8); AddTo(ref g, o += stride, a9, b9); AddTo(ref g, o += stride, a10, b10); AddTo(ref g, o += stride, a11, b11);
        }
        if (TQuads.Count > 3)
        {
            AddTo(ref g, o += stride, a12, b12); AddTo(ref g, o += stride, a13, b13); AddTo(ref g, o += stride, a14, b14); AddTo(ref g, o + stride, a15, b15);
        }
    }

    /// <summary>
    /// The 16 × 16 diagonal block of G at (i₀, i₀) with the triangle kernel, <paramref name="quads"/> (at most 4 used)
    /// columns of 4 from i₀: z and g point at column i₀ of row 0 and at entry (i₀, i₀), with strides
    /// <paramref name="ld"/> and <paramref name="gld"/>.
    /// </summary>
    private static void Diagonal512(int quads, ref double z, int rows, int ld, ref double g, int gld) =>
        Narrow512For(quads)(ref z, rows, ld, ref g, gld);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add(ref double g, nuint offset, Vector512<double> v) => (Vector512.LoadUnsafe(ref g, offset) + v).StoreUnsafe(ref g, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddTo(ref double g, nuint offset, Vector256<double> lo, Vector256<double> hi)
    {
        (Vector256.LoadUnsafe(ref g, offset) + lo).StoreUnsafe(ref g, offset);
        (Vector256.LoadUnsafe(ref g, offset + 4) + hi).StoreUnsafe(ref g, offset + 4);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddTo(ref double g, nuint offset, Vector512<double> lo, Vector512<double> hi)
    {
        (Vector512.LoadUnsafe(ref g, offset) + lo).StoreUnsafe(ref g, offset);
        (Vector512.LoadUnsafe(ref g, offset + 8) + hi).StoreUnsafe(ref g, offset + 8);
    }
}
