#!/usr/bin/env bash
# The domain benchmark, run by hand (never by CI): the release `modelcheck check` over the bench
# models, with device symmetry and without, on 1 and 2 workers. Prints distinct states, seconds,
# states/s and peak memory per run. Usage: benchmarks/domain-bench.sh [MODEL…]
set -uo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product modelcheck >/dev/null || exit 1
bin="$(swift build -c release --show-bin-path)/modelcheck"
models=("$@")
[ ${#models[@]} -eq 0 ] && models=(models/bench-small.model models/bench-medium.model models/bench-symmetry.model)
printf '%-32s %-12s %7s %10s %8s %12s %10s\n' model symmetry workers states seconds states/s peak-MB
for model in "${models[@]}"; do
    for symmetry in on off; do
        for workers in 1 2; do
            flag=(); [ "$symmetry" = off ] && flag=(--no-symmetry)
            out=$( { /usr/bin/time -f 'PEAK %M' "$bin" check --workers "$workers" --format json "${flag[@]}" "$model"; } 2>&1 )
            python3 - "$model" "$symmetry" "$workers" <<PY
import json, sys, re
text = """$out"""
peak = int(re.search(r"PEAK (\d+)", text).group(1)) / 1024
d = json.loads(text[:text.index("PEAK")])
s = d["stats"]
print("%-32s %-12s %7s %10d %8.2f %12.0f %10.0f" % (sys.argv[1], sys.argv[2], sys.argv[3], s["distinctStates"], s["seconds"],
      s["distinctStates"] / max(s["seconds"], 1e-9), peak))
PY
        done
    done
done
