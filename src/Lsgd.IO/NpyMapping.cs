using System.IO.MemoryMappedFiles;

namespace Lsgd.IO;

/// <summary>
/// A .npy file mapped read-only into memory, so that its float64 or float32 values are used where they lie (in the page cache)
/// instead of being copied into an array: loading then costs one checking pass over the values, not a copy into fresh
/// pages that the kernel must first zero. Mappings live until the process ends (they are never unmapped, so no span over
/// them can outlive them): for the command line, which loads its data once.
/// </summary>
/// <remarks>
/// Only little-endian files of at least one value are mapped (float32 ones stay float32: the features' storage widens
/// them exactly where they are used); big-endian files are read (byte-swapped).
/// While a mapping is in use its file must not be truncated or rewritten in place (np.save to the same path): the
/// process would read the new values, or fault on pages past the new end.
/// </remarks>
internal sealed unsafe class NpyMapping
{
    /// <summary>Every mapping made, kept reachable so that none is unmapped by a finalizer while a span still reads it.</summary>
    private static readonly List<NpyMapping> Live = [];

    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;

    private NpyMapping(NpyHeader header, MemoryMappedFile file, MemoryMappedViewAccessor view, byte* start)
    {
        Header = header;
        _file = file;
        _view = view;
        Address = (nint)(start + view.PointerOffset + header.DataOffset);
    }

    /// <summary>The file.</summary>
    public NpyHeader Header { get; }

    /// <summary>The address of the first value.</summary>
    public nint Address { get; }

    /// <summary>The values, row-major (float64 files).</summary>
    public ReadOnlySpan<double> Values => new((void*)Address, (int)Header.Count);

    /// <summary>The values, row-major (float32 files).</summary>
    public ReadOnlySpan<float> SingleValues => new((void*)Address, (int)Header.Count);

    /// <summary>Whether the values of <paramref name="header"/> can be used where they lie: little-endian, some values, within one span.</summary>
    public static bool CanMap(NpyHeader header) =>
        header.IsLittleEndian == BitConverter.IsLittleEndian && header.Count is > 0 and <= int.MaxValue;

    /// <summary>Maps the file <paramref name="header"/> describes, or null where the file system cannot (the caller reads it instead).</summary>
    public static NpyMapping? TryMap(NpyHeader header)
    {
        if (!CanMap(header))
            return null;
        MemoryMappedFile? file = null;
        MemoryMappedViewAccessor? view = null;
        try
        {
            file = MemoryMappedFile.CreateFromFile(header.Path, FileMode.Open, mapName: null, capacity: 0, MemoryMappedFileAccess.Read);
            view = file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            if (view.Capacity < header.DataOffset + header.Count * header.ElementSize)
            {
                view.Dispose();
                file.Dispose();
                return null;   // the file shrank since its header was read: reading it gives the message
            }
            byte* start = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref start);   // never released: the mapping lives as long as the process
            var mapping = new NpyMapping(header, file, view, start);
            lock (Live) Live.Add(mapping);
            return mapping;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            view?.Dispose();
            file?.Dispose();
            return null;
        }
    }

    /// <summary>
    /// Checks every value (finite), in parallel blocks, and returns the largest magnitude (for float32 files a bound,
    /// float32's largest value, as a read gives); a NaN or infinity throws the message that names its row and column, as
    /// a read would.
    /// </summary>
    public double Check()
    {
        const int BlockValues = 1 << 18;   // 2 MiB of float64 (1 MiB of float32) per task
        int count = (int)Header.Count, blocks = (count + BlockValues - 1) / BlockValues;
        bool single = Header.IsSinglePrecision;
        var bad = new int[blocks];
        var largest = new double[blocks];
        Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = blocks > 1 ? Environment.ProcessorCount : 1 }, b =>
        {
            int start = b * BlockValues, length = Math.Min(BlockValues, count - start);
            (bad[b], largest[b]) = single ? (NpyValueReader.FirstNonFinite(SingleValues.Slice(start, length)), float.MaxValue)
                : NpyValueReader.Scan(Values.Slice(start, length));
        });
        for (int b = 0; b < blocks; b++)
            if (bad[b] >= 0)
            {
                long index = (long)b * BlockValues + bad[b];
                throw NpyValueReader.NotFinite(Header, index, single ? SingleValues[(int)index] : Values[(int)index]);
            }
        return largest.Max();
    }
}
