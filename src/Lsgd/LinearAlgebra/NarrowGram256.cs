using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Lsgd.LinearAlgebra;

/// <summary>
/// The fused narrow kernel on 256-bit vectors (AVX2 with FMA): the rows made as in the 512-bit kernel, four columns to a
/// vector, and the triangle, which 16 registers cannot hold beyond 8 columns (12 columns take 24 accumulators), swept in
/// column groups over a block of the rows kept in L1.
/// </summary>
/// <remarks>
/// <para>Row t's 4·Q columns (Q quads: ⌈(d + k + 1) / 4⌉) are Q vectors v₀ … v_{Q−1}; entry (i, j), i ≤ j, is lane i mod 4
/// of v_{i/4}·zₜⱼ. The first sweep runs as the rows are made: each row's columns 0–7 are multiplied in from its registers
/// (v₀·zₜⱼ for j &lt; 4, v₀ and v₁·zₜⱼ for j = 4 … 7: 12 accumulators; each zₜⱼ broadcast by a permute, vpermpd), and
/// the row is stored into a block of up to <see cref="BlockRows"/> rows. Measured (one thread, <c>gram-ratios --d 10
/// --bits 256</c>, rows in L2): 0.0037–0.0039 s against 0.0048 s when the broadcasts were loaded back from the block a
/// few rows later, as the 512-bit kernel does. The columns from 8 on are swept over the block afterwards, 12 or 4
/// accumulators at a time (<see cref="Sweep{TVectors}"/>), reading the rows back from L1. Every accumulator is kept in
/// memory between blocks (loaded and stored exactly), so each entry is the same chain of fused multiply-adds over the
/// call's rows in order, from zero, added into G once per call: the bits of the panel copy and the 256-bit tiles
/// (<see cref="Kernels.GramUpdatePacked"/>) on the same rows.</para>
/// <para>24 fused multiply-adds a row at d = 10 (the tiles make 32, the 8 × 4 tile on the last columns half padding),
/// and no panel written and read back beyond L1.</para>
/// </remarks>
internal static unsafe partial class NarrowGram
{
    /// <summary>Rows made and kept in L1 for the later sweeps (16 values a row: 16 KiB).</summary>
    private const int BlockRows = 128;

    // Offsets of the 256-bit kernel's scratch: the constants (Shift, Tail, Features, Targets as for 512 bits), the
    // accumulators between blocks (at most 40 vectors of 4), and the block of rows.
    private const int Accumulators = 64, Block = Accumulators + 160, Scratch256 = Block + BlockRows * 16;

    /// <summary>The 256-bit kernel (<see cref="Update{T}"/> at 256 bits): the constants, the accumulators cleared, then the chosen instantiation.</summary>
    private static void Update256<T>(T* xp, int d, double* yp, int k, double* wp, bool weighted, int rows,
        ReadOnlySpan<double> shiftX, ReadOnlySpan<double> shiftY, double* gp, nint ahead, int fetched, int panelRows) where T : unmanaged
    {
        var block = stackalloc double[Scratch256 + 8];
        var c = (double*)(((nint)block + 63) & ~(nint)63);
        RowConstants(c, d, k, shiftX, shiftY);
        var kernel = weighted ? Run256For<T, Yes>(Quads(d, k)) : Run256For<T, No>(Quads(d, k));
        ByPanels(kernel, xp, d, yp, k, wp, weighted, rows, c, gp, ahead, fetched, panelRows, new Span<double>(c + Accumulators, Block - Accumulators));
    }

