#!/usr/bin/env bash
# Scan benchmark over large real codebases from package registries.
#
#   bench/run.sh            # Django sdist (PyPI) and a large npm package
#
# Downloads into bench/work/ (git-ignored), builds release binaries, then
# for each corpus reports: files, MB, wall time, user+sys CPU time and peak
# memory of `breakwater scan`, beside the single-threaded tree-sitter parse
# floor over the same files. Then the facts cache, on a copy of the corpus
# in a temporary directory (bench/work stays pristine): a cold scan (empty
# cache, every entry written), a warm scan (nothing changed) and a scan
# after one file changed. Then `diff` on a typical pull request (five
# source files changed, one of them gaining a new finding) between two
# commits of a git repository made from the copy: without the cache, with
# the cache the base branch filled (as CI restores it), and beside a scan of
# just the five changed files. Each is the
# median of RUNS runs (default 5).
# Append the printed table to BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
work=bench/work
mkdir -p "$work"
RUNS=${RUNS:-5}

DJANGO_VERSION=${DJANGO_VERSION:-5.2.19}
NPM_PACKAGE=${NPM_PACKAGE:-eslint@10.15.0}

if [ ! -d "$work/django" ]; then
  pip download --quiet --no-deps --no-binary :all: "django==$DJANGO_VERSION" -d "$work/dl"
  mkdir -p "$work/django" && tar -xzf "$work"/dl/[Dd]jango-"$DJANGO_VERSION".tar.gz -C "$work/django" --strip-components=1
