#!/usr/bin/env bash
# Data larger than memory: a generated CSV is fitted with bounded memory. Files above --memory are
# streamed: one pass builds XᵀX (the sufficient statistics), the fit runs on them, one more pass measures
# the fit. Pass the number of rows (default 2 000 000, about 380 MB); 30 000 000 rows make 5.7 GB.
set -euo pipefail
cd "$(dirname "$0")/../.."
rows="${1:-2000000}"
csv="${TMPDIR:-/tmp}/lsgd-stream-example.csv"
awk -v n="$rows" 'BEGIN {
  srand(1); printf "y"; for (j = 1; j <= 19; j++) printf ",x%d", j; printf "\n";
  for (i = 0; i < n; i++) { y = 1; line = "";
    for (j = 1; j <= 19; j++) { x = rand() * 10 - 5; y += j / 10 * x; line = line sprintf(",%.6f", x) }
    printf "%.6f%s\n", y + (rand() - 0.5) * 0.1, line } }' > "$csv"
ls -l "$csv"
dotnet build src/Lsgd.Cli -c Release -v quiet -nologo | grep -E "error|Warn|Elapsed" || true
/usr/bin/time -v dotnet src/Lsgd.Cli/bin/Release/net10.0/Lsgd.Cli.dll fit "$csv" --target y --method cg --memory 64MB 2> time.log
grep -E "Maximum resident|Elapsed" time.log && rm -f time.log "$csv"
