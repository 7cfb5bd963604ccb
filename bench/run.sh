#!/usr/bin/env bash
# Scan benchmark over large real codebases from package registries.
#
#   bench/run.sh            # Django sdist (PyPI) and a large npm package
#
# Downloads into bench/work/ (git-ignored), builds release binaries, then
# for each corpus reports: files, MB, wall time, user+sys CPU time and peak
# memory of `breakwater scan`, beside the single-threaded tree-sitter parse
# floor over the same files. Append the printed table to BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
work=bench/work
mkdir -p "$work"

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
bin=target/release/breakwater
floor=target/release/examples/parse_floor

for corpus in "$work/django" "$npm_dir"; do
  echo "== $corpus"
  "$floor" "$corpus"
  # Warm the page cache once, then measure.
  "$bin" scan "$corpus" --format json -o /dev/null || true
  /usr/bin/time -f "scan: wall %e s, user %U s, sys %S s, peak RSS %M KB" \
    "$bin" scan "$corpus" --format json -o "$work/last.json" || true
  python3 - "$work/last.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
f = r["files"]
print(f"analysed {f['analysed']} files, {f['bytes']/1e6:.1f} MB, skipped {len(f['skipped'])}; "
      f"{r['summary']['threats']} threats, {len(r['model']['elements'])} elements")
PY
done
