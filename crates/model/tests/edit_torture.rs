//! A hand-written model file full of comments and odd formatting survives a
//! hundred decision edits: after every one, everything outside the changed
//! entry is byte-identical, the file parses, and the decisions are exactly
//! the ones expected.
//!
//! The entries are located here with an independent, line-based reading of
//! the file (a decision is its header line through its last key line), not
//! with the editor's own parser-based one.

use bw_model::edit::{Change, DecisionEdit, SECTION_COMMENT, edit_decisions, render_decision};
use bw_model::modelfile::{Decision, ModelFile};
use std::collections::BTreeMap;
use std::ops::Range;

fn fixture() -> String {
    format!(
        r#"#:schema ./.breakwater/breakwater.schema.json
# Model file for the torture test.   
   # an indented comment	with a tab

[system]   # the system
name="torture"    
description = """
multi-line
  description with [decisions."not-a-header"] and # hashes
"""

# names, with odd spacing
[names]
"store:postgres"   =   "Orders DB"   # the big one
'entry:GET /x' = "List"


[assets.pii]
name = "PII"
classification = "restricted"
stored_in = [
  "store:postgres",   # the main one
  # a comment in an array
  "store:redis",
]
description = 'literal \ string'

[boundaries.gateway]
name = "API gateway"
elements = ["component:api",
            "component:web"]

[elements]
"external:payments" = {{ kind = "external", name = "Payments", technology = "stripe" }}
"store:redis" = {{kind="store",name="Cache"}}

{SECTION_COMMENT}

# about the first one
[decisions."b-rule@app/a.py::f"]
status = "accepted"   # why not
reason = "internal only"
# a comment inside the entry
author = "Ann <ann@example.com>"

[ decisions . 'd-rule@entry:GET /x' ]
status="mitigated"
reason='rate limited at the gateway'


[suppressions."debug-mode-enabled@run.py::<module>"]
reason = "local only"   

   # an indented comment before a decision
[decisions."m-rule@store:postgres"]
status = "transferred"
reason = """managed by
the DBA team"""
ticket = "DBA-1"

[decisions."s-rule@x.py::<module>"]
status = "false-positive"
reason = "test data"
# trailing comments
# more
"#
    )
}

/// Deterministic pseudo-random numbers (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

const IDS: &[&str] = &[
    "b-rule@app/a.py::f",
    "d-rule@entry:GET /x",
    "m-rule@store:postgres",
    "s-rule@x.py::<module>",
    "a-rule@app/a.py::f#2",
    "c-rule@entry:POST /orders/{id}",
    "c-rule@app/ünï.py::naïve",
    "e-rule@app/\"quoted\".py::f",
    "f-rule@app/back\\slash.py::g",
    "g-rule@store:redis",
    "h-rule@app/a b.py::with space",
    "k-rule@app/a.py::f#1",
    "k-rule@app/a.py::f#10",
    "n-rule@entry:GET /x?y=[1]",
    "p-rule@app/#hash.py::f",
    "r-rule@component:api",
    "t-rule@app/tab\t.py::f",
    "x-rule@app/z.py::<module>",
    "z-rule@external:payments",
    "Z-rule@upper.py::f",
    "0-rule@digits.py::f",
    "ü-rule@app/u.py::f",
];

const REASONS: &[&str] = &[
    "input is an integer id validated by the route converter",
    "a \"quoted\" reason with \\ backslash",
    "ünïcödé, emoji 🛡️ and CJK 防波堤",
    "two\nlines",
    "# not a comment = [not a table]",
    "'single quotes' and \"\"\" triple",
];

fn random_decision(rng: &mut Rng) -> Decision {
    let statuses = ["mitigated", "accepted", "false-positive", "transferred"];
    let n = rng.next();
    Decision {
        status: rng.pick(&statuses).to_string(),
        reason: rng.pick(REASONS).to_string(),
        author: if n & 1 == 0 {
            "Jane Doe <jane@example.com>".into()
        } else {
            String::new()
        },
        date: format!("2026-0{}-1{}", 1 + n % 9, n % 10),
        fingerprint: format!("{:016x}", rng.next()),
        evidence: if n & 2 == 0 {
            "cursor.execute(f\"SELECT … {uid}\")".into()
        } else {
            String::new()
        },
        ticket: (n & 4 == 0).then(|| format!("SEC-{}", n % 100)),
        expires: (n & 8 == 0).then(|| "2027-03-01".to_string()),
    }
}

