//! Columns in Unicode scalar values (as evidence counts them) for byte
//! offsets, in constant time whatever the length of the line: a minified
//! bundle is one line of megabytes, and counting characters from the start
//! of the line for every node's span would be quadratic.

/// Bytes between checkpoints of the character count.
const STEP: usize = 64;

pub struct Columns<'s> {
    src: &'s [u8],
    /// `None` for an ASCII text (a column is the byte column); else the
    /// number of characters before every `STEP`th byte.
    marks: Option<Vec<u32>>,
}

/// Characters that begin in `bytes`: every byte but UTF-8 continuations.
fn starts(bytes: &[u8]) -> u32 {
    bytes.iter().filter(|b| (**b as i8) >= -0x40).count() as u32
}

impl<'s> Columns<'s> {
    pub fn new(src: &'s str) -> Columns<'s> {
        let bytes = src.as_bytes();
        let marks = (!src.is_ascii()).then(|| {
            let mut marks = Vec::with_capacity(bytes.len() / STEP + 1);
            let mut n = 0u32;
            for chunk in bytes.chunks(STEP) {
                marks.push(n);
                n += starts(chunk);
            }
            // The count at the end too: a byte offset at the very end of
            // a text whose length is a multiple of `STEP` has its mark.
            marks.push(n);
            marks
        });
        Columns { src: bytes, marks }
    }

    /// Characters before byte `b`.
    fn before(&self, marks: &[u32], b: usize) -> u32 {
        let b = b.min(self.src.len());
        let k = b / STEP;
        marks.get(k).copied().unwrap_or(0) + starts(&self.src[k * STEP..b])
    }

    /// The 1-based column of byte `byte`, whose column in bytes (from the
    /// start of its line) is `byte_col`.
    pub fn col(&self, byte: usize, byte_col: usize) -> u32 {
        match &self.marks {
            None => byte_col as u32 + 1,
            Some(marks) => {
                let line = byte.saturating_sub(byte_col);
                self.before(marks, byte) - self.before(marks, line) + 1
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The column the slow way.
    fn count(src: &str, line: usize, byte: usize) -> u32 {
        src[line..byte].chars().count() as u32 + 1
    }

    #[test]
    fn the_end_of_a_text_a_whole_number_of_steps_long_has_its_column() {
        // 128 bytes: two whole steps, no partial one after them.
        let src = format!("{}{}", "é".repeat(32), "x".repeat(64));
        assert_eq!(src.len(), 2 * STEP);
        let c = Columns::new(&src);
        assert_eq!(c.col(src.len(), src.len()), count(&src, 0, src.len()));
        assert_eq!(c.col(src.len(), 10), count(&src, src.len() - 10, src.len()));
    }

    #[test]
    fn columns_count_characters_on_any_line() {
        let mut src = String::from("ab\n");
        for i in 0..300 {
            src.push_str(if i % 7 == 0 { "é" } else { "x" });
            src.push('😀');
        }
        src.push_str("\nz\n");
        let c = Columns::new(&src);
        let mut line = 0;
        for (b, ch) in src.char_indices() {
            assert_eq!(c.col(b, b - line), count(&src, line, b), "at byte {b}");
            if ch == '\n' {
                line = b + 1;
            }
        }
        assert_eq!(Columns::new("abc").col(2, 2), 3);
    }

    #[test]
    fn a_megabyte_line_costs_a_constant_per_column() {
        let src = "é".repeat(1 << 20);
        let c = Columns::new(&src);
        // Every position, far apart and backwards: no count from the line
        // start (this would take minutes if it were quadratic).
        let mut sum = 0u64;
        for b in (0..src.len()).step_by(2).rev() {
            sum += u64::from(c.col(b, b));
        }
        assert_eq!(c.col(src.len() - 2, src.len() - 2), (1 << 20) as u32);
        assert!(sum > 0);
    }
}
