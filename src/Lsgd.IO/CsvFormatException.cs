namespace Lsgd.IO;

/// <summary>A problem at a known place in a CSV file: the message names the file, line and column.</summary>
public sealed class CsvFormatException : LsgdException
{
    /// <summary>Creates the exception; the message is prefixed with "FILE, line L, column C ('NAME'): ".</summary>
    /// <param name="path">The file.</param>
    /// <param name="line">1-based line number in the file (the header is line 1).</param>
    /// <param name="column">1-based column number, or 0 when the whole row is at fault.</param>
    /// <param name="columnName">The header name of the column, if known.</param>
    /// <param name="problem">What is wrong and what to do.</param>
    public CsvFormatException(string path, int line, int column, string? columnName, string problem)
        : base(Where(path, line, column, columnName) + problem)
    {
        Path = path;
        Line = line;
        Column = column;
        ColumnName = columnName;
        Problem = problem;
    }

    /// <summary>The same problem on another line (a block's line turned into the file's).</summary>
    internal CsvFormatException AtLine(int line) => new(Path, line, Column, ColumnName, Problem);

    private string? ColumnName { get; }

    private string Problem { get; }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>1-based line number (the header is line 1).</summary>
    public int Line { get; }

    /// <summary>1-based column number, 0 when the whole row is at fault.</summary>
    public int Column { get; }

    private static string Where(string path, int line, int column, string? name) =>
        column > 0
            ? $"{path}, line {line}, column {column}{(name is null ? "" : $" ('{name}')")}: "
            : $"{path}, line {line}: ";
}
