//! The components a file's calls reveal (stores, outbound HTTP calls,
//! language models, queues), read from the catalogue's `[[component]]`
//! entries over the calls the dataflow engine resolved: each case fires
//! where the library is used and stays quiet on a look-alike.

use bw_facts::budget::Budget;
use bw_facts::core::Core;
use bw_facts::flowspec::FlowSpec;
use bw_facts::{Fact, Prop, Subject, extract_by};
use bw_files::Lang;

fn fixture(name: &str) -> String {
    let p = format!(
        "{}/tests/fixtures/components/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

fn components(path: &str, lang: Lang, text: &str, spec: &FlowSpec) -> Vec<Fact> {
    extract_by(path, lang, text, spec, &Budget::default(), Core::Default)
        .unwrap()
        .facts
        .into_iter()
        .filter(|f| {
            matches!(
                f.subject,
                Subject::Store | Subject::Outbound | Subject::Llm | Subject::Queue
            )
        })
        .collect()
}

/// Each fact as `line subject kind key=value…` (props sorted).
fn lines(facts: &[Fact]) -> Vec<String> {
    facts
        .iter()
        .map(|f| {
            let props: Vec<String> = f
                .props
                .iter()
                .map(|(k, v)| match v {
                    Prop::Str(s) => format!("{k}={s}"),
                    Prop::Bool(b) => format!("{k}={b}"),
                    other => format!("{k}={other:?}"),
                })
                .collect();
            format!(
                "{} {} {} {}",
                f.evidence.location.start_line,
                f.subject.name(),
                f.kind,
                props.join(" ")
            )
        })
        .collect()
}

#[test]
fn python_clients_are_read_from_the_catalogue() {
    let got = lines(&components(
        "app/clients.py",
        Lang::Python,
        &fixture("clients.py"),
        &FlowSpec::builtin(),
    ));
    let want = [
        // A constant URL gives the host, and TLS off by `sslmode`.
        "15 store postgres host=pg.example.com library=psycopg2 tls=false",
        // The URL a module constant holds picks the kind by its scheme.
        "16 store mysql host=db.example.com library=sqlalchemy",
        // A DSN of keywords names no host.
        "17 store postgres library=psycopg2",
        // An AWS client is the service its name says: a bucket store, a
        // queue; another service is neither.
        "18 store s3 library=boto3",
        "19 queue sqs library=boto3",
        // A manager's query in a class body, then in a function: the
        // project's database, once per file.
        "24 store sql library=django orm=true",
        // The start of a formatted URL gives the host.
        "34 outbound http host=rates.example.com library=requests timeout=true tls=true",
        // A session's request; what its response's `json()` holds is not
        // another call (`.get("data")`).
        "41 outbound http host=dynamic library=requests timeout=false",
        "47 outbound http host=127.0.0.1 library=httpx timeout=true",
        // What the constructor and `bind_tools` were given holds for the
        // model's calls.
        "53 llm langchain library=langchain max_tokens=true model=gpt-4o streaming=false tools=true",
        "58 llm openai host=llm.internal library=openai max_tokens=false model=gpt-4o-mini streaming=true tools=false",
        // A task consumes its queue; `.delay` of it produces; `.delay` of
        // an object that is no function is nothing.
        "61 queue celery library=celery role=consumer topic=send_report",
        "67 queue celery library=celery role=producer topic=send_report",
        // Google's newer SDK, Bedrock's runtime (a limit in its inference
        // configuration), LiteLLM's router.
        "77 llm gemini library=google-genai max_tokens=false model=gemini-2.5-flash streaming=false tools=false",
        "82 llm bedrock library=boto3 max_tokens=true model=anthropic.claude-3-haiku streaming=false tools=false",
        "86 llm litellm library=litellm max_tokens=true model=gpt-4o streaming=false tools=false",
    ];
    assert_eq!(got, want, "{got:#?}");
}

#[test]
fn javascript_clients_are_read_from_the_catalogue() {
    let got = lines(&components(
        "src/clients.js",
        Lang::JavaScript,
        &fixture("clients.js"),
        &FlowSpec::builtin(),
    ));
    let want = [
        "8 store postgres host=db.example.com library=pg",
        "11 queue bullmq library=bullmq role=producer topic=emails",
        // A class extending the ORM's client.
        "13 store sql library=prisma orm=true",
        // A path on a client made with a base URL and a timeout: its
        // calls go there, within the time; a map's `get` is no call out.
        "16 outbound http host=api.example.com library=axios timeout=true tls=true",
        "23 outbound http host=dynamic library=fetch timeout=false",
        "28 llm openai library=openai max_tokens=true model=gpt-4o streaming=false tools=false",
        // Files written twice: the file system, once.
        "32 store file library=fs",
        // A Bedrock command, where it is made.
        "41 llm bedrock library=@aws-sdk/client-bedrock-runtime max_tokens=false model=anthropic.claude-3-haiku streaming=false tools=false",
    ];
    assert_eq!(got, want, "{got:#?}");
}

#[test]
fn a_team_adds_its_own_client_in_a_flow_file() {
    let text = "from acme.vault import VaultClient\n\nvault = VaultClient(\"https://vault.acme.example\")\nother = Thing(\"https://x.example\")\n";
    let mut spec = FlowSpec::builtin();
    assert!(lines(&components("app/v.py", Lang::Python, text, &spec)).is_empty());
    spec.add(
        ".breakwater/flow/acme.toml",
        "language = \"python\"\n\n[[component]]\nsubject = \"store\"\nkind = \"sql\"\nlibrary = \"acme-vault\"\ncallees = [\"acme.vault.VaultClient\"]\naddress = { args = [0] }\n",
    )
    .unwrap();
    assert_eq!(
        lines(&components("app/v.py", Lang::Python, text, &spec)),
        ["3 store sql host=vault.acme.example library=acme-vault tls=true"]
    );
    let bad = spec
        .add(
            ".breakwater/flow/bad.toml",
            "language = \"python\"\n\n[[component]]\nsubject = \"database\"\nkind = \"sql\"\nlibrary = \"x\"\ncallees = [\"x.Client\"]\n",
        )
        .unwrap_err();
    assert!(bad.contains("component subject `database`"), "{bad}");
}
