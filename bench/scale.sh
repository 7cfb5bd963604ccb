#!/usr/bin/env bash
# Linearity benchmark (issue 10, items 5 and 6): does the cost of a scan
# grow with the input, and nothing faster?
#
#   bench/scale.sh             # RUNS=5 by default
#   RUNS=3 bench/scale.sh      # fewer runs
#
# Generates its inputs into bench/work/scale/ (git-ignored) with
# bench/scale_gen.py, builds release binaries, then measures the CPU time
# (user + sys, from /usr/bin/time; wall time is printed too, but on a shared
# machine CPU time is the steadier measure) of `breakwater scan --no-cache
# --threads 1`, the median of RUNS runs, and prints the ratios against the
# targets:
#
# - routes: time per route at 20,000 routes <= 1.3x the time per route at
#   5,000, for Flask, FastAPI and Express apps (100 routes per file, a
#   database helper module the routes call, routers mounted under prefixes);
# - a 100,000-line Python file (10,000 route functions) costs <= 2x its
#   parse floor (`parse_floor`: the same walk, tree-sitter alone);
# - 10,000 YAML documents in one file <= 2x the time of 10 files of 1,000;
# - 6,000 small documents of alias chains in one file (279 s before the
#   budgets) are refused within the per-file budget, with a reason.
#
# Append the printed table to BENCHMARKS.md with the date.
set -euo pipefail
cd "$(dirname "$0")/.."
work=bench/work/scale
mkdir -p "$work"
RUNS=${RUNS:-5}
gen=bench/scale_gen.py

gen() { # DIR GENERATOR ARGS...: generate once (a git repository each)
  local dir=$work/$1
  shift
  [ -d "$dir/.git" ] || { rm -rf "$dir"; python3 "$gen" "$1" "$dir" "${@:2}"; }
}
for shape in flask fastapi express; do
  gen "$shape-5000" "routes-$shape" 5000
  gen "$shape-20000" "routes-$shape" 20000
done
gen lines-100000 lines 100000
gen yaml-1x10000 yaml 1 10000
gen yaml-10x1000 yaml 10 1000
gen yaml-aliases-6000 yaml-aliases 6000

cargo build --release --quiet -p breakwater
cargo build --release --quiet -p bw-engine --example parse_floor
target=${CARGO_TARGET_DIR:-target}
# BIN=path/to/another/breakwater measures that binary instead (an older
# build, for a before/after comparison).
bin=${BIN:-$target/release/breakwater}
floor=$target/release/examples/parse_floor
# The long file and the one-file YAML stream are over the default 2 MB limit.
max=10000000

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# cpu NAME COMMAND...: run COMMAND RUNS times (after one warm-up run);
# record the median CPU seconds (user + sys), the median wall seconds and
# the largest peak RSS (KiB) as NAME. A run is killed after LIMIT seconds
# (600 by default; for measuring an older, slower build).
cpu() {
  local name=$1
  shift
  timeout "${LIMIT:-600}" "$@" >/dev/null 2>&1 || true
  : >"$tmp/times"
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -a -o "$tmp/times" -f "%e %U %S %M" timeout "${LIMIT:-600}" "$@" >/dev/null 2>&1 || true
  done
  python3 - "$tmp/times" >"$tmp/$name.t" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip() and l[0].isdigit()]
print(statistics.median(float(r[1]) + float(r[2]) for r in rows), statistics.median(float(r[0]) for r in rows), max(int(r[3]) for r in rows))
PY
}

scan() { # NAME DIR: the scan, timed; its report kept (from the warm-up run's twin)
  timeout "${LIMIT:-600}" "$bin" scan "$2" --no-cache --threads 1 --max-file-size "$max" --format json -o "$tmp/$1.json" >/dev/null 2>&1 || true
  cpu "$1" "$bin" scan "$2" --no-cache --threads 1 --max-file-size "$max" --format json -o /dev/null
}

for shape in flask fastapi express; do
  scan "$shape-5000" "$work/$shape-5000"
  scan "$shape-20000" "$work/$shape-20000"
done
scan lines-100000 "$work/lines-100000"
cpu floor-100000 "$floor" "$work/lines-100000" "$max"
scan yaml-1x10000 "$work/yaml-1x10000"
scan yaml-10x1000 "$work/yaml-10x1000"
scan yaml-aliases-6000 "$work/yaml-aliases-6000"

python3 - "$tmp" "$RUNS" <<'PY'
import json, os, sys
tmp, runs = sys.argv[1], sys.argv[2]
m = {n[:-2]: open(os.path.join(tmp, n)).read().split() for n in os.listdir(tmp) if n.endswith(".t")}
m = {n: (float(v[0]), float(v[1]), int(v[2]) >> 10) for n, v in m.items()}

def report(name):
    try:
        return json.load(open(os.path.join(tmp, name + ".json")))
    except (OSError, ValueError):
        return None

def what(name):
    """What the scan found: a benchmark of a scan that read nothing is no benchmark."""
    r = report(name)
    if r is None:
        return "no report (killed or failed)"
    f = r["files"]
    skipped = [s for s in f["skipped"] if s.get("unverified") or s.get("failed")]
    out = f"{f['analysed']} files, {len(r['threats'])} threats"
    if skipped:
        out += "; " + "; ".join(f"{s['path']} {s['reason']}" for s in skipped)
    return out

def t(name):
    c, w, rss = m[name]
    return f"{c:.2f} s ({w:.2f} s, {rss} MiB)"

print(f"median of {runs} runs; CPU = user + sys seconds (wall, peak RSS in brackets)\n")
print("| input | measure | CPU (wall, peak RSS) | ratio | target | met | what the scan found |")
print("|---|---|---|---|---|---|---|")
for shape in ("flask", "fastapi", "express"):
    a, b = f"{shape}-5000", f"{shape}-20000"
    r = (m[b][0] / 20000) / (m[a][0] / 5000)
    print(f"| {shape} routes | per route, 20,000 vs 5,000 | {t(a)} -> {t(b)} | {r:.2f} | <= 1.3 | {'yes' if r <= 1.3 else 'NO'} | {what(a)} -> {what(b)} |")
r = m["lines-100000"][0] / m["floor-100000"][0]
print(f"| 100,000-line file | scan vs parse floor | {t('lines-100000')} vs {t('floor-100000')} | {r:.2f} | <= 2 | {'yes' if r <= 2 else 'NO'} | {what('lines-100000')} |")
r = m["yaml-1x10000"][0] / m["yaml-10x1000"][0]
print(f"| YAML | 1 x 10,000 documents vs 10 x 1,000 | {t('yaml-1x10000')} vs {t('yaml-10x1000')} | {r:.2f} | <= 2 | {'yes' if r <= 2 else 'NO'} | {what('yaml-1x10000')} vs {what('yaml-10x1000')} |")
a = report("yaml-aliases-6000")
refused = a is not None and any(s["reason"] in ("over-budget", "timeout") for s in a["files"]["skipped"])
print(f"| YAML alias chains | 6,000 documents in one file | {t('yaml-aliases-6000')} | | refused within budget, with a reason | {'yes' if refused else 'NO'} | {what('yaml-aliases-6000')} |")
PY
