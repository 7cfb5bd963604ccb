#!/usr/bin/env python3
"""Score a breakwater binary against the measuring stick (bench/stick/cases).

Every case is scanned on its own, from a fresh temporary directory outside
any repository, so no case can see another case's modules and nothing else
in this repository is analysed with it. A vulnerable case is a true
positive when a reported threat carries the case's CWE ("any line"), and a
true positive at the marker when that threat's location spans the line
marked `stick: sink`. A safe case is a false positive when any reported
threat carries the case's CWE. "Reported" means open and, unless
--include-potential is given, confidence confirmed or likely (what the
terminal, SARIF and --fail-on show by default).

Usage:
  python3 bench/stick/score.py [--bin PATH] [--include-potential] [--json OUT]

Standard library only; deterministic output (cases and groups are sorted).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
CASES = HERE / "cases"

LANG_EXT = {".py": "python", ".js": "javascript", ".ts": "javascript", ".mjs": "javascript", ".cjs": "javascript"}
LABEL_RE = re.compile(r"^\s*(?:#|//)\s*stick:\s*(?!sink\s*$)(\S.*)$")
MARKER_RE = re.compile(r"(?:#|//)\s*stick:\s*sink\s*$")
FIELD_RE = re.compile(r"^([a-z]+)=([A-Za-z0-9_-]+)$")
REQUIRED = ("cwe", "construct", "expect")
EXPECTS = ("vulnerable", "safe")


class LabelError(Exception):
    pass


@dataclass
class Case:
    lang: str  # directory under cases/: python | javascript
    pair: str  # the pair directory name
    expect: str  # vulnerable | safe
    cwe: int
    construct: str
    path: Path  # the case file or folder
    files: list[Path] = field(default_factory=list)  # relative to the case root
    markers: list[tuple[str, int]] = field(default_factory=list)  # (relative path, line)

    @property
    def id(self) -> str:
        return f"{self.lang}/{self.pair}/{self.expect}"


def parse_label(line: str) -> dict[str, str] | None:
    m = LABEL_RE.match(line)
    if not m:
        return None
    fields = {}
    for part in m.group(1).split():
        fm = FIELD_RE.match(part)
        if not fm:
            raise LabelError(f"malformed label field `{part}`")
        fields[fm.group(1)] = fm.group(2)
    return fields


def load_case(lang: str, pair: str, entry: Path) -> Case:
    """Read one case: a file `vulnerable.py`, or a folder `vulnerable/`."""
    expect = entry.stem if entry.is_file() else entry.name
    if expect not in EXPECTS:
        raise LabelError(f"{entry}: a case is named vulnerable or safe (file or folder)")
    if entry.is_file():
        root, files = entry.parent, [Path(entry.name)]
    else:
        root = entry
        files = sorted(p.relative_to(entry) for p in entry.rglob("*") if p.is_file())
    label = None
    markers = []
    for rel in files:
        if rel.suffix not in LANG_EXT:
            continue
        text = (root / rel).read_text(encoding="utf-8")
        for no, line in enumerate(text.splitlines(), start=1):
            fields = parse_label(line)
            if fields is not None:
                if no > 3:
                    raise LabelError(f"{root / rel}:{no}: the label belongs in the first lines")
                if label is not None:
                    raise LabelError(f"{entry}: more than one label")
                label = fields
            elif MARKER_RE.search(line):
                markers.append((rel.as_posix(), no))
    if label is None:
        raise LabelError(f"{entry}: no `stick: cwe=... construct=... expect=...` label")
    missing = [k for k in REQUIRED if k not in label]
    extra = sorted(set(label) - set(REQUIRED))
    if missing or extra:
        raise LabelError(f"{entry}: label needs exactly {', '.join(REQUIRED)} (missing {missing}, extra {extra})")
    if label["expect"] != expect:
        raise LabelError(f"{entry}: label says expect={label['expect']} but the case is named {expect}")
    if not label["cwe"].isdigit():
        raise LabelError(f"{entry}: cwe must be a number")
    if expect == "vulnerable" and len(markers) != 1:
        raise LabelError(f"{entry}: a vulnerable case marks exactly one sink line, found {len(markers)}")
    if expect == "safe" and markers:
        raise LabelError(f"{entry}: a safe case has no sink marker")
    langs = {LANG_EXT[f.suffix] for f in files if f.suffix in LANG_EXT}
    if langs != {lang}:
        raise LabelError(f"{entry}: files of language {sorted(langs)} under cases/{lang}")
    return Case(lang, pair, expect, int(label["cwe"]), label["construct"], entry, files, markers)


def load_cases(cases_dir: Path) -> list[Case]:
    cases = []
    for lang_dir in sorted(p for p in cases_dir.iterdir() if p.is_dir()):
        for pair_dir in sorted(p for p in lang_dir.iterdir() if p.is_dir()):
            pair = [load_case(lang_dir.name, pair_dir.name, e) for e in sorted(pair_dir.iterdir())]
            kinds = sorted(c.expect for c in pair)
            if kinds != ["safe", "vulnerable"]:
                raise LabelError(f"{pair_dir}: a pair is one vulnerable and one safe case, found {kinds}")
            a, b = pair
            if (a.cwe, a.construct) != (b.cwe, b.construct):
                raise LabelError(f"{pair_dir}: the twins disagree on cwe or construct")
            cases.extend(sorted(pair, key=lambda c: c.expect, reverse=True))
    return cases


def default_bin() -> Path:
    for cand in (REPO / "target/release/breakwater", REPO / "target/debug/breakwater"):
        if cand.exists():
            return cand
    return REPO / "target/release/breakwater"


def scan(binary: Path, case: Case) -> tuple[list[dict], list[str]]:
    """The case's threats, and what of it was not fully analysed."""
    with tempfile.TemporaryDirectory(prefix="stick-") as tmp:
        work = Path(tmp) / "app"
        if case.path.is_file():
            work.mkdir()
            shutil.copy(case.path, work / case.path.name)
        else:
            shutil.copytree(case.path, work)
        out = Path(tmp) / "report.json"
        cmd = [str(binary), "scan", str(work), "--no-cache", "--format", "json", "-o", str(out), "-q", "--color", "never"]
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp)
        if proc.returncode not in (0, 1) or not out.exists():
            raise RuntimeError(f"{case.id}: `{' '.join(cmd)}` exited {proc.returncode}: {proc.stderr.strip()}")
        report = json.loads(out.read_text(encoding="utf-8"))
    files = report.get("files", {})
    problems = []
    sources = sum(1 for f in case.files if f.suffix in LANG_EXT)
    if files.get("analysed") != sources:
        problems.append(f"{files.get('analysed')} of {sources} files analysed")
    for key in ("partial", "truncated", "skipped"):
        for entry in files.get(key, []):
            problems.append(f"{key}: {entry if isinstance(entry, str) else entry.get('path')}")
    for entry in report.get("unanalysed", []):
        problems.append(f"unanalysed: {entry.get('path')} ({entry.get('reason')})")
    return report.get("threats", []), problems


