using System.Reflection;
using Lsgd.Internals;

namespace Lsgd.LinearAlgebra;

/// <summary>The Gram kernels' entry points (<see cref="EntryPoints"/>): which of them <see cref="GramUpdatePacked"/> calls for a panel's columns.</summary>
internal static partial class Kernels
{
    private delegate void DiagonalKernel(ref double z, int rows, int ld, ref double g, int gld);

    /// <summary>The quads of 4 columns of the diagonal block at column <paramref name="i0"/> of a panel of <paramref name="cols4"/> columns (more than 4: all four).</summary>
    private static int DiagonalQuads(int cols4, int i0) => (cols4 - i0) >> 2;

    /// <summary>The triangle kernel <see cref="Diagonal512"/> calls for a diagonal block of <paramref name="quads"/> quads (at most 4 used).</summary>
    private static DiagonalKernel Narrow512For(int quads) => EntryPoints.Chosen<DiagonalKernel>(quads switch
    {
        1 => Narrow512<One>,
        2 => Narrow512<Two>,
        3 => Narrow512<Three>,
        _ => Narrow512<Four>,
    });

    /// <summary>
    /// The kernels <see cref="GramUpdatePacked"/> calls on a panel of <paramref name="cols"/> columns at <paramref name="bits"/>-bit
    /// vectors (its 512-bit diagonal blocks, strip by strip; the tiles of that width; none for scalar code).
    /// </summary>
    internal static IEnumerable<MethodInfo> GramEntryPoints(int cols, int bits)
    {
        int cols4 = (cols + 3) & ~3;
        if (bits == 512)
        {
            var diagonal = new List<MethodInfo>();
            for (int i0 = 0; i0 < cols; i0 += 16)
            {
                var kernel = Narrow512For(DiagonalQuads(cols4, i0)).Method;
                if (!diagonal.Contains(kernel)) diagonal.Add(kernel);
            }
            foreach (var kernel in diagonal) yield return kernel;
            if (cols4 > 16)
            {
                yield return EntryPoints.Method(typeof(Kernels), nameof(PackedTile16x12));
                yield return EntryPoints.Method(typeof(Kernels), nameof(PackedTile16x4));
            }
        }
        else if (bits == 256)
        {
            yield return EntryPoints.Method(typeof(Kernels), nameof(PackedTile8x6));
            yield return EntryPoints.Method(typeof(Kernels), nameof(PackedTile8x4));
        }
    }

    /// <summary><see cref="DotWiden"/>: float32 rows against double coefficients.</summary>
    internal static MethodInfo DotWidenEntryPoint => EntryPoints.Method(typeof(Kernels), nameof(DotWiden));
}
