//! Linear chains (`a + b + …`, `x.strip().strip()…`, `a.b.c…`) are
//! evaluated bottom-up, so their length costs neither stack nor depth:
//! each language says which child continues a chain (the one its
//! evaluation of the parent reads first); this walks it.

use tree_sitter::Node;

/// A chain at least this long below a node is evaluated bottom-up; shorter
/// ones by plain recursion.
pub(crate) const MIN: usize = 24;

/// The links below `n` (nearest first), following `next` down to the end
/// of the chain or to a link already evaluated (`done`), when there are at
/// least [`MIN`]; empty otherwise.
pub(crate) fn below<'t>(
    n: Node<'t>,
    next: impl Fn(Node<'t>) -> Option<Node<'t>>,
    done: impl Fn(Node<'t>) -> bool,
) -> Vec<Node<'t>> {
    // Count first: most chains are short, and cost no allocation.
    let mut len = 0;
    let mut cur = n;
    while len < MIN
        && let Some(c) = next(cur)
        && !done(c)
    {
        len += 1;
        cur = c;
    }
    if len < MIN {
        return vec![];
    }
    let mut out = vec![];
    let mut cur = n;
    while let Some(c) = next(cur) {
        if done(c) {
            break;
        }
        out.push(c);
        cur = c;
    }
    out
}
