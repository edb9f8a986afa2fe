#!/usr/bin/env bash
# Times the exact b-matching solver against OR-Tools SimpleMinCostFlow on the
# same generated instance, in the same run, and reports peak memory.
#
# usage: scripts/bench-solve.sh [GEN_ARGS...]      (default: --preset large --seed 1)
# env:   BENCH_DIR   folder with gen.py / ref_solve.py (default: ../shared/bench
#                    beside the crate, else /work/shared/bench)
#        BENCH_PY    python with ortools+numpy (default: /work/bench-venv/bin/python;
#                    create it with: python3 -m venv /work/bench-venv &&
#                    /work/bench-venv/bin/pip install ortools numpy scipy networkx)
#        MODES       modes to run (default: "score card")
#        REPEAT      solver runs per mode, best time reported (default: 3)
#        CARGO_TARGET_DIR as usual.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

bench_dir=$(bench_dir_with gen.py)
py=${BENCH_PY:-/work/bench-venv/bin/python}
[[ -x $py ]] || { echo "no python with ortools at $py (set BENCH_PY)" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "/usr/bin/time missing: apt-get install -y time" >&2; exit 2; }
modes=${MODES:-score card}
repeat=${REPEAT:-3}
gen_args=("$@")
(( ${#gen_args[@]} )) || gen_args=(--preset large --seed 1)

release_bin
inst=$work/instance.json
echo "# instance: gen.py ${gen_args[*]}" >&2
python3 "$bench_dir/gen.py" "${gen_args[@]}" -o "$inst"

# Runs "$@" under /usr/bin/time -v; prints its stdout's last JSON line with
# max_rss_mb (whole process, from time -v) added.
measure() {
    /usr/bin/time -v -o "$work/time.txt" "$@" > "$work/out.txt"
    local rss_kb
    rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
    tail -n 1 "$work/out.txt" | python3 -c '
import json, sys
d = json.loads(sys.stdin.read()); d["process_max_rss_mb"] = round(int(sys.argv[1]) / 1024, 1); print(json.dumps(d))' "$rss_kb"
}

printf '%-8s %-6s %12s %7s %14s %12s %10s\n' solver mode objective pairs seconds_solve seconds_load rss_mb
for mode in $modes; do
    best=""
    for _ in $(seq "$repeat"); do
        line=$(measure "$bin" solve "$inst" --mode "$mode")
        best=$(python3 -c '
import json, sys
a = json.loads(sys.argv[1]); b = json.loads(sys.argv[2]) if sys.argv[2] else None
print(json.dumps(a if b is None or a["seconds_solve"] < b["seconds_solve"] else b))' "$line" "$best")
    done
    ref=$(measure "$py" "$bench_dir/ref_solve.py" "$inst" --mode "$mode")
    python3 - "$mode" "$best" "$ref" <<'PY'
import json, sys
mode, ours, ref = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
row = "%-8s %-6s %12d %7d %14.4f %12.4f %10.1f"
print(row % ("rust", mode, ours["objective"], ours["pairs"], ours["seconds_solve"], ours["seconds_load"], ours["process_max_rss_mb"]))
print(row % ("ortools", mode, ref["objective"], ref["n_pairs"], ref["seconds_solve"], ref["seconds_load"], ref["process_max_rss_mb"]))
if (ours["objective"], ours["pairs"]) != (ref["objective"], ref["n_pairs"]):
    print("MISMATCH: rust and OR-Tools disagree", file=sys.stderr)
    sys.exit(1)
PY
done
