using Lsgd.Internals;

namespace Lsgd.IO;

/// <summary>Writes the core's stage times (<c>LSGD_STAGES</c>, a development hook) where the command says: nothing unless they were asked for.</summary>
internal static class StageTimes
{
    /// <summary>Ends the stage <paramref name="name"/> of the core's clock (when <c>LSGD_STAGES</c> is set; otherwise nothing).</summary>
    public static void Mark(string name) => StageClock.Mark(name);

    /// <summary>Writes and forgets the lines recorded so far.</summary>
    public static void WriteTo(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        foreach (string line in StageClock.Take())
            writer.WriteLine(line);
    }
}
