#!/usr/bin/python3
"""Reference numbers for weighted fits with robust covariances, Wald F tests and influence measures (issue 12),
from statsmodels' WLS: WeightedInferenceTest.cs (core) and WeightsTest.cs (CLI) read them.

Data: statsmodels.datasets.grunfeld (Grunfeld's investment data, 220 rows, firms numbered 1-11 in order of
appearance as in tests/data/statsmodels/grunfeld.csv), invest ~ value + capital, with weights w = 1/value (error
variance taken proportional to the firm's value). The first run writes tests/data/statsmodels/grunfeld-weighted.csv
(grunfeld.csv plus the column w, written with repr so both sides read the same doubles); then this writes
tests/data/statsmodels/wls_reference.json.

- Robust covariances: WLS(...).fit(cov_type=...) for HC0-HC3, HAC (maxlags 2, Bartlett, no correction) and cluster
  (groups = firm, default correction). statsmodels builds every sandwich from the whitened design √w·x and the
  whitened residuals √w·r, with the leverage of HC2/HC3 that of the whitened design.
- f_test: WLS's f_test of linear restrictions, with the classical covariance and with each robust one.
- Influence: statsmodels' OLSInfluence on a WLS result mixes unwhitened residuals with a half-whitened hat matrix
  (x·pinv(√w·x)), which is neither R's lm.influence nor the whitened model's. The reference is the established
  definition, R's (influence.measures of lm(weights=)): the influence of OLS on the whitened data √w·y ~ √w·[1, x],
  i.e. leverage hᵢ = wᵢxᵢᵀ(XᵀWX)⁻¹xᵢ, studentized residuals of √wᵢrᵢ, Cook's distance and DFFITS from them.
  statsmodels' OLSInfluence of that whitened OLS gives those numbers.

Run: /usr/bin/python3 tests/Lsgd.Tests/Reference/wls_robust_reference.py   (statsmodels 0.13.5, numpy 1.24.2 here)
"""
import json
import os

import numpy as np
import pandas as pd
import statsmodels
import statsmodels.api as sm
from statsmodels.stats.outliers_influence import OLSInfluence

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, "..", "..", "data", "statsmodels"))
path = os.path.join(OUT, "grunfeld-weighted.csv")
if not os.path.exists(path):
    g = pd.read_csv(os.path.join(OUT, "grunfeld.csv"))
    g["w"] = 1.0 / g["value"]
    with open(path, "w") as f:
        f.write(",".join(g.columns) + "\n")
        for row in g.itertuples(index=False):
            f.write(",".join(repr(float(v)) for v in row) + "\n")
g = pd.read_csv(path)


def floats(a):
    return [float(v) for v in np.asarray(a, dtype=float).ravel()]


features = ["value", "capital"]
x = sm.add_constant(g[features])
y = g["invest"]
w = g["w"]
# Restrictions as lsgd writes them, and as statsmodels' f_test takes them.
restrictions = [("value = capital", "value = capital"), ("(intercept) = 0, value = 0.1", "const = 0, value = 0.1")]
covs = [("nonrobust", "nonrobust", {}), ("hc0", "HC0", {}), ("hc1", "HC1", {}), ("hc2", "HC2", {}), ("hc3", "HC3", {}),
        ("hac:2", "HAC", {"maxlags": 2}), ("cluster:firm", "cluster", {"groups": g["firm"].astype(int)})]
cases = []
for flag, cov_type, kwds in covs:
    res = sm.WLS(y, x, weights=w).fit(cov_type=cov_type, cov_kwds=kwds)
    ci = np.asarray(res.conf_int(0.05))
    entry = {
        "cov_type": flag, "params": floats(res.params), "bse": floats(res.bse), "tvalues": floats(res.tvalues),
        "pvalues": floats(res.pvalues), "conf_int_lower": floats(ci[:, 0]), "conf_int_upper": floats(ci[:, 1]),
        "cov_params": [floats(r) for r in np.asarray(res.cov_params())],
        "fvalue": float(np.squeeze(res.fvalue)), "f_pvalue": float(np.squeeze(res.f_pvalue)), "use_t": bool(res.use_t),
        "f_tests": [],
    }
    for lsgd_text, sm_text in restrictions:
        t = res.f_test(sm_text)
        entry["f_tests"].append({"restrictions": lsgd_text, "f": float(np.squeeze(t.fvalue)), "df_num": float(t.df_num),
                                 "df_denom": float(t.df_denom), "p": float(np.squeeze(t.pvalue))})
    cases.append(entry)

root_w = np.sqrt(w.values)
whitened = sm.OLS(y.values * root_w, x.values * root_w[:, None]).fit()
infl = OLSInfluence(whitened)
influence = {
    "leverage": floats(infl.hat_matrix_diag),
    "residual": floats(y.values - x.values @ whitened.params),
    "resid_studentized_internal": floats(infl.resid_studentized_internal),
    "resid_studentized_external": floats(infl.resid_studentized_external),
    "cooks_distance": floats(infl.cooks_distance[0]),
    "dffits": floats(infl.dffits[0]),
}
doc = {
    "source": f"statsmodels {statsmodels.__version__}, numpy {np.__version__}: WLS of invest ~ value + capital on "
              "grunfeld-weighted.csv, weights w = 1/value; parameters ordered const, value, capital",
    "data": "grunfeld-weighted", "target": "invest", "features": features, "weights": "w",
    "cases": cases, "influence": influence,
}
with open(os.path.join(OUT, "wls_reference.json"), "w") as f:
    json.dump(doc, f, indent=1)
    f.write("\n")
print("wrote", os.path.join(OUT, "wls_reference.json"))
