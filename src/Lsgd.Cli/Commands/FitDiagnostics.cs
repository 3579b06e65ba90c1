using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Lsgd.Estimators;
using Lsgd.IO;
using Spectre.Console;

namespace Lsgd.Cli.Commands;

/// <summary>
/// What <c>lsgd fit</c> adds to a least-squares report beyond the coefficients' table: the variance inflation factors
/// (<c>vif</c>), the Wald F test of <c>--test</c> (<c>f_test</c>), the influence measures of <c>--influence FILE.csv</c>,
/// and the parameters' covariance that <c>--output</c> saves for <c>predict --intervals</c>.
/// </summary>
internal sealed class FitDiagnostics
{
    /// <summary>The influence file's columns per target, as statsmodels' OLSInfluence names them.</summary>
    internal static readonly string[] InfluenceColumns = ["residual", "resid_studentized_internal", "resid_studentized_external", "cooks_distance", "dffits"];

    private FitDiagnostics() { }

    /// <summary>VIF per feature (statsmodels' variance_inflation_factor with the constant), when the rows are in memory.</summary>
    public double[]? Vif { get; private init; }

    /// <summary>The parameters' classical covariance for the model file, when the fit has a full-rank least-squares report.</summary>
    public ParameterCovariance? Covariance { get; private init; }

    /// <summary>Where --influence wrote its file.</summary>
    public string? InfluencePath { get; private init; }

    /// <summary>The restrictions of --test and their test per output.</summary>
    public (LinearRestrictions Restrictions, WaldTest[] Tests)? FTest { get; private init; }

    /// <summary>Checks --test against the parameters before a fit (a typo fails at once, not after a long fit).</summary>
    public static void CheckRestrictions(string? text, IReadOnlyList<string> featureNames, bool intercept)
    {
        if (text is not null)
            LinearRestrictions.Parse(text, intercept ? [ParameterCovariance.InterceptName, .. featureNames] : [.. featureNames]);
    }

    /// <summary>Computes what was asked and what the report always carries; writes the influence file.</summary>
    /// <param name="fit">The fit.</param>
    /// <param name="input">Its data.</param>
    /// <param name="restrictions">--test, or null.</param>
    /// <param name="influencePath">--influence, or null.</param>
    /// <param name="separator">The influence file's separator.</param>
    /// <param name="saveModel">Whether --output asked for a model file (which then carries the covariance).</param>
    public static FitDiagnostics Compute(LinearFit fit, FitInput input, string? restrictions, string? influencePath, char separator, bool saveModel)
    {
        var data = input.Data;
        bool wanted = restrictions is not null || influencePath is not null;
        string why = data is null && influencePath is not null
            ? "the rows were streamed, not held in memory (raise --memory)"
            : fit.Report is null
                ? (fit.Options.Penalty.IsNone ? "the fit did not reach the certified least-squares estimate" : "the fit is penalised")
                : fit.Exact is { Aliased.Count: > 0 } ? "the features are linearly dependent"
                : fit.Report[0].DegreesOfFreedom < 1 ? "there are as many parameters as rows" : "";
        if (wanted && why.Length > 0)
            throw new LsgdException($"{(influencePath is not null ? "--influence" : "--test")} needs the least-squares estimate{(influencePath is not null ? " of data held in memory" : "")}, but {why}. " +
                $"Fit without a penalty (the default method reaches the estimate){(influencePath is not null ? ", and with the data in memory" : "")}.");
        ParameterCovariance? covariance = null;
        if (why.Length == 0 && saveModel && fit.Report is not null)
        {
            try
            {
                // The classical σ̂²(DᵀWD)⁻¹ (predict --intervals uses Student's t with it, as statsmodels' nonrobust get_prediction).
                covariance = ParameterCovariance.Compute(fit, robust: false);
            }
            catch (LsgdException)
            {
                // Only --output would carry it: the model file then has no "inference", and predict --intervals says so.
            }
        }
        (LinearRestrictions, WaldTest[])? test = null;
        if (restrictions is not null)
        {
            // The covariance of the report, robust with --cov-type (statsmodels' f_test uses cov_params(); F on G − 1
            // denominator degrees of freedom for clusters).
            var reported = ParameterCovariance.Compute(fit, robust: true);
            var parsed = LinearRestrictions.Parse(restrictions, fit.Model);
            test = (parsed, [.. Enumerable.Range(0, fit.Model.Outputs).Select(o => parsed.Test(fit.Model, reported, o))]);
        }
        if (influencePath is not null)
            AtomicFile.WriteAllText(influencePath, InfluenceCsv(InfluenceMeasures.Compute(fit, data!), separator));
        return new FitDiagnostics
        {
            Vif = data is not null && fit.Exact is { } exact ? VarianceInflation.FromStandardErrors(exact, data) ?? VarianceInflation.Compute(data) : null,
            Covariance = covariance,
            FTest = test,
            InfluencePath = influencePath,
        };
    }

