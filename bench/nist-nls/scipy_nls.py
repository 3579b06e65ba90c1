#!/usr/bin/env python3
"""NIST StRD nonlinear suite (27 problems x NIST's 2 starts) with SciPy, for comparison with lsgd curve.

Reads NIST's .dat files and the models of tests/data/nist-nls/models.tsv; reports per run the fewest correct
digits (LRE) over the parameters, for scipy.optimize.curve_fit with its defaults and for least_squares with
1e-15 tolerances (ftol, xtol, gtol). Run with Debian's python (numpy + scipy):
    /usr/bin/python3 bench/nist-nls/scipy_nls.py
"""
import math
import os
import re
import sys
import warnings

import numpy as np
import scipy
from scipy.optimize import curve_fit, least_squares

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "data", "nist-nls")
FUNCS = {"exp": np.exp, "log": np.log, "sqrt": np.sqrt, "sin": np.sin, "cos": np.cos, "tanh": np.tanh, "abs": np.abs,
         "atan": np.arctan, "pow": np.power, "pi": np.pi}


def load(name, response, expression):
    lines = open(os.path.join(ROOT, name + ".dat")).read().splitlines()
    params = {}
    rss = None
    first = last = None
    for line in lines:
        m = re.match(r"^\s*b(\d+)\s*=\s*(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*$", line)
        if m:
            params[int(m.group(1))] = [float(m.group(i)) for i in range(2, 6)]
        m = re.match(r"^\s*Residual Sum of Squares:\s+(\S+)", line)
        if m:
            rss = float(m.group(1))
        m = re.search(r"Data\s+\(lines (\d+) to (\d+)\)", line)
        if m and first is None:
            first, last = int(m.group(1)), int(m.group(2))
    rows = np.array([[float(v) for v in l.split()] for l in lines[first - 1:last]])
    y = np.log(rows[:, 0]) if response == "log(y)" else rows[:, 0]
    xs = rows[:, 1:]
    names = sorted(params)
    text = expression.replace("^", "**")
    variables = ["x"] if xs.shape[1] == 1 else ["x%d" % (i + 1) for i in range(xs.shape[1])]

    def f(x, *b):
        env = dict(FUNCS)
        for i, v in enumerate(variables):
            env[v] = x[i] if xs.shape[1] > 1 else x
        for k, v in zip(names, b):
            env["b%d" % k] = v
        return eval(text, {"__builtins__": {}}, env)

    x = xs.T if xs.shape[1] > 1 else xs[:, 0]
    start = [np.array([params[k][s] for k in names]) for s in (0, 1)]
    certified = np.array([params[k][2] for k in names])
    return f, x, y, start, certified, rss


def lre(estimate, certified):
    if not np.all(np.isfinite(estimate)):
        return 0.0
    digits = []
    for e, c in zip(estimate, certified):
        if e == c:
            digits.append(15.0)
        else:
            digits.append(max(0.0, min(15.0, -math.log10(abs(e - c) / abs(c)))))
    return min(digits)


def main():
    warnings.simplefilter("ignore")
    models = [l.split("\t") for l in open(os.path.join(ROOT, "models.tsv")).read().splitlines()[1:] if l]
    print("scipy %s, numpy %s" % (scipy.__version__, np.__version__))
    print("%-10s %5s %10s %14s" % ("problem", "start", "curve_fit", "least_squares"))
    good_cf = good_ls = 0
    for name, _, response, expression in models:
        f, x, y, starts, certified, rss = load(name, response, expression)
        for s, p0 in enumerate(starts, 1):
            try:
                popt, _ = curve_fit(f, x, y, p0=p0)
                d_cf = lre(popt, certified)
            except Exception:
                d_cf = 0.0
            try:
                r = least_squares(lambda b: f(x, *b) - y, p0, ftol=1e-15, xtol=1e-15, gtol=1e-15)
                d_ls = lre(r.x, certified)
            except Exception:
                d_ls = 0.0
            good_cf += d_cf >= 6
            good_ls += d_ls >= 6
            print("%-10s %5d %10.1f %14.1f" % (name, s, d_cf, d_ls))
            sys.stdout.flush()
    print("runs with >= 6 correct digits in every parameter: curve_fit %d of 54, least_squares (1e-15 tolerances) %d of 54" % (good_cf, good_ls))


if __name__ == "__main__":
    main()
