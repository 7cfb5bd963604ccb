#!/usr/bin/env bash
# Keystroke benchmark (issue 5): re-analysis after an edit to one file of a
# large repository, as the editor server does it.
#
#   bench/keystroke.sh                 # Django, django/contrib/auth/views.py
#   bench/keystroke.sh CORPUS FILE     # another tree and file
#
# Uses the Django sdist bench/run.sh downloads into bench/work/django (run it
# first). The corpus is copied to a temporary directory, so bench/work stays
# pristine (the editor server writes its facts cache into the copy). Two
# measurements, each typing a line of code into FILE one character at a time:
#
# - `keystroke` (bw-engine example): an engine Session over the tree; per
#   keystroke the buffer update (re-extraction of the file) and a full
#   analysis, whatever the edit, with median, p95 and max of each; then it
#   checks the session's report is byte-identical to a full scan of the
#   edited tree.
# - `lsp_keystroke` (bw-lsp example): the editor server in-process; per
#   keystroke a didChange and a hover, timed until the hover's answer, which
#   comes after the edit is analysed and its diagnostics are published.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-bench/work/django}
file=${2:-django/contrib/auth/views.py}
if [ ! -d "$corpus" ]; then
  echo "no $corpus: run bench/run.sh first (it downloads the Django sdist)" >&2
  exit 2
fi
cargo build --release --quiet -p bw-engine --example keystroke
cargo build --release --quiet -p bw-lsp --example lsp_keystroke
target=${CARGO_TARGET_DIR:-target}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$corpus" "$tmp/corpus"

echo "== engine session ($corpus, $file)"
"$target/release/examples/keystroke" "$tmp/corpus" "$file"
echo "== editor server, end to end"
"$target/release/examples/lsp_keystroke" "$tmp/corpus" "$file"
