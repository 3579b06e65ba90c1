#!/usr/bin/python3
"""Lsgd against Python peers on the same least-squares problem (a benchmark, not part of CI).

Run it with Debian's Python, which has the peers installed as Debian packages (the `python3` first on PATH
may be another interpreter without them):

    apt-get update && apt-get install -y python3-numpy python3-sklearn python3-threadpoolctl libopenblas0-pthread
    apt-get install -y python3-torch            # optional: adds a hand-written PyTorch mini-batch SGD loop
    dotnet build src/Lsgd.Cli -c Release        # the lsgd rows use the built Lsgd.Cli.dll (IL: JIT-compiled)
    /usr/bin/python3 bench/peers.py --lsgd-published   # ... or publish it first and use the ReadyToRun code the
                                                # installed `lsgd` tool runs (docs/STARTUP.md); with any mode below
    /usr/bin/python3 bench/peers.py             # n = 1 000 000, d = 100; --help for options
    /usr/bin/python3 bench/peers.py --exact     # only the exact solvers: lsgd --method exact, lstsq, Ridge(cholesky)
    /usr/bin/python3 bench/peers.py --machine-run [--lsgd-dll-before OLD/Lsgd.Cli.dll]
                                                # one machine: lsgd bench --json and whole-process tables for dense
                                                # 1e6 x 100, tall 1e7 x 10 and the 50k x 768 -> 20 head, written into
                                                # bench/results/<machine>/ (bench/README.md)

What it does:

1. Generates seeded data: X = Z·Lᵀ with Z standard normal and L the Cholesky factor of a random correlation
   matrix whose eigenvalues are log-spaced over a ratio of `--condition` (1e3), so the standardised Gram matrix
   has condition number ~1e3; y = 3 + X·β + ε with ε ~ N(0, 1). Saves X.npy (float64, n × d) and y.npy in a
   temporary folder.
2. Computes the optimum J* of J(w, b) = ½·mean((y − Xw − b)²) (Lsgd's `--loss mean` objective) with
   LAPACK least squares plus one step of iterative refinement whose residuals are computed in extended
   precision (long double); every J in the table is evaluated by the same extended-precision routine.
3. Times each peer from arrays already in memory to its solution and reports the relative objective gap
   (J − J*)/J*: scikit-learn Ridge(alpha=1e-10, solver="cholesky"), numpy.linalg.lstsq on [X, 1],
   scikit-learn SGDRegressor (defaults: max_iter=1000, tol=1e-3, and its default L2 penalty alpha=1e-4),
   a hand-written PyTorch mini-batch SGD loop (if torch imports), and Lsgd through its command line:
   `dotnet Lsgd.Cli.dll fit --features X.npy --targets y.npy --method M --json` for M in --lsgd-methods.
   For Lsgd, three rows per method: "in one process" is the median of 5 fits in one process (`--repeat 5`,
   the JSON's fit_seconds: the fit alone, after loading), timed like the Python peers, which are called 3 times
   in one process; "first fit of a fresh process" is the fit_seconds of single-fit processes, JIT compilation
   of the fitting code included; "whole process" is the command's wall time (.NET start-up, reading the .npy
   files, the fit, the report).
4. Seconds are the median of 3 runs for peers whose first run takes under --slow seconds, else that one run.

Without libopenblas0-pthread, Debian's numpy runs on the reference BLAS (libblas3: one thread, no SIMD
kernels), several times slower; the BLAS line of the report says which one was loaded.
OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, when set (some machines set them for old OpenBLAS builds), slow a
current numpy down: the script re-executes itself without them for the numpy/scikit-learn/torch side and
passes the original values on to the lsgd processes. It prints which BLAS numpy ended up using.
"""

import argparse
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

_UNSET = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
_SAVED_PREFIX = "LSGD_PEERS_SAVED_"

# OpenBLAS reads its environment when numpy is imported: drop the variables by re-executing before the import.
if any(v in os.environ for v in _UNSET) and os.environ.get(_SAVED_PREFIX + "DONE") != "1":
    env = dict(os.environ)
    for v in _UNSET:
        if v in env:
            env[_SAVED_PREFIX + v] = env.pop(v)
    env[_SAVED_PREFIX + "DONE"] = "1"
    os.execve(sys.executable, [sys.executable] + sys.argv, env)

try:
    import numpy as np  # noqa: E402  (after the re-exec above, on purpose)
