//! Which provider to ask, where, with which key and within which limits.
//!
//! Provider, model and endpoint come from `[ai]` in `breakwater.toml` or
//! from `BREAKWATER_AI_*`; API keys only from the environment. Precedence,
//! highest first: `BREAKWATER_AI_*`, the model file, the provider's own
//! variables (those its official SDKs read: `OPENAI_API_KEY` and
//! `OPENAI_BASE_URL`, `ANTHROPIC_API_KEY` and `ANTHROPIC_BASE_URL`, and
//! `OLLAMA_HOST`; plus `OPENAI_MODEL` and `ANTHROPIC_MODEL`), the
//! provider's default. When neither `BREAKWATER_AI_PROVIDER` nor `[ai]
//! provider` names one, the SDK variables alone choose it, as they would
//! configure the SDK: `OPENAI_*` an OpenAI-compatible provider,
//! `ANTHROPIC_*` Anthropic (both at once is ambiguous, and an error).
//! Nothing here ever prints a key.

use bw_model::modelfile::{AI_PROVIDERS, AiSection};
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::fmt;
use std::time::Duration;

/// The wire protocol spoken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderKind {
    /// `POST {base}/chat/completions`: OpenAI, Azure OpenAI, vLLM,
    /// llama.cpp server, LM Studio, Ollama's `/v1`.
    OpenAi,
    /// `POST {base}/v1/messages`.
    Anthropic,
    /// `POST {base}/api/chat`.
    Ollama,
}

impl ProviderKind {
    pub fn name(self) -> &'static str {
        match self {
            ProviderKind::OpenAi => "openai",
            ProviderKind::Anthropic => "anthropic",
            ProviderKind::Ollama => "ollama",
        }
    }
    pub fn parse(s: &str) -> Option<ProviderKind> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "openai" => ProviderKind::OpenAi,
            "anthropic" => ProviderKind::Anthropic,
            "ollama" => ProviderKind::Ollama,
            _ => return None,
        })
    }
    fn key_var(self) -> Option<&'static str> {
        match self {
            ProviderKind::OpenAi => Some("OPENAI_API_KEY"),
            ProviderKind::Anthropic => Some("ANTHROPIC_API_KEY"),
            ProviderKind::Ollama => None,
        }
    }
    fn endpoint_var(self) -> &'static str {
        match self {
            ProviderKind::OpenAi => "OPENAI_BASE_URL",
            ProviderKind::Anthropic => "ANTHROPIC_BASE_URL",
            ProviderKind::Ollama => "OLLAMA_HOST",
        }
    }
    /// The model variable some SDK-based tools read (the SDKs take the
    /// model from the caller).
    fn model_var(self) -> Option<&'static str> {
        match self {
            ProviderKind::OpenAi => Some("OPENAI_MODEL"),
            ProviderKind::Anthropic => Some("ANTHROPIC_MODEL"),
            ProviderKind::Ollama => None,
        }
    }
    /// The model asked when none is named (Ollama has none: what is
    /// installed differs on every machine).
    pub fn default_model(self) -> Option<&'static str> {
        match self {
            ProviderKind::OpenAi => Some("gpt-4o-mini"),
            ProviderKind::Anthropic => Some("claude-sonnet-4-0"),
            ProviderKind::Ollama => None,
        }
    }
    fn default_endpoint(self) -> &'static str {
        match self {
            ProviderKind::OpenAi => "https://api.openai.com/v1",
            ProviderKind::Anthropic => "https://api.anthropic.com",
            ProviderKind::Ollama => "http://127.0.0.1:11434",
        }
    }
}

/// How the key is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyHeader {
    /// `Authorization: Bearer <key>`.
    Bearer,
    /// `<name>: <key>` (Azure OpenAI's `api-key`, Anthropic's `x-api-key`).
    Named(String),
}