def counted(threat: dict, include_potential: bool) -> bool:
    status = threat.get("status")
    state = status.get("state") if isinstance(status, dict) else status
    if state not in (None, "open"):
        return False
    return include_potential or threat.get("confidence") != "potential"


def judge(case: Case, scanned: tuple[list[dict], list[str]], include_potential: bool) -> dict:
    threats, problems = scanned
    hits = [t for t in threats if counted(t, include_potential) and case.cwe in t.get("cwe", [])]
    at_marker = False
    for t in hits:
        loc = t.get("location", {})
        for path, line in case.markers:
            if loc.get("path") == path and loc.get("start_line", 0) <= line <= loc.get("end_line", 0):
                at_marker = True
    return {
        "case": case.id,
        "lang": case.lang,
        "cwe": case.cwe,
        "construct": case.construct,
        "expect": case.expect,
        "flagged": bool(hits),
        "flagged_at_marker": at_marker,
        "rules": sorted({t.get("rule", "") for t in hits}),
        "lines": sorted({(t["location"]["path"], t["location"]["start_line"]) for t in hits}),
        "problems": problems,
    }


def ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def fmt(x: float | None, signed: bool = False) -> str:
    if x is None:
        return "—"
    return f"{x:+.2f}" if signed else f"{x:.2f}"


def tally(results: list[dict]) -> dict:
    vul = [r for r in results if r["expect"] == "vulnerable"]
    safe = [r for r in results if r["expect"] == "safe"]
    tp = sum(r["flagged"] for r in vul)
    tpm = sum(r["flagged_at_marker"] for r in vul)
    fp = sum(r["flagged"] for r in safe)
    tpr, tprm, fpr = ratio(tp, len(vul)), ratio(tpm, len(vul)), ratio(fp, len(safe))
    return {
        "tp": tp,
        "fn": len(vul) - tp,
        "fp": fp,
        "tn": len(safe) - fp,
        "tp_marker": tpm,
        "tpr": tpr,
        "fpr": fpr,
        "score": None if tpr is None or fpr is None else tpr - fpr,
        "tpr_marker": tprm,
        "score_marker": None if tprm is None or fpr is None else tprm - fpr,
    }


HEADER = "| {} | TP | FN | FP | TN | TPR | FPR | TPR−FPR | TP@marker | TPR−FPR@marker |"
RULE = "|---|---|---|---|---|---|---|---|---|---|"


