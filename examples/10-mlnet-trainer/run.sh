#!/usr/bin/env bash
# Lsgd's ML.NET trainer side by side with ML.NET's Sdca and OnlineGradientDescent: MSE, R², time.
set -euo pipefail
cd "$(dirname "$0")"
dotnet run -c Release -- "$@"