    /// <summary>Quad <paramref name="q"/> (columns 4q … 4q + 3) of row t as doubles, shifted, before the weight: features, targets, the 1, zeros after (<paramref name="yd"/>: row t's targets less d, target o at yd[d + o]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Quad<T>(T* xt, double* yd, double* c, int q, int d, int k) where T : unmanaged
    {
        int first = 4 * q;
        if (first + 4 <= d) return Load4(xt + first) - Vector256.Load(c + Shift + first);
        // The quad that holds the last features, the targets or the 1, without a branch on d or k (the JIT does not take
        // them out of the row loop: four compares and two taken jumps a row at d = 10): masked loads put feature 4q + i at
        // lane i and target o at lane d + o − 4q (masked lanes read nothing and give +0, the bits the masks made before).
        // With the row loop's stack traffic gone (Run256), measured in one process against the previous code, rows in L2
        // (gram-ratios --d 10 --bits 256, cached case): 1.06× the rows a second, median of 5 (1.03–1.09); from memory
        // (statistics case) 1.025× (1.01–1.12).
        Vector256<double> v = Vector256.Load(c + Tail + first);
        if (typeof(T) == typeof(double)) v |= Avx.MaskLoad((double*)xt + first, Vector256.Load(c + Features + first));
        else if (first < d) v |= Load4(xt + first) & Vector256.Load(c + Features + first);
        v |= Avx.MaskLoad(yd + first, Vector256.Load(c + Targets + first));
        return v - Vector256.Load(c + Shift + first);
    }

