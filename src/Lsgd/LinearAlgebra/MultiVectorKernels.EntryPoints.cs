using System.Reflection;
using Lsgd.Internals;

namespace Lsgd.LinearAlgebra;

/// <summary>The multi-vector kernels' entry points (<see cref="Internals.EntryPoints"/>).</summary>
internal static partial class MultiVectorKernels
{
    /// <summary>
    /// The kernels <see cref="Dots"/> and <see cref="SubtractScaled"/> run for <paramref name="outputs"/> right-hand sides (the dense
    /// solves and the iterative engines: one vector or several, four at a time); unknown: as for one.
    /// </summary>
    internal static IEnumerable<MethodInfo> EntryPoints(int? outputs)
    {
        yield return Internals.EntryPoints.Method(typeof(MultiVectorKernels), nameof(Dot1));
        yield return Internals.EntryPoints.Method(typeof(MultiVectorKernels), nameof(Dot4));
        yield return Internals.EntryPoints.Method(typeof(MultiVectorKernels), nameof(Axpy1));
        if (outputs is > 1) yield return Internals.EntryPoints.Method(typeof(MultiVectorKernels), nameof(Axpy4));
    }
}
