namespace Lsgd.Cli;

/// <summary>
/// How the human (text) output of a wide fit shortens what it lists once per term: the coefficients' table, the
/// "Fitted … ~ …" line and the variance inflation factors' line. Every such listing goes through here, so each has
/// the same limits and says the same thing about what it left out. <c>--json</c> and the model file of
/// <c>-o</c>/<c>--output</c> are never shortened: they carry every coefficient.
/// </summary>
/// <remarks>
/// Why: a fine-tuning head of 768 embedding dimensions × 20 outputs printed 20 tables of 769 rows, 31 000 lines
/// (4.2 MB) that nobody reads row by row, and laying them out in Spectre.Console tables took half of the run
/// (≈ 4.3 s against ≈ 1.05 s with <c>--json</c> on a 2-vCPU Xeon; Wcwidth's character widths alone were 25 % of
/// the samples).
/// </remarks>
internal static class LongLists
{
    /// <summary>
    /// The most terms (features, not counting the intercept) a coefficients' table prints whole. 50: ordinary fits
    /// stay well below it (NIST's widest StRD problem has 10 terms; a formula with a few factors and their
    /// interactions a few dozen), and a 50-row table still reads on a screen or two, whereas nobody reads hundreds of
    /// rows of embedding dimensions one by one.
    /// </summary>
    public const int MaxTableTerms = 50;

    /// <summary>How many terms a table longer than <see cref="MaxTableTerms"/> shows (after the intercept).</summary>
    public const int ShownTableTerms = 20;

    /// <summary>
    /// The most names a one-line list (the "Fitted y ~ x1 + …" line, the VIFs) prints whole: ten names keep the line
    /// within about two lines of a terminal. A longer list prints its first <see cref="ShownLineNames"/>, "…", the
    /// last name and the count.
    /// </summary>
    public const int MaxLineNames = 10;

    /// <summary>How many names a list longer than <see cref="MaxLineNames"/> shows before its "…".</summary>
    public const int ShownLineNames = 3;

    /// <summary>How many of a table's <paramref name="terms"/> rows to print: all up to <see cref="MaxTableTerms"/>, else <see cref="ShownTableTerms"/>.</summary>
    public static int TableRows(int terms) => terms <= MaxTableTerms ? terms : ShownTableTerms;

    /// <summary>
    /// The line after a table of which <see cref="TableRows"/> printed only the first rows: how many terms are not
    /// shown, which, and where every coefficient is; null when the table printed whole.
    /// </summary>
    /// <param name="names">The table's terms, in order (without the intercept).</param>
    /// <param name="modelPath">The model file written by <c>-o</c>/<c>--output</c>, or null.</param>
    public static string? NotShown(IReadOnlyList<string> names, string? modelPath)
    {
        int shown = TableRows(names.Count);
        if (shown == names.Count) return null;
        string hidden = names.Count - shown == 1 ? names[^1] : $"{names[shown]} … {names[^1]}";
        string where = modelPath is null
            ? "--json, or the model file of -o/--output, lists every coefficient"
            : $"the model file {modelPath} (or --json) lists every coefficient";
        return $"… {Text.Plural(names.Count - shown, "more term")} not shown ({hidden}; {names.Count} in all): {where}.";
    }

    /// <summary>
    /// <paramref name="items"/> joined by <paramref name="separator"/>; above <see cref="MaxLineNames"/>, the first
    /// <see cref="ShownLineNames"/>, "…", the last and the count ("x1 + x2 + x3 + … + x768 (768 features)").
    /// </summary>
    /// <param name="items">The names (or "name value" pairs).</param>
    /// <param name="separator">What joins them: ", " or " + ".</param>
    /// <param name="noun">What one item is, for the count: "feature", "target".</param>
    public static string Line(IReadOnlyList<string> items, string separator, string noun) =>
        items.Count <= MaxLineNames
            ? string.Join(separator, items)
            : string.Join(separator, [.. items.Take(ShownLineNames), "…", items[^1]]) + $" ({Text.Plural(items.Count, noun)})";
}