except ImportError:
    sys.exit("peers.py: numpy is missing for {}; run it with Debian's /usr/bin/python3 after "
             "apt-get install -y python3-numpy python3-sklearn python3-threadpoolctl libopenblas0-pthread".format(sys.executable))

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_DLL = os.path.join(REPO, "src", "Lsgd.Cli", "bin", "Release", "net10.0", "Lsgd.Cli.dll")


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=int, default=1_000_000, help="n (default 1000000)")
    p.add_argument("--features", type=int, default=100, help="d (default 100)")
    p.add_argument("--condition", type=float, default=1e3,
                   help="condition number of the population correlation matrix (default 1e3)")
    p.add_argument("--seed", type=int, default=20240601)
    p.add_argument("--slow", type=float, default=10.0,
                   help="a peer whose first run takes at least this many seconds is run once (default 10)")
    p.add_argument("--lsgd-dll", default=DEFAULT_DLL, help="path to the built Lsgd.Cli.dll (default: the build output, "
                                                        "JIT-compiled; --lsgd-published for the tool's ReadyToRun code)")
    p.add_argument("--lsgd-published", action="store_true",
                   help="first `dotnet publish src/Lsgd.Cli -c Release -r <this platform>` (ReadyToRun: the code the installed "
                        "`lsgd` tool runs, docs/STARTUP.md) and measure that Lsgd.Cli.dll instead of the build output")
    p.add_argument("--lsgd-methods", default="auto,cg,gd", help="comma-separated --method values (default auto,cg,gd)")
    p.add_argument("--lsgd-args", default="", help="extra arguments for every lsgd fit (one string, split on spaces)")
    p.add_argument("--lsgd-timeout", type=float, default=600, help="seconds before an lsgd run is abandoned")
    p.add_argument("--no-torch", action="store_true", help="skip the PyTorch loop")
    p.add_argument("--torch-epochs", type=int, default=10)
    p.add_argument("--torch-batch", type=int, default=1024)
    p.add_argument("--torch-lr", type=float, default=0.01)
    p.add_argument("--workdir", help="folder for X.npy and y.npy (default: a new temporary folder, removed at the end)")
    p.add_argument("--output", help="also write the report (markdown) to this file")
    p.add_argument("--exact", action="store_true",
                   help="instead: the exact solvers only, interleaved --exact-runs times: numpy lstsq, scikit-learn "
                        "Ridge(cholesky) (the normal equations) and `lsgd fit --method exact` (fit_seconds, in one process), "
                        "with the medians, their ratios and the load average")
    p.add_argument("--exact-runs", type=int, default=3)
    p.add_argument("--head", action="store_true",
                   help="instead: the fine-tuning head, --head-rows x --head-features float32 embeddings -> --head-outputs "
                        "targets, whole processes (python + .npy load + fit) interleaved, medians of --head-runs")
    p.add_argument("--head-rows", type=int, default=50_000)
    p.add_argument("--head-features", type=int, default=768)
    p.add_argument("--head-outputs", type=int, default=20)
    p.add_argument("--head-runs", type=int, default=3)
    p.add_argument("--lsgd-dll-before", help="a second Lsgd.Cli.dll (the build before a change): --head and --machine-run "
                                             "add its rows (and its `lsgd bench`), measured in the same interleaved rounds")
    p.add_argument("--machine-run", action="store_true",
                   help="instead: everything for one machine into RESULTS_ROOT/<machine>/: `lsgd bench --json`, then "
                        "whole-process tables (peers and lsgd, interleaved, medians of --runs) for dense --rows x --features, "
                        "tall --tall-rows x --tall-features and the head")
    p.add_argument("--machine", help="the folder's name (default: from the CPU model and count, e.g. intel-xeon-2core)")
    p.add_argument("--results-root", default=os.path.join(REPO, "bench", "results"))
    p.add_argument("--stamp", help="the files' date stamp in --machine-run (default: today, YYYY-MM-DD); give another "
                                   "for a second run on the same day, e.g. 2026-12-02b, so the first run's files stay")
    p.add_argument("--runs", type=int, default=3, help="interleaved rounds per table of --machine-run (default 3)")
    p.add_argument("--tall-rows", type=int, default=10_000_000)
    p.add_argument("--tall-features", type=int, default=10)
    p.add_argument("--bench-rows", type=int, default=1_000_000)
    p.add_argument("--bench-features", type=int, default=100)
    p.add_argument("--bench-repeat", type=int, default=5)
    return p.parse_args()


class Report:
    def __init__(self):
        self.lines = []

    def __call__(self, text=""):
        print(text, flush=True)
        self.lines.append(text)


def blas_description():
    try:
        from threadpoolctl import threadpool_info
        infos = threadpool_info()
        if infos:
            return "; ".join(
                "{} {} ({}, {} threads, core type {})".format(
                    i.get("internal_api", "?"), i.get("version", "?"), os.path.basename(i.get("filepath", "?")),
                    i.get("num_threads", "?"), i.get("architecture", "?"))
                for i in infos)
    except ImportError:
        pass
    import io
    import contextlib
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        np.show_config()
    return "numpy.show_config(): " + " | ".join(line.strip() for line in buf.getvalue().splitlines() if line.strip())


def make_data(n, d, condition, seed):
    """X = Z·Lᵀ (Z standard normal, L Lᵀ = C a random correlation matrix with log-spaced eigenvalues)."""
    from scipy.stats import random_correlation
    rng = np.random.default_rng(seed)
    eig = np.geomspace(1.0, condition, d)
    eig *= d / eig.sum()                     # a correlation matrix's eigenvalues sum to d
    eig[-1] += d - eig.sum()                 # exact to the last bit, as random_correlation insists
    corr = random_correlation.rvs(eig, random_state=seed % (2**32))
    chol = np.linalg.cholesky(corr)
    x = rng.standard_normal((n, d))
    x = x @ chol.T
    beta = rng.standard_normal(d)
    y = 3.0 + x @ beta + rng.standard_normal(n)
    return np.ascontiguousarray(x), y


def standardised_condition(x):
    n = x.shape[0]
    mean = x.mean(axis=0)
    gram = x.T @ x / n - np.outer(mean, mean)
    s = np.sqrt(np.diag(gram))
    corr = gram / np.outer(s, s)
    ev = np.linalg.eigvalsh(corr)
    return ev[-1] / ev[0]