fn is_blank(line: &str) -> bool {
    line.trim().is_empty()
}

/// Byte ranges of the decision entries in file order, read line by line: a
/// header line `[decisions.…]` through its last key line (before the next
/// header or the end), comments and blank lines inside included.
fn entries(text: &str) -> Vec<Range<usize>> {
    let mut lines = vec![];
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        lines.push((at, line));
        at += line.len();
    }
    let mut out = vec![];
    let mut in_string = false;
    let mut i = 0;
    while i < lines.len() {
        let (start, line) = lines[i];
        // The fixture's only multi-line strings start with `= """` and end with `"""`.
        if line.matches("\"\"\"").count() % 2 == 1 {
            in_string = !in_string;
        }
        let squashed: String = line.split_whitespace().collect();
        if !in_string && squashed.starts_with("[decisions.") && !squashed.starts_with("[[") {
            let mut end = start + line.len();
            let mut j = i + 1;
            let mut in_value = false;
            while j < lines.len() {
                let (s, l) = lines[j];
                let opens = l.matches("\"\"\"").count() % 2 == 1;
                if !in_value && l.trim_start().starts_with('[') {
                    break;
                }
                if in_value || (!is_blank(l) && !l.trim_start().starts_with('#')) {
                    end = s + l.len();
                }
                if opens {
                    in_value = !in_value;
                }
                j += 1;
            }
            out.push(start..end);
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

/// The range of `id`'s entry: the decisions are in sorted order in the
/// file, so the k-th entry is the k-th id.
fn entry_of(text: &str, id: &str) -> Range<usize> {
    let mf = ModelFile::parse("breakwater.toml", text).unwrap();
    let ranges = entries(text);
    assert_eq!(
        ranges.len(),
        mf.decisions.len(),
        "one entry per decision, in file order"
    );
    let k = mf.decisions.keys().position(|k| k == id).expect("present");
    ranges[k].clone()
}

/// Grow a range over the line breaks around it.
fn with_breaks(text: &str, r: Range<usize>) -> Range<usize> {
    let b = text.as_bytes();
    let (mut s, mut e) = (r.start, r.end);
    while s > 0 && matches!(b[s - 1], b'\n' | b'\r') {
        s -= 1;
    }
    while e < b.len() && matches!(b[e], b'\n' | b'\r') {
        e += 1;
    }
    s..e
}

/// `small` is `big` with `big[cut]` replaced by line breaks only.
fn assert_only_breaks_differ(small: &str, big: &str, cut: Range<usize>, step: usize) {
    let (head, tail) = (&big[..cut.start], &big[cut.end..]);
    assert!(
        small.len() >= head.len() + tail.len() && small.starts_with(head) && small.ends_with(tail),
        "step {step}: bytes outside the entry changed"
    );
    let middle = &small[head.len()..small.len() - tail.len()];
    assert!(
        middle.bytes().all(|c| c == b'\n' || c == b'\r'),
        "step {step}: {middle:?} between the unchanged parts"
    );
}

fn longest_blank_run(text: &str) -> usize {
    let (mut best, mut run) = (0, 0);
    for line in text.lines() {
        run = if is_blank(line) { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

fn torture(original: &str, nl: &str, seed: u64) {
    let mut rng = Rng(seed);
    let first = ModelFile::parse("breakwater.toml", original).unwrap();
    let others = |m: &ModelFile| ModelFile {
        decisions: BTreeMap::new(),
        ..m.clone()
    };
    let mut expected = first.decisions.clone();
    let mut text = original.to_string();
    let blank_runs = longest_blank_run(original);
    let unterminated = !original.ends_with('\n');
    let (mut added, mut replaced, mut removed) = (0, 0, 0);
    for step in 0..100 {
        let id = *rng.pick(IDS);
        let present = expected.contains_key(id);
        let edit = if present && rng.next().is_multiple_of(3) {
            DecisionEdit::Remove { id: id.into() }
        } else {
            DecisionEdit::Upsert {
                id: id.into(),
                decision: random_decision(&mut rng),
            }
        };
        let out = edit_decisions("breakwater.toml", &text, std::slice::from_ref(&edit))
            .unwrap_or_else(|e| panic!("step {step}: {e}"));
        let after = out.text;
        // The file parses; the decisions are what was asked; nothing else moved.
        let mf = ModelFile::parse("breakwater.toml", &after)
            .unwrap_or_else(|e| panic!("step {step}: {e}\n{after}"));
        match &edit {
            DecisionEdit::Upsert { decision, .. } => {
                expected.insert(id.into(), decision.clone());
            }
            DecisionEdit::Remove { .. } => {
                expected.remove(id);
            }
        }
        assert_eq!(mf.decisions, expected, "step {step}");
        assert_eq!(others(&mf), others(&first), "step {step}");
        // Byte-identical outside the changed entry.
        let rendered = |d: &Decision| {
            let r = render_decision(id, d, nl);
            match r.strip_suffix(nl) {
                Some(body) if unterminated && after.ends_with(body) => body.to_string(),
                _ => r,
            }
        };
        match (&edit, out.changes[0].1) {
            (DecisionEdit::Upsert { decision, .. }, Change::Added) => {
                assert!(!present);
                let r = entry_of(&after, id);
                assert_eq!(after[r.clone()], rendered(decision), "step {step}");
                let around = with_breaks(&after, r.clone());
                assert_only_breaks_differ(&text, &after, around.clone(), step);
                // Separated from what comes before by a blank line.
                let above = after[around.start..r.start].matches('\n').count();
                assert!(around.start == 0 || above >= 2, "step {step}: glued");
                added += 1;
            }
            (DecisionEdit::Upsert { decision, .. }, Change::Replaced | Change::Unchanged) => {
                assert!(present);
                let (old, new) = (entry_of(&text, id), entry_of(&after, id));
                assert_eq!(text[..old.start], after[..new.start], "step {step}");
                assert_eq!(text[old.end..], after[new.end..], "step {step}");
                assert_eq!(after[new], rendered(decision), "step {step}");
                replaced += 1;
            }
            (DecisionEdit::Remove { .. }, Change::Removed) => {
                let r = entry_of(&text, id);
                let around = with_breaks(&text, r.clone());
                assert_only_breaks_differ(&after, &text, around.clone(), step);
                // Between the lines around it, the larger of its two runs of
                // blank lines remains.
                if around.start > 0 && around.end < text.len() {
                    let above = text[around.start..r.start].matches('\n').count() - 1;
                    let below = text[r.end..around.end].matches('\n').count();
                    let gap = after[around.start..after.len() - (text.len() - around.end)]
                        .matches('\n')
                        .count()
                        - 1;
                    assert_eq!(gap, above.max(below), "step {step}: blank lines");
                }
                removed += 1;
            }
            (e, c) => panic!("step {step}: {e:?} gave {c:?}"),
        }
        // Line endings and the (missing) final newline are kept; blank
        // lines do not pile up.
        if nl == "\r\n" {
            assert!(!after.replace("\r\n", "").contains('\n'), "step {step}");
        } else {
            assert!(!after.contains('\r'), "step {step}");
        }
        assert_eq!(after.ends_with('\n'), !unterminated, "step {step}");
        assert!(
            longest_blank_run(&after) <= blank_runs.max(1),
            "step {step}"
        );
        assert_eq!(after.matches(SECTION_COMMENT).count(), 1, "step {step}");
        text = after;
    }
    assert!(
        added >= 10 && replaced >= 10 && removed >= 10,
        "a mix of edits: {added} added, {replaced} replaced, {removed} removed"
    );
}

#[test]
fn a_hundred_edits_keep_everything_else() {
    torture(&fixture(), "\n", 0x9E37_79B9_7F4A_7C15);
}

#[test]
fn a_hundred_edits_keep_crlf() {
    torture(
        &fixture().replace('\n', "\r\n"),
        "\r\n",
        0xDEAD_BEEF_CAFE_F00D,
    );
}

#[test]
fn a_hundred_edits_keep_a_missing_final_newline() {
    let text = fixture();
    torture(text.trim_end_matches('\n'), "\n", 0x0123_4567_89AB_CDEF);
}

#[test]
fn the_line_reader_agrees_with_the_fixture() {
    // The test's own entry reader must find the four hand-written entries,
    // including the comment inside the first and the multi-line string in
    // the third, and nothing in the multi-line description.
    let text = fixture();
    let found: Vec<&str> = entries(&text).into_iter().map(|r| &text[r]).collect();
    assert_eq!(found.len(), 4);
    assert!(found[0].starts_with("[decisions.\"b-rule") && found[0].ends_with("example.com>\"\n"));
    assert!(found[1].ends_with("gateway'\n"));
    assert!(found[2].ends_with("ticket = \"DBA-1\"\n"));
    assert!(found[3].ends_with("reason = \"test data\"\n"));
}
