using Lsgd.Internals;
using Lsgd.LinearAlgebra;

namespace Lsgd.Data;

/// <summary>
/// The R factor of the QR decomposition A = QR of a tall matrix whose rows arrive in blocks (tall-skinny QR,
/// TSQR): each block is folded into R by Householder reflections and Q is never stored, so memory stays at one
/// m × m triangle (m columns) however many rows pass. Two factors of disjoint row sets merge into the factor of
/// all their rows (the QR of the two triangles stacked), so cores, file chunks and machines can each factor
/// their own rows and combine the results in any grouping.
/// </summary>
/// <remarks>
/// <para>R is unique up to the signs of its rows: RᵀR = AᵀA whatever the blocking, and the solution of a least-squares
/// problem read from it does not depend on those signs. Different blockings agree to rounding (Householder QR
/// is backward stable column by column, and so is every fold and merge).</para>
/// <para>For least squares, append the targets as the last columns: the factor of [A | y] is [[R, c], [0, ρ]]
/// with c = Qᵀy, so the solution is R⁻¹c and the residual sum of squares ρ², with no Q applied to y.
/// <see cref="Solvers.ExactLeastSquares"/> factors its centred, scaled design this way, in parallel blocks of
/// rows in memory and chunk by chunk for a streamed file.</para>
/// </remarks>
public sealed class TallSkinnyQr
{
    /// <summary>Rows folded at a time: a block of 256 rows of 100 columns (200 kB) stays in the L2 cache.</summary>
    internal const int BlockRows = 256;

    private readonly double[] _r;
    private double[]? _block;

    /// <summary>The factor of no rows yet (R = 0).</summary>
    /// <param name="columns">m, the matrix's columns (≥ 1).</param>
    public TallSkinnyQr(int columns)
    {
        Columns = Check.AtLeast(columns, 1, nameof(columns), "Give the number of columns of the rows to factor.");
        _r = new double[columns * columns];
    }

    /// <summary>A factor received from elsewhere (another process or machine): <paramref name="r"/> as <see cref="ToArray"/> gave it.</summary>
    /// <param name="r">m × m row-major; entries below the diagonal are ignored.</param>
    /// <param name="columns">m.</param>
    /// <param name="rows">The rows it stands for.</param>
    public TallSkinnyQr(ReadOnlySpan<double> r, int columns, long rows) : this(columns)
    {
        if (r.Length != columns * columns)
            throw new ArgumentException($"R has {r.Length} values; a factor of {columns} columns has {columns * columns} (m × m, row-major).", nameof(r));
        Rows = rows >= 0 ? rows : throw new ArgumentOutOfRangeException(nameof(rows), rows, "A factor stands for 0 or more rows.");
        for (int i = 0; i < columns; i++)
            r.Slice(i * columns + i, columns - i).CopyTo(_r.AsSpan(i * columns + i));
    }

    /// <summary>m, the columns.</summary>
    public int Columns { get; }

    /// <summary>How many rows have been folded in (merged factors add up).</summary>
    public long Rows { get; private set; }

    /// <summary>Rᵢⱼ (zero below the diagonal).</summary>
    public double this[int i, int j] => j >= i ? _r[i * Columns + j] : 0;

    /// <summary>Folds in <paramref name="count"/> rows given row-major (count × <see cref="Columns"/> values).</summary>
    /// <param name="rows">The rows, row-major.</param>
    /// <param name="count">How many.</param>
    public void Add(ReadOnlySpan<double> rows, int count)
    {
        int m = Columns;
        if (count < 0 || rows.Length < (long)count * m)
            throw new ArgumentException($"{count} rows of {m} columns need {(long)count * m} values; {rows.Length} were given.", nameof(rows));
        var block = _block ??= new double[BlockRows * m];
        for (int start = 0; start < count; start += BlockRows)
        {
            int b = Math.Min(BlockRows, count - start);
            for (int i = 0; i < b; i++)
            {
                var row = rows.Slice((start + i) * m, m);
                for (int j = 0; j < m; j++) block[j * b + i] = row[j];
            }
            Fold(block, b);
        }
    }

    /// <summary>Folds in a block already laid out column-major (rows × m, column j at j·rows); the block is overwritten.</summary>
    internal void Fold(Span<double> columnMajor, int rows)
    {
        StackedQr.Reduce(_r, Columns, columnMajor, rows);
        Rows += rows;
    }

    /// <summary>A scratch block of <see cref="BlockRows"/> × m for <see cref="Fold"/>.</summary>
    internal double[] Scratch => _block ??= new double[BlockRows * Columns];

    /// <summary>Merges the factor of other rows into this one: afterwards this is the factor of both row sets (<paramref name="other"/> is unchanged).</summary>
    /// <param name="other">A factor with the same columns.</param>
    public void Merge(TallSkinnyQr other)
    {
        ArgumentNullException.ThrowIfNull(other);
        int m = Columns;
        if (other.Columns != m)
            throw new ArgumentException($"A factor of {other.Columns} columns cannot merge into one of {m}.", nameof(other));
        if (other.Rows == 0) return;
        // Only the first j + 1 rows of column j of the other triangle are nonzero: fold it as an m-row block.
        var block = new double[m * m];
        for (int i = 0; i < m; i++)
            for (int j = i; j < m; j++) block[j * m + i] = other._r[i * m + j];
        StackedQr.Reduce(_r, m, block, m);
        Rows += other.Rows;
    }

    /// <summary>R, m × m row-major (zeros below the diagonal): what another process needs to merge this factor.</summary>
    public double[] ToArray()
    {
        int m = Columns;
        var r = new double[m * m];
        for (int i = 0; i < m; i++)
            _r.AsSpan(i * m + i, m - i).CopyTo(r.AsSpan(i * m + i));
        return r;
    }
}
