#!/usr/bin/env bash
# The seed article's worked example (section 4.3): five points, sum loss, α = 0.01, w = b = 0.
# Prints the first iterations, where and why gradient descent stopped, the exact answer (2, 1), the
# distance to it, and writes a plot of the fit and the loss curve.
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:-out/article-demo.png}"   # out/ is ignored by git
mkdir -p "$(dirname "$out")"
dotnet run --project src/Lsgd.Cli -c Release -- demo --plot "$out"
# The article's |ΔJ| rule stops early; the gradient rule goes all the way:
dotnet run --project src/Lsgd.Cli -c Release -- demo --tolerance 0 --gradient-tolerance 1e-10 --max-iterations 100000 --show 3
# Too large a learning rate: stopped at the first rise of J, with the safe bound 2/L.
dotnet run --project src/Lsgd.Cli -c Release -- demo --learning-rate 0.05 --show 2
