fn main() {
    let args: Vec<String> = std::env::args().collect();
    let lang = match args[1].as_str() {
        "ts" => bw_files::Lang::TypeScript,
        "tsx" => bw_files::Lang::Tsx,
        _ => bw_files::Lang::JavaScript,
    };
    let text = std::fs::read_to_string(&args[2]).unwrap();
    let tree = bw_lang::parse(lang, &text, bw_lang::DEFAULT_PARSE_BUDGET).unwrap();
    let mut c = tree.walk();
    let mut depth = 0;
    loop {
        let n = c.node();
        let f = c.field_name().map(|f| format!("{f}: ")).unwrap_or_default();
        if n.is_named() || n.is_error() || n.is_missing() {
            let t = if n.child_count() == 0 {
                format!(" {:?}", &text[n.byte_range()])
            } else {
                String::new()
            };
            println!("{}{}{}{}", "  ".repeat(depth), f, n.kind(), t);
        }
        if c.goto_first_child() {
            depth += 1;
            continue;
        }
        loop {
            if c.goto_next_sibling() {
                break;
            }
            if !c.goto_parent() {
                return;
            }
            depth -= 1;
        }
    }
}