fi
npm_dir="$work/npm-$(echo "$NPM_PACKAGE" | tr '/@' '__')"
if [ ! -d "$npm_dir" ]; then
  mkdir -p "$npm_dir" && (cd "$npm_dir" && npm pack --silent "$NPM_PACKAGE" >/dev/null && tar -xzf ./*.tgz --strip-components=1 && rm ./*.tgz)
fi

cargo build --release --quiet -p breakwater
cargo build --release --quiet -p bw-engine --example parse_floor
target=${CARGO_TARGET_DIR:-target}
bin=$target/release/breakwater
floor=$target/release/examples/parse_floor

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# measure LABEL SETUP -- COMMAND...: run SETUP then COMMAND (under
# /usr/bin/time) RUNS times; print the medians and the scan's cache counts.
measure() {
  local label=$1 setup=$2
  shift 3
  local times="$tmp/times" timing="$tmp/timing"
  : >"$times"
  for _ in $(seq "$RUNS"); do
    eval "$setup"
    BREAKWATER_TIMING=1 /usr/bin/time -a -o "$times" -f "%e %U %S %M" "$@" 2>"$timing" || true
  done
  python3 - "$label" "$times" "$timing" <<'PY'
import re, statistics, sys
label, rows = sys.argv[1], [l.split() for l in open(sys.argv[2]) if l.strip()]
med = lambda i: statistics.median(float(r[i]) for r in rows)
cpu = statistics.median(float(r[1]) + float(r[2]) for r in rows)
# One line per scan (diff runs two: base, then head).
m = re.findall(r"cache hits (\d+) parsed (\d+)", open(sys.argv[3]).read())
counts = ("; " + " | ".join(f"{h} cache hits, {p} parsed" for h, p in m)) if m else ""
print(f"{label}: wall {med(0):.2f} s, CPU {cpu:.3f} s (user+sys), peak RSS {med(3)/1024:.0f} MB{counts}")
PY
}

for corpus in "$work/django" "$npm_dir"; do
  echo "== $corpus"
  "$floor" "$corpus"
  # Warm the page cache once, then measure (no facts cache: every file parsed).
  "$bin" scan "$corpus" --format json -o /dev/null --no-cache || true
  /usr/bin/time -f "scan: wall %e s, user %U s, sys %S s, peak RSS %M KB" \
    "$bin" scan "$corpus" --format json -o "$work/last.json" --no-cache || true
  python3 - "$work/last.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
f = r["files"]
print(f"analysed {f['analysed']} files, {f['bytes']/1e6:.1f} MB, skipped {len(f['skipped'])}; "
      f"{r['summary']['threats']} threats, {len(r['model']['elements'])} elements")
PY

  copy="$tmp/$(basename "$corpus")"
  rm -rf "$copy" && cp -r "$corpus" "$copy"
  # The largest source file the scan parses (a component's file): the
  # dearest single change.
  "$bin" scan "$copy" --format json -o "$tmp/files.json" --no-cache || true
  changed="$copy/$(python3 - "$tmp/files.json" "$copy" <<'PY'
import json, os, sys
r, root = json.load(open(sys.argv[1])), sys.argv[2]
files = {f for e in r["model"]["elements"] for f in (e.get("props") or {}).get("files", [])}
code = [f for f in files if f.endswith((".py", ".js", ".ts"))]
print(max(code, key=lambda f: os.path.getsize(os.path.join(root, f))))
PY
)"
  n=0
  "$bin" scan "$copy" --format json -o /dev/null # fills the cache under the root
  measure "scan, no cache" ":" -- "$bin" scan "$copy" --format json -o /dev/null --no-cache
  # Each cold run gets a new cache directory (deleting one just before
  # makes ext4 skip the freed inodes and creating entries dearer).
  measure "scan, cold cache" 'n=$((n + 1)); export BREAKWATER_CACHE_DIR="$tmp/cold-$n"' \
    -- "$bin" scan "$copy" --format json -o /dev/null
  unset BREAKWATER_CACHE_DIR
  measure "scan, warm cache" ":" -- "$bin" scan "$copy" --format json -o /dev/null
  case $changed in *.py) comment='#' ;; *) comment='//' ;; esac  # a comment: same facts
  measure "scan, one file changed (${changed#"$copy"/})" 'n=$((n + 1)); echo "$comment bench edit $n" >>"$changed"' \
    -- "$bin" scan "$copy" --format json -o /dev/null
  "$bin" scan "$copy" --format json -o "$tmp/warm.json" || true
  "$bin" scan "$copy" --format json -o "$tmp/none.json" --no-cache || true
  cmp -s "$tmp/warm.json" "$tmp/none.json" && echo "warm report == uncached report (byte-identical)" \
    || { echo "warm report differs from the uncached one"; exit 1; }

  # A pull request: the five largest source files the model uses change
  # (one gains a request handler with a SQL injection, the others a comment).
  python3 - "$tmp/files.json" "$copy" >"$tmp/pr-files" <<'PY'
import json, os, sys
r, root = json.load(open(sys.argv[1])), sys.argv[2]
files = {f for e in r["model"]["elements"] for f in (e.get("props") or {}).get("files", [])}
code = sorted((f for f in files if f.endswith((".py", ".js"))), key=lambda f: -os.path.getsize(os.path.join(root, f)))
print("\n".join(code[:5]))
PY
  git_() { git -C "$copy" -c user.name=bench -c user.email=bench@example.invalid "$@"; }
  rm -rf "$copy/.git" && git_ init -q && git_ add -A && git_ commit -qm base
  first=1
  mkdir -p "$tmp/pr-only"
  while read -r f; do
    case $f in *.py) comment='#' ;; *) comment='//' ;; esac
    if [ $first = 1 ]; then
      case $f in
        *.py) printf '\n\ndef bench_lookup(request, cursor):\n    cursor.execute("SELECT * FROM t WHERE a = \x27%%s\x27" %% request.GET["a"])\n' >>"$copy/$f" ;;
        *) printf '\nfunction benchLookup(req, db) {\n  return db.query("SELECT * FROM t WHERE a = \x27" + req.query.a + "\x27");\n}\n' >>"$copy/$f" ;;
      esac
      first=0
    else
      echo "$comment bench pull request" >>"$copy/$f"
    fi
    mkdir -p "$tmp/pr-only/$(dirname "$f")" && cp "$copy/$f" "$tmp/pr-only/$f"
  done <"$tmp/pr-files"
  git_ commit -qam "pull request"
  measure "diff HEAD~1 HEAD, no cache" ":" -- "$bin" diff HEAD~1 HEAD -C "$copy" --format json -o /dev/null --no-cache
  # CI restores a cache the default branch filled: every base file is in
  # it, the pull request's changed files are not.
  BREAKWATER_CACHE_DIR="$tmp/base-cache" "$bin" diff HEAD~1 HEAD~1 -C "$copy" --format json -o /dev/null
  measure "diff HEAD~1 HEAD, cache from the base branch" \
    'rm -rf "$tmp/pr-cache" && cp -r "$tmp/base-cache" "$tmp/pr-cache" && export BREAKWATER_CACHE_DIR="$tmp/pr-cache"' \
    -- "$bin" diff HEAD~1 HEAD -C "$copy" --format json -o "$tmp/diff.json"
  unset BREAKWATER_CACHE_DIR
  measure "scan of the 5 changed files alone, no cache" ":" -- "$bin" scan "$tmp/pr-only" --format json -o /dev/null --no-cache
  python3 - "$tmp/diff.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print("diff found: " + ", ".join(f"{len(v)} {k}" for k, v in d.items() if isinstance(v, list) and v))
PY
  rm -rf "$tmp/pr-only"
done
