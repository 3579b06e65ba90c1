using System.Reflection;
using Lsgd.Data;
using Lsgd.Internals;
using Lsgd.LinearAlgebra;

namespace Lsgd.Estimators;

/// <summary>
/// The kernels a fit of a given shape runs that ReadyToRun does not hold (docs/STARTUP.md), as the methods to compile
/// ahead of their first call: the CLI's start-up warm-up asks for them. Each family names its own entry points from the
/// selectors its dispatch uses (<see cref="EntryPoints"/>), so the list follows the dispatch.
/// </summary>
internal static class FitEntryPoints
{
    /// <summary>
    /// The statistics pass's kernels for rows of <paramref name="features"/> features (float32 when <paramref name="single"/>)
    /// and <paramref name="outputs"/> targets (null: not known before loading), weighted or not, at <paramref name="bits"/>-bit
    /// vectors (512, 256 or 0): the panel's copy, the fused narrow kernel, the Gram kernels, in the order of their first call.
    /// </summary>
    internal static IReadOnlyList<MethodInfo> StatisticsPass(bool single, int? features, int? outputs, bool weighted, int bits) =>
        [.. SufficientStatistics.Panel.EntryPoints(single, features, outputs, weighted, bits)];

    /// <summary>
    /// What the solve and the goodness-of-fit pass run after the statistics pass (same arguments): the compensated lanes'
    /// combination, the multi-vector products of the dense solves and iterative engines, the goodness pass's sweeps and
    /// residual kernels, and the widening dot product of float32 rows.
    /// </summary>
    internal static IReadOnlyList<MethodInfo> SolveAndGoodness(bool single, int? features, int? outputs, bool weighted, int bits)
    {
        var methods = new List<MethodInfo>();
        methods.AddRange(Accurate.CombineEntryPoints(bits));
        methods.AddRange(MultiVectorKernels.EntryPoints(outputs));
        methods.AddRange(FitStatistics.EntryPoints(single, features, outputs, weighted, bits));
        if (single) methods.Add(Kernels.DotWidenEntryPoint);
        return methods;
    }

    /// <summary>Both lists, in order.</summary>
    internal static IReadOnlyList<MethodInfo> All(bool single, int? features, int? outputs, bool weighted, int bits) =>
        [.. StatisticsPass(single, features, outputs, weighted, bits), .. SolveAndGoodness(single, features, outputs, weighted, bits)];
}
