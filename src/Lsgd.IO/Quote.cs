using System.Text;

namespace Lsgd.IO;

/// <summary>
/// Quotes text taken from a user's file in an error message: at most <see cref="MaxLength"/> characters,
/// control characters escaped, so a huge header or a binary file never floods the terminal.
/// </summary>
internal static class Quote
{
    /// <summary>The most characters of one quoted value.</summary>
    public const int MaxLength = 80;

    /// <summary>The value in single quotes, shortened with "…" and with control characters escaped (\n, \t, \x01).</summary>
    public static string Text(ReadOnlySpan<char> value)
    {
        var sb = new StringBuilder(Math.Min(value.Length, MaxLength) + 8);
        sb.Append('\'');
        int shown = 0;
        foreach (char c in value)
        {
            if (shown == MaxLength)
            {
                sb.Append('…');
                break;
            }
            switch (c)
            {
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (char.IsControl(c) || char.IsSurrogate(c) || c == '\uFFFD')
                        sb.Append("\\x").Append(((int)c).ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
                    else
                        sb.Append(c);
                    break;
            }
            shown++;
        }
        sb.Append('\'');
        return sb.ToString();
    }

    /// <summary>Names for "its columns are: …": each quoted only if odd, at most 20 and about 200 characters, then "and N more".</summary>
    public static string List(IReadOnlyList<string> names)
    {
        var sb = new StringBuilder();
        int i = 0;
        for (; i < names.Count && i < 20 && sb.Length < 200; i++)
        {
            if (i > 0) sb.Append(", ");
            string name = names[i];
            sb.Append(name.Length <= 40 && !name.Any(c => char.IsControl(c) || c == '\uFFFD') ? name : Text(name.AsSpan()));
        }
        if (i < names.Count)
            sb.Append(" and ").Append(names.Count - i).Append(" more");
        return sb.ToString();
    }
}
