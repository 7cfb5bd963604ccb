#!/usr/bin/env bash
# fuzz/run.sh [SECONDS] [TARGET...]: run the fuzz targets (all by default)
# for SECONDS each (default 60) with libFuzzer, seeded from the repository's
# own fixtures, examples and rules. Needs the nightly toolchain; installs
# cargo-fuzz under fuzz/target/tools the first time.
#
# An input that crashes a target (or runs past 30 s, or past 2 GiB) is
# copied to fuzz/regressions/<target>/ and the script exits 1: commit it
# with the fix, and `cargo test` replays it from then on
# (crates/engine/tests/fuzz_regressions.rs).
#
# FUZZ_SEED (default 1) fixes libFuzzer's seed. FUZZ_RUNS=N runs N inputs
# per target instead of SECONDS: with the seed fixed, the same inputs every
# time on any machine, however fast (what .ci/run uses).
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(model_file rule iac code patch scan)
fi
seed=${FUZZ_SEED:-1}
if [ -n "${FUZZ_RUNS:-}" ]; then
  bound=(-runs="$FUZZ_RUNS"); what="$FUZZ_RUNS runs"
else
  bound=(-max_total_time="$secs"); what="${secs}s"
fi
CARGO_FUZZ_VERSION=0.13.2

if ! rustup run nightly rustc --version >/dev/null 2>&1; then
  echo "fuzz/run.sh: the nightly toolchain is needed (rustup toolchain install nightly)" >&2
  exit 2
fi
tools=fuzz/target/tools
if ! "$tools/bin/cargo-fuzz" --version 2>/dev/null | grep -q "$CARGO_FUZZ_VERSION"; then
  cargo install --quiet --locked cargo-fuzz --version "$CARGO_FUZZ_VERSION" --root "$tools"
fi
fuzz() { "$tools/bin/cargo-fuzz" "$@"; }

# Seeds: the first byte of a `code`, `iac` or `scan` input picks the kind
# of file (see bw_engine::fuzz), the rest is the text.
corpus=fuzz/target/corpus
rm -rf "$corpus"
seed_file() { # TARGET SELECTOR FILE
  mkdir -p "$corpus/$1"
  local out="$corpus/$1/$(sha1sum "$3" | cut -c1-16)-$2"
  if [ "$2" = "-" ]; then cp "$3" "$out"; else { printf "\\x$(printf %02x "$2")"; cat "$3"; } >"$out"; fi
}
while IFS= read -r f; do
  case "$f" in
    *.py) sel=0 ;; *.js|*.mjs|*.cjs) sel=1 ;; *.ts) sel=2 ;; *.tsx) sel=3 ;; *) continue ;;
  esac
  seed_file code "$sel" "$f"; seed_file scan "$sel" "$f"
done < <(find fixtures examples rules/tests -type f | sort)
while IFS= read -r f; do
  case "$(basename "$f")" in
    docker-compose*.yml|compose*.yaml) sel=0 ;; *.yaml|*.yml) sel=1 ;; Dockerfile*) sel=2 ;;
    requirements*.txt) sel=3 ;; package.json) sel=4 ;; pyproject.toml) sel=5 ;; .env*) sel=6 ;; *) continue ;;
  esac
  seed_file iac "$sel" "$f"; seed_file scan "$((sel + 4))" "$f"
done < <(find fixtures examples rules/tests -type f | sort)
while IFS= read -r f; do seed_file model_file - "$f"; done < <(find fixtures examples crates -name 'breakwater.toml' -type f | sort)
while IFS= read -r f; do seed_file rule - "$f"; done < <(find rules -name '*.toml' -not -path 'rules/tests/*' | sort)
for t in model_file rule iac code patch scan; do
  [ -d "fuzz/seeds/$t" ] || continue
  while IFS= read -r f; do seed_file "$t" - "$f"; done < <(find "fuzz/seeds/$t" -type f | sort)
done
for t in "${targets[@]}"; do
  mkdir -p "$corpus/$t" "fuzz/regressions/$t"
  # Every input kept before is a seed too.
  find "fuzz/regressions/$t" -type f ! -name '*.md' -exec cp {} "$corpus/$t/" \;
done

failed=0
for t in "${targets[@]}"; do
  echo "== fuzz $t: $what, seed $seed, $(ls "$corpus/$t" | wc -l) seeds"
  rm -rf "fuzz/artifacts/$t"
  if ! fuzz run --sanitizer none "$t" "$corpus/$t" -- \
      -seed="$seed" "${bound[@]}" -timeout=30 -rss_limit_mb=2048 \
      -max_len=65536 -print_final_stats=1 2>"fuzz/target/$t.log"; then
    tail -n 40 "fuzz/target/$t.log" >&2
    for a in fuzz/artifacts/"$t"/*; do
      [ -f "$a" ] || continue
      cp "$a" "fuzz/regressions/$t/"
      echo "fuzz $t: kept $(basename "$a") in fuzz/regressions/$t/; fix it and commit it" >&2
    done
    failed=1
  else
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "fuzz/target/$t.log" | sed "s/^/  /"
  fi
done
exit $failed
