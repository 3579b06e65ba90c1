// Regenerates the example's data: `dotnet run generate.cs` in this folder (a .NET 10 file-based app).
// Seeded, so the files come out the same on every machine.
using System.Globalization;
using System.Text;

static double Gaussian(Random rng) =>
    Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

var c = CultureInfo.InvariantCulture;

// decay.csv: y = 5·e^(−0.3x) + 1 + N(0, 0.1²) at 60 evenly spaced x in [0, 20].
var decay = new Random(1);
var text = new StringBuilder("x,y\n");
for (int i = 0; i < 60; i++)
{
    double x = Math.Round(20.0 * i / 59, 4);
    double y = 5 * Math.Exp(-0.3 * x) + 1 + 0.1 * Gaussian(decay);
    text.Append(string.Create(c, $"{x},{y:F5}\n"));
}
File.WriteAllText("decay.csv", text.ToString());

// mixture.csv: 3000 samples of 0.3·N(−2, 0.5²) + 0.7·N(1, 0.8²).
var mixture = new Random(2);
text = new StringBuilder("value\n");
for (int i = 0; i < 3000; i++)
{
    double v = mixture.NextDouble() < 0.3 ? -2 + 0.5 * Gaussian(mixture) : 1 + 0.8 * Gaussian(mixture);
    text.Append(string.Create(c, $"{v:F4}\n"));
}
File.WriteAllText("mixture.csv", text.ToString());
Console.WriteLine("Wrote decay.csv (60 points) and mixture.csv (3000 samples).");
