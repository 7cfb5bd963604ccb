//! Constant folding of operators.

use crate::value::{ALL_KINDS, K, Value};
use bw_ir::{BinOp, CmpOp};
use std::rc::Rc;

/// `a op b`: the join of both operands' taint, and the constant when both
/// are constants the operator folds.
pub(super) fn fold_binary(op: BinOp, a: &Value, b: &Value) -> Value {
    let mut v = a.taint_only();
    v.join(&b.taint_only());
    let (ka, kb) = (
        a.konst.as_ref().filter(|_| a.is_constant()),
        b.konst.as_ref().filter(|_| b.is_constant()),
    );
    // Arithmetic with a number (`size / 1024`, `n - 1`, `2 ** k`) makes a
    // number, which injects nothing. Not `+` (concatenation), `*` (string
    // repetition keeps the text), `%` (formatting) or the bitwise and/or/xor
    // (set operations keep their elements), whatever the other side is.
    let number = |k: Option<&K>| matches!(k, Some(K::Int(_) | K::Float(_)));
    if matches!(
        op,
        BinOp::Sub
            | BinOp::Div
            | BinOp::FloorDiv
            | BinOp::Pow
            | BinOp::Shl
            | BinOp::Shr
            | BinOp::UShr
    ) && (number(ka) || number(kb))
        && !v.is_constant()
    {
        v.sanitise(ALL_KINDS);
    }
    v.konst = match (op, ka, kb) {
        (BinOp::Add, Some(K::Str(x)), Some(K::Str(y))) => {
            Some(K::Str(Rc::from(format!("{x}{y}").as_str())))
        }
        (_, Some(K::Int(x)), Some(K::Int(y))) => {
            let (x, y) = (*x, *y);
            match op {
                BinOp::Add => x.checked_add(y).map(K::Int),
                BinOp::Sub => x.checked_sub(y).map(K::Int),
                BinOp::Mul => x.checked_mul(y).map(K::Int),
                BinOp::FloorDiv if y != 0 => Some(K::Int(x.div_euclid(y))),
                BinOp::Mod if y != 0 => Some(K::Int(x.rem_euclid(y))),
                BinOp::Div if y != 0 => Some(K::Float(x as f64 / y as f64)),
                BinOp::BitAnd => Some(K::Int(x & y)),
                BinOp::BitOr => Some(K::Int(x | y)),
                BinOp::BitXor => Some(K::Int(x ^ y)),
                _ => None,
            }
        }
        (BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div, Some(x), Some(y)) => {
            match (x.num(), y.num()) {
                (Some(x), Some(y)) => Some(K::Float(match op {
                    BinOp::Add => x + y,
                    BinOp::Sub => x - y,
                    BinOp::Mul => x * y,
                    _ => x / y,
                })),
                _ => None,
            }
        }
        _ => None,
    };
    v
}

/// A comparison of two constants (numbers compare as numbers, strings
/// by their text); `None` when either side is not constant.
pub(super) fn fold_compare(op: CmpOp, a: &Value, b: &Value) -> Option<K> {
    let x = a.konst.as_ref().filter(|_| a.is_constant())?;
    let y = b.konst.as_ref().filter(|_| b.is_constant())?;
    let eq = match (x.num(), y.num()) {
        (Some(p), Some(q)) => p == q,
        _ => x == y,
    };
    let ord = match (x.num(), y.num(), x, y) {
        (Some(p), Some(q), _, _) => p.partial_cmp(&q),
        (_, _, K::Str(p), K::Str(q)) => Some(p.cmp(q)),
        _ => None,
    };
    Some(K::Bool(match op {
        CmpOp::Eq | CmpOp::StrictEq | CmpOp::Is => eq,
        CmpOp::NotEq | CmpOp::StrictNotEq | CmpOp::IsNot => !eq,
        CmpOp::Lt => ord? == std::cmp::Ordering::Less,
        CmpOp::LtE => ord? != std::cmp::Ordering::Greater,
        CmpOp::Gt => ord? == std::cmp::Ordering::Greater,
        CmpOp::GtE => ord? != std::cmp::Ordering::Less,
        CmpOp::In | CmpOp::NotIn | CmpOp::InstanceOf => return None,
    }))
}
