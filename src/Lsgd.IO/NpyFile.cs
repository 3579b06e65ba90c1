using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Lsgd.IO;

/// <summary>
/// Reads and writes NumPy <c>.npy</c> files (format versions 1.0, 2.0 and 3.0): 1-D or 2-D float32/float64
/// arrays in C order, as written by <c>np.save</c>. Every problem is one <see cref="LsgdException"/> line
/// that says how to fix the file in numpy.
/// </summary>
/// <remarks>
/// A file is a 6-byte signature <c>\x93NUMPY</c>, a version, a header length, a Python dict literal such as
/// <c>{'descr': '&lt;f8', 'fortran_order': False, 'shape': (100, 3), }</c>, then the raw values. Values are
/// read in large blocks straight into the destination array (reinterpreted as bytes), so loading runs at
/// the speed of the disk; every value is checked to be finite.
/// </remarks>
public static class NpyFile
{
    private const int Alignment = 64;
    private const int MaxHeaderLength = 1 << 20;

    /// <summary>Reads and checks the header of <paramref name="path"/>, and that the file holds all its values.</summary>
    /// <exception cref="LsgdException">
    /// The file is missing or not a .npy file, or its array is not a 1-D or 2-D float32/float64 array in C order,
    /// or the file is shorter than its header says.
    /// </exception>
    public static NpyHeader ReadHeader(string path)
    {
        using var stream = OpenRead(path, 4096);
        return ParseHeader(path, stream);
    }

    /// <summary>Reads every value of <paramref name="path"/> as double (float32 values are widened exactly), row-major.</summary>
    /// <exception cref="LsgdException">A bad file (see <see cref="ReadHeader(string)"/>), or a NaN or infinite value.</exception>
    public static double[] ReadDoubles(string path) => ReadDoubles(ReadHeader(path));

    /// <summary>Reads every value of the file <paramref name="header"/> describes as double, row-major.</summary>
    /// <exception cref="LsgdException">The array is too large for one .NET array, or holds a NaN or infinite value.</exception>
    public static double[] ReadDoubles(NpyHeader header) => ReadDoubles(header, out _);

    /// <summary>As <see cref="ReadDoubles(NpyHeader)"/>, with the largest magnitude of the values (checked as they are read, no other pass).</summary>
    internal static double[] ReadDoubles(NpyHeader header, out double largestMagnitude)
    {
        ArgumentNullException.ThrowIfNull(header);
        var values = GC.AllocateUninitializedArray<double>(ArrayLength(header)); // every element is read over
        using var reader = new NpyValueReader(header);
        reader.Read(values);
        largestMagnitude = reader.LargestMagnitude;
        return values;
    }

    /// <summary>Reads every value of <paramref name="path"/> as float (float64 values rounded to nearest), row-major.</summary>
    /// <exception cref="LsgdException">A bad file (see <see cref="ReadHeader(string)"/>), a NaN or infinite value, or a float64 value beyond the float32 range.</exception>
    public static float[] ReadSingles(string path) => ReadSingles(ReadHeader(path));

    /// <summary>
    /// Reads every value of the file <paramref name="header"/> describes as float, row-major: float32 values as
    /// they are, float64 values rounded to the nearest float.
    /// </summary>
    /// <exception cref="LsgdException">The array is too large for one .NET array, or holds a NaN or infinite value, or a float64 value beyond the float32 range.</exception>
    public static float[] ReadSingles(NpyHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        var values = GC.AllocateUninitializedArray<float>(ArrayLength(header));
        using var reader = new NpyValueReader(header);
        reader.Read(values);
        return values;
    }

    /// <summary>Writes a 1-D float64 array of shape (n,), atomically.</summary>
    public static void Write(string path, ReadOnlySpan<double> values) =>
        WriteArray(path, values, values.Length, 1, oneDimensional: true);

    /// <summary>Writes a 2-D float64 array of shape (<paramref name="rows"/>, <paramref name="columns"/>) from row-major values, atomically.</summary>
    /// <exception cref="ArgumentException">The number of values is not rows × columns.</exception>
    public static void Write(string path, ReadOnlySpan<double> values, int rows, int columns) =>
        WriteArray(path, values, rows, columns, oneDimensional: false);

    /// <summary>Writes a 1-D float32 array of shape (n,), atomically.</summary>
    public static void Write(string path, ReadOnlySpan<float> values) =>
        WriteArray(path, values, values.Length, 1, oneDimensional: true);

