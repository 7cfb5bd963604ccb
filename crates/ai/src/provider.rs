//! Request bodies and answers for the three wire protocols.

use crate::config::{ProviderKind, Settings};
use crate::prompt::{Task, answer_schema};
use serde_json::{Value, json};

/// The body of one request. No tools are ever offered.
pub fn request_body(s: &Settings, task: Task, system: &str, user: &str) -> Value {
    let schema = answer_schema(task);
    match s.provider {
        ProviderKind::OpenAi => {
            let mut body = json!({
                "model": s.model,
                "messages": [
                    {"role": "system", "content": system},
                    {"role": "user", "content": user}
                ],
                "temperature": 0,
                "max_tokens": s.max_output_tokens,
            });
            if s.structured {
                body["response_format"] = json!({
                    "type": "json_schema",
                    "json_schema": {"name": "breakwater_answer", "strict": true, "schema": schema}
                });
            }
            body
        }
        ProviderKind::Anthropic => json!({
            "model": s.model,
            "system": system,
            "messages": [{"role": "user", "content": user}],
            "max_tokens": s.max_output_tokens,
            "temperature": 0,
        }),
        ProviderKind::Ollama => {
            let mut body = json!({
                "model": s.model,
                "messages": [
                    {"role": "system", "content": system},
                    {"role": "user", "content": user}
                ],
                "stream": false,
                "options": {"temperature": 0, "num_predict": s.max_output_tokens},
            });
            body["format"] = if s.structured { schema } else { json!("json") };
            body
        }
    }
}

/// The model's text and the tokens the provider says it used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub content: String,
    pub tokens: Option<u64>,
    /// The answer stopped at the output limit.
    pub truncated: bool,
}

fn num(v: &Value, path: &[&str]) -> Option<u64> {
    let mut cur = v;
    for p in path {
        cur = cur.get(p)?;
    }
    cur.as_u64()
}

/// Read a successful response body.
pub fn parse_answer(provider: ProviderKind, body: &str) -> Result<Answer, String> {
    let v: Value = serde_json::from_str(body)
        .map_err(|e| format!("the provider's response is not JSON ({e})"))?;
    let (content, tokens, stop) = match provider {
        ProviderKind::OpenAi => {
            let msg = v
                .pointer("/choices/0/message")
                .ok_or("the response has no choices[0].message (is this an OpenAI-compatible chat completions endpoint?)")?;
            if let Some(r) = msg.get("refusal").and_then(Value::as_str) {
                return Err(format!("the model refused: {r}"));
            }
            let content = msg
                .get("content")
                .and_then(Value::as_str)
                .ok_or("choices[0].message.content is missing")?;
            let tokens = num(&v, &["usage", "total_tokens"]).or_else(|| {
                Some(
                    num(&v, &["usage", "prompt_tokens"])?
                        + num(&v, &["usage", "completion_tokens"])?,
                )
            });
            let stop = v
                .pointer("/choices/0/finish_reason")
                .and_then(Value::as_str)
                .unwrap_or("");
            (content.to_string(), tokens, stop == "length")
        }
        ProviderKind::Anthropic => {
            let parts = v
                .get("content")
                .and_then(Value::as_array)
                .ok_or("the response has no content list (is this the Anthropic Messages API?)")?;
            let text: String = parts
                .iter()
                .filter(|p| p.get("type").and_then(Value::as_str) == Some("text"))
                .filter_map(|p| p.get("text").and_then(Value::as_str))
                .collect();
            let tokens = Some(
                num(&v, &["usage", "input_tokens"]).unwrap_or(0)
                    + num(&v, &["usage", "output_tokens"]).unwrap_or(0),
            )
            .filter(|t| *t > 0);
            let stop = v.get("stop_reason").and_then(Value::as_str).unwrap_or("");
            (text, tokens, stop == "max_tokens")
        }
        ProviderKind::Ollama => {
            let content = v
                .pointer("/message/content")
                .and_then(Value::as_str)
                .ok_or("the response has no message.content (is this Ollama's /api/chat?)")?;
            let tokens = Some(
                num(&v, &["prompt_eval_count"]).unwrap_or(0)
                    + num(&v, &["eval_count"]).unwrap_or(0),
            )
            .filter(|t| *t > 0);
            let stop = v.get("done_reason").and_then(Value::as_str).unwrap_or("");
            (content.to_string(), tokens, stop == "length")
        }
    };
    Ok(Answer {
        content,
        tokens,
        truncated: stop,
    })
}

/// The message in an error response, when there is one (first 300 characters).
pub fn error_message(body: &str) -> Option<String> {
    let v: Value = serde_json::from_str(body).ok()?;
    let m = v
        .pointer("/error/message")
        .or_else(|| v.get("error"))
        .or_else(|| v.get("message"))?;
    let text = match m {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    Some(text.chars().take(300).collect())
}