    /// <summary>Adds vif and f_test to the JSON summary (null when not computed).</summary>
    public void AddTo(JsonObject summary, bool multi)
    {
        summary["vif"] = Vif is null ? null : Json.Numbers(Vif);
        summary["f_test"] = FTest is not { } t ? null : new JsonObject
        {
            ["restrictions"] = t.Restrictions.Text,
            ["f"] = multi ? Json.Numbers(t.Tests.Select(x => x.F)) : Json.Number(t.Tests[0].F),
            ["df"] = new JsonArray(t.Tests[0].NumeratorDegreesOfFreedom, t.Tests[0].DenominatorDegreesOfFreedom),
            ["p"] = multi ? Json.Numbers(t.Tests.Select(x => x.P)) : Json.Number(t.Tests[0].P),
        };
    }

    /// <summary>The text lines: VIFs, then the F test per output.</summary>
    public void WriteText(CliContext context, LinearFit fit)
    {
        var c = CultureInfo.InvariantCulture;
        if (Vif is { Length: > 0 } vif)
        {
            string Entry(int j) => $"{fit.Model.FeatureNames[j]} {(double.IsFinite(vif[j]) ? vif[j].ToString("G4", c) : "—")}";
            // Many features: the first few, the last and, since a large VIF is what one looks for, the largest.
            int largest = vif.Length <= LongLists.MaxLineNames ? -1 : Array.IndexOf(vif, vif.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Max());
            context.Console.WriteLine("Variance inflation factors (with the constant): " +
                LongLists.Line([.. Enumerable.Range(0, vif.Length).Select(Entry)], ", ", "feature") +
                (largest < 0 ? "" : $"; the largest {Entry(largest)}; --json's \"vif\" lists every one") + ".");
        }
        if (FTest is { } t)
            for (int o = 0; o < t.Tests.Length; o++)
            {
                var w = t.Tests[o];
                context.Console.WriteLine(string.Format(c, "Wald test of {0}{1}: F = {2} on ({3}, {4}) degrees of freedom, p = {5}.",
                    t.Restrictions.Text, t.Tests.Length > 1 ? $" for '{fit.Model.TargetNames[o]}'" : "", w.F.ToString("G10", c),
                    w.NumeratorDegreesOfFreedom, w.DenominatorDegreesOfFreedom, w.P < 1e-16 ? "< 1e-16" : w.P.ToString("G4", c)));
            }
        if (InfluencePath is not null)
            context.Console.WriteLine($"Influence measures (leverage, studentized residuals, Cook's distance, DFFITS) written to {InfluencePath}.");
    }

    /// <summary>
    /// One line per data row: <c>row</c> (1-based), <c>leverage</c>, then per target <see cref="InfluenceColumns"/>
    /// (prefixed <c>TARGET_</c> when there are several targets).
    /// </summary>
    internal static string InfluenceCsv(InfluenceMeasures influence, char separator)
    {
        var sb = new StringBuilder();
        var outputs = influence.Outputs;
        string Prefix(OutputInfluence o) => outputs.Count > 1 ? o.Target + "_" : "";
        sb.AppendJoin(separator, ["row", "leverage", .. outputs.SelectMany(o => InfluenceColumns.Select(name => Prefix(o) + name))]).Append('\n');
        for (int i = 0; i < influence.Leverage.Length; i++)
        {
            sb.Append(i + 1).Append(separator).Append(ModelFile.FormatNumber(influence.Leverage[i]));
            foreach (var o in outputs)
                foreach (var column in (double[][])[o.Residual, o.StudentizedInternal, o.StudentizedExternal, o.CooksDistance, o.Dffits])
                    sb.Append(separator).Append(double.IsFinite(column[i]) ? ModelFile.FormatNumber(column[i]) : "");
            sb.Append('\n');
        }
        return sb.ToString();
    }
}
