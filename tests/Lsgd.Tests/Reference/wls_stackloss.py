#!/usr/bin/python3
"""Reference numbers for weighted least squares (WlsReferenceTest.cs), from statsmodels' WLS.

Data: Brownlee's stack loss plant data (public domain; statsmodels.datasets.stackloss, R's `stackloss`), 21 rows,
STACKLOSS ~ AIRFLOW + WATERTEMP + ACIDCONC, with the weight column w = 1/AIRFLOW (error variance taken proportional
to the air flow). The first run writes tests/data/stackloss-weighted.csv (the same doubles both sides read); then
this prints the C# arrays embedded in the test.

Second case: row 21 given weight 0. statsmodels' WLS keeps a zero-weight row in nobs (so df_resid and the
log-likelihood change, the latter to -inf); Lsgd, like R's lm, leaves it out of n. The reference for that case is
statsmodels' WLS on the other 20 rows, which is what R's lm(weights=) reports with the zero weight.

Run: /usr/bin/python3 tests/Lsgd.Tests/Reference/wls_stackloss.py   (statsmodels 0.13.5, numpy 1.24.2 here)
"""
import os
import numpy as np
import pandas as pd
import statsmodels
import statsmodels.api as sm
from statsmodels.datasets import stackloss

root = os.path.dirname(os.path.abspath(__file__))
path = os.path.normpath(os.path.join(root, "..", "..", "data", "stackloss-weighted.csv"))
if not os.path.exists(path):
    df = stackloss.load_pandas().data.astype(float)
    df["w"] = 1.0 / df["AIRFLOW"]
    with open(path, "w") as f:
        f.write("STACKLOSS,AIRFLOW,WATERTEMP,ACIDCONC,w\n")
        for row in df.itertuples(index=False):
            f.write(",".join(repr(float(v)) for v in row) + "\n")
df = pd.read_csv(path)


def fit(frame):
    x = sm.add_constant(frame[["AIRFLOW", "WATERTEMP", "ACIDCONC"]])
    return sm.WLS(frame["STACKLOSS"], x, weights=frame["w"]).fit()


def arr(name, values):
    return f"    private static readonly double[] {name} = [{', '.join(repr(float(v)) for v in values)}];"


def report(prefix, r):
    # statsmodels orders (const, AIRFLOW, WATERTEMP, ACIDCONC); Lsgd's arrays: features first, intercept last.
    order = [1, 2, 3, 0]
    print(arr(prefix + "Params", np.asarray(r.params)[order]))
    print(arr(prefix + "Se", np.asarray(r.bse)[order]))
    print(arr(prefix + "T", np.asarray(r.tvalues)[order]))
    print(arr(prefix + "P", np.asarray(r.pvalues)[order]))
    print(arr(prefix + "Summary", [r.ssr, r.rsquared, r.rsquared_adj, r.fvalue, r.f_pvalue, np.sqrt(r.scale), r.df_resid, r.llf, r.nobs]))


print(f"    // statsmodels {statsmodels.__version__}, numpy {np.__version__}: WLS on tests/data/stackloss-weighted.csv (w = 1/AIRFLOW).")
print("    // Summary = [ssr, rsquared, rsquared_adj, fvalue, f_pvalue, sqrt(scale), df_resid, llf, nobs].")
full = fit(df)
report("", full)
from statsmodels.stats.stattools import durbin_watson, jarque_bera, omni_normtest
jb, jbp, skew, kurtosis = jarque_bera(full.wresid)
omnibus, omnibus_p = omni_normtest(full.wresid)
print("    // The diagnostics of the whitened residuals √w·r (statsmodels' wresid), same fit:")
print("    // [durbin_watson, omnibus, omnibus p, jarque_bera, jb p, skew, kurtosis, aic, bic].")
print(arr("Diagnostics", [durbin_watson(full.wresid), omnibus, omnibus_p, jb, jbp, skew, kurtosis, full.aic, full.bic]))
print("    // The same with row 21 at weight 0: statsmodels' WLS on the other 20 rows (R's lm drops zero weights the same way).")
report("Zero", fit(df.iloc[:20]))