/// Paths that are never sent, whatever `[ai] include` says.
pub const BUILTIN_EXCLUDES: &[&str] = &[
    "**/.env",
    "**/.env.*",
    "**/*.pem",
    "**/*.key",
    "**/*.p12",
    "**/*.pfx",
    "**/id_rsa*",
    "**/id_ed25519*",
    "**/secrets/**",
    "**/.git/**",
    ".breakwater/ai-log/**",
];

/// Everything a run needs to talk to a provider.
#[derive(Clone)]
pub struct Settings {
    pub provider: ProviderKind,
    pub model: String,
    /// Base URL, without a trailing slash.
    pub endpoint: String,
    pub api_key: Option<String>,
    pub key_header: KeyHeader,
    pub timeout: Duration,
    pub max_retries: u32,
    pub retry_base: Duration,
    pub retry_jitter: bool,
    pub concurrency: usize,
    pub token_budget: u64,
    pub max_output_tokens: u32,
    pub max_context_bytes: usize,
    pub max_response_bytes: u64,
    pub structured: bool,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    /// Where each setting came from, for `breakwater ai status`.
    pub origins: Vec<(String, String)>,
    include_set: Option<GlobSet>,
    exclude_set: GlobSet,
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("provider", &self.provider)
            .field("model", &self.model)
            .field("endpoint", &self.endpoint)
            .field("api_key", &self.api_key.as_ref().map(|_| "<set>"))
            .finish_non_exhaustive()
    }
}

/// Why no provider can be used; the message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "no AI provider is configured\n  = help: add to breakwater.toml:\n      [ai]\n      provider = \"ollama\"            # or \"openai\" (any OpenAI-compatible server) or \"anthropic\"\n      model = \"qwen2.5-coder:7b\"\n  = help: or set BREAKWATER_AI_PROVIDER and BREAKWATER_AI_MODEL; keys come from OPENAI_API_KEY, ANTHROPIC_API_KEY or BREAKWATER_AI_API_KEY\n  = help: or set only what the providers' SDKs read: OPENAI_API_KEY (with OPENAI_BASE_URL for any OpenAI-compatible server) or ANTHROPIC_API_KEY\n  = help: docs/ai.md has recipes for Ollama, vLLM, OpenAI, Azure OpenAI and Anthropic"
    )]
    NotConfigured,
    #[error("{0}")]
    Invalid(String),
}

/// Reads one environment variable (a closure so tests need not touch the process environment).
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The process environment, with empty values treated as unset.
pub fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn globset(patterns: &[String], what: &str) -> Result<GlobSet, ConfigError> {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        let g = Glob::new(p.trim_start_matches("./")).map_err(|e| {
            ConfigError::Invalid(format!("[ai] {what}: `{p}` is not a valid glob: {e}"))
        })?;
        b.add(g);
    }
    b.build()
        .map_err(|e| ConfigError::Invalid(format!("[ai] {what}: {e}")))
}

/// The host of a URL (`localhost`, `10.0.0.2`, `[::1]`), without port.
pub fn url_host(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = if let Some(stripped) = authority.strip_prefix('[') {
        format!("[{}]", stripped.split(']').next()?)
    } else {
        authority.split(':').next()?.to_string()
    };
    Some(host.to_ascii_lowercase())
}

/// Loopback hosts: where plain http with a key cannot be overheard.
pub fn is_loopback(host: &str) -> bool {
    host == "localhost" || host.starts_with("127.") || host == "[::1]"
}

/// `OLLAMA_HOST` may be `host:port`, `0.0.0.0`, or a URL.
fn normalise_endpoint(raw: &str, provider: ProviderKind) -> String {
    let mut e = raw.trim().to_string();
    if !e.contains("://") {
        e = format!("http://{e}");
        if provider == ProviderKind::Ollama
            && url_host(&e).is_some_and(|h| !e.contains(&format!("{h}:")))
        {
            e = format!("{e}:11434");
        }
    }
    e = e.replace("://0.0.0.0", "://127.0.0.1");
    match e.split_once('?') {
        Some((base, query)) => format!("{}?{query}", base.trim_end_matches('/')),
        None => e.trim_end_matches('/').to_string(),
    }
}

