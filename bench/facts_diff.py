#!/usr/bin/env python3
"""Compare the facts of some subjects between two breakwater binaries.

    python3 bench/facts_diff.py BASE_BIN NEW_BIN [--subjects store,outbound,llm,queue] DIR...

Runs `BIN facts .` in each folder with both binaries and prints every
fact (path, line, subject, kind, symbol, properties) only one of them
makes, then the totals. Used to read an old-versus-new switch of a fact
kind over the fixtures and the ../shared/corpus applications.
"""
import json
import subprocess
import sys


def facts(binary, folder, subjects):
    r = subprocess.run([binary, "facts", "."], cwd=folder, capture_output=True, text=True)
    out = set()
    try:
        files = json.loads(r.stdout)
    except json.JSONDecodeError:
        print(f"! {folder}: {binary} gave no JSON: {r.stderr.strip()[:200]}", file=sys.stderr)
        return out
    for f in files:
        for x in f.get("facts", []):
            if x["subject"] in subjects:
                loc = x["evidence"]["location"]
                props = json.dumps(x.get("props", {}), sort_keys=True)
                out.add((f["path"], loc["start_line"], x["subject"], x["kind"], x["evidence"]["symbol"], props))
    return out


def main():
    args = sys.argv[1:]
    subjects = {"store", "outbound", "llm", "queue"}
    if "--subjects" in args:
        i = args.index("--subjects")
        subjects = set(args[i + 1].split(","))
        del args[i : i + 2]
    if len(args) < 3:
        sys.exit(__doc__)
    base, new, folders = args[0], args[1], args[2:]
    total_a = total_b = same = 0
    for d in folders:
        a, b = facts(base, d, subjects), facts(new, d, subjects)
        total_a += len(a)
        total_b += len(b)
        same += len(a & b)
        for x in sorted(a - b):
            print(f"- {d}: {x}")
        for x in sorted(b - a):
            print(f"+ {d}: {x}")
    print(f"base {total_a} new {total_b} same {same}")


if __name__ == "__main__":
    main()
