using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Lsgd.IO;

/// <summary>
/// The common shape of a CSV number — optional spaces, a sign, at most 19 digits with an optional '.', an
/// optional exponent, spaces — turned into a double by Clinger's fast path: when the digits, read as an integer m,
/// are at most 2⁵³ and the power of ten e is within ±22, m and 10^|e| are exact doubles and one IEEE multiply or
/// divide gives the correctly rounded value. Anything else (more digits, larger exponents, text, a decimal
/// comma) is declined, and <see cref="CsvRowParser"/> hands it to csFastFloat or the runtime's parser; a value
/// accepted here is therefore bit for bit the one they give.
/// </summary>
/// <remarks>
/// One tight loop over the characters, without the general parsers' handling of styles, cultures and long
/// inputs: on a 2-core Xeon it reads a typical cell (<c>-3.141593</c>) several times faster than
/// <c>csFastFloat.FastDoubleParser.TryParseDouble</c>, which was half the CPU time of a streamed CSV pass.
/// </remarks>
internal static class PlainDecimal
{
    /// <summary>The exactly representable powers of ten, 10⁰ … 10²².</summary>
    private static readonly double[] Powers =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];

    private const ulong MaxExactMantissa = 1UL << 53;

    /// <summary>
    /// Parses <paramref name="text"/> when it has the plain shape described on the type and its value is exact
    /// by the fast path; false otherwise (the caller then parses it another way).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryParse(ReadOnlySpan<char> text, out double value)
    {
        // Indices into the span through a ref, without bounds checks: every read below is at an index in [i, n) with n ≤ Length.
        ref char s = ref MemoryMarshal.GetReference(text);
        nint i = 0, n = text.Length;
        while (i < n && Unsafe.Add(ref s, i) == ' ') i++;
        while (n > i && Unsafe.Add(ref s, n - 1) == ' ') n--;
        bool negative = false;
        if (i < n && Unsafe.Add(ref s, i) is '-' or '+')
        {
            negative = Unsafe.Add(ref s, i) == '-';
            i++;
        }
        ulong m = 0;
        nint start = i;
        i = Digits(ref s, i, n, ref m);
        nint digits = i - start;
        int scale = 0;
        if (i < n && Unsafe.Add(ref s, i) == '.')
        {
            start = ++i;
            i = Digits(ref s, i, n, ref m);
            scale = (int)(start - i);
            digits += i - start;
        }
        if (digits == 0 || digits > 19)
        {
            value = 0;
            return false;
        }
        if (i < n)
        {
            if ((Unsafe.Add(ref s, i) | 0x20) != 'e' || !Exponent(ref s, i + 1, n, ref scale))
            {
                value = 0;
                return false;
            }
        }
        if (m > MaxExactMantissa || scale < -22 || scale > 22)
        {
            value = 0;
            return false;
        }
        double v = m;
        v = scale < 0 ? v / Powers[-scale] : v * Powers[scale];
        value = negative ? -v : v;
        return true;
    }

    /// <summary>
    /// Parses the field of UTF-8 text that starts at <paramref name="i"/> and ends before the next
    /// <paramref name="separator"/> or line feed (or at <paramref name="n"/>), when <see cref="TryParse"/> would
    /// accept that field's text: the same shape, the same double. Reads the field once, without finding its end
    /// first; <paramref name="separator"/> must not be a space, a digit, a sign, '.', 'e' or 'E'.
    /// </summary>
    /// <param name="s">The first byte of the text.</param>
    /// <param name="i">Where the field starts.</param>
    /// <param name="n">Where the text ends.</param>
    /// <param name="separator">The field separator.</param>
    /// <param name="value">The field's value, when it is accepted.</param>
    /// <returns>Where the field ends (its separator's or line feed's index, or <paramref name="n"/>); -1 when declined.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nint TryParseField(ref byte s, nint i, nint n, byte separator, out double value)
    {
        value = 0;
        while (i < n && Unsafe.Add(ref s, i) == ' ') i++;
        bool negative = false;
        if (i < n && Unsafe.Add(ref s, i) is (byte)'-' or (byte)'+')
        {
            negative = Unsafe.Add(ref s, i) == '-';
            i++;
        }
        ulong m = 0;
        nint start = i;
        i = Digits(ref s, i, n, ref m);
        nint digits = i - start;
        int scale = 0;
        if (i < n && Unsafe.Add(ref s, i) == '.')
        {
            start = ++i;
            i = Digits(ref s, i, n, ref m);
            scale = (int)(start - i);
            digits += i - start;
        }
        if (digits == 0 || digits > 19)
            return -1;
        if (i < n && (Unsafe.Add(ref s, i) | 0x20) == 'e')
        {
            i++;
            bool negativeExponent = false;
            if (i < n && Unsafe.Add(ref s, i) is (byte)'-' or (byte)'+')
            {
                negativeExponent = Unsafe.Add(ref s, i) == '-';
                i++;
            }
            int exponent = 0;
            nint first = i;
            uint c;
            while (i < n && (c = (uint)(Unsafe.Add(ref s, i) - '0')) <= 9)
            {
                if (i - first == 4)
                    return -1; // an exponent of more than 4 digits: declined, as TryParse declines it
                exponent = exponent * 10 + (int)c;
                i++;
            }
            if (i == first)
                return -1;
            scale += negativeExponent ? -exponent : exponent;
        }
        while (i < n && Unsafe.Add(ref s, i) == ' ') i++;
        if (i < n && Unsafe.Add(ref s, i) != separator && Unsafe.Add(ref s, i) != '\n')
            return -1;
        if (m > MaxExactMantissa || scale < -22 || scale > 22)
            return -1;
        double v = m;
        v = scale < 0 ? v / Powers[-scale] : v * Powers[scale];
        value = negative ? -v : v;
        return i;
    }

    /// <summary>Reads the digits from <paramref name="i"/> into <paramref name="m"/> (two at a time), up to 19 of them; returns where they end.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nint Digits<T>(ref T s, nint i, nint n, ref ulong m) where T : unmanaged, IBinaryInteger<T>
    {
        ulong v = m;
        nint limit = Math.Min(n, i + 20); // more than 19 digits are declined by the caller
        while (i + 1 < limit)
        {
            uint a = uint.CreateTruncating(Unsafe.Add(ref s, i)) - '0', b = uint.CreateTruncating(Unsafe.Add(ref s, i + 1)) - '0';
            if (a > 9 || b > 9) break;
            v = v * 100 + (a * 10 + b);
            i += 2;
        }
        uint c;
        while (i < limit && (c = uint.CreateTruncating(Unsafe.Add(ref s, i)) - '0') <= 9)
        {
            v = v * 10 + c;
            i++;
        }
        m = v;
        return i;
    }

    /// <summary>Reads the exponent's sign and digits, from <paramref name="i"/> to the end <paramref name="n"/>, into <paramref name="scale"/>; false if it is not one.</summary>
    private static bool Exponent(ref char s, nint i, nint n, ref int scale)
    {
        bool negative = false;
        if (i < n && Unsafe.Add(ref s, i) is '-' or '+')
        {
            negative = Unsafe.Add(ref s, i) == '-';
            i++;
        }
        if (i == n || n - i > 4)
            return false; // no digits, or an exponent beyond ±9999 (or trailing text): declined
        int exponent = 0;
        for (; i < n; i++)
        {
            uint c = (uint)(Unsafe.Add(ref s, i) - '0');
            if (c > 9) return false;
            exponent = exponent * 10 + (int)c;
        }
        scale += negative ? -exponent : exponent;
        return true;
    }
}
