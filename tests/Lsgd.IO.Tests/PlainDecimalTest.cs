using System.Globalization;
using Lsgd.IO;

namespace Lsgd.IO.Tests;

/// <summary>
/// The CSV reader's fast number path accepts only what the runtime's parser reads the same way, and gives the same
/// double, bit for bit; whatever it declines goes to the general parsers.
/// </summary>
public class PlainDecimalTest
{
    private static double Runtime(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("0")]
    [InlineData("-0")]
    [InlineData("+7")]
    [InlineData("3.25")]
    [InlineData("-3.141593")]
    [InlineData(".11019")]
    [InlineData("760.")]
    [InlineData("0.35E-01")]
    [InlineData("1e22")]
    [InlineData("9007199254740992")]
    [InlineData("0.1")]
    [InlineData("  12.5 ")]
    [InlineData("12345678901234e-5")]
    [InlineData("0000000000000000001")]
    [InlineData("1E+5")]
    public void PlainNumbersGiveTheRuntimesDouble(string text)
    {
        Assert.True(PlainDecimal.TryParse(text, out double value));
        Assert.Equal(BitConverter.DoubleToInt64Bits(Runtime(text)), BitConverter.DoubleToInt64Bits(value));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("-")]
    [InlineData(".")]
    [InlineData("e5")]
    [InlineData("1e")]
    [InlineData("1e+")]
    [InlineData("1.2.3")]
    [InlineData("1 2")]
    [InlineData("abc")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("3,25")]
    [InlineData("\t1")]
    [InlineData("1e23")]                    // 10²³ is not an exact double: the general parser rounds it
    [InlineData("9007199254740993")]        // above 2⁵³
    [InlineData("12345678901234567890")]    // 20 digits
    [InlineData("1e99999")]
    [InlineData("0x10")]
    [InlineData("1_000")]
    public void AnythingElseIsDeclined(string text) => Assert.False(PlainDecimal.TryParse(text, out _));

