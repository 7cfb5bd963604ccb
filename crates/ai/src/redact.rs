//! Secrets never leave the machine: every excerpt is redacted before a
//! request is built.
//!
//! Three passes, line by line, keeping the line count (citations must still
//! point at the right lines):
//! 1. the secret detector the scan uses (`bw_facts::secrets`): known key
//!    formats, private keys (with the key material on the lines after the
//!    header), connection strings with a password, generic assignments;
//! 2. environment-like assignments the detector leaves alone because they
//!    look too plain to be keys: `DB_PASSWORD=hunter2`, `"apiKey": "abc"`,
//!    `token: xyz` — a name that says secret, then a literal;
//! 3. the values of this process's own secret-named environment variables
//!    (`OPENAI_API_KEY`, …), wherever they appear.
//!
//! Each value becomes its masked form (kind, short prefix, length, short
//! hash), as in every other output.

use bw_facts::secrets::{mask, scan, secret_name_kind};
use bw_files::{Lang, detect_lang};

/// A redacted text and how many values were masked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redacted {
    pub text: String,
    pub masked: usize,
}

/// Values of secret-named variables in this process's environment (at
/// least 8 characters), so a key in the environment is never sent even if
/// a file in the repository repeats it.
pub fn env_secret_values() -> Vec<String> {
    let mut v: Vec<String> = std::env::vars()
        .filter(|(k, v)| {
            v.len() >= 8
                && (secret_name_kind(k).is_some() || bw_model::modelfile::is_credential_key(k))
        })
        .map(|(_, v)| v)
        .collect();
    v.sort_by_key(|s| std::cmp::Reverse(s.len()));
    v
}

fn is_code(path: &str) -> bool {
    detect_lang(path).is_some_and(|l| l.is_code())
}

/// Redact one file's text.
pub fn redact(path: &str, text: &str, env_values: &[String]) -> Redacted {
    let lang = detect_lang(path).unwrap_or(Lang::Config);
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut masked = 0;
    for fact in scan(path, lang, text) {
        let n = fact.evidence.location.start_line as usize;
        let Some(line) = lines.get_mut(n.wrapping_sub(1)) else {
            continue;
        };
        let indent: String = line.chars().take_while(|c| c.is_whitespace()).collect();
        let replaced = format!("{indent}{}", fact.evidence.text);
        if *line != replaced {
            *line = replaced;
        }
        masked += 1;
        if fact.kind == "private-key" {
            // The key material on the following lines, up to the END line.
            for l in lines.iter_mut().skip(n) {
                if l.contains("-----END") {
                    break;
                }
                if l.trim().is_empty() {
                    continue;
                }
                *l = format!("[{}]", mask("private-key", l.trim()));
            }
        }
    }
    let code = is_code(path);
    for line in lines.iter_mut() {
        let (out, n) = mask_assignments(line, code);
        if n > 0 {
            *line = out;
            masked += n;
        }
        for v in env_values {
            if line.contains(v.as_str()) {
                *line = line.replace(v.as_str(), &format!("[{}]", mask("environment-secret", v)));
                masked += 1;
            }
        }
    }
    let mut text_out = lines.join("\n");
    if text.ends_with('\n') {
        text_out.push('\n');
    }
    Redacted {
        text: text_out,
        masked,
    }
}

