//! The control-flow graph of a [`Function`]: successors (with exception
//! edges), predecessors, reverse postorder, dominators and reachability.

use crate::{BlockId, Function, Terminator};

/// A function's graph, computed once and read by every analysis.
#[derive(Debug, Clone)]
pub struct Cfg {
    /// Successors of each block: the terminator's targets, then the
    /// block's exception handler (any statement may raise).
    pub succs: Vec<Vec<BlockId>>,
    pub preds: Vec<Vec<BlockId>>,
    /// Blocks reachable from the entry, in reverse postorder.
    pub rpo: Vec<BlockId>,
    /// Each block's position in `rpo` (`u32::MAX`: unreachable).
    pub order: Vec<u32>,
    /// Immediate dominators (`None` for the entry and unreachable blocks).
    pub idom: Vec<Option<BlockId>>,
    /// Blocks that leave the function (return, or throw with no handler).
    pub exits: Vec<BlockId>,
}

/// The targets of a terminator, in order.
pub fn targets(t: &Terminator) -> Vec<BlockId> {
    match t {
        Terminator::Goto(b) => vec![*b],
        Terminator::Branch { then, other, .. } => vec![*then, *other],
        Terminator::Switch { cases, default, .. } => {
            let mut v: Vec<BlockId> = cases.iter().map(|c| c.1).collect();
            v.push(*default);
            v
        }
        Terminator::Return(_) | Terminator::Throw(_) | Terminator::Unreachable => Vec::new(),
    }
}

impl Cfg {
    pub fn new(f: &Function) -> Cfg {
        let n = f.blocks.len();
        let mut succs: Vec<Vec<BlockId>> = Vec::with_capacity(n);
        let mut exits = Vec::new();
        for (i, b) in f.blocks.iter().enumerate() {
            let mut s = targets(&b.term);
            if let Some(h) = b.handler
                && !s.contains(&h)
            {
                s.push(h);
            }
            match b.term {
                Terminator::Return(_) => exits.push(BlockId(i as u32)),
                Terminator::Throw(_) if b.handler.is_none() => exits.push(BlockId(i as u32)),
                _ => {}
            }
            succs.push(s);
        }
        let mut preds = vec![Vec::new(); n];
        for (i, s) in succs.iter().enumerate() {
            for t in s {
                preds[t.index()].push(BlockId(i as u32));
            }
        }
        // Postorder by an explicit stack (no recursion: graphs can be long).
        let mut post = Vec::with_capacity(n);
        let mut seen = vec![false; n];
        if n > 0 {
            let mut stack: Vec<(BlockId, usize)> = vec![(BlockId::ENTRY, 0)];
            seen[0] = true;
            while let Some((b, i)) = stack.last_mut() {
                let b = *b;
                if let Some(next) = succs[b.index()].get(*i).copied() {
                    *i += 1;
                    if !seen[next.index()] {
                        seen[next.index()] = true;
                        stack.push((next, 0));
                    }
                } else {
                    post.push(b);
                    stack.pop();
                }
            }
        }
        post.reverse();
        let rpo = post;
        let mut order = vec![u32::MAX; n];
        for (i, b) in rpo.iter().enumerate() {
            order[b.index()] = i as u32;
        }
        let idom = dominators(&rpo, &order, &preds);
        Cfg {
            succs,
            preds,
            rpo,
            order,
            idom,
            exits,
        }
    }

    pub fn reachable(&self, b: BlockId) -> bool {
        self.order[b.index()] != u32::MAX
    }

    /// Whether every path from the entry to `b` goes through `a` (a block
    /// dominates itself). False when either is unreachable.
    pub fn dominates(&self, a: BlockId, b: BlockId) -> bool {
        if !self.reachable(a) || !self.reachable(b) {
            return false;
        }
        let mut x = b;
        loop {
            if x == a {
                return true;
            }
            match self.idom[x.index()] {
                Some(d) => x = d,
                None => return false,
            }
        }
    }

    /// The blocks reachable from `start` (itself included) without passing
    /// through `avoid`.
    pub fn reach_from(&self, start: BlockId, avoid: Option<BlockId>) -> Vec<bool> {
        let mut seen = vec![false; self.succs.len()];
        if Some(start) == avoid {
            return seen;
        }
        let mut stack = vec![start];
        seen[start.index()] = true;
        while let Some(b) = stack.pop() {
            for s in &self.succs[b.index()] {
                if !seen[s.index()] && Some(*s) != avoid {
                    seen[s.index()] = true;
                    stack.push(*s);
                }
            }
        }
        seen
    }

    /// Whether a block is the head of a loop: some block it dominates
    /// jumps back to it.
    pub fn is_loop_head(&self, b: BlockId) -> bool {
        self.preds[b.index()].iter().any(|p| self.dominates(b, *p))
    }
}

/// Immediate dominators by the iterative algorithm of Cooper, Harvey and
/// Kennedy ("A Simple, Fast Dominance Algorithm"), over reverse postorder.
fn dominators(rpo: &[BlockId], order: &[u32], preds: &[Vec<BlockId>]) -> Vec<Option<BlockId>> {
    let n = order.len();
    let mut idom: Vec<Option<BlockId>> = vec![None; n];
    let Some(&entry) = rpo.first() else {
        return idom;
    };
    idom[entry.index()] = Some(entry);
    let intersect = |idom: &[Option<BlockId>], mut a: BlockId, mut b: BlockId| {
        while a != b {
            while order[a.index()] > order[b.index()] {
                a = idom[a.index()].expect("processed");
            }
            while order[b.index()] > order[a.index()] {
                b = idom[b.index()].expect("processed");
            }
        }
        a
    };
    let mut changed = true;
    while changed {
        changed = false;
        for &b in rpo.iter().skip(1) {
            let mut new: Option<BlockId> = None;
            for &p in &preds[b.index()] {
                if order[p.index()] == u32::MAX || idom[p.index()].is_none() {
                    continue;
                }
                new = Some(match new {
                    None => p,
                    Some(x) => intersect(&idom, p, x),
                });
            }
            if new.is_some() && idom[b.index()] != new {
                idom[b.index()] = new;
                changed = true;
            }
        }
    }
    idom[entry.index()] = None;
    idom
}
