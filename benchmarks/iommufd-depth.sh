#!/usr/bin/env bash
# The deep-search benchmark of issue 20, run by hand (never by CI): `models/iommufd.model` with
# its explore depth raised, checked by the release build. Prints per depth the distinct states,
# transitions, seconds, states/s, the whole process's peak RSS (from /usr/bin/time) and bytes per
# state, and the search's own bytes per state (visited set + parent links + largest level).
# Usage: benchmarks/iommufd-depth.sh [--workers N] [--compact-visited] [DEPTH…]   (default: 6 7)
set -uo pipefail
cd "$(dirname "$0")/.."
workers=2
extra=()
depths=()
while [ $# -gt 0 ]; do
    case "$1" in
        --workers) workers=$2; shift 2 ;;
        --compact-visited) extra+=(--compact-visited); shift ;;
        *) depths+=("$1"); shift ;;
    esac
done
[ ${#depths[@]} -eq 0 ] && depths=(6 7)
swift build -c release --product modelcheck >/dev/null || exit 1
bin="$(swift build -c release --show-bin-path)/modelcheck"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
printf '%5s %12s %12s %8s %9s %9s %10s %26s\n' depth states transitions seconds states/s peak-MB proc-B/st "visited+links+level B/st"
for depth in "${depths[@]}"; do
    sed "s/^  depth 5\$/  depth $depth/" models/iommufd.model >"$scratch/iommufd-d$depth.model"
    grep -q "^  depth $depth\$" "$scratch/iommufd-d$depth.model" || { echo "error: no 'depth 5' line in models/iommufd.model"; exit 1; }
    /usr/bin/time -f '%M' -o "$scratch/rss" "$bin" check --workers "$workers" --format json "${extra[@]}" \
        "$scratch/iommufd-d$depth.model" >"$scratch/out.json"
    python3 - "$depth" "$scratch/out.json" "$scratch/rss" <<'PY'
import json, sys
depth, out, rss = sys.argv[1], json.load(open(sys.argv[2])), int(open(sys.argv[3]).read().split()[-1])
s = out["stats"]
n = s["distinctStates"]
print("%5s %12d %12d %8.2f %9.0f %9.0f %10.1f %26s" % (depth, n, s["transitions"], s["seconds"], n / max(s["seconds"], 1e-9),
      rss / 1024, rss * 1024 / n, "%.2f + %.2f + %.2f" % (s["visitedBytesPerState"], s["traceBytesPerState"], s["frontierBytesPerState"])))
PY
done
