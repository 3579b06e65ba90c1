namespace Lsgd.Plots;

/// <summary>Where every figure is written: checked folder, temporary file, rename, so no half-written PNG is left.</summary>
internal static class PlotFile
{
    /// <summary>Fails early, before any rendering, when the folder of <paramref name="path"/> does not exist; returns the full path.</summary>
    /// <exception cref="LsgdException">The folder does not exist.</exception>
    public static string CheckFolder(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full) ?? ".";
        if (!Directory.Exists(folder))
            throw new LsgdException($"Cannot write the plot to '{path}': the folder '{folder}' does not exist. Create it or choose another path.");
        return full;
    }

    /// <summary>Renders through <paramref name="render"/> (given a temporary path) and moves the result to <paramref name="path"/>.</summary>
    /// <exception cref="LsgdException">The folder does not exist.</exception>
    public static void Save(string path, Action<string> render)
    {
        string full = CheckFolder(path);
        string folder = Path.GetDirectoryName(full) ?? ".";
        string tmp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp.png");
        try
        {
            render(tmp);
            File.Move(tmp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }
}
