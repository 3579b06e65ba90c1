"""Reference numbers for PredictionInferenceTest, InfluenceTest, VarianceInflationTest and LinearRestrictionTest.

Run with Debian's python (statsmodels 0.13.5, numpy, pandas):  /usr/bin/python3 prediction_influence_reference.py
It prints the body of tests/Lsgd.Tests/Estimators/StatsmodelsDiagnosticsReference.cs (C# array literals).

Datasets: statsmodels.datasets.stackloss (Brownlee's stack loss plant data, 21 rows, well conditioned) and
statsmodels.datasets.longley (Longley 1967, 16 rows, the same numbers as NIST's Longley in tests/data/nist).
"""
import numpy as np
import statsmodels
import statsmodels.api as sm
from statsmodels.stats.outliers_influence import OLSInfluence, variance_inflation_factor


def lit(name, values):
    values = np.asarray(values, dtype=float).ravel()
    print(f"    private static readonly double[] {name} = [{', '.join(repr(float(v)) for v in values)}];")


def report(tag, y, x, names, new_rows, restrictions):
    exog = sm.add_constant(x, prepend=True)
    res = sm.OLS(y, exog).fit()
    print(f"    // {tag}: statsmodels {statsmodels.__version__}, OLS with const, columns {names}")
    lit(f"{tag}NewRows", new_rows)
    new = sm.add_constant(np.asarray(new_rows, dtype=float), prepend=True, has_constant="add")
    for alpha, label in [(0.05, "95"), (0.10, "90")]:
        pred = res.get_prediction(new)
        f = pred.summary_frame(alpha=alpha)
        if label == "95":
            lit(f"{tag}Mean", f["mean"])
            lit(f"{tag}MeanSe", f["mean_se"])
            lit(f"{tag}ObsSe", pred.se_obs)
        lit(f"{tag}MeanLower{label}", f["mean_ci_lower"])
        lit(f"{tag}MeanUpper{label}", f["mean_ci_upper"])
        lit(f"{tag}ObsLower{label}", f["obs_ci_lower"])
        lit(f"{tag}ObsUpper{label}", f["obs_ci_upper"])
    infl = OLSInfluence(res)
    lit(f"{tag}Leverage", infl.hat_matrix_diag)
    lit(f"{tag}StudentizedInternal", infl.resid_studentized_internal)
    lit(f"{tag}StudentizedExternal", infl.resid_studentized_external)
    lit(f"{tag}CooksDistance", infl.cooks_distance[0])
    lit(f"{tag}Dffits", infl.dffits[0])
    lit(f"{tag}Vif", [variance_inflation_factor(exog, j) for j in range(1, exog.shape[1])])
    lit(f"{tag}Covariance", res.cov_params())   # (intercept) first, row-major
    for i, (text, statsmodels_text) in enumerate(restrictions):
        t = res.f_test(statsmodels_text)
        print(f"    // f_test({statsmodels_text!r}) as lsgd's {text!r}")
        lit(f"{tag}FTest{i}", [float(np.squeeze(t.fvalue)), t.df_num, t.df_denom, float(t.pvalue)])


sl = sm.datasets.stackloss.load_pandas().data
print("    // statsmodels.datasets.stackloss: STACKLOSS, AIRFLOW, WATERTEMP, ACIDCONC per row")
lit("StacklossRows", sl[["STACKLOSS", "AIRFLOW", "WATERTEMP", "ACIDCONC"]].values)
report("Stackloss", sl["STACKLOSS"].values, sl[["AIRFLOW", "WATERTEMP", "ACIDCONC"]].values,
       ["AIRFLOW", "WATERTEMP", "ACIDCONC"],
       [[60, 20, 85], [70, 25, 90], [80, 27, 88], [50, 18, 72]],
       [("AIRFLOW = WATERTEMP, ACIDCONC = 0", "x1 = x2, x3 = 0"),
        ("2*AIRFLOW - WATERTEMP = 1", "2*x1 - x2 = 1"),
        ("(intercept) = -40, AIRFLOW = 0.7, WATERTEMP = 1.3", "const = -40, x1 = 0.7, x2 = 1.3")])

lo = sm.datasets.longley.load_pandas().data
cols = ["GNPDEFL", "GNP", "UNEMP", "ARMED", "POP", "YEAR"]
report("Longley", lo["TOTEMP"].values, lo[cols].values, cols,
       [[83.0, 234289, 2356, 1590, 107608, 1947], [100.0, 400000, 3000, 2500, 120000, 1957]],
       [("x1 = 0, x5 = 0", "x1 = 0, x5 = 0")])