class Objective:
    """J(w, b) = ½·mean((y − Xw − b)²), residuals in extended precision (long double), in chunks."""

    def __init__(self, x, y, chunk=50_000):
        self.x, self.y, self.chunk = x, y, chunk

    def residuals(self, w, b):
        x, y = self.x, self.y
        wl = np.asarray(w, dtype=np.longdouble)
        bl = np.longdouble(b)
        out = np.empty(y.shape[0], dtype=np.longdouble)
        for s in range(0, y.shape[0], self.chunk):
            e = min(s + self.chunk, y.shape[0])
            out[s:e] = y[s:e].astype(np.longdouble) - (x[s:e].astype(np.longdouble) @ wl) - bl
        return out

    def __call__(self, w, b):
        r = self.residuals(w, b)
        return float(np.sum(r * r) / (2 * r.shape[0]))


def exact_solution(x, y):
    """θ* by LAPACK least squares on [X, 1], refined once with extended-precision residuals."""
    n, d = x.shape
    a = np.empty((n, d + 1))
    a[:, :d] = x
    a[:, d] = 1.0
    theta = np.linalg.lstsq(a, y, rcond=None)[0]
    obj = Objective(x, y)
    r = obj.residuals(theta[:d], theta[d]).astype(np.float64)
    theta = theta + np.linalg.lstsq(a, r, rcond=None)[0]
    del a
    return theta[:d], theta[d]


def timed(fn):
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def run_repeated(fn, slow):
    """Median of 3 runs, or one run when the first takes at least `slow` seconds. Returns (seconds, runs, result)."""
    first, result = timed(fn)
    if first >= slow:
        return first, 1, result
    times = [first]
    for _ in range(2):
        t, result = timed(fn)
        times.append(t)
    return statistics.median(times), 3, result


# ---------------------------------------------------------------- peers

def peer_ridge(x, y):
    from sklearn.linear_model import Ridge
    m = Ridge(alpha=1e-10, solver="cholesky").fit(x, y)
    return m.coef_, float(m.intercept_)


def peer_lstsq(x, y):
    n, d = x.shape
    a = np.empty((n, d + 1))
    a[:, :d] = x
    a[:, d] = 1.0
    theta = np.linalg.lstsq(a, y, rcond=None)[0]
    return theta[:d], float(theta[d])


def peer_sgd_regressor(x, y, seed):
    from sklearn.linear_model import SGDRegressor
    m = SGDRegressor(max_iter=1000, tol=1e-3, random_state=seed).fit(x, y)
    return m.coef_, float(m.intercept_[0]), "{} epochs".format(m.n_iter_)


def torch_peer(x, y, seed, epochs, batch, lr):
    import torch
    torch.set_num_threads(os.cpu_count() or 1)   # Debian's build starts with 1 thread here
    torch.manual_seed(seed)
    xt = torch.from_numpy(x.astype(np.float32))
    yt = torch.from_numpy(y.astype(np.float32))

    def fit():
        n, d = xt.shape
        w = torch.zeros(d, requires_grad=True)
        b = torch.zeros(1, requires_grad=True)
        opt = torch.optim.SGD([w, b], lr=lr, momentum=0.9)
        g = torch.Generator().manual_seed(seed)
        for _ in range(epochs):
            order = torch.randperm(n, generator=g)
            for s in range(0, n, batch):
                idx = order[s:s + batch]
                xb, yb = xt[idx], yt[idx]
                loss = 0.5 * ((xb @ w + b - yb) ** 2).mean()
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
        return w.detach().double().numpy(), float(b.detach()[0])

    return fit, "torch {}, {} threads, float32, batch {}, SGD lr {} momentum 0.9, {} epochs".format(
        torch.__version__, torch.get_num_threads(), batch, lr, epochs)


# ---------------------------------------------------------------- lsgd

def lsgd_env():
    env = dict(os.environ)
    for v in _UNSET:
        saved = env.pop(_SAVED_PREFIX + v, None)
        if saved is not None:
            env[v] = saved
    env.pop(_SAVED_PREFIX + "DONE", None)
    return env


def lsgd_available(dotnet, dll):
    if dotnet is None:
        return "dotnet is not on PATH"
    if not os.path.isfile(dll):
        return "{} not found; build it with: dotnet build src/Lsgd.Cli -c Release".format(dll)
    try:
        out = subprocess.run([dotnet, dll, "fit", "--help"], capture_output=True, text=True, timeout=120, env=lsgd_env())
    except (OSError, subprocess.TimeoutExpired) as e:
        return "fit --help failed: {}".format(e)
    if "npy" not in (out.stdout + out.stderr).lower():
        return "this build's `fit --help` does not mention .npy input"
    return None


def lsgd_fit(dotnet, dll, xpath, ypath, method, extra, timeout, repeat=1):
    cmd = [dotnet, dll, "fit", "--features", xpath, "--targets", ypath, "--method", method, "--json"] + extra
    if repeat > 1:
        cmd += ["--repeat", str(repeat)]
    t0 = time.perf_counter()
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=lsgd_env())
    except subprocess.TimeoutExpired:
        raise RuntimeError("timed out after {:g} s".format(timeout))
    wall = time.perf_counter() - t0
    if out.returncode != 0:
        first = (out.stderr.strip().splitlines() or out.stdout.strip().splitlines() or ["no output"])[0]
        raise RuntimeError("exit {}: {}".format(out.returncode, first[:300]))
    doc = json.loads(out.stdout)
    coef = doc["coefficients"]
    intercept = doc["intercept"]
    if isinstance(intercept, list):      # several targets: arrays per output
        coef, intercept = coef[0], intercept[0]
    return {
        "wall": wall,
        "fit": float(doc["fit_seconds"]),
        "load": float(doc.get("load_seconds", float("nan"))),
        "w": np.asarray(coef, dtype=np.float64),
        "b": float(intercept if intercept is not None else 0.0),
        "loss": doc.get("loss"),
        "doc": doc,
    }


