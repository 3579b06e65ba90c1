using System.Reflection;
using System.Runtime.Intrinsics.X86;
using Lsgd.Internals;

namespace Lsgd.LinearAlgebra;

/// <summary>The fused narrow kernel's entry points (<see cref="EntryPoints"/>): which instantiation <see cref="Update{T}"/> runs for a shape.</summary>
internal static unsafe partial class NarrowGram
{
    private delegate void RunKernel<T>(T* x, int d, double* y, int k, double* w, int rows, double* c, double* g, nint ahead, int fetched) where T : unmanaged;

    /// <summary>Whether the kernel runs where the Gram kernels use <paramref name="bits"/>-bit vectors: 512, on a CPU with AVX-512F; 256, with AVX2 and FMA.</summary>
    public static bool IsSupportedAt(int bits) => bits == 512 ? Avx512F.IsSupported : bits == 256 && Avx2.IsSupported && Fma.IsSupported;

    /// <summary>The quads of 4 columns the triangle of d + k + 1 columns takes.</summary>
    private static int Quads(int d, int k) => (d + k + 4) >> 2;

    /// <summary>The kernel for rows of <paramref name="quads"/> quads (at most 4).</summary>
    private static RunKernel<T> RunFor<T, TWeighted>(int quads) where T : unmanaged where TWeighted : struct, IFlag =>
        EntryPoints.Chosen<RunKernel<T>>(quads switch
        {
            1 => Run<T, TWeighted, Kernels.One>,
            2 => Run<T, TWeighted, Kernels.Two>,
            3 => Run<T, TWeighted, Kernels.Three>,
            _ => Run<T, TWeighted, Kernels.Four>,
        });

    /// <summary>The 256-bit kernel for rows of <paramref name="quads"/> quads (at most 4).</summary>
    private static RunKernel<T> Run256For<T, TWeighted>(int quads) where T : unmanaged where TWeighted : struct, IFlag =>
        EntryPoints.Chosen<RunKernel<T>>(quads switch
        {
            1 => Run256<T, TWeighted, Kernels.One>,
            2 => Run256<T, TWeighted, Kernels.Two>,
            3 => Run256<T, TWeighted, Kernels.Three>,
            _ => Run256<T, TWeighted, Kernels.Four>,
        });

    /// <summary>
    /// <see cref="Update{T}"/> itself (generic, so compiled at its first call like the kernels) and the kernels it runs at <paramref name="bits"/>
    /// bits on rows of <paramref name="d"/> features of type <typeparamref name="T"/> and <paramref name="k"/> targets, weighted or not, in the order of
    /// their first call.
    /// </summary>
    internal static IEnumerable<MethodInfo> EntryPointsAt<T>(int d, int k, bool weighted, int bits) where T : unmanaged
    {
        yield return EntryPoints.Method(typeof(NarrowGram), nameof(Update), typeof(T));
        if (bits != 256)
        {
            yield return EntryPoint<T>(d, k, weighted);
            yield break;
        }
        int quads = Quads(d, k);
        yield return (weighted ? Run256For<T, Yes>(quads) : Run256For<T, No>(quads)).Method;
        if (quads > 2) yield return Internals.EntryPoints.Method(typeof(NarrowGram), nameof(Sweep), typeof(Kernels.Three));
        if (quads > 3) yield return Internals.EntryPoints.Method(typeof(NarrowGram), nameof(Sweep), typeof(Kernels.One));
    }

    /// <summary>The kernel <see cref="Update{T}"/> runs on rows of <paramref name="d"/> features of type <typeparamref name="T"/> and <paramref name="k"/> targets, weighted or not.</summary>
    internal static MethodInfo EntryPoint<T>(int d, int k, bool weighted) where T : unmanaged =>
        (weighted ? RunFor<T, Yes>(Quads(d, k)) : RunFor<T, No>(Quads(d, k))).Method;
}
