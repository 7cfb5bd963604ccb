//! Secrets never leave the machine: every excerpt is redacted before a
//! request is built.
//!
//! Two passes, keeping the line count (citations must still point at the
//! right lines):
//! 1. the redactor extraction uses ([`bw_facts::redact::redact_source`]):
//!    known key formats, private keys (with the key material on the lines
//!    after the header), passwords in URLs and DSNs, the literal values of
//!    names that say password/secret/token/API key (in configuration also
//!    bare ones: `DB_PASSWORD=hunter2`, `token: xyz`), `Authorization`,
//!    cookie and API-key headers, and every value the secret detector
//!    reports wherever the file repeats it;
//! 2. the values of this process's own secret-named environment variables
//!    (`OPENAI_API_KEY`, …), wherever they appear: a key in the environment
//!    is never sent even if a file in the repository repeats it.
//!
//! Each value becomes its masked form (kind, short prefix, length, short
//! hash), as in every other output.

use bw_facts::secrets::{mask, secret_name_kind};
use bw_files::{Lang, detect_lang};

/// A redacted text and how many values were masked.
pub use bw_facts::redact::Redacted;

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

/// Redact one file's text.
pub fn redact(path: &str, text: &str, env_values: &[String]) -> Redacted {
    let lang = detect_lang(path).unwrap_or(Lang::Config);
    let Redacted {
        text: mut out,
        mut masked,
    } = bw_facts::redact::redact_source(path, lang, text);
    for v in env_values {
        let n = out.matches(v.as_str()).count();
        if n > 0 {
            out = out.replace(v.as_str(), &format!("[{}]", mask("environment-secret", v)));
            masked += n;
        }
    }
    Redacted { text: out, masked }
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
