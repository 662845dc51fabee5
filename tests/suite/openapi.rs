//! The API's OpenAPI description: complete (every route Sala registers under
//! `/api/v1` is in it, and nothing else), valid (checked by
//! openapi-spec-validator), good enough for a standard client generator
//! (openapi-python-client) to produce a client that works, and readable
//! offline at `/api/docs`.
//!
//! The Python tools live in a virtualenv that `tests/run` makes
//! (`target/py-tools`, or `$SALA_PY_TOOLS`); without it these tests are
//! skipped unless `SALA_REQUIRE_PY_TOOLS` is set, as `tests/run` does.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::both_backends;
use crate::harness::{api_thread, json, Backend, TestApp, PASSWORD};

const API_PREFIX: &str = "/api/v1/";
const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

async fn document(app: &TestApp) -> Value {
    let res = app.api().get(app.url("/api/v1/openapi.json")).send().await.unwrap();
    assert_eq!(res.headers()["content-type"], "application/json");
    let (status, document) = json(res).await;
    assert_eq!(status, 200);
    document
}

/// `(path, method)` of every operation the document describes.
fn documented(document: &Value) -> BTreeSet<(String, String)> {
    let mut operations = BTreeSet::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for method in METHODS.iter().filter(|m| item.get(**m).is_some()) {
            operations.insert((path.clone(), method.to_string()));
        }
    }
    operations
}

#[actix_web::test]
async fn every_api_route_is_in_the_openapi_document_and_nothing_else() {
    let app = TestApp::start(Backend::Sqlite).await;
    let document = document(&app).await;
    assert_eq!(document["openapi"], "3.1.0");
    let registered: BTreeSet<(String, String)> = sala::web::routes::all()
        .into_iter()
        .filter(|(pattern, _)| pattern.starts_with(API_PREFIX))
        .map(|(pattern, method)| (pattern, method.to_lowercase()))
        .collect();
    assert!(registered.len() > 60, "the route table is filled when the app starts: {}", registered.len());
    let described = documented(&document);
    let missing: Vec<_> = registered.difference(&described).collect();
    assert!(missing.is_empty(), "registered but not described: {missing:?}");
    let phantom: Vec<_> = described.difference(&registered).collect();
    assert!(phantom.is_empty(), "described but not registered: {phantom:?}");

    for (path, method) in &described {
        let operation = &document["paths"][path][method];
        let name = format!("{method} {path}");
        assert!(operation["summary"].as_str().is_some_and(|s| !s.is_empty()), "{name} says what it does");
        assert!(operation["tags"][0].is_string(), "{name} has a tag");
        let responses = operation["responses"].as_object().unwrap();
        assert!(responses.keys().any(|s| s.starts_with('2')), "{name} describes its success");
        let not_found = &responses.get("404").unwrap_or_else(|| panic!("{name} describes 404"))["content"];
        assert_eq!(not_found["application/problem+json"]["schema"]["$ref"], "#/components/schemas/Problem", "{name}");
        if method != "get" {
            assert!(responses.contains_key("429"), "{name} describes rate limits");
        }
        // Every `{param}` of the path is a described parameter.
        for param in path.split('{').skip(1).filter_map(|p| p.split('}').next()) {
            let described = operation["parameters"]
                .as_array()
                .is_some_and(|ps| ps.iter().any(|p| p["name"] == param && p["in"] == "path"));
            assert!(described, "{name} describes its path parameter {param}");
        }
    }
    // The problem body, as the errors are written.
    let problem = &document["components"]["schemas"]["Problem"]["properties"];
    for field in ["type", "title", "status", "detail", "errors"] {
        assert!(problem.get(field).is_some(), "Problem has {field}");
    }
    // Enums are described by the words the API sends.
    let kinds = &document["components"]["schemas"]["ThreadKind"]["enum"];
    assert_eq!(kinds, &serde_json::json!(["question", "experience"]));
    // A signed-in caller's operation says so; a public one takes a token too.
    let me = &document["paths"]["/api/v1/me"]["get"]["security"];
    assert_eq!(me, &serde_json::json!([{"bearer": []}]));
    let communities = &document["paths"]["/api/v1/communities"]["get"]["security"];
    assert_eq!(communities, &serde_json::json!([{}, {"bearer": []}]));
}

/// The virtualenv's `bin` with the Python tools, or `None` to skip.
fn py_tools() -> Option<PathBuf> {
    let bin = std::env::var_os("SALA_PY_TOOLS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/py-tools/bin"));
    if bin.join("openapi-python-client").exists() && bin.join("openapi-spec-validator").exists() {
        return Some(bin);
    }
    assert!(
        std::env::var_os("SALA_REQUIRE_PY_TOOLS").is_none(),
        "openapi-python-client and openapi-spec-validator are missing from {} (tests/run installs them)",
        bin.display()
    );
    eprintln!("skipped: no Python tools in {} (tests/run installs them)", bin.display());
    None
}