/// `NAME=value`, `NAME: value`, `"name": "value"` where the name says
/// secret: the value is masked. In code only quoted literals count (an
/// expression is not a secret); in configuration bare values count too.
fn mask_assignments(line: &str, code: bool) -> (String, usize) {
    let b = line.as_bytes();
    let mut out = String::with_capacity(line.len());
    let mut last = 0;
    let mut count = 0;
    let mut i = 0;
    let mut ops = 0;
    while i < b.len() && ops < 16 {
        let c = b[i];
        if c != b'=' && c != b':' {
            i += 1;
            continue;
        }
        let next = b.get(i + 1).copied().unwrap_or(b' ');
        let prev = if i > 0 { b[i - 1] } else { b' ' };
        if (c == b'=' && (next == b'=' || matches!(prev, b'=' | b'!' | b'<' | b'>')))
            || (c == b':' && (next == b'/' || next == b':' || prev == b':'))
        {
            i += 1;
            continue;
        }
        ops += 1;
        // The name: identifier characters before the operator, past spaces and a closing quote.
        let mut e = i;
        while e > 0 && b[e - 1] == b' ' {
            e -= 1;
        }
        if e > 0 && (b[e - 1] == b'"' || b[e - 1] == b'\'') {
            e -= 1;
        }
        let mut s = e;
        while s > 0 && (b[s - 1].is_ascii_alphanumeric() || matches!(b[s - 1], b'_' | b'-' | b'.'))
        {
            s -= 1;
        }
        let name = &line[s..e];
        let name = name.rsplit('.').next().unwrap_or(name);
        let mut v = i + 1;
        if c == b':' && b.get(v) == Some(&b'=') {
            v += 1;
        }
        while v < b.len() && b[v] == b' ' {
            v += 1;
        }
        let secretish = !name.is_empty() && secret_name_kind(name).is_some();
        if !secretish || v >= b.len() {
            i += 1;
            continue;
        }
        let (vs, ve) = if b[v] == b'"' || b[v] == b'\'' {
            let q = b[v];
            match line[v + 1..].find(q as char) {
                Some(p) => (v + 1, v + 1 + p),
                None => {
                    i += 1;
                    continue;
                }
            }
        } else if code {
            i += 1;
            continue;
        } else {
            let end = line[v..]
                .find([' ', ',', ';', '#', '}', ']'])
                .map_or(line.len(), |p| v + p);
            (v, end)
        };
        let value = &line[vs..ve];
        let reference = value.starts_with('$')
            || value.contains("${")
            || value.contains("{{")
            || value.starts_with('[') && value.contains('…');
        if value.chars().count() >= 4 && !reference && vs >= last {
            out.push_str(&line[last..vs]);
            out.push_str(&format!("[{}]", mask("assigned-secret", value)));
            last = ve;
            count += 1;
        }
        i = ve.max(i + 1);
    }
    out.push_str(&line[last..]);
    (out, count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_what_the_detector_and_the_env_patterns_find() {
        let openai = format!("sk-proj-{}", "q8Wm2ZtR5yLx9NvB3cKd7HfJ");
        let text = format!(
            "import os\nclient = OpenAI(api_key=\"{openai}\")\nDB_PASSWORD=hunter2\nconfig = {{\"apiKey\": \"abc123xyz\"}}\npassword = request.form[\"password\"]\nrows = db.execute(q)\n"
        );
        let r = redact("app/x.py", &text, &[]);
        assert!(!r.text.contains(&openai), "{}", r.text);
        assert!(!r.text.contains("abc123xyz"), "{}", r.text);
        // The same number of lines, code left as it is.
        assert_eq!(r.text.lines().count(), text.lines().count());
        assert!(r.text.contains("rows = db.execute(q)"));
        assert!(
            r.text.contains("password = request.form[\"password\"]"),
            "{}",
            r.text
        );
        let env = redact(
            ".env.local",
            "DB_PASSWORD=hunter2\nAPI_TOKEN: tok_12345\nPORT=8000\n",
            &[],
        );
        assert!(
            !env.text.contains("hunter2") && !env.text.contains("tok_12345"),
            "{}",
            env.text
        );
        assert!(env.text.contains("PORT=8000"));
    }

    #[test]
    fn private_key_bodies_and_environment_values() {
        let body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7";
        let text = format!(
            "-----BEGIN PRIVATE KEY-----\n{body}\n{body}\n-----END PRIVATE KEY-----\nsafe\n"
        );
        let r = redact("certs/k.txt", &text, &[]);
        assert!(!r.text.contains(body), "{}", r.text);
        assert!(r.text.ends_with("safe\n"));
        let r = redact(
            "notes.md",
            "the key is zz-very-private-value here\n",
            &["zz-very-private-value".into()],
        );
        assert!(!r.text.contains("zz-very-private-value"));
        assert_eq!(r.masked, 1);
    }
}
