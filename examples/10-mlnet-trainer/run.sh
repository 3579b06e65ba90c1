#!/usr/bin/env bash
# Lsgd's ML.NET trainers side by side with ML.NET's: regression (Sdca, OnlineGradientDescent: MSE, R², time) and multi-class (SdcaMaximumEntropy, LbfgsMaximumEntropy: test accuracy, time).
set -euo pipefail
cd "$(dirname "$0")"
dotnet run -c Release -- "$@"
