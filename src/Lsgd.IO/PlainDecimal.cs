using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
/// <see cref="TryParseKnownField"/> goes further for a cell whose end is known: no loop and no branch on its
/// digits (on the same Xeon a plain block's parse fell from about 1.9 to 1.2 s of CPU per GB of text).
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

    /// <summary>10⁰ … 10¹⁵, then −10⁰ … −10¹⁵: a signed divisor, so the sign costs no branch.</summary>
    private static readonly double[] SignedPowers =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
        -1e0, -1e1, -1e2, -1e3, -1e4, -1e5, -1e6, -1e7, -1e8, -1e9, -1e10, -1e11, -1e12, -1e13, -1e14, -1e15,
    ];

    /// <summary>Bytes <see cref="TryParseKnownField"/> may read from a field's start: the sign and 16 bytes.</summary>
    public const int VectorReach = 17;

    /// <summary>Whether <see cref="TryParseKnownField"/> runs on this CPU (x86 with SSSE3 and SSE4.1); it declines every field otherwise.</summary>
    public static bool VectorAccelerated => Ssse3.IsSupported && Sse41.IsSupported;

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

    /// <summary>
    /// The most common field, whose bytes [<paramref name="start"/>, <paramref name="end"/>) are known — an optional
    /// sign, then at most 15 digits with at most one '.' — parsed without a loop over its characters: one 16-byte
    /// load checks the characters, a shuffle right-aligns the digits (dropping the point) and three multiply-adds
    /// sum them into the integer m (below 10¹⁵, so exact), and one division by the exact power 10^k gives the
    /// correctly rounded double (Clinger's fast path, as in <see cref="TryParseField"/>). Accepts a subset of what
    /// <see cref="TryParseField"/> accepts, with the same value; anything else (spaces, an exponent, more
    /// characters) returns false and the caller asks <see cref="TryParseField"/>. Without branches that depend on
    /// the digits, and without a loop-carried dependence on where the field ends (the caller finds the ends with
    /// a vector scan), so the fields of a row are parsed in parallel by the CPU.
    /// </summary>
    /// <remarks>Reads <see cref="VectorReach"/> bytes from <paramref name="start"/>, past <paramref name="end"/>: the caller guarantees they are readable.</remarks>
    /// <param name="s">The first byte of the text.</param>
    /// <param name="start">Where the field starts.</param>
    /// <param name="end">Where it ends (its separator or line feed).</param>
    /// <param name="value">The field's value, when it is accepted.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryParseKnownField(ref byte s, nint start, nint end, out double value)
    {
        value = 0;
        if (!VectorAccelerated)
            return false;
        uint first = Unsafe.Add(ref s, start);
        int negative = first == '-' ? 1 : 0;
        int sign = ((first - '+') & 0xFD) == 0 ? 1 : 0; // '+' or '-'
        int length = (int)(end - start) - sign;
        if ((uint)(length - 1) > 15)
            return false; // empty, or more than 16 characters
        var bytes = Vector128.LoadUnsafe(ref s, (nuint)(start + sign));
        var digits = bytes - Vector128.Create((byte)'0');
        var isDot = Vector128.Equals(bytes, Vector128.Create((byte)'.'));
        uint numeric = (Vector128.LessThanOrEqual(digits, Vector128.Create((byte)9)) | isDot).ExtractMostSignificantBits();
        uint field = (1u << length) - 1;
        uint dots = isDot.ExtractMostSignificantBits() & field;
        int hasDot = dots != 0 ? 1 : 0;
        int count = length - hasDot;
        if ((numeric & field) != field || (dots & (dots - 1)) != 0 || count == 0 || count > 15)
            return false;
        int point = hasDot != 0 ? BitOperations.TrailingZeroCount(dots) : length;
        // Lane j of the right-aligned digits takes byte j − (16 − count), one further on from the point on; a
        // negative index (a leading lane) gives 0.
        var index = Vector128.Create((sbyte)0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15) - Vector128.Create((sbyte)(16 - count));
        index -= Vector128.GreaterThan(index, Vector128.Create((sbyte)(point - 1)));
        var aligned = Ssse3.Shuffle(digits, index.AsByte());
        var pairs = Ssse3.MultiplyAddAdjacent(aligned, Vector128.Create((sbyte)10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1));
        var fours = Sse2.MultiplyAddAdjacent(pairs, Vector128.Create((short)100, 1, 100, 1, 100, 1, 100, 1));
        var packed = Sse41.PackUnsignedSaturate(fours, fours).AsInt16();
        var eights = Sse2.MultiplyAddAdjacent(packed, Vector128.Create((short)10000, 1, 10000, 1, 10000, 1, 10000, 1));
        long m = (long)(uint)eights.ToScalar() * 100_000_000 + (uint)eights.GetElement(1);
        value = m / SignedPowers[(negative << 4) + length - point - hasDot];
        return true;
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
