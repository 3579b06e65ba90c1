using System.Runtime.InteropServices;

namespace Lsgd.IO;

/// <summary>
/// Writes a file so that a crash or Ctrl+C never leaves a half-written one: the content goes to a temporary
/// file in the same folder, is flushed to disk, then renamed over the target in one step.
/// </summary>
/// <remarks>
/// A symbolic link is followed: the file it points to is replaced (atomically) and the link stays a link.
/// A target that exists but is not a regular file (a character device such as <c>/dev/null</c> or
/// <c>/dev/stdout</c>, or a named pipe) is written directly, as a shell's <c>&gt;</c> would, never replaced by
/// a regular file; a socket or a block device is refused. Every failure (missing folder, no permission, a full
/// disk, a file system that takes no new files) is an <see cref="LsgdException"/> and the old file is kept.
/// </remarks>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>, atomically.</summary>
    /// <param name="path">The target file.</param>
    /// <param name="write">Writes the whole content to the stream it is given.</param>
    /// <exception cref="LsgdException">The folder does not exist or cannot be written, or the disk is full.</exception>
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
    /// <exception cref="LsgdException">The folder does not exist or cannot be written, or the disk is full.</exception>
    public static void Write<TState>(string path, TState state, Action<Stream, TState> write)
        where TState : allows ref struct
    {
        ArgumentNullException.ThrowIfNull(write);
        var (full, kind) = Check(path);
        if (kind == TargetKind.Special)
        {
            try
            {
                using var direct = new FileStream(full, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
                write(direct, state);
                direct.Flush();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw Failure(path, e, full, full);
            }
            return;
        }
        string folder = System.IO.Path.GetDirectoryName(full) ?? ".";
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
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Failure(path, e, temp, full);
        }
        finally
        {
            try
            {
                if (File.Exists(temp))
                    File.Delete(temp);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Nothing more can be done about a temporary file the system will not delete.
            }
        }
    }

    /// <summary>Writes <paramref name="text"/> (UTF-8, no BOM) to <paramref name="path"/>, atomically.</summary>
    public static void WriteAllText(string path, string text) =>
        Write(path, s =>
        {
            using var writer = new StreamWriter(s, new System.Text.UTF8Encoding(false), leaveOpen: true);
            writer.Write(text);
        });

    /// <summary>
    /// Checks, before any long work, that <paramref name="path"/> can be written: its folder exists and takes
    /// new files, it is not a folder, and it is none of <paramref name="inputs"/> (which it would overwrite).
    /// </summary>
    /// <param name="path">The output file.</param>
    /// <param name="inputs">The files the command reads; null entries are ignored.</param>
    /// <exception cref="LsgdException">The output cannot be written, or it is one of the inputs.</exception>
    public static void CheckOutput(string path, params IEnumerable<string?> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var (full, kind) = Check(path);
        foreach (var input in inputs)
        {
            if (string.IsNullOrEmpty(input)) continue;
            if (SameFile(full, input))
                throw new LsgdException($"Cannot write '{path}': it is also an input of this command, which it would overwrite. Choose another output path.");
        }
        if (kind == TargetKind.Special)
            return;
        string folder = System.IO.Path.GetDirectoryName(full) ?? ".";
        string probe = System.IO.Path.Combine(folder, $".{System.IO.Path.GetFileName(full)}.{Guid.NewGuid():N}.probe");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Failure(path, e, probe, full);
        }
    }

    private enum TargetKind { New, Regular, Special }

    /// <summary>The full path to write (a symbolic link resolved) and what is there now.</summary>
    private static (string Full, TargetKind Kind) Check(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = System.IO.Path.GetFullPath(path);
        if (File.Exists(full) && new FileInfo(full).LinkTarget is not null)
        {
            try
            {
                var target = File.ResolveLinkTarget(full, returnFinalTarget: true);
                if (target is not null)
                    full = System.IO.Path.GetFullPath(target.FullName);
            }
            catch (IOException e)
            {
                throw new LsgdException($"Cannot write '{path}': it is a symbolic link that cannot be followed ({e.Message}). Give the file itself.", e);
            }
        }
        string folder = System.IO.Path.GetDirectoryName(full) ?? ".";
        if (Directory.Exists(full))
            throw new LsgdException($"Cannot write '{path}': it is a folder. Give a file name.");
        if (!Directory.Exists(folder))
            throw new LsgdException($"Cannot write '{path}': the folder '{folder}' does not exist. Create it or choose another path.");
        if (!File.Exists(full))
            return (full, TargetKind.New);
        return FileType(full) switch
        {
            UnixType.Regular or UnixType.Unknown => (full, TargetKind.Regular),
            UnixType.CharacterDevice or UnixType.Fifo => (full, TargetKind.Special),
            _ => throw new LsgdException($"Cannot write '{path}': it is not a regular file (a socket or a block device). Choose a file path."),
        };
    }

    private static bool SameFile(string full, string input)
    {
        try
        {
            string other = System.IO.Path.GetFullPath(input);
            if (File.Exists(other) && new FileInfo(other).LinkTarget is not null &&
                File.ResolveLinkTarget(other, returnFinalTarget: true) is { } target)
                other = System.IO.Path.GetFullPath(target.FullName);
            return string.Equals(full, other, OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or ArgumentException or NotSupportedException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static LsgdException Failure(string path, Exception e, string temp, string full)
    {
        string folder = System.IO.Path.GetDirectoryName(full) ?? ".";
        string reason = e switch
        {
            UnauthorizedAccessException => "permission denied",
            FileNotFoundException or DirectoryNotFoundException => $"the folder '{folder}' does not take new files",
            _ when e.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase) || e.HResult == 28 || e.HResult == 0x70 =>
                "the disk is full",
            _ when e.Message.Contains("Read-only file system", StringComparison.OrdinalIgnoreCase) => "the file system is read-only",
            _ => e.Message.Replace(temp, full, StringComparison.Ordinal).TrimEnd('.'),
        };
        return new LsgdException($"Cannot write '{path}': {reason}. Nothing was written; choose another path or free some space.", e);
    }

    private enum UnixType { Unknown, Regular, Directory, CharacterDevice, BlockDevice, Fifo, Socket, Link }

    /// <summary>The type of the file at <paramref name="path"/> (following links), from the runtime's own stat shim.</summary>
    private static UnixType FileType(string path)
    {
        if (OperatingSystem.IsWindows())
            return UnixType.Unknown;
        try
        {
            if (NativeMethods.Stat(path, out var status) != 0)
                return UnixType.Unknown;
            return (status.Mode & 0xF000) switch
            {
                0x8000 => UnixType.Regular,
                0x4000 => UnixType.Directory,
                0x2000 => UnixType.CharacterDevice,
                0x6000 => UnixType.BlockDevice,
                0x1000 => UnixType.Fifo,
                0xC000 => UnixType.Socket,
                0xA000 => UnixType.Link,
                _ => UnixType.Unknown,
            };
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return UnixType.Unknown;
        }
    }

    private static class NativeMethods
    {
        /// <summary>The leading fields of System.Native's FileStatus (flags, mode), padded past its full size.</summary>
        [StructLayout(LayoutKind.Sequential, Size = 256)]
        internal struct FileStatus
        {
            public int Flags;
            public int Mode;
        }

        [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat", SetLastError = false)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern int Stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, out FileStatus output);
    }
}
