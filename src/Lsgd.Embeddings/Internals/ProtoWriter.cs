using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Lsgd.Embeddings.Internals;

/// <summary>
/// The few protocol-buffer encodings an ONNX file needs (varints, 32-bit floats, length-delimited strings, bytes and
/// nested messages), written in field order into a growing buffer.
/// </summary>
/// <remarks>Wire format: each field is a key (field number × 8 + wire type) then its value; wire type 0 is a varint,
/// 2 a length-prefixed payload, 5 four little-endian bytes.</remarks>
internal sealed class ProtoWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new();

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    /// <summary>An int32, int64, enum or bool field (negative values take ten bytes, as in protobuf).</summary>
    public ProtoWriter Varint(int field, long value)
    {
        Key(field, 0);
        WriteVarint(unchecked((ulong)value));
        return this;
    }

    /// <summary>A float field.</summary>
    public ProtoWriter Float(int field, float value)
    {
        Key(field, 5);
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
        _buffer.Write(bytes);
        return this;
    }

    /// <summary>A string field (UTF-8).</summary>
    public ProtoWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    /// <summary>A bytes field.</summary>
    public ProtoWriter Bytes(int field, ReadOnlySpan<byte> value)
    {
        Key(field, 2);
        WriteVarint((ulong)value.Length);
        _buffer.Write(value);
        return this;
    }

    /// <summary>A nested message field, written by <paramref name="write"/>.</summary>
    public ProtoWriter Message(int field, Action<ProtoWriter> write)
    {
        var inner = new ProtoWriter();
        write(inner);
        return Bytes(field, inner.ToArray());
    }

    private void Key(int field, int wireType) => WriteVarint((ulong)((field << 3) | wireType));

    private void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        WriteByte((byte)value);
    }

    private void WriteByte(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
    }
}
