using System.Security.Cryptography;
using System.Text;
using Lsgd.IO;

namespace Lsgd.Embeddings;

/// <summary>
/// Embeddings kept on disk between runs, keyed by a SHA-256 hash of the model id and the text, so a re-run of
/// the same texts skips the encoder and gets bit-identical vectors.
/// </summary>
/// <remarks>
/// Layout: one folder per model (named by a hash of its id, with the id in <c>model.txt</c>); in it, shards of
/// vectors written by one run each: <c>NAME.npy</c> (float32, texts × d) and <c>NAME.keys</c> (one hex key per
/// row, in the same order). Both files are written atomically, the keys last, so a shard is either complete or
/// ignored. Deleting the folder (or any shard) is always safe.
/// </remarks>
public sealed class EmbeddingCache
{
    /// <summary>Uses (and creates when first written) the folder <paramref name="directory"/>.</summary>
    public EmbeddingCache(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = Path.GetFullPath(directory);
    }

    /// <summary>The cache folder.</summary>
    public string Directory { get; }

    /// <summary>
    /// The user's cache folder for Lsgd's embeddings, <c>CACHE/embeddings</c>, where CACHE is the environment variable
    /// <c>LSGD_CACHE_DIR</c> when set (to move the cache, or to keep tests out of the user's home), else the platform's
    /// cache folder: <c>$XDG_CACHE_HOME/lsgd</c> or <c>~/.cache/lsgd</c> on Linux, <c>~/Library/Caches/lsgd</c> on macOS
    /// (<c>$XDG_CACHE_HOME/lsgd</c> when that is set), <c>%LOCALAPPDATA%\lsgd\cache</c> on Windows.
    /// </summary>
    public static string DefaultDirectory => Path.Combine(CacheRoot(Environment.GetEnvironmentVariable), "embeddings");

    /// <summary>Lsgd's cache folder under the environment <paramref name="variable"/> (see <see cref="DefaultDirectory"/>).</summary>
    internal static string CacheRoot(Func<string, string?> variable)
    {
        string? own = variable("LSGD_CACHE_DIR");
        if (!string.IsNullOrEmpty(own))
            return Path.GetFullPath(own);
        if (OperatingSystem.IsWindows())
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "lsgd", "cache");
        string? xdg = variable("XDG_CACHE_HOME");
        if (!string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg))   // the XDG spec: a relative path is invalid and ignored
            return Path.Combine(xdg, "lsgd");
        string home = variable("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return OperatingSystem.IsMacOS() ? Path.Combine(home, "Library", "Caches", "lsgd") : Path.Combine(home, ".cache", "lsgd");
    }

    /// <summary>The key of <paramref name="text"/> under <paramref name="modelId"/>: hex SHA-256 of both.</summary>
    public static string Key(string modelId, string text)
    {
        ArgumentNullException.ThrowIfNull(modelId);
        ArgumentNullException.ThrowIfNull(text);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(modelId + "\n" + text)));
    }

    /// <summary>Copies the cached vectors of <paramref name="texts"/> into <paramref name="destination"/> and marks them in <paramref name="found"/>.</summary>
    /// <param name="modelId">The encoder's model id.</param>
    /// <param name="texts">The texts.</param>
    /// <param name="dimension">d; shards of another width are ignored.</param>
    /// <param name="destination">texts.Count × d values, row-major; rows not found are left as they are.</param>
    /// <param name="found">One flag per text, set for those found.</param>
    /// <returns>The number of texts found.</returns>
    public int Lookup(string modelId, IReadOnlyList<string> texts, int dimension, Span<float> destination, Span<bool> found)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (destination.Length != texts.Count * dimension || found.Length != texts.Count)
            throw new ArgumentException("destination needs texts.Count × dimension values and found one flag per text.");
        string folder = ModelFolder(modelId);
        if (!System.IO.Directory.Exists(folder))
            return 0;
        var wanted = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (int i = 0; i < texts.Count; i++)
        {
            string key = Key(modelId, texts[i]);
            if (!wanted.TryGetValue(key, out var rows)) wanted[key] = rows = [];
            rows.Add(i);
        }
        int hits = 0;
        foreach (var keysFile in System.IO.Directory.EnumerateFiles(folder, "*.keys").Order(StringComparer.Ordinal))
        {
            if (wanted.Count == 0) break;
            string[] keys;
            try
            {
                keys = File.ReadAllLines(keysFile);
            }
            catch (IOException)
            {
                continue;   // being replaced by another process: a later run will find it
            }
            var needed = new List<(int Row, List<int> Targets)>();
            for (int r = 0; r < keys.Length; r++)
                if (wanted.Remove(keys[r], out var targets))
                    needed.Add((r, targets));
            if (needed.Count == 0) continue;
            float[]? shard = ReadShard(Path.ChangeExtension(keysFile, ".npy"), keys.Length, dimension);
            if (shard is null)
            {
                foreach (var (row, targets) in needed) wanted[keys[row]] = targets;   // look in other shards
                continue;
            }
            foreach (var (row, targets) in needed)
            {
                foreach (int i in targets)
                {
                    shard.AsSpan(row * dimension, dimension).CopyTo(destination.Slice(i * dimension, dimension));
                    found[i] = true;
                    hits++;
                }
            }
        }
        return hits;
    }

    /// <summary>Stores the vectors of <paramref name="texts"/> as one new shard.</summary>
    /// <exception cref="LsgdException">The cache folder cannot be created or written.</exception>
    public void Add(string modelId, IReadOnlyList<string> texts, int dimension, ReadOnlySpan<float> vectors)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (vectors.Length != texts.Count * dimension)
            throw new ArgumentException($"vectors has length {vectors.Length} but {texts.Count} × {dimension} was expected.", nameof(vectors));
        if (texts.Count == 0) return;
        string folder = ModelFolder(modelId);
        try
        {
            System.IO.Directory.CreateDirectory(folder);
            string idFile = Path.Combine(folder, "model.txt");
            if (!File.Exists(idFile))
                AtomicFile.WriteAllText(idFile, modelId + "\n");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LsgdException($"Cannot write the embedding cache in '{Directory}': {e.Message} Choose another folder with --cache, or turn the cache off with --no-cache.", e);
        }
        string name = Path.Combine(folder, $"{DateTime.UtcNow:yyyyMMddTHHmmss}-{Guid.NewGuid():N}"[..32]);
        NpyFile.Write(name + ".npy", vectors, texts.Count, dimension);
        var keys = new StringBuilder(texts.Count * 65);
        foreach (var text in texts)
            keys.Append(Key(modelId, text)).Append('\n');
        AtomicFile.WriteAllText(name + ".keys", keys.ToString());
    }

    private string ModelFolder(string modelId)
    {
        ArgumentNullException.ThrowIfNull(modelId);
        return Path.Combine(Directory, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(modelId)))[..16]);
    }

    /// <summary>The shard's vectors, or null when the file is missing, damaged or of another shape.</summary>
    private static float[]? ReadShard(string path, int rows, int dimension)
    {
        try
        {
            var header = NpyFile.ReadHeader(path);
            if (header.Rows != rows || header.Columns != dimension) return null;
            return NpyFile.ReadSingles(header);
        }
        catch (LsgdException)
        {
            return null;
        }
    }
}
