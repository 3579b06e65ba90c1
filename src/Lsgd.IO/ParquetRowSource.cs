using System.Buffers;
using System.Globalization;
using System.Numerics;
using Lsgd.Data;
using Parquet;
using Parquet.Schema;

namespace Lsgd.IO;

/// <summary>
/// Numeric columns of a Parquet file read in chunks of rows (Parquet.Net), for data larger than memory.
/// Columns of type double, float, int32 and int64 are read, nullable or not, and widened to double
/// (int64 beyond 2⁵³ rounds to the nearest double). A null, NaN or infinite value stops the pass with a
/// message naming the row group, the row and the column.
/// </summary>
/// <remarks>
/// Parquet stores a file as row groups, each column of a group compressed as a whole, so a pass decodes one
/// row group at a time: memory holds the chosen columns of one row group (as doubles) plus one chunk. A
/// front-to-back pass restarts its chunks at every row group; chunks read in a given order
/// (<see cref="IRandomAccessRowSource"/>) are cut from the whole file and may span row groups, each decoding
/// only the groups it overlaps.
/// </remarks>
public sealed class ParquetRowSource : IRandomAccessRowSource
{
    private readonly DataField[] _fields;
    private readonly long[] _groupRows;
    private readonly long[] _groupFirst;   // row of the file where each group starts, and n at the end

