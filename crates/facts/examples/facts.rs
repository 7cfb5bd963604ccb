fn main() {
    let args: Vec<String> = std::env::args().collect();
    let spec = bw_facts::flowspec::FlowSpec::builtin();
    for p in &args[1..] {
        let lang = if p.ends_with(".tsx") {
            bw_files::Lang::Tsx
        } else if p.ends_with(".ts") {
            bw_files::Lang::TypeScript
        } else {
            bw_files::Lang::JavaScript
        };
        let text = std::fs::read_to_string(p).unwrap();
        let ff = bw_facts::extract(p, lang, &text, &spec).unwrap();
        for f in &ff.facts {
            let flow = f
                .flow
                .as_ref()
                .map(|fl| {
                    format!(
                        " flow={:?} src={:?} params={:?}",
                        fl.state,
                        fl.source.as_ref().map(|s| (&s.kind, &s.label)),
                        fl.params
                    )
                })
                .unwrap_or_default();
            println!(
                "{}:{} {} {} [{}] {}{}",
                p,
                f.evidence.location.start_line,
                f.subject.name(),
                f.kind,
                f.evidence.symbol,
                serde_json::to_string(&f.props).unwrap(),
                flow
            );
            if let Err(e) = bw_facts::vocab::check_fact(f) {
                println!("   VOCAB ERROR: {e}");
            }
        }
        if std::env::var("FNS").is_ok() {
            println!("imports: {:?}", ff.imports);
            for f in &ff.functions {
                println!(
                    "fn {} {} params={:?} rp={:?} calls={:?}",
                    f.symbol,
                    f.export_name,
                    f.params,
                    f.returns_params,
                    f.calls
                        .iter()
                        .map(|c| (
                            &c.callee,
                            c.args
                                .iter()
                                .map(|a| format!("{:?}", a.state))
                                .collect::<Vec<_>>()
                        ))
                        .collect::<Vec<_>>()
                );
            }
        }
        if ff.partial {
            println!("PARTIAL");
        }
    }
}