# ---------------------------------------------------------------- main

def fmt_seconds(s):
    return "{:.3g}".format(s) if s < 100 else "{:.0f}".format(s)


def fmt_gap(g):
    return "{:.2e}".format(g) if g == g else "—"


HEAD_PEERS = {
    "scikit-learn Ridge(alpha=1e-10, solver='cholesky')":
        "import numpy as np, sys; from sklearn.linear_model import Ridge; X = np.load(sys.argv[1]); Y = np.load(sys.argv[2]); "
        "m = Ridge(alpha=1e-10, solver='cholesky').fit(X, Y); print(float(((Y - m.predict(X)) ** 2).sum()))",
    "numpy.linalg.lstsq on [X, 1]":
        "import numpy as np, sys; X = np.load(sys.argv[1]); Y = np.load(sys.argv[2]); "
        "A = np.hstack([X.astype(np.float64), np.ones((X.shape[0], 1))]); c = np.linalg.lstsq(A, Y, rcond=None)[0]; "
        "print(float(((Y - A @ c) ** 2).sum()))",
}


def head_data(n, d, k, seed):
    """Seeded float32 embeddings (n × d, mildly correlated) and k float64 targets: the fine-tuning head."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, d)).astype(np.float32)
    x = x @ (np.eye(d, dtype=np.float32) + np.float32(0.05) * rng.standard_normal((d, d)).astype(np.float32))
    y = x.astype(np.float64) @ (0.05 * rng.standard_normal((d, k))) + rng.standard_normal((n, k))
    return x, y


def whole_process_table(out, title, xpath, ypath, runs, dlls, lsgd_args=(), timeout=600):
    """Whole processes on the same .npy files: each peer (a fresh `python -c` that loads them and fits every output)
    and `lsgd fit` with its defaults for each build in `dlls` ({label: path}); rounds interleaved (peer, peer, lsgd,
    lsgd before, repeat), each row the median of its rounds. Writes one markdown table to `out`; returns the medians."""
    env = {kk: v for kk, v in os.environ.items() if not kk.startswith(_SAVED_PREFIX)}
    dotnet = shutil.which("dotnet")
    builds = {label: (dll, lsgd_available(dotnet, dll)) for label, dll in dlls.items()}
    times = {name: [] for name in list(HEAD_PEERS) + list(builds)}
    fit_seconds = {label: [] for label in builds}
    notes = {}
    loads = [os.getloadavg()[0]]
    for round_ in range(runs):
        for name, code in HEAD_PEERS.items():
            t0 = time.perf_counter()
            r = subprocess.run([sys.executable, "-c", code, xpath, ypath], capture_output=True, text=True, env=env)
            times[name].append(time.perf_counter() - t0)
            notes[name] = "SSE {}".format(r.stdout.strip()) if r.returncode == 0 else "failed: " + r.stderr.strip()[-200:]
        for label, (dll, why) in builds.items():
            if why is not None:
                continue
            t0 = time.perf_counter()
            try:
                r = subprocess.run([dotnet, dll, "fit", "--features", xpath, "--targets", ypath, "--json"] + list(lsgd_args),
                                   capture_output=True, text=True, env=lsgd_env(), timeout=timeout)
            except subprocess.TimeoutExpired:
                # A build that hangs (main before 2026-12-02 on the head's data) must not hold up the run.
                times[label].append(float("nan"))
                notes[label] = "did not finish in {:.0f} s (killed)".format(timeout)
                continue
            times[label].append(time.perf_counter() - t0)
            if r.returncode == 0:
                doc = json.loads(r.stdout)
                fit_seconds[label].append(float(doc["fit_seconds"]))
                notes[label] = "{}, {} iterations, converged {}, data_passes {}, fit_seconds {:.3g}, load_seconds {:.3g}".format(
                    doc["method"], doc["iterations"], doc["converged"], doc.get("data_passes"), doc["fit_seconds"], doc["load_seconds"])
            else:
                notes[label] = "failed: " + (r.stderr.strip() or r.stdout.strip())[-200:]
        loads.append(os.getloadavg()[0])
        print("{}: round {} done, load {:.1f}".format(title, round_ + 1, loads[-1]), flush=True)
    ridge = statistics.median(times[next(iter(HEAD_PEERS))])
    out("## " + title)
    out()
    out("Load average (1 min) before and after each round: " + ", ".join("{:.1f}".format(v) for v in loads) + ".")
    out()
    out("| tool | whole process, s (median of {}) | ratio to Ridge | lsgd fit_seconds (median) | notes |".format(runs))
    out("|---|---|---|---|---|")
    medians = {}
    for name, ts in times.items():
        if not ts:
            why = builds[name][1] if name in builds else "no run"
            out("| {} | — | — | — | not available: {} |".format(name, why))
            continue
        m = medians[name] = statistics.median(ts)
        fs = "{:.3g}".format(statistics.median(fit_seconds[name])) if fit_seconds.get(name) else "—"
        out("| {} | {} | {:.2f} | {} | {} |".format(name, fmt_seconds(m), m / ridge, fs, notes.get(name, "")))
    out()
    return medians


def head_main(args):
    """The fine-tuning head, whole processes: each peer and `lsgd fit` (default method) start, load the same .npy
    files and fit all outputs; runs are interleaved (peer, peer, lsgd, repeat) and each row is the median."""
    out = Report()
    n, d, k = args.head_rows, args.head_features, args.head_outputs
    x, y = head_data(n, d, k, args.seed)
    workdir = args.workdir or tempfile.mkdtemp(prefix="lsgd-head-")
    os.makedirs(workdir, exist_ok=True)
    xpath, ypath = os.path.join(workdir, "X.npy"), os.path.join(workdir, "Y.npy")
    np.save(xpath, x)
    np.save(ypath, y)
    out("# The fine-tuning head: whole processes")
    out()
    out("n = {:,} float32 embeddings of d = {}, k = {} float64 targets, seed {}; {}; Python {}, numpy {}; {} logical CPUs.".format(
        n, d, k, args.seed, time.strftime("%Y-%m-%d %H:%M:%S"), platform.python_version(), np.__version__, os.cpu_count()))
    out("BLAS: " + blas_description())
    out()
    whole_process_table(out, "{:,} × {} → {}".format(n, d, k), xpath, ypath, args.head_runs, lsgd_builds(args), timeout=args.lsgd_timeout)
    if args.output:
        with open(args.output, "w") as f:
            f.write("\n".join(out.lines) + "\n")
    if not args.workdir:
        shutil.rmtree(workdir, ignore_errors=True)


def lsgd_builds(args):
    """The lsgd builds to measure: {row label: Lsgd.Cli.dll}, the second one only with --lsgd-dll-before."""
    builds = {"lsgd fit (default: auto)": args.lsgd_dll}
    if args.lsgd_dll_before:
        builds["lsgd fit (default: auto), build before"] = args.lsgd_dll_before
    return builds


def machine_folder_name():
    """bench/results/<folder>: the CPU's vendor and model from /proc/cpuinfo and the logical CPU count,
    e.g. "intel-xeon-2core" for "Intel(R) Xeon(R) Processor" on 2 vCPUs, "amd-epyc-9b45-2core"."""
    import re
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1]
                    break
    except OSError:
        pass
    model = re.sub(r"\((R|TM|tm|r)\)|\b(CPU|Processor|[0-9]+-Core)\b|@.*$", " ", model)
    slug = "-".join(w for w in re.split(r"[^a-z0-9]+", model.lower()) if w)
    return "{}-{}core".format(slug or "unknown-cpu", os.cpu_count())


def run_lsgd_bench(dll, rows, features, repeat, path):
    """`lsgd bench --json` into `path`; returns the document (or None, with the reason printed)."""
    dotnet = shutil.which("dotnet")
    why = lsgd_available(dotnet, dll)
    if why is not None:
        print("lsgd bench: not available ({})".format(why), flush=True)
        return None
    r = subprocess.run([dotnet, dll, "bench", "--rows", str(rows), "--features", str(features), "--repeat", str(repeat), "--json"],
                       capture_output=True, text=True, env=lsgd_env())
    if r.returncode != 0:
        print("lsgd bench failed: " + (r.stderr.strip() or r.stdout.strip())[-300:], flush=True)
        return None
    with open(path, "w", encoding="utf-8") as f:
        f.write(r.stdout)
    return json.loads(r.stdout)


def machine_main(args):
    """One machine, one run: `lsgd bench --json` (and the --lsgd-dll-before build's), then whole-process peers tables
    on dense n × d, tall n × d and the head, each on its own .npy files, written into bench/results/<machine>/."""
    folder = os.path.join(args.results_root, args.machine or machine_folder_name())
    os.makedirs(folder, exist_ok=True)
    stamp = args.stamp or time.strftime("%Y-%m-%d")
    out = Report()
    out("# Lsgd and its peers on one machine, {}".format(time.strftime("%Y-%m-%d %H:%M:%S %Z")))
    out()
    out("Produced by `/usr/bin/python3 bench/peers.py {}`.".format(" ".join(sys.argv[1:])))
    out("Python {}, numpy {}; {} logical CPUs; {}.".format(platform.python_version(), np.__version__, os.cpu_count(), platform.platform()))
    out("BLAS: " + blas_description())
    out("lsgd: `{}`{}.".format(args.lsgd_dll, "; build before: `{}`".format(args.lsgd_dll_before) if args.lsgd_dll_before else ""))
    out()
    benches = {"after": args.lsgd_dll}
    if args.lsgd_dll_before:
        benches["before"] = args.lsgd_dll_before
    out("## `lsgd bench --rows {} --features {} --repeat {} --json`".format(args.bench_rows, args.bench_features, args.bench_repeat))
    out()
    for label, dll in benches.items():
        name = "lsgd-bench-{}{}.json".format(stamp, "" if label == "after" else "-before")
        doc = run_lsgd_bench(dll, args.bench_rows, args.bench_features, args.bench_repeat, os.path.join(folder, name))
        if doc is None:
            out("- {}: not available".format(label))
            continue
        out("- {} (`{}`, {}): cpu \"{}\", {} cores, vector_bits {}, {}; read bandwidth {} GB/s, triad {} GB/s, FMA peak {} G/s.".format(
            label, dll, name, doc.get("cpu"), doc.get("cores"), doc.get("vector_bits"), doc.get("instruction_set"),
            doc.get("read_bandwidth_gbs"), doc.get("bandwidth_gbs"), doc.get("fma_peak_gfmas")))
        for r in doc.get("results", []):
            out("  - {}: {}".format(r.get("engine"), ", ".join("{} {}".format(k, r[k]) for k in (
                "seconds_per_pass", "gbs", "ratio_to_read_bandwidth", "ratio_to_fma_peak") if k in r)))
    out()
    workdir = args.workdir or tempfile.mkdtemp(prefix="lsgd-machine-")
    os.makedirs(workdir, exist_ok=True)
    shapes = [("dense", "dense {:,} × {} (float64, condition 1e3)".format(args.rows, args.features),
               lambda: make_data(args.rows, args.features, args.condition, args.seed)),
              ("tall", "tall {:,} × {} (float64, condition 1e3)".format(args.tall_rows, args.tall_features),
               lambda: make_data(args.tall_rows, args.tall_features, args.condition, args.seed)),
              ("head", "head {:,} × {} (float32) → {}".format(args.head_rows, args.head_features, args.head_outputs),
               lambda: head_data(args.head_rows, args.head_features, args.head_outputs, args.seed))]
    for key, title, make in shapes:
        x, y = make()
        xpath, ypath = os.path.join(workdir, key + "-X.npy"), os.path.join(workdir, key + "-Y.npy")
        np.save(xpath, x)
        np.save(ypath, y)
        del x, y
        table = Report()
        table("# {}: whole processes on the same .npy files ({})".format(title, time.strftime("%Y-%m-%d %H:%M:%S")))
        table()
        whole_process_table(table, title, xpath, ypath, args.runs, lsgd_builds(args), timeout=args.lsgd_timeout)
        with open(os.path.join(folder, "peers-{}-{}.md".format(key, stamp)), "w", encoding="utf-8") as f:
            f.write("\n".join(table.lines) + "\n")
        for line in table.lines[2:]:
            out.lines.append(line)
        if not args.workdir:
            os.remove(xpath)
            os.remove(ypath)
    with open(os.path.join(folder, "run-{}.md".format(stamp)), "w", encoding="utf-8") as f:
        f.write("\n".join(out.lines) + "\n")
    print("wrote {}".format(folder), flush=True)
    if not args.workdir:
        shutil.rmtree(workdir, ignore_errors=True)


def exact_main(args):
    """Issue 11's target for `--method exact` on n × d: no slower than numpy's lstsq and within 3× of the normal
    equations (scikit-learn Ridge(cholesky)), measured in the same run: the three are interleaved, each round
    times lstsq and Ridge once (arrays in memory) and one `lsgd fit --method exact --repeat 2` process (its
    fit_seconds runs: the fit alone, after loading; the first includes JIT compilation, the second is taken)."""
    out = Report()
    n, d = args.rows, args.features
    out("# Exact least squares: lsgd --method exact against numpy lstsq and the normal equations")
    out()
    out("n = {:,}, d = {}, seed {}; {}; Python {}, numpy {}; {} logical CPUs.".format(
        n, d, args.seed, time.strftime("%Y-%m-%d %H:%M:%S"), platform.python_version(), np.__version__, os.cpu_count()))
    out("BLAS: " + blas_description())
    x, y = make_data(n, d, args.condition, args.seed)
    workdir = args.workdir or tempfile.mkdtemp(prefix="lsgd-exact-")
    os.makedirs(workdir, exist_ok=True)
    xpath, ypath = os.path.join(workdir, "X.npy"), os.path.join(workdir, "y.npy")
    np.save(xpath, x)
    np.save(ypath, y)
    objective = Objective(x, y)
    dotnet = shutil.which("dotnet")
    why = lsgd_available(dotnet, args.lsgd_dll)
    extra = args.lsgd_args.split() if args.lsgd_args else []
    times = {"lstsq": [], "ridge": [], "exact": []}
    losses = {}
    loads = [os.getloadavg()[0]]
    for round_ in range(args.exact_runs):
        t, (w, b) = timed(lambda: peer_lstsq(x, y))
        times["lstsq"].append(t)
        losses["lstsq"] = objective(w, b)
        t, (w, b) = timed(lambda: peer_ridge(x, y))
        times["ridge"].append(t)
        losses["ridge"] = objective(w, b)
        if why is None:
            r = lsgd_fit(dotnet, args.lsgd_dll, xpath, ypath, "exact", extra, args.lsgd_timeout, repeat=2)
            runs = r["doc"].get("fit_seconds_runs") or [r["fit"]]
            times["exact"].append(runs[-1])
            losses["exact"] = objective(r["w"], r["b"])
        loads.append(os.getloadavg()[0])
        print("round {}: ".format(round_ + 1) + ", ".join("{} {:.3g} s".format(k, v[-1]) for k, v in times.items() if v)
              + "; load {:.1f}".format(loads[-1]), flush=True)
    j_star = min(losses.values())
    gaps = {k: (v - j_star) / j_star for k, v in losses.items()}
    med = {k: statistics.median(v) for k, v in times.items() if v}
    out("Load average (1 min) before and after each round: " + ", ".join("{:.1f}".format(v) for v in loads) + ".")
    out()
    out("| solver | seconds (median of {}) | runs | objective − the smallest of the three, relative | × numpy lstsq | × normal equations |".format(args.exact_runs))
    out("|---|---:|---|---:|---:|---:|")
    names = {"lstsq": "numpy.linalg.lstsq on [X, 1] (incl. building it)", "ridge": "scikit-learn Ridge(alpha=1e-10, solver='cholesky')",
             "exact": "lsgd fit --method exact (fit_seconds, second fit of the process)"}
    for key in ("lstsq", "ridge", "exact"):
        if key not in med:
            out("| {} | — | — | — | — | — | not available: {}".format(names[key], why))
            continue
        out("| {} | {} | {} | {} | {:.2f} | {:.2f} |".format(names[key], fmt_seconds(med[key]),
            ", ".join("{:.3g}".format(v) for v in times[key]), fmt_gap(gaps[key]), med[key] / med["lstsq"], med[key] / med["ridge"]))
    if "exact" in med:
        out()
        out("Target (issue 11): exact ≤ lstsq ({}) and ≤ 3 × normal equations ({}).".format(
            "met" if med["exact"] <= med["lstsq"] else "not met", "met" if med["exact"] <= 3 * med["ridge"] else "not met"))
    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write("\n".join(out.lines) + "\n")
    if not args.workdir:
        shutil.rmtree(workdir, ignore_errors=True)


def publish_lsgd():
    """`dotnet publish` of the CLI for this platform (ReadyToRun, as the tool package holds it, docs/STARTUP.md) into
    the SDK's publish folder; returns its Lsgd.Cli.dll. The build output (`dotnet build`) is IL only: every method of a
    first fit is JIT-compiled there, so its first fits and whole processes are slower than the installed tool's."""
    machine = platform.machine().lower()
    arch = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}.get(machine)
    system = {"Linux": "linux", "Darwin": "osx", "Windows": "win"}.get(platform.system())
    if arch is None or system is None:
        raise SystemExit("--lsgd-published: no runtime identifier for {} {}".format(platform.system(), machine))
    rid = "{}-{}".format(system, arch)
    folder = os.path.join(REPO, "src", "Lsgd.Cli", "bin", "Release", "net10.0", rid, "publish")
    print("publishing src/Lsgd.Cli for {} (ReadyToRun) into {}".format(rid, folder), flush=True)
    subprocess.run(["dotnet", "publish", os.path.join(REPO, "src", "Lsgd.Cli"), "-c", "Release", "-r", rid, "-o", folder],
                   check=True, stdout=subprocess.DEVNULL)
    return os.path.join(folder, "Lsgd.Cli.dll")