fn run(command: &mut Command) -> String {
    let out = command.output().unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"));
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{command:?} failed:\n{text}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[actix_web::test]
async fn the_openapi_document_validates() {
    let Some(bin) = py_tools() else { return };
    let app = TestApp::start(Backend::Sqlite).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("openapi.json");
    std::fs::write(&file, serde_json::to_vec(&document(&app).await).unwrap()).unwrap();
    let said = run(Command::new(bin.join("openapi-spec-validator")).arg(&file));
    assert!(said.contains("OK"), "{said}");

    // The validator is not a rubber stamp: a broken document fails.
    let mut broken = document(&app).await;
    broken["paths"]["/api/v1/me"]["get"]["responses"] = Value::String("none".into());
    std::fs::write(&file, serde_json::to_vec(&broken).unwrap()).unwrap();
    let refused = Command::new(bin.join("openapi-spec-validator")).arg(&file).output().unwrap();
    assert!(!refused.status.success(), "a broken document is refused");
}

/// A client generated from the served document, as an integrator would
/// generate it, logs in, replies to a thread and reads the reply back
/// (`tests/fixtures/generated_client_replies.py`).
async fn a_generated_python_client_logs_in_and_replies(backend: Backend) {
    let Some(bin) = py_tools() else { return };
    let app = TestApp::start(backend).await;
    let (community, board) = app.community("km");
    let asker = app.user("malee", false);
    let member = app.user("somchai", false);
    app.join(&asker, &community);
    app.join(&member, &community);
    let (thread, _) =
        api_thread(&app, &app.token(&asker), board.id, "question", "ลาพักร้อนข้ามปีได้ไหม", "ขอถามเรื่องวันลา").await;

    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("openapi.json");
    std::fs::write(&spec, serde_json::to_vec(&document(&app).await).unwrap()).unwrap();
    let config = dir.path().join("generator.yml");
    std::fs::write(&config, "post_hooks: []\n").unwrap();
    run(Command::new(bin.join("openapi-python-client"))
        .current_dir(dir.path())
        .args(["generate", "--meta", "none", "--fail-on-warning", "--output-path", "sala_client"])
        .arg("--path")
        .arg(&spec)
        .arg("--config")
        .arg(&config));

    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/generated_client_replies.py");
    let text = "ลาข้ามปีได้ 10 วัน ตามระเบียบการลา";
    let out = run(Command::new(bin.join("python")).env("PYTHONPATH", dir.path()).arg(&script).args([
        &app.url(""),
        "somchai",
        PASSWORD,
        &thread.to_string(),
        text,
    ]));
    let reply_id: i64 = out.trim().parse().unwrap_or_else(|_| panic!("a reply id, not {out:?}"));

    // The reply is there for everyone, by the member, with its Thai text.
    let (status, page) = json(app.api().get(app.url(&format!("/api/v1/threads/{thread}"))).send().await.unwrap()).await;
    assert_eq!(status, 200);
    let reply = page["posts"].as_array().unwrap().iter().find(|p| p["id"] == reply_id).expect("the reply");
    assert_eq!(reply["author"]["username"], "somchai");
    assert!(reply["body_html"].as_str().unwrap().contains(text));
}
both_backends!(a_generated_python_client_logs_in_and_replies);

/// The reference reads off the same document, in the reader's language,
/// and fetches nothing from elsewhere (intranets are often cut off).
#[actix_web::test]
async fn the_api_reference_page_lists_every_operation_and_needs_nothing_from_outside() {
    let app = TestApp::start(Backend::Sqlite).await;
    let document = document(&app).await;
    let res = app.api().get(app.url("/api/docs")).header("accept-language", "th").send().await.unwrap();
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    let page = scraper::Html::parse_document(&html);
    let select = |css: &str| scraper::Selector::parse(css).unwrap();

    assert!(html.contains("คู่มือ API"), "the page speaks Thai");
    let shown: BTreeSet<(String, String)> = page
        .select(&select("article.api-operation h3"))
        .map(|h| {
            let method = h.select(&select(".api-method")).next().unwrap().text().collect::<String>();
            let path = h.select(&select(".api-path")).next().unwrap().text().collect::<String>();
            (path, method.to_lowercase())
        })
        .collect();
    assert_eq!(shown, documented(&document), "one entry per operation");
    let login = page.select(&select("#op-login")).next().expect("login has an anchor");
    assert!(login.text().collect::<String>().contains("Logs in with a username or email"));
    assert!(login.select(&select(r##"a[href="#schema-Session"]"##)).next().is_some(), "links to its answer's type");
    assert!(page.select(&select("#schema-Session")).next().is_some(), "the type is on the page");

    for (css, attribute) in [("script[src]", "src"), ("link[href]", "href"), ("img[src]", "src"), ("iframe", "src")] {
        for element in page.select(&select(css)) {
            let target = element.value().attr(attribute).unwrap_or_default();
            let rel = element.value().attr("rel").unwrap_or_default();
            let local = target.starts_with('/') && !target.starts_with("//");
            assert!(local || rel == "canonical", "{css} loads {target:?} from elsewhere");
        }
    }
}
