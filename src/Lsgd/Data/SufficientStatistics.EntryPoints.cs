using System.Reflection;
using Lsgd.Internals;
using Lsgd.LinearAlgebra;

namespace Lsgd.Data;

public sealed partial class SufficientStatistics
{
    /// <summary>The statistics pass's entry points (<see cref="Internals.EntryPoints"/>): what a panel runs for a shape.</summary>
    internal sealed partial class Panel
    {
        /// <summary>Whether a panel of stride <paramref name="ld"/> takes the fused narrow kernel (<see cref="NarrowGram"/>) where the Gram kernels use <paramref name="bits"/>-bit vectors.</summary>
        private static bool FusesNarrow(int ld, int bits) => ld == 16 && NarrowFused && (bits != 256 || NarrowFused256) && NarrowGram.IsSupportedAt(bits);

        /// <summary>
        /// The kernels a panel runs on rows of <paramref name="d"/> features (float32 when <paramref name="single"/>) and
        /// <paramref name="k"/> targets at <paramref name="bits"/>-bit vectors, in the order of their first call: the panel loop, its start and the copy
        /// (every shape: the fused kernel leaves it a last panel; one strip's own copy for narrow rows), the fused narrow kernel, the Gram kernels. With d or k
        /// unknown, only the copy.
        /// </summary>
        internal static IEnumerable<MethodInfo> EntryPoints(bool single, int? d, int? k, bool weighted, int bits)
        {
            var t = single ? typeof(float) : typeof(double);
            yield return Internals.EntryPoints.Method(typeof(Panel), nameof(AddRows), t);
            yield return Internals.EntryPoints.Method(typeof(Panel), nameof(Begin), t);
            yield return Internals.EntryPoints.Method(typeof(Panel), nameof(Load), t);
            yield return Internals.EntryPoints.Method(typeof(Panel), nameof(CopyShifted), t);
            if (d is not { } features || k is not { } outputs) yield break;
            int cols = features + outputs + 1, ld = (cols + 15) & ~15;
            if (ld == 16) yield return Internals.EntryPoints.Method(typeof(Panel), nameof(CopyNarrow), t);
            if (FusesNarrow(ld, bits))
                foreach (var kernel in single ? NarrowGram.EntryPointsAt<float>(features, outputs, weighted, bits) : NarrowGram.EntryPointsAt<double>(features, outputs, weighted, bits))
                    yield return kernel;
            foreach (var kernel in Kernels.GramEntryPoints(cols, bits)) yield return kernel;
        }
    }
}
