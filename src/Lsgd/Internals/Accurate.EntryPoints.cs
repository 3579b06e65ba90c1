using System.Reflection;
using System.Runtime.Intrinsics;

namespace Lsgd.Internals;

/// <summary>The compensated sums' entry points (<see cref="EntryPoints"/>).</summary>
internal static partial class Accurate
{
    /// <summary>
    /// <see cref="Combine(Vector256{double}, Vector256{double}, ref double, ref double)"/> where the sweeps run 256-bit
    /// lanes (where the first fits' JIT summaries found it compiled on its own: docs/STARTUP.md).
    /// </summary>
    internal static IEnumerable<MethodInfo> CombineEntryPoints(int bits)
    {
        if (bits == 256)
            yield return EntryPoints.Overload(typeof(Accurate), nameof(Combine), typeof(Vector256<double>), typeof(Vector256<double>), typeof(double).MakeByRefType(), typeof(double).MakeByRefType());
    }
}