    /// <summary>Reads the file's schema and row counts, and checks the columns.</summary>
    /// <param name="path">The Parquet file.</param>
    /// <param name="targets">Target column(s); more than one gives a multi-output model.</param>
    /// <param name="features">Feature columns; null or empty means every other column of a supported numeric type.</param>
    /// <param name="weights">
    /// The column of row weights for weighted least squares, or null: chunks then carry them (<see cref="RowChunk.W"/>),
    /// and a negative, null or non-finite weight is an error naming its row and column.
    /// </param>
    /// <exception cref="LsgdException">
    /// Missing or unreadable file, unknown or repeated column, no feature column, or a chosen column of another type.
    /// </exception>
    public ParquetRowSource(string path, IReadOnlyList<string> targets, IReadOnlyList<string>? features = null, string? weights = null)
    {
        Path = path;
        var reader = Open(path, CancellationToken.None);
        try
        {
            var fields = reader.Schema.Fields;
            var inputs = ColumnSelection.Resolve(path, () => [.. fields.Select(f => f.Name)], targets, features,
                () => [.. fields.Where(f => TypeName(f) is null).Select(f => f.Name)], weights);
            new FeatureSpec(inputs).Validate();
            WeightName = weights;
            _fields = [.. inputs.Concat(targets).Concat(weights is null ? [] : [weights]).Select(name => Supported(fields.First(f => f.Name == name)))];
            FeatureNames = inputs;
            TargetNames = [.. targets];
            _groupRows = [.. reader.RowGroups.Select(g => g.RowCount)];
            if (_groupRows.Any(rows => rows < 0))
                throw new LsgdException($"{path} could not be read as Parquet (damaged file?): a row group has a negative row count. Write the file again.");
            _groupFirst = new long[_groupRows.Length + 1];
            for (int g = 0; g < _groupRows.Length; g++) _groupFirst[g + 1] = _groupFirst[g] + _groupRows[g];
        }
        catch (Exception e) when (IsCorruption(e))
        {
            throw new LsgdException($"{path} could not be read as Parquet (damaged file?): {Quote.Text(e.Message)}. Check the file, or write it again.", e);
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>The Parquet file.</summary>
    public string Path { get; }

    /// <summary>The column of row weights, or null for unweighted rows.</summary>
    public string? WeightName { get; }

    /// <inheritdoc />
    public int Features => FeatureNames.Count;

    /// <inheritdoc />
    public int Outputs => TargetNames.Count;

    /// <inheritdoc />
    public IReadOnlyList<string> FeatureNames { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> TargetNames { get; }

    /// <summary>The number of rows, from the file's metadata.</summary>
    public long? RowCount => _groupFirst[^1];

    /// <summary>The number of row groups in the file.</summary>
    public int RowGroups => _groupRows.Length;

    /// <inheritdoc />
    /// <exception cref="LsgdException">A null, NaN or infinite value (named by row group, row and column), or an unreadable file.</exception>
    public IEnumerable<RowChunk> ReadChunks(int chunkRows, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkRows, 1);
        return Pass(chunkRows, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// A chunk decodes every row group it overlaps, one at a time (memory: one group's chosen columns plus one
    /// chunk); the last group decoded is kept for the next chunk, so chunks in file order decode each group
    /// once, while a chunk visited alone inside a large row group costs the decoding of that whole group.
    /// </remarks>
    /// <exception cref="LsgdException">A null, NaN or infinite value (named by row group, row and column), or an unreadable file.</exception>
    public IEnumerable<RowChunk> ReadChunks(int chunkRows, IReadOnlyList<int> chunkOrder, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkRows, 1);
        ArgumentNullException.ThrowIfNull(chunkOrder);
        long n = _groupFirst[^1];
        long chunks = (n + chunkRows - 1) / chunkRows;
        foreach (int c in chunkOrder)
            if (c < 0 || c >= chunks)
                throw new ArgumentOutOfRangeException(nameof(chunkOrder), c, $"Chunk indices must be in [0, {chunks}).");
        if (Math.Min(chunkRows, n) * Math.Max(Features, Outputs) > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(chunkRows), chunkRows, "A chunk of that many rows holds more values than an array can.");
        CheckGroupSizes();
        return OrderedPass(chunkRows, chunkOrder, cancellationToken);
    }

    private IEnumerable<RowChunk> OrderedPass(int chunkRows, IReadOnlyList<int> order, CancellationToken cancellationToken)
    {
        int d = Features, k = Outputs;
        long n = _groupFirst[^1];
        int size = (int)Math.Min(chunkRows, n);
        var x = new double[size * d];
        var y = new double[size * k];
        var w = WeightName is null ? null : new double[size];
        var columns = new double[_fields.Length][];
        int decoded = -1;   // the row group now in columns
        var reader = Open(Path, cancellationToken);
        try
        {
            foreach (int c in order)
            {
                cancellationToken.ThrowIfCancellationRequested();
                long first = (long)c * chunkRows, end = Math.Min(n, first + chunkRows);
                // The last group starting at or before the chunk's first row holds that row (an empty group
                // starts where the next one does, so it is never the last such group).
                int g = Array.BinarySearch(_groupFirst, 0, _groupRows.Length, first);
                g = g >= 0 ? LastGroupStartingAt(g) : ~g - 1;
                for (long row = first; row < end; g++)
                {
                    long groupEnd = _groupFirst[g + 1];
                    if (groupEnd <= row) continue;
                    if (decoded != g)
                    {
                        DecodeGroup(reader, g, columns, cancellationToken);
                        decoded = g;
                    }
                    int from = (int)(row - _groupFirst[g]), at = (int)(row - first), count = (int)(Math.Min(end, groupEnd) - row);
                    Copy(columns, from, x, y, w, at, count);
                    row += count;
                }
                yield return new RowChunk(x, y, (int)(end - first), first, w);
            }
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>Among groups that start at the same row as group <paramref name="g"/> (empty ones), the last.</summary>
    private int LastGroupStartingAt(int g)
    {
        while (g + 1 < _groupRows.Length && _groupFirst[g + 1] == _groupFirst[g]) g++;
        return g;
    }

    private IEnumerable<RowChunk> Pass(int chunkRows, CancellationToken cancellationToken)
    {
        int d = Features, k = Outputs;
        long largest = CheckGroupSizes();
        int size = (int)Math.Min(Math.Min(chunkRows, largest), Array.MaxLength / Math.Max(d, k));
        var x = new double[size * d];
        var y = new double[size * k];
        var w = WeightName is null ? null : new double[size];
        var columns = new double[_fields.Length][];
        var reader = Open(Path, cancellationToken);
        try
        {
            for (int g = 0; g < _groupRows.Length; g++)
            {
                int rows = (int)_groupRows[g];
                DecodeGroup(reader, g, columns, cancellationToken);
                for (int start = 0; start < rows; start += size)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    int count = Math.Min(size, rows - start);
                    Copy(columns, start, x, y, w, 0, count);
                    yield return new RowChunk(x, y, count, _groupFirst[g] + start, w);
                }
            }
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>The largest row group's row count, which must fit in one array.</summary>
    private long CheckGroupSizes()
    {
        long largest = _groupRows.Length == 0 ? 0 : _groupRows.Max();
        if (largest > Array.MaxLength)
            throw new LsgdException($"{Path} has a row group of {largest} rows, more than lsgd can decode at once. Write it with smaller row groups.");
        return largest;
    }

    /// <summary>Decodes the chosen columns of row group <paramref name="g"/> into <paramref name="columns"/> (grown as needed).</summary>
    private void DecodeGroup(ParquetReader reader, int g, double[][] columns, CancellationToken cancellationToken)
    {
        int rows = (int)_groupRows[g];
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (8.0 * rows * _fields.Length > available / 2.0)
            throw new LsgdException($"{Path}, row group {g + 1}: {rows} rows × {_fields.Length} columns would take more than half of the memory this process may use " +
                "(or the file is damaged). Write it with smaller row groups.");
        ParquetRowGroupReader group;
        try
        {
            group = reader.OpenRowGroupReader(g);
        }
        catch (Exception e) when (IsCorruption(e))
        {
            throw new LsgdException($"{Path}, row group {g + 1} could not be read (damaged file?): {Quote.Text(e.Message)}. Write the file again.", e);
        }
        for (int c = 0; c < _fields.Length; c++)
        {
            if (columns[c] is null || columns[c].Length < rows)
                columns[c] = new double[rows];
            Decode(group, g, _groupFirst[g], c, columns[c].AsMemory(0, rows), cancellationToken);
        }
        if (WeightName is not null && WeightColumn.FirstBad(columns[^1].AsSpan(0, rows)) is var bad and >= 0)
            throw new LsgdException($"{Where(g, bad, _groupFirst[g], WeightName)}: {WeightColumn.Problem(columns[^1][bad])}");
    }

    /// <summary>Rows [from, from + count) of the decoded columns into rows [at, at + count) of a chunk.</summary>
    private void Copy(double[][] columns, int from, double[] x, double[] y, double[]? w, int at, int count)
    {
        int d = Features, k = Outputs;
        for (int i = 0; i < count; i++)
        {
            for (int j = 0; j < d; j++) x[(at + i) * d + j] = columns[j][from + i];
            for (int o = 0; o < k; o++) y[(at + i) * k + o] = columns[d + o][from + i];
            if (w is not null) w[at + i] = columns[d + k][from + i];
        }
    }

    /// <summary>Decodes column <paramref name="c"/> of row group <paramref name="g"/> into <paramref name="destination"/> as doubles.</summary>
    private void Decode(ParquetRowGroupReader group, int g, long first, int c, Memory<double> destination, CancellationToken cancellationToken)
    {
        try
        {
            ReadColumn(group, g, first, c, destination, cancellationToken).GetAwaiter().GetResult();
        }
        catch (Exception e) when (IsCorruption(e))
        {
            throw new LsgdException($"{Path}, row group {g + 1}, column '{_fields[c].Name}' could not be decoded (damaged file?): {Quote.Text(e.Message)}. Write the file again.", e);
        }
    }

    private Task ReadColumn(ParquetRowGroupReader group, int g, long first, int c, Memory<double> destination, CancellationToken cancellationToken)
    {
        var field = _fields[c];
        var type = field.ClrType;
        if (type == typeof(double)) return ReadColumn<double>(group, field, g, first, destination, cancellationToken);
        if (type == typeof(float)) return ReadColumn<float>(group, field, g, first, destination, cancellationToken);
        if (type == typeof(int)) return ReadColumn<int>(group, field, g, first, destination, cancellationToken);
        return ReadColumn<long>(group, field, g, first, destination, cancellationToken);
    }

    private async Task ReadColumn<T>(ParquetRowGroupReader group, DataField field, int g, long first, Memory<double> destination, CancellationToken cancellationToken)
        where T : struct, INumberBase<T>
    {
        int rows = destination.Length;
        if (field.IsNullable)
        {
            var values = ArrayPool<T?>.Shared.Rent(rows);
            try
            {
                await group.ReadAsync<T>(field, values.AsMemory(0, rows), null, cancellationToken).ConfigureAwait(false);
                Widen(values.AsSpan(0, rows), destination.Span, field.Name, g, first);
            }
            finally
            {
                ArrayPool<T?>.Shared.Return(values);
            }
        }
        else if (typeof(T) == typeof(double))
        {
            await group.ReadAsync(field, destination, null, cancellationToken).ConfigureAwait(false);
            CheckFinite(destination.Span, field.Name, g, first);
        }
        else
        {
            var values = ArrayPool<T>.Shared.Rent(rows);
            try
            {
                await group.ReadAsync<T>(field, values.AsMemory(0, rows), null, cancellationToken).ConfigureAwait(false);
                var span = destination.Span;
                for (int i = 0; i < rows; i++) span[i] = double.CreateTruncating(values[i]);
                CheckFinite(span, field.Name, g, first);
            }
            finally
            {
                ArrayPool<T>.Shared.Return(values);
            }
        }
    }

    private void Widen<T>(ReadOnlySpan<T?> values, Span<double> destination, string name, int g, long first)
        where T : struct, INumberBase<T>
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] is not { } v)
                throw new LsgdException($"{Where(g, i, first, name)}: the value is null. Fill it in or remove the row.");
            destination[i] = double.CreateTruncating(v);
        }
        CheckFinite(destination, name, g, first);
    }

    private void CheckFinite(ReadOnlySpan<double> values, string name, int g, long first)
    {
        int bad = NpyValueReader.FirstNonFinite(values);
        if (bad >= 0)
            throw new LsgdException($"{Where(g, bad, first, name)}: the value is {values[bad].ToString("R", CultureInfo.InvariantCulture)}: " +
                "every value must be a finite number. Remove or impute that row.");
    }

    private string Where(int g, int i, long first, string name) =>
        $"{Path}, row group {g + 1}, row {i + 1} (row {first + i + 1} of the file), column '{name}'";

    /// <summary>The column as a readable field, or a message naming its type.</summary>
    private DataField Supported(Field field) =>
        TypeName(field) is { } type
            ? throw new LsgdException($"{Path}: column '{field.Name}' has type {type}; lsgd reads double, float, int32 and int64 columns. " +
                "Convert it to a number type, or leave it out of the features.")
            : (DataField)field;

    /// <summary>Null for a flat double, float, int32 or int64 column; otherwise the name of its type.</summary>
    private static string? TypeName(Field field)
    {
        if (field is not DataField data)
            return field.SchemaType.ToString().ToLowerInvariant();
        string name = data.ClrType switch
        {
            var t when t == typeof(double) => "double",
            var t when t == typeof(float) => "float",
            var t when t == typeof(int) => "int32",
            var t when t == typeof(long) => "int64",
            var t when t == typeof(short) => "int16",
            var t when t == typeof(sbyte) => "int8",
            var t when t == typeof(byte) => "uint8",
            var t when t == typeof(ushort) => "uint16",
            var t when t == typeof(uint) => "uint32",
            var t when t == typeof(ulong) => "uint64",
            var t when t == typeof(bool) => "boolean",
            var t when t == typeof(string) || t == typeof(ReadOnlyMemory<char>) => "string",
            var t when t == typeof(byte[]) || t == typeof(ReadOnlyMemory<byte>) => "binary",
            var t when t == typeof(decimal) => "decimal",
            var t when t == typeof(DateTime) || t == typeof(DateTimeOffset) => "timestamp",
            var t when t == typeof(DateOnly) => "date",
            var t when t == typeof(TimeSpan) || t == typeof(TimeOnly) => "time",
            var t => t.Name,
        };
        if (data.IsArray) return $"list of {name}";
        return name is "double" or "float" or "int32" or "int64" ? null : name;
    }

    private static ParquetReader Open(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
            throw new LsgdException($"{path} is a folder, not a Parquet file.");
        if (!File.Exists(path))
            throw new LsgdException($"{path} does not exist. Check the path (relative paths start from {Environment.CurrentDirectory}).");
        try
        {
            return ParquetReader.CreateAsync(path, null, cancellationToken).GetAwaiter().GetResult();
        }
        catch (UnauthorizedAccessException e)
        {
            throw new LsgdException($"{path} could not be read: permission denied.", e);
        }
        catch (Exception e) when (IsCorruption(e))
        {
            throw new LsgdException($"{path} could not be read as Parquet (not a Parquet file, or damaged): {Quote.Text(e.Message)}. Check the file, or write it again.", e);
        }
    }

    /// <summary>
    /// Whether <paramref name="e"/>, thrown by Parquet.Net while reading, means a damaged or foreign file: its
    /// Thrift and page decoders fail on scrambled bytes with any exception (an index out of range, an overflow,
    /// a length too large to allocate), never with a user's mistake. Cancellation and our own errors pass.
    /// </summary>
    private static bool IsCorruption(Exception e) =>
        e is not (OperationCanceledException or LsgdException or ThreadAbortException or StackOverflowException or AccessViolationException);
}
