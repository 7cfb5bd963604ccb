//! Settings a file's calls make or use insecurely (`verify_signature`
//! off, a broken cipher, a world-writable mode), read from the
//! catalogue's `[[setting]]` entries over the calls the dataflow engine
//! resolved: each case fires where the library is called so and stays
//! quiet on the safe call beside it.

use bw_facts::budget::Budget;
use bw_facts::core::Core;
use bw_facts::flowspec::FlowSpec;
use bw_facts::{Fact, Prop, Subject, extract_by};
use bw_files::Lang;

fn fixture(name: &str) -> String {
    let p = format!(
        "{}/tests/fixtures/settings/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

/// The setting facts of a file, by the built-in catalogue.
fn setting_facts(path: &str, lang: Lang, text: &str) -> Vec<Fact> {
    extract_by(
        path,
        lang,
        text,
        &FlowSpec::builtin(),
        &Budget::default(),
        Core::Default,
    )
    .unwrap()
    .facts
    .into_iter()
    .filter(|f| f.subject == Subject::Setting)
    .collect()
}

/// The settings of the kinds the catalogue finds, as `line kind callee
/// value`.
fn settings(path: &str, lang: Lang, text: &str, spec: &FlowSpec) -> Vec<String> {
    let cat = spec.for_language(lang.name()).unwrap();
    let kinds = cat.owned_settings();
    extract_by(path, lang, text, spec, &Budget::default(), Core::Default)
        .unwrap()
        .facts
        .into_iter()
        .filter(|f| f.subject == Subject::Setting && kinds.contains(&f.kind))
        .map(|f: Fact| {
            let s = |k: &str| match f.props.get(k) {
                Some(Prop::Str(s)) => s.clone(),
                _ => "-".into(),
            };
            format!(
                "{} {} {} {}",
                f.evidence.location.start_line,
                f.kind,
                s("callee"),
                s("value")
            )
        })
        .collect()
}

#[test]
fn python_settings_are_read_from_the_catalogue() {
    let got = settings(
        "app/insecure.py",
        Lang::Python,
        &fixture("insecure.py"),
        &FlowSpec::builtin(),
    );
    let want = [
        // A broken cipher in any mode; ECB of a good one; GCM is fine.
        "17 weak-cipher Crypto.Cipher.DES3.new DES3",
        "18 weak-cipher Crypto.Cipher.AES.new ECB",
        "20 weak-cipher cryptography.hazmat.primitives.ciphers.algorithms.TripleDES TripleDES",
        "21 weak-cipher cryptography.hazmat.primitives.ciphers.modes.ECB ECB",
        // An options dictionary's key, an algorithm list's item (any case).
        "27 jwt-verify-disabled jwt.decode verify_signature=False",
        "28 jwt-no-expiry-check jwt.decode verify_exp=False",
        "29 jwt-none-alg jwt.decode none",
        // Any mode with the world-write bit.
        "35 permissive-file-mode os.chmod 0o666",
        "37 permissive-file-mode pathlib.Path().chmod 0o777",
        "38 insecure-temp-file tempfile.mktemp -",
        "44 xxe-enabled lxml.etree.XMLParser resolve_entities=True",
        "47 xxe-enabled setFeature external entities",
        "55 cookie-insecure set_cookie httponly=False",
        "61 bind-all-interfaces flask.Flask().run 0.0.0.0",
        "63 bind-all-interfaces uvicorn.run 0.0.0.0",
        // Flask's configuration by key, through update, and the app's
        // attribute; a module's DEBUG only counts in a settings module.
        "65 debug-enabled config[DEBUG] True",
        "66 debug-enabled config[DEBUG] True",
        "68 debug-enabled app.debug True",
        // A key written into the code; one read from the environment is
        // no finding.
        "71 secret-key-weak app.secret_key string literal",
        "72 secret-key-weak jwt.encode string literal",
        // Any call told not to verify, but a JWT library's `verify`.
        "81 tls-verify-disabled requests.post verify=False",
        "83 jwt-verify-disabled jwt.decode verify_signature=False",
        "84 tls-verify-disabled aiohttp.ClientSession().get ssl=False",
        "85 tls-verify-disabled urllib3.PoolManager CERT_NONE",
        "87 tls-verify-disabled ssl._create_unverified_context -",
        "88 tls-verify-disabled ctx.check_hostname False",
        // CERT_NONE however imported, assigned or written in a mapping;
        // compared, it is a check.
        "89 tls-verify-disabled ssl.CERT_NONE CERT_NONE",
        "90 tls-verify-disabled ssl.CERT_NONE CERT_NONE",
        // Any origin, given or by default (none told; a `**` spread may
        // tell), and with credentials the worse setting; another
        // middleware's options are not CORS.
        "99 cors-credentials-wildcard fastapi.FastAPI().add_middleware *",
        "100 cors-wildcard fastapi.FastAPI().add_middleware *",
        "103 cors-wildcard flask_cors.CORS *",
        "104 cors-credentials-wildcard flask_cors.CORS *",
        "107 csrf-disabled config[WTF_CSRF_ENABLED] False",
        "108 csrf-disabled WTF_CSRF_ENABLED False",
        // A decorator's call, read as written.
        "112 cors-wildcard flask_cors.cross_origin *",
        // Found wherever they are made; those made only in development say
        // so (a_setting_made_only_in_development_says_so).
        "119 debug-enabled flask.Flask().run debug=True",
        "122 tls-verify-disabled requests.get verify=False",
        "127 debug-enabled flask.Flask().run debug=True",
        "130 bind-all-interfaces flask.Flask().run 0.0.0.0",
    ];
    assert_eq!(got, want, "{got:#?}");
}

#[test]
fn python_configuration_settings_depend_on_where_they_are() {
    let text = fixture("config.py");
    let spec = FlowSpec::builtin();
    // A configuration class's settings count anywhere, but not a
    // development one's; a module's DEBUG and cookie flags only in a
    // settings module, its signing keys anywhere.
    let class = [
        "10 debug-enabled DEBUG True",
        "11 secret-key-weak SECRET_KEY string literal",
        "12 session-cookie-insecure SESSION_COOKIE_SECURE False",
    ];
    let module = [
        "21 debug-enabled DEBUG True",
        "23 secret-key-weak SIGNING_KEY string literal",
        "24 session-cookie-insecure SESSION_COOKIE_HTTPONLY False",
    ];
    let everywhere: Vec<&str> = class.iter().chain(&module).copied().collect();
    assert_eq!(
        settings("app/config.py", Lang::Python, &text, &spec),
        everywhere
    );
    assert_eq!(
        settings("app/settings/prod.py", Lang::Python, &text, &spec),
        everywhere
    );
    assert_eq!(
        settings("app/loader.py", Lang::Python, &text, &spec),
        [class[0], class[1], class[2], module[1]]
    );
}

#[test]
fn a_setting_made_only_in_development_says_so() {
    // The lines of the settings made only where a development check
    // holds: in its branch, or past a production check's exit; not in
    // the branch of `DEBUG is False`, nor after a branch that rejoins.
    let development = |path: &str, lang: Lang, text: &str| -> Vec<u32> {
        setting_facts(path, lang, text)
            .into_iter()
            .filter(|f| f.props.get("development").is_some())
            .map(|f| f.evidence.location.start_line)
            .collect()
    };
    let py = fixture("insecure.py");
    assert_eq!(
        development("app/insecure.py", Lang::Python, &py),
        [119, 122]
    );
    let all = settings("app/insecure.py", Lang::Python, &py, &FlowSpec::builtin());
    for line in ["119 ", "122 ", "127 ", "130 "] {
        assert!(all.iter().any(|s| s.starts_with(line)), "{line}: {all:#?}");
    }
    let js = "const express = require('express');\nconst https = require('https');\nconst cors = require('cors');\nconst app = express();\n\nfunction serve() {\n  if (process.env.NODE_ENV === 'development') {\n    app.use(cors());\n  }\n  if (process.env.NODE_ENV !== 'production') {\n    https.request({ host: 'dev.example', rejectUnauthorized: false });\n  }\n  if (process.env.NODE_ENV === 'production') {\n    app.listen(3000, '0.0.0.0');\n  }\n  app.listen(3001, '0.0.0.0');\n}\n";
    assert_eq!(development("src/serve.js", Lang::JavaScript, js), [8, 11]);
    assert_eq!(
        settings("src/serve.js", Lang::JavaScript, js, &FlowSpec::builtin()).len(),
        4
    );
}

#[test]
fn django_settings_combine_and_read_whole_lists() {
    let spec = FlowSpec::builtin();
    let base = "CORS_ALLOW_ALL_ORIGINS = True\nCORS_ALLOW_CREDENTIALS = True\nMIDDLEWARE = [\n    \"django.middleware.security.SecurityMiddleware\",\n    \"django.contrib.sessions.middleware.SessionMiddleware\",\n]\n";
    // Credentials allowed elsewhere in the module make it the worse
    // setting; a middleware list without CSRF's.
    assert_eq!(
        settings("proj/settings.py", Lang::Python, base, &spec),
        [
            "1 cors-credentials-wildcard CORS_ALLOW_ALL_ORIGINS True",
            "3 csrf-disabled MIDDLEWARE no CsrfViewMiddleware",
        ]
    );
    // Only in a settings module.
    assert!(settings("proj/apps.py", Lang::Python, base, &spec).is_empty());
    // The last value assigned counts; CSRF's middleware listed; a list
    // built from another cannot be judged here.
    let other = "CORS_ORIGIN_ALLOW_ALL = True\nCORS_ALLOW_CREDENTIALS = True\nCORS_ALLOW_CREDENTIALS = False\nMIDDLEWARE = [\"django.middleware.csrf.CsrfViewMiddleware\"]\nMIDDLEWARE_CLASSES = [*MIDDLEWARE, \"x.Y\"]\nCORS_ALLOW_ALL_ORIGINS = False\n";
    assert_eq!(
        settings("proj/settings/prod.py", Lang::Python, other, &spec),
        ["1 cors-wildcard CORS_ALLOW_ALL_ORIGINS True"]
    );
}

/// `line kind context` of the weak hashes and random numbers found.
fn purposes(path: &str, lang: Lang, text: &str) -> Vec<String> {
    setting_facts(path, lang, text)
        .into_iter()
        .filter(|f| matches!(f.kind.as_str(), "weak-hash" | "weak-random"))
        .map(|f| {
            format!(
                "{} {} {}",
                f.evidence.location.start_line,
                f.kind,
                f.str("context").unwrap_or("-")
            )
        })
        .collect()
}

#[test]
fn a_weak_hash_or_random_number_counts_where_the_code_says_what_it_protects() {
    // The same idioms in both languages: the data hashed, the name the
    // value is given, and (only when it is given none, or is added to an
    // accumulator) the function's name say what it is for.
    let py = "import hashlib\nimport random\n\n\ndef store_password(password):\n    return hashlib.md5(password.encode()).hexdigest()\n\n\ndef file_etag(body):\n    return hashlib.md5(body).hexdigest()\n\n\ndef legacy(pw):\n    h = hashlib.new(\"sha1\", usedforsecurity=False)\n    reset_token = hashlib.new(\"sha1\", pw.encode()).hexdigest()\n\n\ndef session_cleanup():\n    delay = random.uniform(1, 5)\n    return delay\n\n\ndef new_otp():\n    return \"\".join(random.choice(\"0123456789\") for _ in range(6))\n\n\ndef make_nonce():\n    text = \"\"\n    for _ in range(8):\n        text += random.choice(\"abcdef\")\n    return text\n\n\ndef issue(user):\n    user.reset_token = random.getrandbits(64)\n    pick = random.SystemRandom().choice(\"ab\")\n";
    assert_eq!(
        purposes("app/tokens.py", Lang::Python, py),
        [
            "6 weak-hash password",
            "15 weak-hash token",
            "24 weak-random otp",
            "30 weak-random nonce",
            "35 weak-random token",
        ]
    );
    let js = "const crypto = require('crypto');\n\nfunction storePassword(password) {\n  return crypto.createHash('md5').update(password).digest('hex');\n}\n\nfunction fileEtag(body) {\n  return crypto.createHash('md5').update(body).digest('hex');\n}\n\nfunction legacy(pw) {\n  const resetToken = crypto.createHash('sha1').update(pw).digest('hex');\n}\n\nfunction sessionCleanup() {\n  const delay = Math.random() * 5;\n  return delay;\n}\n\nfunction newOtp() {\n  return String(Math.floor(Math.random() * 1e6));\n}\n\nconst Auth = {};\nAuth.nonce = function () {\n  let text = '';\n  for (let i = 0; i < 8; i++) text += 'abcdef'.charAt(Math.floor(Math.random() * 6));\n  return text;\n};\n\nfunction issue(user) {\n  user.resetToken = Math.random().toString(36);\n}\n";
    assert_eq!(
        purposes("src/tokens.js", Lang::JavaScript, js),
        [
            "4 weak-hash password",
            "12 weak-hash token",
            "21 weak-random otp",
            "27 weak-random nonce",
            "32 weak-random token",
        ]
    );
}

#[test]
fn javascript_settings_are_read_from_the_catalogue() {
    let got = settings(
        "src/insecure.js",
        Lang::JavaScript,
        &fixture("insecure.js"),
        &FlowSpec::builtin(),
    );
    let want = [
        // An options object's property.
        "10 cookie-insecure res.cookie httpOnly: false",
        "16 jwt-none-alg jsonwebtoken.verify none",
        "17 jwt-no-expiry-check jsonwebtoken.verify ignoreExpiration: true",
        // The algorithm's name, by its shape.
        "23 weak-cipher crypto.createCipheriv des-ede3-cbc",
        "24 weak-cipher crypto.createCipheriv aes-256-ecb",
        // A mode as a number or as a string of octal digits.
        "30 permissive-file-mode fs.chmodSync 0o777",
        "32 permissive-file-mode fs.mkdirSync 0o776",
        "37 xxe-enabled libxmljs.parseXml noent: true",
        "42 bind-all-interfaces express().listen 0.0.0.0",
        // A session cookie's options, nested or (cookie-session) not.
        "47 session-cookie-insecure express-session secure: false",
        "49 session-cookie-insecure cookie-session httpOnly: false",
        // Any options object's entry; the process-wide switch by field
        // or key, as a string or a number; a test of the entry is none.
        "53 tls-verify-disabled rejectUnauthorized false",
        "55 tls-verify-disabled rejectUnauthorized false",
        "56 tls-verify-disabled NODE_TLS_REJECT_UNAUTHORIZED 0",
        "57 tls-verify-disabled NODE_TLS_REJECT_UNAUTHORIZED 0",
        // cors's default origin is any (options without one, or none); an
        // options object held in a variable is not read as empty.
        "64 cors-wildcard cors *",
        "65 cors-wildcard cors *",
        // With credentials, any origin or the request's own reflected.
        "68 cors-credentials-wildcard cors true",
        "69 cors-credentials-wildcard cors *",
        "71 cors-wildcard res.setHeader *",
        // Fastify's plugin, by the name registered.
        "75 cors-wildcard fastify.register *",
    ];
    assert_eq!(got, want, "{got:#?}");
}

#[test]
fn a_team_adds_its_own_setting_in_a_flow_file() {
    let text = "import requests\nfrom acme import tls\n\nctx = tls.context(check=False)\nok = tls.context(check=True)\nr = requests.get(\"https://x.example\", verify=False)\n";
    let mut spec = FlowSpec::builtin();
    let found = |spec: &FlowSpec| {
        extract_by(
            "app/t.py",
            Lang::Python,
            text,
            spec,
            &Budget::default(),
            Core::Default,
        )
        .unwrap()
        .facts
        .into_iter()
        .filter(|f| f.subject == Subject::Setting)
        .map(|f| {
            (
                f.evidence.location.start_line,
                f.kind.clone(),
                f.str("value").map(String::from),
            )
        })
        .collect::<Vec<_>>()
    };
    let verify = (
        6,
        "tls-verify-disabled".to_string(),
        Some("verify=False".to_string()),
    );
    assert_eq!(found(&spec), std::slice::from_ref(&verify));
    spec.add(
        ".breakwater/flow/acme.toml",
        "language = \"python\"\n\n[[setting]]\nkind = \"tls-verify-disabled\"\ncallees = [\"acme.tls.context\"]\nwhen = [{ keywords = [\"check\"], is = false, value = \"check=False\" }]\n",
    )
    .unwrap();
    assert_eq!(
        found(&spec),
        [
            (
                4,
                "tls-verify-disabled".to_string(),
                Some("check=False".to_string())
            ),
            // A team's entry adds to the built-in ones.
            verify
        ]
    );
    // What a setting entry must say, and what it may not.
    let add = |body: &str| {
        FlowSpec::builtin()
            .add(
                ".breakwater/flow/bad.toml",
                &format!("language = \"python\"\n\n{body}"),
            )
            .unwrap_err()
    };
    let e = add("[[setting]]\ncallees = [\"a.b\"]\n");
    assert!(e.contains("names no kind"), "{e}");
    let e = add("[[setting]]\nkind = \"weak-cipher\"\n");
    assert!(e.contains("names no callees or methods"), "{e}");
    let e = add("[[setting]]\nkind = \"weak-cipher\"\ncallees = [\"a.b\"]\nuses = [\"a.C\"]\n");
    assert!(e.contains("make one entry for each"), "{e}");
    // Any callee, only by the keywords it is given.
    let e = add(
        "[[setting]]\nkind = \"weak-cipher\"\ncallees = [\"*\"]\nwhen = [{ args = [0], is = true }]\n",
    );
    assert!(e.contains("must name keywords"), "{e}");
    let e = add(
        "[[setting]]\nkind = \"weak-cipher\"\nentries = [\"k\"]\nwhen = [{ keywords = [\"k\"], is = true }]\n",
    );
    assert!(e.contains("tests the value written"), "{e}");
    let e = add("[[setting]]\nkind = \"weak-hash\"\ncallees = [\"a.b\"]\npurpose = \"why\"\n");
    assert!(e.contains("which no [purposes] table defines"), "{e}");
    let e = add(
        "[[setting]]\nkind = \"weak-cipher\"\ncallees = [\"a.b\"]\nwhen = [{ keywords = [\"x\"] }]\n",
    );
    assert!(e.contains("tests nothing"), "{e}");
    let e =
        add("[[setting]]\nkind = \"weak-cipher\"\ncallees = [\"a.b\"]\nwhen = [{ is = true }]\n");
    assert!(e.contains("names no args or keywords"), "{e}");
    let e = add("[[setting]]\nsubject = \"store\"\nkind = \"weak-cipher\"\ncallees = [\"a.b\"]\n");
    assert!(e.contains("leave it out"), "{e}");
    let e = add(
        "[[component]]\nsubject = \"store\"\nkind = \"sql\"\nlibrary = \"x\"\ncallees = [\"a.b\"]\nwhen = [{ keywords = [\"x\"], is = true }]\n",
    );
    assert!(e.contains("are for a [[setting]]"), "{e}");
    let e = add(
        "[[component]]\nsubject = \"store\"\nkind = \"sql\"\nlibrary = \"x\"\ncallees = [\"a.*\"]\n",
    );
    assert!(e.contains("only a [[setting]] may match any callee"), "{e}");
}

#[test]
fn a_comment_inside_the_call_is_no_part_of_its_evidence() {
    // The evidence text is what a decision's fingerprint hashes: a
    // reviewer's comment inside the call leaves it as it was, a string
    // holding the comment marker is kept whole.
    let evidence = |lang: Lang, path: &str, text: &str| {
        setting_facts(path, lang, text)
            .into_iter()
            .next()
            .map(|f| f.evidence.text)
            .unwrap()
    };
    let js = |body: &str| {
        evidence(
            Lang::JavaScript,
            "src/a.js",
            &format!(
                "const express = require('express');\nconst app = express();\napp.get('/', (req, res) => {{\n  res.cookie('k', 'v#//x', {{\n{body}    secure: false,\n  }});\n}});\n"
            ),
        )
    };
    let plain = js("");
    assert_eq!(plain, "res.cookie('k', 'v#//x', { secure: false, })");
    assert_eq!(js("    // TODO: true once staging has TLS\n"), plain);
    assert_eq!(js("    /* staging */\n"), plain);
    let py = |body: &str| {
        evidence(
            Lang::Python,
            "app/a.py",
            &format!(
                "import jwt\n\ndef f(t):\n    return jwt.decode(\n        t,\n        audience=\"web#1\",\n{body}        options={{\"verify_signature\": False}},\n    )\n"
            ),
        )
    };
    let plain = py("");
    assert_eq!(
        plain,
        "jwt.decode( t, audience=\"web#1\", options={\"verify_signature\": False}, )"
    );
    assert_eq!(py("        # legacy tokens, see ticket 12\n"), plain);
}