/// The provider the SDKs' own variables configure, when nothing names
/// one: `OPENAI_API_KEY`/`OPENAI_BASE_URL` an OpenAI-compatible server,
/// `ANTHROPIC_API_KEY`/`ANTHROPIC_BASE_URL` Anthropic. `OLLAMA_HOST` alone
/// chooses nothing (it is set wherever Ollama runs, and Ollama needs a
/// model named anyway).
fn provider_from_sdk_env(env: Env<'_>) -> Result<(&'static str, &'static str), ConfigError> {
    let first = |vars: [&'static str; 2]| vars.into_iter().find(|v| env(v).is_some());
    let openai = first(["OPENAI_API_KEY", "OPENAI_BASE_URL"]);
    let anthropic = first(["ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL"]);
    match (openai, anthropic) {
        (Some(var), None) => Ok(("openai", var)),
        (None, Some(var)) => Ok(("anthropic", var)),
        (Some(o), Some(a)) => Err(ConfigError::Invalid(format!(
            "both {o} and {a} are set, so which AI provider to use is ambiguous\n  = help: choose one with BREAKWATER_AI_PROVIDER=openai or BREAKWATER_AI_PROVIDER=anthropic (or `provider = \"…\"` under [ai] in breakwater.toml)"
        ))),
        (None, None) => Err(ConfigError::NotConfigured),
    }
}

impl Settings {
    /// Resolve from the model file's `[ai]` and the environment.
    pub fn resolve(section: Option<&AiSection>, env: Env<'_>) -> Result<Settings, ConfigError> {
        let empty = AiSection::default();
        let s = section.unwrap_or(&empty);
        let mut origins: Vec<(String, String)> = vec![];
        let pick = |origins: &mut Vec<(String, String)>,
                    what: &str,
                    var: &str,
                    file: Option<&String>|
         -> Option<String> {
            if let Some(v) = env(var) {
                origins.push((what.into(), var.into()));
                return Some(v);
            }
            let v = file.filter(|v| !v.trim().is_empty())?;
            origins.push((what.into(), format!("breakwater.toml [ai] {what}")));
            Some(v.clone())
        };
        let provider_name = match pick(
            &mut origins,
            "provider",
            "BREAKWATER_AI_PROVIDER",
            s.provider.as_ref(),
        ) {
            Some(p) => p,
            None => {
                let (name, var) = provider_from_sdk_env(env)?;
                origins.push((
                    "provider".into(),
                    format!("{var} (set, and no provider named)"),
                ));
                name.to_string()
            }
        };
        let provider = ProviderKind::parse(&provider_name).ok_or_else(|| {
            ConfigError::Invalid(format!(
                "AI provider `{provider_name}` is not one of {} (any OpenAI-compatible server is `openai`)",
                AI_PROVIDERS.join(", ")
            ))
        })?;
        let model = match pick(
            &mut origins,
            "model",
            "BREAKWATER_AI_MODEL",
            s.model.as_ref(),
        ) {
            Some(m) => m,
            None => match provider.model_var().and_then(|v| Some((v, env(v)?))) {
                Some((var, m)) => {
                    origins.push(("model".into(), var.into()));
                    m
                }
                None => {
                    let m = provider.default_model().ok_or_else(|| {
                        ConfigError::Invalid(format!(
                            "the {} provider needs a model name\n  = help: set `model = \"…\"` under [ai] in breakwater.toml, or BREAKWATER_AI_MODEL",
                            provider.name()
                        ))
                    })?;
                    origins.push((
                        "model".into(),
                        format!(
                            "the {} default (choose another with BREAKWATER_AI_MODEL, {} or [ai] model)",
                            provider.name(),
                            provider.model_var().unwrap_or("BREAKWATER_AI_MODEL")
                        ),
                    ));
                    m.to_string()
                }
            },
        };
        let endpoint_raw = match pick(
            &mut origins,
            "endpoint",
            "BREAKWATER_AI_ENDPOINT",
            s.endpoint.as_ref(),
        ) {
            Some(e) => e,
            None => match env(provider.endpoint_var()) {
                Some(e) => {
                    origins.push(("endpoint".into(), provider.endpoint_var().into()));
                    e
                }
                None => {
                    origins.push(("endpoint".into(), "default".into()));
                    provider.default_endpoint().to_string()
                }
            },
        };
        let endpoint = normalise_endpoint(&endpoint_raw, provider);
        let Some(host) = url_host(&endpoint) else {
            return Err(ConfigError::Invalid(format!(
                "the AI endpoint `{endpoint}` is not a URL: write it as http(s)://host[:port]/path"
            )));
        };
        if !(endpoint.starts_with("http://") || endpoint.starts_with("https://")) {
            return Err(ConfigError::Invalid(format!(
                "the AI endpoint `{endpoint}` must start with http:// or https://"
            )));
        }
        if endpoint
            .split_once("://")
            .is_some_and(|(_, r)| r.split(['/', '?']).next().unwrap_or("").contains('@'))
        {
            return Err(ConfigError::Invalid(
                "the AI endpoint carries credentials (user:password@host); put the key in BREAKWATER_AI_API_KEY instead".into(),
            ));
        }
        let api_key = match env("BREAKWATER_AI_API_KEY") {
            Some(k) => {
                origins.push(("api key".into(), "BREAKWATER_AI_API_KEY".into()));
                Some(k)
            }
            None => provider.key_var().and_then(|var| {
                let k = env(var)?;
                origins.push(("api key".into(), var.into()));
                Some(k)
            }),
        };
        let key_header = match env("BREAKWATER_AI_API_KEY_HEADER") {
            Some(h) if h.eq_ignore_ascii_case("authorization") => KeyHeader::Bearer,
            Some(h) => KeyHeader::Named(h.trim().to_ascii_lowercase()),
            None => match provider {
                ProviderKind::Anthropic => KeyHeader::Named("x-api-key".into()),
                ProviderKind::OpenAi
                    if [
                        ".openai.azure.com",
                        ".cognitiveservices.azure.com",
                        ".services.ai.azure.com",
                    ]
                    .iter()
                    .any(|s| host.ends_with(s)) =>
                {
                    KeyHeader::Named("api-key".into())
                }
                _ => KeyHeader::Bearer,
            },
        };
        if api_key.is_some() && endpoint.starts_with("http://") && !is_loopback(&host) {
            return Err(ConfigError::Invalid(format!(
                "refusing to send an API key in clear text to {host}: use an https:// endpoint (plain http is for loopback servers)"
            )));
        }
        if api_key.is_none() && (host == "api.openai.com" || host == "api.anthropic.com") {
            let var = provider.key_var().unwrap_or("BREAKWATER_AI_API_KEY");
            return Err(ConfigError::Invalid(format!(
                "{host} needs an API key: set {var} (or BREAKWATER_AI_API_KEY) in the environment; keys never go in breakwater.toml"
            )));
        }
        let mut exclude: Vec<String> = BUILTIN_EXCLUDES.iter().map(|s| s.to_string()).collect();
        exclude.extend(s.exclude.iter().cloned());
        let include_set = if s.include.is_empty() {
            None
        } else {
            Some(globset(&s.include, "include")?)
        };
        let exclude_set = globset(&exclude, "exclude")?;
        let env_num = |var: &str| -> Result<Option<u64>, ConfigError> {
            env(var)
                .map(|v| {
                    v.trim().parse::<u64>().map_err(|_| {
                        ConfigError::Invalid(format!("{var}=`{v}` is not a whole number"))
                    })
                })
                .transpose()
        };
        let budget = env_num("BREAKWATER_AI_TOKEN_BUDGET")?
            .or(s.token_budget)
            .unwrap_or(200_000);
        let timeout = env_num("BREAKWATER_AI_TIMEOUT_SECONDS")?
            .or(s.timeout_seconds)
            .unwrap_or(120);
        Ok(Settings {
            provider,
            model,
            endpoint,
            api_key,
            key_header,
            timeout: Duration::from_secs(timeout.max(1)),
            max_retries: s.max_retries.unwrap_or(3),
            retry_base: Duration::from_millis(s.retry_base_millis.unwrap_or(1000)),
            retry_jitter: s.retry_jitter.unwrap_or(true),
            concurrency: s.concurrency.unwrap_or(2).max(1) as usize,
            token_budget: budget,
            max_output_tokens: s.max_output_tokens.unwrap_or(4096),
            max_context_bytes: s.max_context_bytes.unwrap_or(48_000) as usize,
            max_response_bytes: s.max_response_bytes.unwrap_or(1_000_000),
            structured: s.structured_outputs.unwrap_or(true),
            include: s.include.clone(),
            exclude,
            origins,
            include_set,
            exclude_set,
        })
    }

    /// Settings for verifying a recorded run: the run's provider and model,
    /// the file's path lists and limits, no key and no endpoint to reach.
    pub fn offline(
        section: Option<&AiSection>,
        provider: &str,
        model: &str,
    ) -> Result<Settings, ConfigError> {
        let (provider, model) = (provider.to_string(), model.to_string());
        let env = move |k: &str| match k {
            "BREAKWATER_AI_PROVIDER" => Some(provider.clone()),
            "BREAKWATER_AI_MODEL" => Some(model.clone()),
            "BREAKWATER_AI_ENDPOINT" => Some("http://127.0.0.1:9".to_string()),
            _ => None,
        };
        Settings::resolve(section, &env)
    }

    /// Settings for checking what an assistant proposed: the file's path
    /// lists and limits, no provider to reach (none need be configured).
    pub fn checks_only(section: Option<&AiSection>) -> Result<Settings, ConfigError> {
        Settings::offline(section, "ollama", crate::propose::PROVIDER)
    }

    /// Settings for verifying a recorded run of any command (a proposal
    /// names no provider of its own).
    pub fn for_replay(
        section: Option<&AiSection>,
        command: &str,
        provider: &str,
        model: &str,
    ) -> Result<Settings, ConfigError> {
        if command == crate::propose::COMMAND {
            Settings::checks_only(section)
        } else {
            Settings::offline(section, provider, model)
        }
    }

    /// May this repository path be sent? (`include` when given, never `exclude`.)
    pub fn path_allowed(&self, path: &str) -> bool {
        !self.exclude_set.is_match(path)
            && self.include_set.as_ref().is_none_or(|s| s.is_match(path))
    }

    /// The sampling and size parameters sent, as recorded in provenance.
    pub fn parameters(&self) -> String {
        format!(
            "temperature=0 max_output_tokens={} structured={}",
            self.max_output_tokens,
            if self.structured {
                "json-schema"
            } else {
                "off"
            }
        )
    }

    /// The URL requests go to.
    pub fn request_url(&self) -> String {
        let (base, query) = match self.endpoint.split_once('?') {
            Some((b, q)) => (b.trim_end_matches('/'), Some(q)),
            None => (self.endpoint.as_str(), None),
        };
        let path = match self.provider {
            ProviderKind::OpenAi if base.ends_with("/chat/completions") => String::new(),
            ProviderKind::OpenAi => "/chat/completions".into(),
            ProviderKind::Anthropic if base.ends_with("/messages") => String::new(),
            ProviderKind::Anthropic if base.ends_with("/v1") => "/messages".into(),
            ProviderKind::Anthropic => "/v1/messages".into(),
            ProviderKind::Ollama if base.ends_with("/api/chat") => String::new(),
            ProviderKind::Ollama => "/api/chat".into(),
        };
        match query {
            Some(q) => format!("{base}{path}?{q}"),
            None => format!("{base}{path}"),
        }
    }

    /// Headers to send: content type, the provider's version header, and the key.
    pub fn headers(&self) -> Vec<(String, String)> {
        let mut h = vec![("content-type".to_string(), "application/json".to_string())];
        if self.provider == ProviderKind::Anthropic {
            h.push(("anthropic-version".into(), "2023-06-01".into()));
        }
        if let Some(k) = &self.api_key {
            match &self.key_header {
                KeyHeader::Bearer => h.push(("authorization".into(), format!("Bearer {k}"))),
                KeyHeader::Named(n) => h.push((n.clone(), k.clone())),
            }
        }
        h
    }

    /// The names of the environment variables that could hold the key.
    pub fn key_help(&self) -> String {
        match self.provider.key_var() {
            Some(v) => format!("{v} or BREAKWATER_AI_API_KEY"),
            None => "BREAKWATER_AI_API_KEY".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let m: BTreeMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k: &str| m.get(k).cloned()
    }

    fn section(provider: &str, model: &str) -> AiSection {
        AiSection {
            provider: Some(provider.into()),
            model: Some(model.into()),
            ..Default::default()
        }
    }

    #[test]
    fn nothing_configured_explains_how() {
        let e = Settings::resolve(None, &env_of(&[])).unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.contains("[ai]") && msg.contains("BREAKWATER_AI_PROVIDER"),
            "{msg}"
        );
        assert!(msg.contains("docs/ai.md"), "{msg}");
    }

    #[test]
    fn precedence_and_urls() {
        let s = Settings::resolve(
            Some(&section("ollama", "llama3")),
            &env_of(&[("OLLAMA_HOST", "0.0.0.0")]),
        )
        .unwrap();
        assert_eq!(s.request_url(), "http://127.0.0.1:11434/api/chat");
        assert!(s.headers().iter().all(|(k, _)| k != "authorization"));
        // BREAKWATER_AI_* beats the file, the file beats the provider's variable.
        let mut sec = section("openai", "m");
        sec.endpoint = Some("http://localhost:8000/v1/".into());
        let s = Settings::resolve(
            Some(&sec),
            &env_of(&[
                ("OPENAI_BASE_URL", "http://127.0.0.1:9/v1"),
                ("BREAKWATER_AI_MODEL", "other"),
            ]),
        )
        .unwrap();
        assert_eq!(s.model, "other");
        assert_eq!(s.request_url(), "http://localhost:8000/v1/chat/completions");
        // Azure: deployment URL with api-version, `api-key` header.
        let s = Settings::resolve(
            Some(&section("openai", "gpt-4o")),
            &env_of(&[
                (
                    "BREAKWATER_AI_ENDPOINT",
                    "https://acme.openai.azure.com/openai/deployments/gpt4o?api-version=2024-10-21",
                ),
                ("OPENAI_API_KEY", "k1"),
            ]),
        )
        .unwrap();
        assert_eq!(
            s.request_url(),
            "https://acme.openai.azure.com/openai/deployments/gpt4o/chat/completions?api-version=2024-10-21"
        );
        assert!(s.headers().contains(&("api-key".into(), "k1".into())));
        // Anthropic.
        let s = Settings::resolve(
            Some(&section("anthropic", "claude")),
            &env_of(&[("ANTHROPIC_API_KEY", "k2")]),
        )
        .unwrap();
        assert_eq!(s.request_url(), "https://api.anthropic.com/v1/messages");
        assert!(s.headers().contains(&("x-api-key".into(), "k2".into())));
        assert!(
            !format!("{s:?}").contains("k2"),
            "Debug never shows the key"
        );
    }

    #[test]
    fn refusals_say_what_to_fix() {
        let e = Settings::resolve(Some(&section("openai", "gpt-4o")), &env_of(&[])).unwrap_err();
        assert!(e.to_string().contains("OPENAI_API_KEY"), "{e}");
        let e = Settings::resolve(
            Some(&section("openai", "m")),
            &env_of(&[
                ("BREAKWATER_AI_ENDPOINT", "http://llm.example.org/v1"),
                ("BREAKWATER_AI_API_KEY", "k"),
            ]),
        )
        .unwrap_err();
        assert!(e.to_string().contains("clear text"), "{e}");
        let e = Settings::resolve(Some(&section("gemini", "m")), &env_of(&[])).unwrap_err();
        assert!(e.to_string().contains("openai, anthropic, ollama"), "{e}");
        let e = Settings::resolve(
            Some(&AiSection {
                provider: Some("ollama".into()),
                ..Default::default()
            }),
            &env_of(&[]),
        )
        .unwrap_err();
        assert!(e.to_string().contains("BREAKWATER_AI_MODEL"), "{e}");
    }

    #[test]
    fn the_sdk_variables_alone_configure_a_provider() {
        // An OpenAI-compatible server: base URL and key, nothing else.
        let s = Settings::resolve(
            None,
            &env_of(&[
                ("OPENAI_BASE_URL", "https://llm.internal.example/v1"),
                ("OPENAI_API_KEY", "k1"),
            ]),
        )
        .unwrap();
        assert_eq!(s.provider, ProviderKind::OpenAi);
        assert_eq!(
            s.request_url(),
            "https://llm.internal.example/v1/chat/completions"
        );
        assert_eq!(s.model, "gpt-4o-mini");
        assert!(
            s.headers()
                .contains(&("authorization".into(), "Bearer k1".into()))
        );
        assert!(
            s.origins
                .iter()
                .any(|(w, f)| w == "provider" && f.starts_with("OPENAI_API_KEY"))
        );
        // The key alone: OpenAI itself; OPENAI_MODEL names the model.
        let s = Settings::resolve(
            None,
            &env_of(&[("OPENAI_API_KEY", "k1"), ("OPENAI_MODEL", "gpt-4.1")]),
        )
        .unwrap();
        assert_eq!(
            s.request_url(),
            "https://api.openai.com/v1/chat/completions"
        );
        assert_eq!(s.model, "gpt-4.1");
        // A local server needs no key.
        let s = Settings::resolve(
            None,
            &env_of(&[("OPENAI_BASE_URL", "http://127.0.0.1:8000/v1")]),
        )
        .unwrap();
        assert!(s.api_key.is_none());
        // Anthropic's key alone.
        let s = Settings::resolve(None, &env_of(&[("ANTHROPIC_API_KEY", "k2")])).unwrap();
        assert_eq!(s.provider, ProviderKind::Anthropic);
        assert_eq!(s.request_url(), "https://api.anthropic.com/v1/messages");
        assert!(!s.model.is_empty());
        // Both: ambiguous, and the error says how to choose.
        let e = Settings::resolve(
            None,
            &env_of(&[("ANTHROPIC_API_KEY", "k2"), ("OPENAI_API_KEY", "k1")]),
        )
        .unwrap_err();
        assert!(e.to_string().contains("BREAKWATER_AI_PROVIDER"), "{e}");
        // A named provider wins over the inference, and picks its own key.
        let s = Settings::resolve(
            None,
            &env_of(&[
                ("BREAKWATER_AI_PROVIDER", "anthropic"),
                ("ANTHROPIC_API_KEY", "k2"),
                ("OPENAI_API_KEY", "k1"),
            ]),
        )
        .unwrap();
        assert_eq!(s.provider, ProviderKind::Anthropic);
        // Ollama's host alone configures nothing.
        assert!(matches!(
            Settings::resolve(None, &env_of(&[("OLLAMA_HOST", "127.0.0.1")])),
            Err(ConfigError::NotConfigured)
        ));
    }

    #[test]
    fn paths_allowed() {
        let mut sec = section("ollama", "m");
        sec.include = vec!["app/**".into()];
        sec.exclude = vec!["app/legacy/**".into()];
        let s = Settings::resolve(Some(&sec), &env_of(&[])).unwrap();
        assert!(s.path_allowed("app/db.py"));
        assert!(!s.path_allowed("app/legacy/db.py"));
        assert!(!s.path_allowed("lib/x.py"));
        assert!(!s.path_allowed("app/.env"));
        assert!(!s.path_allowed("app/certs/server.key"));
    }
}
