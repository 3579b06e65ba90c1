using System.Reflection;
using Lsgd.Internals;

namespace Lsgd.Estimators;

/// <summary>The multi-output residuals' entry point (<see cref="EntryPoints"/>).</summary>
internal static partial class MultiOutputResiduals
{
    /// <summary><see cref="Tile"/>: four rows against four outputs.</summary>
    internal static MethodInfo TileEntryPoint => EntryPoints.Method(typeof(MultiOutputResiduals), nameof(Tile));
}
