//! SQL text as written in a string literal: whether it reads as a
//! statement and carries bind placeholders. Call sites of a query helper
//! are judged with this (a helper is a convention only when the project
//! calls it with placeholders and passes values separately).

/// Words a SQL statement starts with.
const STATEMENT_WORDS: &[&str] = &[
    "select", "insert", "update", "delete", "with", "replace", "merge", "upsert",
];

/// `text` starts like a SQL statement and holds at least one bind
/// placeholder outside quoted SQL strings: `%s`, `%(name)s`, `?`, `$1`,
/// `:name` (not a `::type` cast).
pub fn is_parameterised_sql(text: &str) -> bool {
    let t = text.trim_start();
    let first: String = t
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect::<String>()
        .to_ascii_lowercase();
    if !STATEMENT_WORDS.contains(&first.as_str()) {
        return false;
    }
    has_placeholder(t)
}

fn has_placeholder(sql: &str) -> bool {
    let b = sql.as_bytes();
    let mut quoted = false;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'\'' {
            quoted = !quoted;
            i += 1;
            continue;
        }
        if quoted {
            i += 1;
            continue;
        }
        let next = b.get(i + 1).copied();
        let prev = i.checked_sub(1).map(|j| b[j]);
        match c {
            b'?' => return true,
            b'%' if next == Some(b's') || next == Some(b'(') => return true,
            b'$' if next.is_some_and(|n| n.is_ascii_digit()) => return true,
            b':' if next.is_some_and(|n| n.is_ascii_alphabetic() || n == b'_')
                && prev.is_none_or(|p| p != b':' && !p.is_ascii_alphanumeric()) =>
            {
                return true;
            }
            _ => {}
        }
        i += 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::is_parameterised_sql;

    #[test]
    fn statements_with_placeholders_are_parameterised() {
        for sql in [
            "SELECT id FROM tickets WHERE id = %s",
            "select * from t where a = %(a)s",
            "  INSERT INTO t (a, b) VALUES (?, ?)",
            "UPDATE orders SET status = $2 WHERE id = $1",
            "DELETE FROM t WHERE owner = :owner",
            "WITH x AS (SELECT 1) SELECT * FROM x WHERE y = :y",
        ] {
            assert!(is_parameterised_sql(sql), "{sql}");
        }
    }

    #[test]
    fn other_text_is_not() {
        for sql in [
            "SELECT id FROM tickets",
            "SELECT created_at::date FROM t",
            "SELECT * FROM t WHERE name = 'who?'",
            "SELECT * FROM t WHERE at = '10:30'",
            "hello %s",
            "https://example.com/?q=1",
            "",
        ] {
            assert!(!is_parameterised_sql(sql), "{sql}");
        }
    }
}