    /// <summary>Writes a 2-D float32 array of shape (<paramref name="rows"/>, <paramref name="columns"/>) from row-major values, atomically.</summary>
    /// <exception cref="ArgumentException">The number of values is not rows × columns.</exception>
    public static void Write(string path, ReadOnlySpan<float> values, int rows, int columns) =>
        WriteArray(path, values, rows, columns, oneDimensional: false);

    /// <summary>Opens <paramref name="path"/> for reading, with messages for a missing file or a folder.</summary>
    internal static FileStream OpenRead(string path, int bufferSize)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
            throw new LsgdException($"{path} is a folder, not a .npy file.");
        if (!File.Exists(path))
            throw new LsgdException($"{path} does not exist. Check the path (relative paths start from {Environment.CurrentDirectory}).");
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LsgdException($"{path} could not be read: {e.Message}", e);
        }
    }

    /// <summary>The message for a file that ends before all of its values.</summary>
    internal static string Truncated(NpyHeader header, long fileLength)
    {
        long present = Math.Max(0, fileLength - header.DataOffset) / header.ElementSize;
        return $"{header.Path} is truncated: the file ends after {present} of {header.Count} values " +
            $"of its {header.TypeName} array of shape {header.Shape}. Save the array again with np.save.";
    }

    private static int ArrayLength(NpyHeader header)
    {
        if (header.Count > Array.MaxLength)
            throw new LsgdException($"{header.Path} holds {header.Count} values, more than fit in memory at once. " +
                "Read it in chunks (streaming) instead.");
        return (int)header.Count;
    }

    private static NpyHeader ParseHeader(string path, FileStream stream)
    {
        long fileLength = stream.Length;
        Span<byte> prefix = stackalloc byte[12];
        int got = stream.ReadAtLeast(prefix, prefix.Length, throwOnEndOfStream: false);
        if (got < 10 || !IsMagic(prefix))
        {
            if (got >= 4 && prefix[..4].SequenceEqual("PK\x03\x04"u8))
                throw new LsgdException($"{path} is a .npz archive, not a .npy file. Save each array on its own with np.save(path, x).");
            throw new LsgdException($"{path} is not a NumPy .npy file: it does not start with the .npy signature. Save arrays with np.save(path, x).");
        }
        int major = prefix[6], minor = prefix[7];
        if (major is < 1 or > 3 || minor != 0)
            throw new LsgdException($"{path} has .npy format version {major}.{minor}; lsgd reads versions 1.0, 2.0 and 3.0. Save it again with np.save.");
        int lengthSize = major == 1 ? 2 : 4;
        if (got < 8 + lengthSize)
            throw Damaged(path, "the file ends inside the header");
        long headerLength = major == 1
            ? BinaryPrimitives.ReadUInt16LittleEndian(prefix[8..])
            : BinaryPrimitives.ReadUInt32LittleEndian(prefix[8..]);
        long dataOffset = 8 + lengthSize + headerLength;
        if (headerLength > MaxHeaderLength || dataOffset > fileLength)
            throw Damaged(path, $"it says the header is {headerLength} bytes long but the file is {fileLength}");

        var bytes = new byte[headerLength];
        stream.Position = 8 + lengthSize;
        stream.ReadExactly(bytes);
        string text = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(bytes);
        Dictionary<string, object> dict;
        try
        {
            dict = new HeaderParser(text).ParseDict();
        }
        catch (FormatException e)
        {
            throw Damaged(path, e.Message);
        }

        var (single, littleEndian) = ElementType(path, Entry(path, dict, "descr"));
        if (Entry(path, dict, "fortran_order") is not bool fortran)
            throw Damaged(path, "'fortran_order' is not True or False");
        if (Entry(path, dict, "shape") is not object[] shapeItems || !shapeItems.All(s => s is long and >= 0))
            throw Damaged(path, "'shape' is not a tuple of non-negative integers");
        var shape = shapeItems.Cast<long>().ToArray();
        if (shape.Length is not (1 or 2))
        {
            string shown = shape.Length == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";
            throw new LsgdException($"{path} has a {shape.Length}-D array of shape {shown}; lsgd reads 1-D or 2-D arrays. " +
                "Reshape it to rows × columns, e.g. x.reshape(len(x), -1), before np.save.");
        }
        if (fortran && shape.Length == 2 && shape[0] > 1 && shape[1] > 1)
            throw new LsgdException($"{path} is stored in Fortran (column-major) order; lsgd reads C (row-major) order. " +
                "Save it with np.save(path, np.ascontiguousarray(x)).");
        long rows = shape[0];
        long columns = shape.Length == 2 ? shape[1] : 1;
        if (columns > int.MaxValue)
            throw Damaged(path, $"the array has {columns} columns");

        var header = new NpyHeader(path, single, littleEndian, shape.Length, rows, (int)columns, dataOffset);
        Int128 needed = (Int128)rows * columns * header.ElementSize;
        if (dataOffset + needed > fileLength)
            throw new LsgdException(Truncated(header, fileLength));
        return header;
    }

    private static bool IsMagic(ReadOnlySpan<byte> prefix) =>
        prefix[0] == 0x93 && prefix[1..6].SequenceEqual("NUMPY"u8);

    private static object Entry(string path, Dictionary<string, object> dict, string key) =>
        dict.TryGetValue(key, out var value) ? value : throw Damaged(path, $"it has no '{key}' entry");

    private static LsgdException Damaged(string path, string detail) =>
        new($"{path} has a damaged .npy header ({detail}). Save the array again with np.save.");

    /// <summary>Reads numpy's type string, e.g. <c>'&lt;f8'</c>: byte order, kind and size.</summary>
    private static (bool Single, bool LittleEndian) ElementType(string path, object descr)
    {
        if (descr is not string text)
        {
            string shown = descr is RawValue raw ? Shorten(raw.Text) : "?";
            throw new LsgdException($"{path} holds structured (record) values (dtype {shown}); lsgd reads plain float32 and float64 arrays. " +
                "Save one 2-D float array instead, e.g. numpy.lib.recfunctions.structured_to_unstructured(x).astype('float64').");
        }
        bool littleEndian = BitConverter.IsLittleEndian;
        string body = text;
        if (body.Length > 0 && body[0] is '<' or '>' or '|' or '=')
        {
            littleEndian = body[0] switch { '<' => true, '>' => false, _ => BitConverter.IsLittleEndian };
            body = body[1..];
        }
        if (body is "f4" or "f8")
            return (body == "f4", littleEndian);
        throw new LsgdException($"{path} holds {Describe(body)} values (dtype '{text}'); lsgd reads float32 and float64 arrays. " +
            "Convert with x.astype('float64') before np.save.");
    }

    /// <summary>numpy's name for a type string without its byte order, e.g. <c>i8</c> → int64.</summary>
    private static string Describe(string body)
    {
        if (body.Length < 1) return "untyped";
        bool sized = int.TryParse(body.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out int size);
        return body[0] switch
        {
            'f' when sized => $"float{size * 8}",
            'i' when sized => $"int{size * 8}",
            'u' when sized => $"uint{size * 8}",
            'c' when sized => $"complex{size * 8}",
            'b' => "bool",
            'U' => "unicode string",
            'S' or 'a' => "byte string",
            'O' => "Python object",
            'M' => "datetime64",
            'm' => "timedelta64",
            'V' => "raw (void)",
            _ => $"'{body}'",
        };
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : string.Concat(text.AsSpan(0, 57), "...");

    private static void WriteArray<T>(string path, ReadOnlySpan<T> values, long rows, long columns, bool oneDimensional)
        where T : unmanaged
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        if (values.Length != rows * columns)
            throw new ArgumentException($"{values.Length} values were given for a {rows} × {columns} array.", nameof(values));
        string descr = (BitConverter.IsLittleEndian ? "<" : ">") + (typeof(T) == typeof(float) ? "f4" : "f8");
        string shape = oneDimensional ? $"({rows},)" : $"({rows}, {columns})";
        var header = Header($"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}");
        AtomicFile.Write(path, values, (stream, data) =>
        {
            stream.Write(header);
            const int Block = 1 << 20;
            for (int start = 0; start < data.Length; start += Block)
                stream.Write(MemoryMarshal.AsBytes(data.Slice(start, Math.Min(Block, data.Length - start))));
        });
    }

    /// <summary>Signature, version 1.0, length, then the dict padded with spaces and a newline to a multiple of 64 bytes, as numpy does.</summary>
    private static byte[] Header(string dict)
    {
        int unpadded = 10 + dict.Length + 1;
        int total = (unpadded + Alignment - 1) / Alignment * Alignment;
        var bytes = new byte[total];
        bytes[0] = 0x93;
        "NUMPY"u8.CopyTo(bytes.AsSpan(1));
        bytes[6] = 1;
        bytes[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)(total - 10));
        Encoding.Latin1.GetBytes(dict, bytes.AsSpan(10));
        bytes.AsSpan(10 + dict.Length, total - 11 - dict.Length).Fill((byte)' ');
        bytes[^1] = (byte)'\n';
        return bytes;
    }

    /// <summary>A value of the header dict kept as its text: a list, as in the descr of a structured array.</summary>
    private sealed record RawValue(string Text);

    /// <summary>
    /// Parses the Python literal of a .npy header: a dict of string keys to strings, True/False/None,
    /// integers and tuples; lists are kept as text. Throws <see cref="FormatException"/> on anything else.
    /// </summary>
    private sealed class HeaderParser(string text)
    {
        private int _at;

        public Dictionary<string, object> ParseDict()
        {
            var result = new Dictionary<string, object>(StringComparer.Ordinal);
            Expect('{');
            while (true)
            {
                if (TryTake('}')) break;
                if (Value() is not string key)
                    throw new FormatException("a key of the dict is not a string");
                Expect(':');
                result[key] = Value();
                if (TryTake(',')) continue;
                Expect('}');
                break;
            }
            SkipSpace();
            if (_at != text.Length)
                throw new FormatException($"unexpected text after the dict at character {_at + 1}");
            return result;
        }

        private object Value()
        {
            SkipSpace();
            if (_at >= text.Length) throw new FormatException("it ends too early");
            char c = text[_at];
            if (c is '\'' or '"') return QuotedString();
            if (c == '(') return Tuple();
            if (c == '[') return new RawValue(Bracketed());
            if (char.IsAsciiDigit(c) || c is '-' or '+') return Integer();
            if (char.IsAsciiLetter(c))
            {
                int start = _at;
                while (_at < text.Length && char.IsAsciiLetterOrDigit(text[_at])) _at++;
                return text[start.._at] switch
                {
                    "True" => true,
                    "False" => false,
                    "None" => new RawValue("None"),
                    var word => throw new FormatException($"unexpected word '{word}'"),
                };
            }
            throw new FormatException($"unexpected character '{c}' at character {_at + 1}");
        }

        private string QuotedString()
        {
            char quote = text[_at++];
            int end = text.IndexOf(quote, _at);
            if (end < 0) throw new FormatException("a string is not closed");
            string s = text[_at..end];
            _at = end + 1;
            return s;
        }

        private object[] Tuple()
        {
            _at++;
            var items = new List<object>();
            while (true)
            {
                if (TryTake(')')) break;
                items.Add(Value());
                if (TryTake(',')) continue;
                Expect(')');
                break;
            }
            return [.. items];
        }

        private long Integer()
        {
            int start = _at;
            if (text[_at] is '-' or '+') _at++;
            while (_at < text.Length && char.IsAsciiDigit(text[_at])) _at++;
            if (!long.TryParse(text.AsSpan(start, _at - start), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
                throw new FormatException($"'{text[start.._at]}' is not an integer");
            if (_at < text.Length && text[_at] is 'L' or 'l') _at++; // Python 2 long, e.g. (3L, 2L)
            return value;
        }

        private string Bracketed()
        {
            int start = _at, depth = 0;
            char quote = '\0';
            for (; _at < text.Length; _at++)
            {
                char c = text[_at];
                if (quote != '\0') { if (c == quote) quote = '\0'; }
                else if (c is '\'' or '"') quote = c;
                else if (c is '[' or '(') depth++;
                else if (c is ']' or ')' && --depth == 0) return text[start..++_at];
            }
            throw new FormatException("a list is not closed");
        }

        private void SkipSpace()
        {
            while (_at < text.Length && char.IsWhiteSpace(text[_at])) _at++;
        }

        private bool TryTake(char c)
        {
            SkipSpace();
            if (_at < text.Length && text[_at] == c)
            {
                _at++;
                return true;
            }
            return false;
        }

        private void Expect(char c)
        {
            if (!TryTake(c))
                throw new FormatException(_at < text.Length ? $"expected '{c}' at character {_at + 1}" : $"expected '{c}' but it ends");
        }
    }
}