    /// <summary>4 features from <paramref name="x"/> as doubles (float32 widened).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Load4<T>(T* x) where T : unmanaged =>
        typeof(T) == typeof(double) ? Vector256.Load((double*)x) : Avx.ConvertToVector256Double(Vector128.Load((float*)x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> B(double* p) => Vector256.Create(*p);

    private static void Run256<T, TWeighted, TQuads>(T* x, int d, double* y, int k, double* w, int rows, double* c, double* g, nint ahead, int fetched)
        where T : unmanaged where TWeighted : struct, IFlag where TQuads : struct, Kernels.IQuads
    {
        double* acc = c + Accumulators, buffer = c + Block;
        bool two = TQuads.Count > 1;
        for (int s = 0; s < rows; s += BlockRows)
        {
            int m = Math.Min(BlockRows, rows - s);
            // The first sweep's accumulators: columns 0–3 times v₀ (a), columns 4–7 times v₀ (a) and v₁ (b).
            Vector256<double> a0 = Vector256.Load(acc), a1 = Vector256.Load(acc + 4), a2 = Vector256.Load(acc + 8), a3 = Vector256.Load(acc + 12);
            Vector256<double> a4 = default, a5 = default, a6 = default, a7 = default, b4 = default, b5 = default, b6 = default, b7 = default;
            if (two)
            {
                a4 = Vector256.Load(acc + 16); a5 = Vector256.Load(acc + 20); a6 = Vector256.Load(acc + 24); a7 = Vector256.Load(acc + 28);
                b4 = Vector256.Load(acc + 32); b5 = Vector256.Load(acc + 36); b6 = Vector256.Load(acc + 40); b7 = Vector256.Load(acc + 44);
            }
            // Row s + t is made in registers and stored into the block for the later sweeps, and its columns 0–7 are
            // multiplied in straight from the registers: each zₜⱼ broadcast by a permute of its vector (vpermpd) rather than
            // loaded back from the block (no store to wait for, no load).
            // The row pointers start afresh each block and die with the row loop: live across the sweeps' calls, the JIT
            // kept them (and the strides) on the stack, two stores and four loads a row.
            T* xt = x + (nint)s * d, pf = xt + ahead, pfEnd = x + (nint)fetched * d + ahead;
            double* yt = y + (nint)s * k - d, wt = w + s;   // targets less d (Quad)
            nint dx = d, dy = k;
            double* r = buffer, end = buffer + m * 16;
            for (; r < end; r += 16, xt += dx, yt += dy, pf += dx)
            {
                // The prefetch address its own pointer: with ahead (a stack argument) added each row, it was loaded from the stack each row.
                if (pf < pfEnd) Prefetch(pf, 0);
                var v0 = Quad(xt, yt, c, 0, d, k);
                var v1 = two ? Quad(xt, yt, c, 1, d, k) : default;
                if (TWeighted.Value)
                {
                    var root = Vector256.Create(Math.Sqrt(*wt));
                    wt++;
                    v0 *= root;
                    v1 *= root;
                }
                v0.Store(r);
                if (two) v1.Store(r + 4);
                a0 = Vector256.FusedMultiplyAdd(v0, Avx2.Permute4x64(v0, 0x00), a0);
                a1 = Vector256.FusedMultiplyAdd(v0, Avx2.Permute4x64(v0, 0x55), a1);
                a2 = Vector256.FusedMultiplyAdd(v0, Avx2.Permute4x64(v0, 0xAA), a2);
                a3 = Vector256.FusedMultiplyAdd(v0, Avx2.Permute4x64(v0, 0xFF), a3);
                if (two)
                {
                    var b = Avx2.Permute4x64(v1, 0x00); a4 = Vector256.FusedMultiplyAdd(v0, b, a4); b4 = Vector256.FusedMultiplyAdd(v1, b, b4);
                    b = Avx2.Permute4x64(v1, 0x55); a5 = Vector256.FusedMultiplyAdd(v0, b, a5); b5 = Vector256.FusedMultiplyAdd(v1, b, b5);
                    b = Avx2.Permute4x64(v1, 0xAA); a6 = Vector256.FusedMultiplyAdd(v0, b, a6); b6 = Vector256.FusedMultiplyAdd(v1, b, b6);
                    b = Avx2.Permute4x64(v1, 0xFF); a7 = Vector256.FusedMultiplyAdd(v0, b, a7); b7 = Vector256.FusedMultiplyAdd(v1, b, b7);
                }
                if (TQuads.Count > 2)
                {
                    // The weight again (a load and a square root are cheaper than a register held through the multiply-adds).
                    var v2 = Quad(xt, yt, c, 2, d, k);
                    var v3 = TQuads.Count > 3 ? Quad(xt, yt, c, 3, d, k) : default;
                    if (TWeighted.Value)
                    {
                        var root = Vector256.Create(Math.Sqrt(wt[-1]));
                        v2 *= root;
                        v3 *= root;
                    }
                    v2.Store(r + 8);
                    if (TQuads.Count > 3) v3.Store(r + 12);
                }
            }
            a0.Store(acc); a1.Store(acc + 4); a2.Store(acc + 8); a3.Store(acc + 12);
            if (two)
            {
                a4.Store(acc + 16); a5.Store(acc + 20); a6.Store(acc + 24); a7.Store(acc + 28);
                b4.Store(acc + 32); b5.Store(acc + 36); b6.Store(acc + 40); b7.Store(acc + 44);
            }
            // Columns 8–11 times v₀ … v₂; columns 12–15 times v₀ … v₂, then v₃.
            if (TQuads.Count > 2) Sweep<Kernels.Three>(buffer, m, 8, 0, acc + 48);
            if (TQuads.Count > 3)
            {
                Sweep<Kernels.Three>(buffer, m, 12, 0, acc + 96);
                Sweep<Kernels.One>(buffer, m, 12, 3, acc + 144);
            }
        }
        // Into G: column j's accumulators hold rows 4p … 4p + 3 of its column (entry (i, j) at g[j·16 + i]).
        for (int j = 0; j < 4; j++) Add4(g + j * 16, acc + 4 * j);
        if (two)
            for (int j = 4; j < 8; j++)
            {
                Add4(g + j * 16, acc + 4 * j);
                Add4(g + j * 16 + 4, acc + 32 + 4 * (j - 4));
            }
        if (TQuads.Count > 2) Added(g, 8, 0, 3, acc + 48);
        if (TQuads.Count > 3)
        {
            Added(g, 12, 0, 3, acc + 96);
            Added(g, 12, 3, 1, acc + 144);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add4(double* g, double* a) => (Vector256.Load(g) + Vector256.Load(a)).Store(g);

    /// <summary>Adds a sweep's accumulators (<see cref="Sweep{TVectors}"/>'s layout) into G.</summary>
    private static void Added(double* g, int column, int first, int vectors, double* acc)
    {
        for (int c = 0; c < 4; c++)
            for (int p = 0; p < vectors; p++)
                Add4(g + (column + c) * 16 + 4 * (first + p), acc + (c * vectors + p) * 4);
    }

    /// <summary>
    /// Columns <paramref name="column"/> … + 3 times vectors <paramref name="first"/> … + <typeparamref name="TVectors"/>
    /// of <paramref name="rows"/> rows of the block (16 values a row), into the accumulators at <paramref name="acc"/>
    /// (column c, vector p at (c·vectors + p)·4), loaded first and stored back.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Sweep<TVectors>(double* buffer, int rows, int column, int first, double* acc) where TVectors : struct, Kernels.IQuads
    {
        int n = TVectors.Count;
        Vector256<double> a0 = Vector256.Load(acc), a1 = default, a2 = default, b0 = Vector256.Load(acc + 4 * n), b1 = default, b2 = default;
        Vector256<double> c0 = Vector256.Load(acc + 8 * n), c1 = default, c2 = default, e0 = Vector256.Load(acc + 12 * n), e1 = default, e2 = default;
        if (n > 1) { a1 = Vector256.Load(acc + 4); b1 = Vector256.Load(acc + 4 * n + 4); c1 = Vector256.Load(acc + 8 * n + 4); e1 = Vector256.Load(acc + 12 * n + 4); }
        if (n > 2) { a2 = Vector256.Load(acc + 8); b2 = Vector256.Load(acc + 4 * n + 8); c2 = Vector256.Load(acc + 8 * n + 8); e2 = Vector256.Load(acc + 12 * n + 8); }
        double* v = buffer + 4 * first, z = buffer + column;
        for (int t = 0; t < rows; t++, v += 16, z += 16)
        {
            var v0 = Vector256.Load(v);
            var v1 = n > 1 ? Vector256.Load(v + 4) : default;
            var v2 = n > 2 ? Vector256.Load(v + 8) : default;
            var y = B(z); a0 = Vector256.FusedMultiplyAdd(v0, y, a0);
            if (n > 1) a1 = Vector256.FusedMultiplyAdd(v1, y, a1);
            if (n > 2) a2 = Vector256.FusedMultiplyAdd(v2, y, a2);
            y = B(z + 1); b0 = Vector256.FusedMultiplyAdd(v0, y, b0);
            if (n > 1) b1 = Vector256.FusedMultiplyAdd(v1, y, b1);
            if (n > 2) b2 = Vector256.FusedMultiplyAdd(v2, y, b2);
            y = B(z + 2); c0 = Vector256.FusedMultiplyAdd(v0, y, c0);
            if (n > 1) c1 = Vector256.FusedMultiplyAdd(v1, y, c1);
            if (n > 2) c2 = Vector256.FusedMultiplyAdd(v2, y, c2);
            y = B(z + 3); e0 = Vector256.FusedMultiplyAdd(v0, y, e0);
            if (n > 1) e1 = Vector256.FusedMultiplyAdd(v1, y, e1);
            if (n > 2) e2 = Vector256.FusedMultiplyAdd(v2, y, e2);
        }
        a0.Store(acc); b0.Store(acc + 4 * n); c0.Store(acc + 8 * n); e0.Store(acc + 12 * n);
        if (n > 1) { a1.Store(acc + 4); b1.Store(acc + 4 * n + 4); c1.Store(acc + 8 * n + 4); e1.Store(acc + 12 * n + 4); }
        if (n > 2) { a2.Store(acc + 8); b2.Store(acc + 4 * n + 8); c2.Store(acc + 8 * n + 8); e2.Store(acc + 12 * n + 8); }
    }
}