def row(name: str, t: dict) -> str:
    return (
        f"| {name} | {t['tp']} | {t['fn']} | {t['fp']} | {t['tn']} | {fmt(t['tpr'])} | {fmt(t['fpr'])} "
        f"| {fmt(t['score'], True)} | {t['tp_marker']} | {fmt(t['score_marker'], True)} |"
    )


def table(title: str, key, results: list[dict], order) -> list[str]:
    groups: dict = {}
    for r in results:
        groups.setdefault(key(r), []).append(r)
    lines = [HEADER.format(title), RULE]
    for k in sorted(groups, key=order):
        lines.append(row(str(k), tally(groups[k])))
    return lines


def cwe_name(cwe: int) -> str:
    return f"CWE-{cwe}"


def report(results: list[dict]) -> str:
    out = []
    total = tally(results)
    out.append(f"cases: {len(results)} ({sum(r['expect'] == 'vulnerable' for r in results)} vulnerable, "
               f"{sum(r['expect'] == 'safe' for r in results)} safe)")
    out.append("")
    out.append("Overall")
    out.append("")
    out += [HEADER.format("set"), RULE, row("all", total)]
    for lang in sorted({r["lang"] for r in results}):
        out.append(row(lang, tally([r for r in results if r["lang"] == lang])))
    out.append(row("every construct but direct", tally([r for r in results if r["construct"] != "direct"])))
    out.append("")
    out.append("Per CWE (both languages)")
    out.append("")
    out += table("CWE", lambda r: r["cwe"], results, lambda k: k)
    out.append("")
    out.append("Per construct (both languages)")
    out.append("")
    out += table("construct", lambda r: r["construct"], results, lambda k: k)
    out.append("")
    out.append("Per language and CWE")
    out.append("")
    out += table("language / CWE", lambda r: f"{r['lang']} {cwe_name(r['cwe'])}", results,
                 lambda k: (k.split()[0], int(k.split("-")[-1])))
    out.append("")
    out.append("Per language and construct")
    out.append("")
    out += table("language / construct", lambda r: f"{r['lang']} {r['construct']}", results, lambda k: k)
    out.append("")
    misses = [r for r in results if r["expect"] == "vulnerable" and not r["flagged"]]
    off = [r for r in results if r["expect"] == "vulnerable" and r["flagged"] and not r["flagged_at_marker"]]
    alarms = [r for r in results if r["expect"] == "safe" and r["flagged"]]
    out.append(f"Missed ({len(misses)}): " + (", ".join(r["case"] for r in misses) or "none"))
    out.append("")
    out.append(f"Flagged away from the marker ({len(off)}): "
               + (", ".join(f"{r['case']} at {', '.join(f'{p}:{n}' for p, n in r['lines'])}" for r in off) or "none"))
    out.append("")
    out.append(f"False alarms ({len(alarms)}): "
               + (", ".join(f"{r['case']} ({', '.join(r['rules'])})" for r in alarms) or "none"))
    partial = [r for r in results if r["problems"]]
    out.append("")
    out.append(f"Not fully analysed ({len(partial)}): "
               + (", ".join(f"{r['case']} ({'; '.join(r['problems'])})" for r in partial) or "none"))
    return "\n".join(out)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", type=Path, default=None, help="breakwater binary (default: target/release, else target/debug)")
    ap.add_argument("--cases", type=Path, default=CASES, help="the cases directory")
    ap.add_argument("--include-potential", action="store_true", help="also count threats of confidence potential")
    ap.add_argument("--json", type=Path, default=None, help="also write per-case results as JSON here")
    ap.add_argument("--check", action="store_true", help="only validate the labels and pairs; scan nothing")
    args = ap.parse_args(argv)

    try:
        cases = load_cases(args.cases.resolve())
    except LabelError as e:
        print(f"score.py: {e}", file=sys.stderr)
        return 2
    if args.check:
        print(f"{len(cases)} cases, labels and pairs valid")
        return 0
    binary = (args.bin or default_bin()).resolve()
    if not binary.exists():
        print(f"score.py: no binary at {binary} (build it: cargo build -p breakwater)", file=sys.stderr)
        return 2
    version = subprocess.run([str(binary), "--version"], capture_output=True, text=True).stdout.strip()
    results = [judge(c, scan(binary, c), args.include_potential) for c in cases]
    mode = "confirmed + likely + potential" if args.include_potential else "confirmed + likely"
    print(f"breakwater: {version} ({os.path.relpath(binary, REPO) if binary.is_relative_to(REPO) else binary})")
    print(f"counted: open threats, {mode}")
    print(report(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
