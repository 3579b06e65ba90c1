namespace Lsgd.IO;

/// <summary>
/// Writes a file so that a crash or Ctrl+C never leaves a half-written one: the content goes to a temporary
/// file in the same folder, is flushed to disk, then renamed over the target in one step.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>, atomically.</summary>
    /// <param name="path">The target file.</param>
    /// <param name="write">Writes the whole content to the stream it is given.</param>
    /// <exception cref="LsgdException">The folder does not exist or cannot be written.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        Write(path, write, static (stream, action) => action(stream));
    }

    /// <summary>
    /// Writes <paramref name="path"/> through <paramref name="write"/>, atomically, handing it
    /// <paramref name="state"/>; the state may be a span, which a capturing lambda could not hold.
    /// </summary>
    /// <typeparam name="TState">What <paramref name="write"/> writes, e.g. <c>ReadOnlySpan&lt;double&gt;</c>.</typeparam>
    /// <param name="path">The target file.</param>
    /// <param name="state">Passed to <paramref name="write"/> unchanged.</param>
    /// <param name="write">Writes the whole content to the stream it is given.</param>
    /// <exception cref="LsgdException">The folder does not exist or cannot be written.</exception>
    public static void Write<TState>(string path, TState state, Action<Stream, TState> write)
        where TState : allows ref struct
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string full = System.IO.Path.GetFullPath(path);
        string folder = System.IO.Path.GetDirectoryName(full) ?? ".";
        if (!Directory.Exists(folder))
            throw new LsgdException($"Cannot write '{path}': the folder '{folder}' does not exist. Create it or choose another path.");
        if (Directory.Exists(full))
            throw new LsgdException($"Cannot write '{path}': it is a folder. Give a file name.");
        string temp = System.IO.Path.Combine(folder, $".{System.IO.Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream, state);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new LsgdException($"Cannot write '{path}': permission denied. Choose another path.", e);
        }
        finally
        {
            if (File.Exists(temp))
                File.Delete(temp);
        }
    }

    /// <summary>Writes <paramref name="text"/> (UTF-8, no BOM) to <paramref name="path"/>, atomically.</summary>
    public static void WriteAllText(string path, string text) =>
        Write(path, s =>
        {
            using var writer = new StreamWriter(s, new System.Text.UTF8Encoding(false), leaveOpen: true);
            writer.Write(text);
        });
}