    [Fact]
    public void RandomDecimalsInManySpellingsGiveTheRuntimesDouble()
    {
        var rng = new Random(3);
        int accepted = 0;
        for (int t = 0; t < 200_000; t++)
        {
            double x = (rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-12, 12));
            string text = rng.Next(4) switch
            {
                0 => x.ToString("F6", CultureInfo.InvariantCulture),
                1 => x.ToString("E" + rng.Next(0, 17), CultureInfo.InvariantCulture),
                2 => x.ToString("R", CultureInfo.InvariantCulture),
                _ => x.ToString("G" + rng.Next(1, 18), CultureInfo.InvariantCulture),
            };
            if (!PlainDecimal.TryParse(text, out double value)) continue;
            accepted++;
            Assert.True(BitConverter.DoubleToInt64Bits(Runtime(text)) == BitConverter.DoubleToInt64Bits(value), $"{text}: {value:R} vs {Runtime(text):R}");
        }
        Assert.True(accepted > 100_000, $"only {accepted} of 200000 taken by the fast path");
    }

    /// <summary>TryParseField on a field of <paramref name="row"/> (UTF-8) starting at <paramref name="start"/>: its value and end, or null.</summary>
    private static (double Value, int End)? Field(byte[] row, int start, byte separator = (byte)',')
    {
        nint end = PlainDecimal.TryParseField(ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(row), start, row.Length, separator, out double value);
        return end < 0 ? null : (value, (int)end);
    }

    [Theory]
    [InlineData("-3.141593")]
    [InlineData("12345678.87654321")]
    [InlineData("1234567890123456789")]
    [InlineData("12345678901234567890")]
    [InlineData("123456789012345678901234")]
    [InlineData("00000000000000000000001")]
    [InlineData("  12.5 ")]
    [InlineData("1e5x")]
    [InlineData("1e00001")]
    [InlineData("1 2")]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("9007199254740993")]
    [InlineData("1.2.3")]
    [InlineData("NaN")]
    public void AFieldIsAcceptedExactlyWhenItsTextIsAndGivesTheSameDouble(string text)
    {
        // The field alone, then followed by a separator and more fields, then by a line feed: eight-byte reads
        // must stop at the field's end whatever follows.
        foreach (string after in new[] { "", ",7.5,2", "\n3,4\n", ",12345678,1" })
        {
            var row = System.Text.Encoding.ASCII.GetBytes("9," + text + after);
            var field = Field(row, 2);
            bool plain = PlainDecimal.TryParse(text, out double expected);
            Assert.Equal(plain, field is not null);
            if (field is not { } f) continue;
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(f.Value));
            Assert.Equal(2 + text.Length, f.End);
        }
    }

    [Fact]
    public void RandomFieldsInARowGiveWhatTheirTextGives()
    {
        var rng = new Random(5);
        string[] pieces = ["0", "1", "9", "5", ".", "-", "+", "e", "E", " ", "x", "00000000", "12345678", "987654321"];
        for (int t = 0; t < 100_000; t++)
        {
            string text = rng.Next(3) == 0
                ? string.Concat(Enumerable.Range(0, rng.Next(0, 8)).Select(_ => pieces[rng.Next(pieces.Length)]))
                : ((rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-12, 12))).ToString(rng.Next(2) == 0 ? "F6" : "R", CultureInfo.InvariantCulture);
            var row = System.Text.Encoding.ASCII.GetBytes(text + (rng.Next(3) switch { 0 => "", 1 => "\n1,2", _ => ",3.25,4" }));
            var field = Field(row, 0);
            bool plain = PlainDecimal.TryParse(text, out double expected);
            Assert.True(plain == field is not null, $"'{text}': TryParse {plain}, TryParseField {field is not null}");
            if (field is { } f)
                Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(f.Value) && f.End == text.Length, $"'{text}': {f.Value:R} vs {expected:R}, end {f.End}");
        }
    }

    [Fact]
    public void AKnownFieldIsAcceptedOnlyWhereTryParseFieldIsAndGivesTheSameDouble()
    {
        var rng = new Random(7);
        string[] pieces = ["0", "1", "9", "5", ".", "-", "+", "e", " ", "x", "0000000", "1234567", "98765432"];
        string[] formats = ["F0", "F1", "F3", "F6", "F9", "F12", "R", "G15", "G17"];
        int accepted = 0, tried = 0;
        for (int t = 0; t < 200_000; t++)
        {
            string text = rng.Next(4) == 0
                ? string.Concat(Enumerable.Range(0, rng.Next(0, 8)).Select(_ => pieces[rng.Next(pieces.Length)]))
                : ((rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-8, 16))).ToString(formats[rng.Next(formats.Length)], CultureInfo.InvariantCulture);
            if (text.Contains(',') || text.Contains('\n')) continue;
            // Digits after the field's end and past the text: the known end, not what follows, bounds the field.
            var row = System.Text.Encoding.ASCII.GetBytes(text + (rng.Next(2) == 0 ? ",12345678901234567890" : "\n98765432109876.54321"));
            ref byte s = ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(row);
            Assert.True(row.Length >= PlainDecimal.VectorReach);
            bool known = PlainDecimal.TryParseKnownField(ref s, 0, text.Length, out double value);
            var field = Field(row, 0);
            tried++;
            if (!known) continue;
            accepted++;
            Assert.True(field is { } f && f.End == text.Length, $"'{text}': accepted by TryParseKnownField only");
            Assert.True(BitConverter.DoubleToInt64Bits(field!.Value.Value) == BitConverter.DoubleToInt64Bits(value), $"'{text}': {value:R} vs {field.Value.Value:R}");
            Assert.Equal(BitConverter.DoubleToInt64Bits(Runtime(text)), BitConverter.DoubleToInt64Bits(value));
        }
        if (PlainDecimal.VectorAccelerated)
            Assert.True(accepted > tried / 3, $"only {accepted} of {tried} taken by the vector path");
    }

    [Theory]
    [InlineData("-3.141593", true)]
    [InlineData("+7", true)]
    [InlineData("-0", true)]
    [InlineData(".5", true)]
    [InlineData("760.", true)]
    [InlineData("123456789012345", true)]
    [InlineData("-12345678.1234567", true)]
    [InlineData("1234567890123456", false)]     // 16 digits: left to TryParseField
    [InlineData("12345678.12345678", false)]   // 17 characters
    [InlineData("", false)]
    [InlineData("-", false)]
    [InlineData(".", false)]
    [InlineData("1.2.3", false)]
    [InlineData("1e5", false)]
    [InlineData(" 1", false)]
    [InlineData("--1", false)]
    public void KnownFieldsOfTheCommonShape(string text, bool accepted)
    {
        var row = System.Text.Encoding.ASCII.GetBytes(text + ",55555555555555555555");
        bool known = PlainDecimal.TryParseKnownField(ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(row), 0, text.Length, out double value);
        Assert.Equal(accepted && PlainDecimal.VectorAccelerated, known);
        if (known)
            Assert.Equal(BitConverter.DoubleToInt64Bits(Runtime(text)), BitConverter.DoubleToInt64Bits(value));
    }
}
