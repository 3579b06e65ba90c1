using System.Reflection;
using Lsgd.Internals;
using Lsgd.LinearAlgebra;

namespace Lsgd.Estimators;

/// <summary>The multi-output residuals' entry point (<see cref="EntryPoints"/>).</summary>
internal static partial class MultiOutputResiduals
{
    /// <summary><see cref="Tile"/>: four rows against four outputs.</summary>
    internal static MethodInfo TileEntryPoint => EntryPoints.Method(typeof(MultiOutputResiduals), nameof(Tile));

    /// <summary>
    /// The residual kernels for <paramref name="d"/> features and <paramref name="k"/> outputs (k null: not known) at
    /// <paramref name="bits"/>-bit vectors: the 4 × 4 tile (it takes a block's last rows too), and, where
    /// <see cref="UsesPanels"/> says so, <see cref="Panels"/> and the register tile it calls.
    /// </summary>
    internal static IEnumerable<MethodInfo> EntryPointsFor(int d, int? k, int bits)
    {
        yield return TileEntryPoint;
        if (k is { } outputs && UsesPanels(d, outputs, bits))
        {
            yield return EntryPoints.Method(typeof(MultiOutputResiduals), nameof(Panels));
            yield return EntryPoints.Method(typeof(TriangularPanels), nameof(TriangularPanels.SubtractProduct));
        }
    }
}
