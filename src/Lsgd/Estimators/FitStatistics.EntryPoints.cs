using System.Reflection;
using System.Runtime.Intrinsics.X86;
using Lsgd.Data;
using Lsgd.Internals;
using Lsgd.LinearAlgebra;

namespace Lsgd.Estimators;

/// <summary>The goodness-of-fit pass's entry points (<see cref="Internals.EntryPoints"/>): which sweeps and residual kernels it runs for a shape.</summary>
public static partial class FitStatistics
{
    private delegate void SumsKernel(Span<double> r, ReadOnlySpan<double> y, double m, ReadOnlySpan<double> w, ReadOnlySpan<double> rootW, Span<double> into, int bits,
        ReadOnlySpan<double> x, ReadOnlySpan<double> coefficients, double intercept);

    private delegate int ResidualsKernel(ReadOnlySpan<double> x, ReadOnlySpan<double> y, int o, int k, ReadOnlySpan<double> w, double b, Span<double> r);

    private delegate int SweepKernel(Span<double> r, ReadOnlySpan<double> y, double m, ReadOnlySpan<double> w, ReadOnlySpan<double> rootW, ReadOnlySpan<double> x,
        NarrowRows narrow, double v0, Span<double> acc, Span<double> into);

    /// <summary><see cref="BlockSums"/> of residuals formed beforehand (<see cref="Residuals"/>, or a stream's).</summary>
    private static SumsKernel GivenSumsFor<TW>() where TW : struct, IRowWeights => Internals.EntryPoints.Chosen<SumsKernel>(BlockSums<TW, GivenResiduals>);

    /// <summary>The vector sweep <see cref="BlockSums"/> runs over <paramref name="rows"/> rows asked for <paramref name="bits"/>-bit vectors (<see cref="SweepBits"/>), or null for scalar code.</summary>
    private static SweepKernel? SweepFor<TW, TR>(int bits, int rows) where TW : struct, IRowWeights where TR : struct, IResidualSource =>
        SweepBits(bits) is var sweep && sweep == 512 && rows >= 8 ? Internals.EntryPoints.Chosen<SweepKernel>(Sweep512<TW, TR>)
        : sweep >= 256 && rows >= 4 ? Internals.EntryPoints.Chosen<SweepKernel>(Sweep256<TW, TR>)
        : null;

    /// <summary>Whether the sums' sweep forms the residuals itself (<see cref="FormsResiduals"/>) for <paramref name="k"/> outputs at <paramref name="bits"/>-bit vectors.</summary>
    private static bool FusesResiduals(int d, int k, FeaturePrecision precision, int bits) => k == 1 && bits >= 256 && FormsResiduals(d, precision);

    /// <summary>The width of <see cref="BlockSums"/>' vector sweep asked for <paramref name="bits"/>: 512 with AVX-512F, 256 with AVX2 and FMA, else 0 (scalar).</summary>
    private static int SweepBits(int bits) =>
        bits == 512 && Avx512F.IsSupported ? 512 : bits >= 256 && Avx2.IsSupported && Fma.IsSupported ? 256 : 0;

    /// <summary>Whether the residuals of several outputs go through <see cref="MultiOutputResiduals"/> (wide or float32 rows).</summary>
    private static bool UsesMultiOutputResiduals(int d, int k, FeaturePrecision precision) =>
        (d > NarrowFeatures || precision != FeaturePrecision.DoublePrecision) && k > 1;

    /// <summary>Whether the residuals of narrow float64 rows (d ≤ 16) are formed four rows at a time by <see cref="NarrowVectorised"/>.</summary>
    private static bool VectorisesNarrowResiduals(int d) => d >= 4 && Avx.IsSupported && Fma.IsSupported;

    /// <summary>The sweep <see cref="FormedSums"/> runs for rows of <paramref name="d"/> features (1 … 16), by their vectors of 4 per row.</summary>
    private static SumsKernel FormedSumsFor<TW>(int d) where TW : struct, IRowWeights => Internals.EntryPoints.Chosen<SumsKernel>(d switch
    {
        < 4 => BlockSums<TW, FormedFew>,
        4 => BlockSums<TW, FormedOne>,
        <= 8 => BlockSums<TW, FormedTwo>,
        <= 12 => BlockSums<TW, FormedThree>,
        _ => BlockSums<TW, FormedFour>,
    });

    /// <summary>The kernel <see cref="NarrowVectorised"/> runs for rows of <paramref name="d"/> features (4 … 16).</summary>
    private static ResidualsKernel NarrowVectorisedFor(int d) => Internals.EntryPoints.Chosen<ResidualsKernel>(d switch
    {
        <= 4 => NarrowVectorised<FormedOne>,
        <= 8 => NarrowVectorised<FormedTwo>,
        <= 12 => NarrowVectorised<FormedThree>,
        _ => NarrowVectorised<FormedFour>,
    });

    /// <summary>
    /// The kernels the in-memory pass (<see cref="Compute(Models.LinearModel, Dataset, int, int?, bool)"/>) runs on rows of
    /// <paramref name="d"/> features (float32 when <paramref name="single"/>) and <paramref name="k"/> outputs at
    /// <paramref name="bits"/>-bit vectors: the block sums and their sweep, then the residuals' kernel. With d or k unknown
    /// (rows streamed), the sums of given residuals.
    /// </summary>
    internal static IEnumerable<MethodInfo> EntryPoints(bool single, int? d, int? k, bool weighted, int bits)
    {
        var precision = single ? FeaturePrecision.SinglePrecision : FeaturePrecision.DoublePrecision;
        bool known = d is not null && k is not null;
        int features = d ?? 0, outputs = k ?? 0;
        var sums = known && FusesResiduals(features, outputs, precision, bits)
            ? (weighted ? FormedSumsFor<WithWeights>(features) : FormedSumsFor<Unweighted>(features)).Method
            : (weighted ? GivenSumsFor<WithWeights>() : GivenSumsFor<Unweighted>()).Method;
        yield return sums;
        // A block's sweep for whole blocks (SweepFor): the same generic arguments as its sums.
        int sweep = SweepBits(bits);
        if (sweep > 0)
            yield return Internals.EntryPoints.Method(typeof(FitStatistics), sweep == 512 ? nameof(Sweep512) : nameof(Sweep256), sums.GetGenericArguments());
        if (!known || sums.GetGenericArguments()[1] != typeof(GivenResiduals)) yield break;
        if (UsesMultiOutputResiduals(features, outputs, precision))
            foreach (var method in MultiOutputResiduals.EntryPointsFor(features, outputs, bits)) yield return method;
        else if (features <= NarrowFeatures && !single && VectorisesNarrowResiduals(features))
            yield return NarrowVectorisedFor(features).Method;
    }
}