def main():
    args = parse_args()
    if args.lsgd_published:
        args.lsgd_dll = publish_lsgd()
    if args.machine_run:
        return machine_main(args)
    if args.head:
        return head_main(args)
    if args.exact:
        return exact_main(args)
    out = Report()
    n, d = args.rows, args.features
    unset = [v for v in _UNSET if (_SAVED_PREFIX + v) in os.environ]

    out("# Lsgd against Python peers")
    out()
    out("n = {:,}, d = {}, seed {}; generated {}.".format(n, d, args.seed, time.strftime("%Y-%m-%d %H:%M:%S")))
    out("Python {} ({}), numpy {}; {} logical CPUs.".format(platform.python_version(), sys.executable, np.__version__, os.cpu_count()))
    if unset:
        out("Unset for numpy/scikit-learn/torch: " + ", ".join(
            "{}={}".format(v, os.environ[_SAVED_PREFIX + v]) for v in unset) + " (passed on unchanged to lsgd).")
    out("BLAS: " + blas_description())

    t, (x, y) = timed(lambda: make_data(n, d, args.condition, args.seed))
    kappa = standardised_condition(x)
    out("Data: X = Z·Lᵀ, correlation eigenvalues log-spaced over {:g}; measured condition number of the "
        "standardised Gram matrix {:.4g}; y = 3 + Xβ + N(0, 1). Generated in {:.1f} s.".format(args.condition, kappa, t))

    workdir = args.workdir or tempfile.mkdtemp(prefix="lsgd-peers-")
    os.makedirs(workdir, exist_ok=True)
    xpath, ypath = os.path.join(workdir, "X.npy"), os.path.join(workdir, "y.npy")
    np.save(xpath, x)
    np.save(ypath, y)
    load_t, _ = timed(lambda: np.load(xpath))
    out("Files: {} ({:.0f} MB) and y.npy; numpy.load(X.npy) takes {:.2f} s (page cache warm).".format(
        xpath, os.path.getsize(xpath) / 1e6, load_t))

    objective = Objective(x, y)
    t, (w_star, b_star) = timed(lambda: exact_solution(x, y))
    j_star = objective(w_star, b_star)
    out("Optimum: J* = {:.15g} (LAPACK lstsq + one refinement step with long-double residuals, {:.1f} s).".format(j_star, t))
    out()

    rows = []    # (tool, method, seconds, runs, gap, note)

    def add(tool, method, seconds, runs, w, b, note=""):
        gap = (objective(w, b) - j_star) / j_star
        rows.append((tool, method, seconds, runs, gap, note))
        print("  {:<14} {:<44} {:>9} s  gap {}  {}".format(tool, method, fmt_seconds(seconds), fmt_gap(gap), note), flush=True)

    print("Running peers …", flush=True)
    s, r, (w, b) = run_repeated(lambda: peer_ridge(x, y), args.slow)
    add("scikit-learn", 'Ridge(alpha=1e-10, solver="cholesky")', s, r, w, b)
    s, r, (w, b) = run_repeated(lambda: peer_lstsq(x, y), args.slow)
    add("numpy", "linalg.lstsq on [X, 1] (incl. building it)", s, r, w, b)
    s, r, (w, b, note) = run_repeated(lambda: peer_sgd_regressor(x, y, args.seed), args.slow)
    add("scikit-learn", "SGDRegressor() defaults (max_iter=1000, tol=1e-3)", s, r, w, b, note)

    torch_note = None
    if args.no_torch:
        torch_note = "torch: skipped (--no-torch)."
    else:
        try:
            fit, desc = torch_peer(x, y, args.seed, args.torch_epochs, args.torch_batch, args.torch_lr)
            s, r, (w, b) = run_repeated(fit, args.slow)
            add("PyTorch", "hand-written mini-batch SGD loop", s, r, w, b, desc)
        except ImportError as e:
            torch_note = "torch: not available ({}); install python3-torch to add it.".format(e)

    lsgd_notes = []
    lsgd_warm, lsgd_cold = {}, {}
    peer_rows = list(rows)
    dotnet = shutil.which("dotnet")
    why = lsgd_available(dotnet, args.lsgd_dll)
    if why is not None:
        lsgd_notes.append("lsgd: not available ({})".format(why))
        print(lsgd_notes[-1], flush=True)
    else:
        extra = args.lsgd_args.split() if args.lsgd_args else []
        for method in [m.strip() for m in args.lsgd_methods.split(",") if m.strip()]:
            try:
                runs = [lsgd_fit(dotnet, args.lsgd_dll, xpath, ypath, method, extra, args.lsgd_timeout)]
                if runs[0]["wall"] < args.slow:
                    runs += [lsgd_fit(dotnet, args.lsgd_dll, xpath, ypath, method, extra, args.lsgd_timeout) for _ in range(2)]
            except (RuntimeError, ValueError, KeyError) as e:
                lsgd_notes.append("lsgd --method {}: not available ({})".format(method, e))
                print(lsgd_notes[-1], flush=True)
                continue
            # Like the Python peers (median of 3 calls in one process): one process fits 5 times (--repeat 5)
            # and reports the median; the first fit of a fresh process (JIT compilation included) is its own row.
            warm = None
            if runs[0]["wall"] < args.slow:
                try:
                    warm = lsgd_fit(dotnet, args.lsgd_dll, xpath, ypath, method, extra, args.lsgd_timeout, repeat=5)
                except (RuntimeError, ValueError, KeyError) as e:
                    lsgd_notes.append("lsgd --method {} --repeat 5: failed ({})".format(method, e))
            last = runs[-1]
            doc = last["doc"]
            fit_s = statistics.median(r["fit"] for r in runs)
            wall_s = statistics.median(r["wall"] for r in runs)
            load_s = statistics.median(r["load"] for r in runs)
            label = "fit --method {}".format(method)
            detail = ", ".join("{} {}".format(k, doc[k]) for k in ("method", "engine", "optimizer", "iterations", "stop_reason") if doc.get(k) is not None)
            if warm is not None:
                add("Lsgd", label + " (in one process, median of 5 fits)", warm["fit"], 5, warm["w"], warm["b"],
                    detail + "; runs " + ", ".join("{:.3g}".format(v) for v in warm["doc"].get("fit_seconds_runs", [])))
                lsgd_warm[method] = warm["fit"]
            add("Lsgd", label + " (first fit of a fresh process, JIT included)", fit_s, len(runs), last["w"], last["b"], detail)
            lsgd_cold[method] = fit_s
            add("Lsgd", label + " (whole process)", wall_s, len(runs), last["w"], last["b"],
                "load_seconds {:.3g}".format(load_s))
            if isinstance(last["loss"], (int, float)):
                ours = objective(last["w"], last["b"])
                rel = abs(last["loss"] - ours) / ours
                if rel > 1e-9:
                    lsgd_notes.append("lsgd --method {}: its reported loss {:.15g} differs from J recomputed here "
                                      "({:.15g}) by {:.2g} relative.".format(method, last["loss"], ours, rel))

    fastest = min(r[2] for r in rows)
    # The target: time to a 1e-6 relative gap, at most half the fastest peer's.
    qualified = [r for r in peer_rows if r[4] is not None and r[4] <= 1e-6]
    if qualified:
        best = min(qualified, key=lambda r: r[2])
        for method in lsgd_cold:
            parts = []
            if method in lsgd_warm:
                parts.append("in one process {:.2f}".format(lsgd_warm[method] / best[2]))
            parts.append("first fit of a fresh process {:.2f}".format(lsgd_cold[method] / best[2]))
            out("Lsgd --method {} time ÷ fastest peer reaching a 1e-6 gap ({} {}, {} s): {}.".format(
                method, best[0], best[1], fmt_seconds(best[2]), "; ".join(parts)))
        out()
    out("| tool | method | seconds | runs | relative objective gap (J − J*)/J* | × fastest | notes |")
    out("|---|---|---:|---:|---:|---:|---|")
    for tool, method, seconds, runs, gap, note in rows:
        out("| {} | {} | {} | {} | {} | {:.3g} | {} |".format(
            tool, method, fmt_seconds(seconds), runs, fmt_gap(gap), seconds / fastest, note))
    out()
    out("Seconds: median of 3 runs where the first took under {:g} s, else that single run (column runs). "
        "Python peers are timed from arrays already in memory (torch: float32 tensors made beforehand); "
        "Lsgd's fit times exclude reading the .npy files (the first fit of a process includes JIT compilation), its whole-process time includes .NET start-up, "
        "reading them and writing the JSON. J = ½·mean((y − Xw − b)²), J* = {:.15g}; a gap near 1e-16 is at the "
        "resolution of J itself. SGDRegressor's defaults include an L2 penalty (alpha=1e-4).".format(args.slow, j_star))
    if torch_note:
        out(torch_note)
    for note in lsgd_notes:
        out(note)

    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write("\n".join(out.lines) + "\n")
    if not args.workdir:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
