#!/usr/bin/env bash
# Where a linear model is not enough: a shallow network on an XOR-like saddle and on cos x (with a plot), the
# output layer refitted exactly, and random Fourier features converging to exact kernel ridge as D grows.
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet run --project examples/05-shallow-network -c Release -- "${1:-shallow-network.png}"
