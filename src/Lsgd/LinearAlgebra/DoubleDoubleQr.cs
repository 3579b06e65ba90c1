using Lsgd.Internals;

namespace Lsgd.LinearAlgebra;

/// <summary>
/// Householder QR of a small column-major matrix A (n × p, n ≥ p) carried entirely in double-double arithmetic
/// (about 32 digits): A = Q [R; 0]. For least-squares problems whose condition number leaves too few digits in
/// double precision (κ·ε above about 10⁻¹²); O(n·p²) operations, each some twenty times a double one.
/// </summary>
internal sealed class DoubleDoubleQr
{
    private readonly int _n;
    private readonly int _p;
    private readonly DoubleDouble[] _v;    // reflector j in column j, rows j..n−1
    private readonly DoubleDouble[] _tau;
    private readonly DoubleDouble[] _r;    // p × p row-major upper triangle

    private DoubleDoubleQr(int n, int p, DoubleDouble[] v, DoubleDouble[] tau, DoubleDouble[] r)
    {
        _n = n; _p = p; _v = v; _tau = tau; _r = r;
    }

    public int Columns => _p;

    /// <summary>Factorises <paramref name="a"/> (column-major n × p; overwritten).</summary>
    public static DoubleDoubleQr Factor(DoubleDouble[] a, int n, int p)
    {
        var tau = new DoubleDouble[p];
        var r = new DoubleDouble[p * p];
        for (int j = 0; j < p; j++)
        {
            int c0 = j * n;
            DoubleDouble norm2 = 0;
            for (int i = j; i < n; i++) norm2 += a[c0 + i] * a[c0 + i];
            var norm = DoubleDouble.Sqrt(norm2);
            if (norm.Hi == 0) continue;
            var alpha = a[c0 + j].Hi >= 0 ? -norm : norm;
            a[c0 + j] -= alpha;
            DoubleDouble vtv = 0;
            for (int i = j; i < n; i++) vtv += a[c0 + i] * a[c0 + i];
            tau[j] = 2 / vtv;
            r[j * p + j] = alpha;
            for (int c = j + 1; c < p; c++)
            {
                int o = c * n;
                DoubleDouble s = 0;
                for (int i = j; i < n; i++) s += a[c0 + i] * a[o + i];
                s *= tau[j];
                for (int i = j; i < n; i++) a[o + i] -= s * a[c0 + i];
                r[j * p + c] = a[o + j];
            }
        }
        return new DoubleDoubleQr(n, p, a, tau, r);
    }

    /// <summary>b ← Qᵀ b (length n).</summary>
    public void ApplyQt(DoubleDouble[] b)
    {
        for (int j = 0; j < _p; j++)
        {
            if (_tau[j].Hi == 0) continue;
            int c0 = j * _n;
            DoubleDouble s = 0;
            for (int i = j; i < _n; i++) s += _v[c0 + i] * b[i];
            s *= _tau[j];
            for (int i = j; i < _n; i++) b[i] -= s * _v[c0 + i];
        }
    }

    /// <summary>Solves R x = b in place (b of length p).</summary>
    public void SolveR(DoubleDouble[] b)
    {
        for (int i = _p - 1; i >= 0; i--)
        {
            var s = b[i];
            for (int j = i + 1; j < _p; j++) s -= _r[i * _p + j] * b[j];
            b[i] = s / _r[i * _p + i];
        }
    }

    /// <summary>R⁻¹ (p × p, row-major, upper triangular).</summary>
    public DoubleDouble[] InverseR()
    {
        var rinv = new DoubleDouble[_p * _p];
        var unit = new DoubleDouble[_p];
        for (int c = 0; c < _p; c++)
        {
            Array.Clear(unit);
            unit[c] = 1;
            SolveR(unit);
            for (int i = 0; i < _p; i++) rinv[i * _p + c] = unit[i];
        }
        return rinv;
    }
}
