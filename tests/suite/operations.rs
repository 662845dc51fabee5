//! What the admin who deploys Sala touches: the command line, the health
//! check, cacheable assets.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::both_backends;
use crate::harness::{json, Backend, TestApp, TestDb};

fn sala(db: &TestDb, args: &[&str], stdin: &str) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sala"))
        .args(args)
        .env("DATABASE_URL", &db.url)
        .env("SALA_DATA_DIR", db.dir.path())
        .env("SALA_CONFIG", db.dir.path().join("none.toml"))
        // Chatty on purpose: logs go to stderr, so what a command prints on
        // stdout (the demo's JSON report) stays readable by scripts.
        .env("RUST_LOG", "info")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run sala");
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

async fn the_command_line_migrates_creates_users_and_loads_the_demo(backend: Backend) {
    let db = TestDb::create(backend);
    let out = sala(&db, &["migrate"], "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let out = sala(
        &db,
        &["user", "create", "--username", "chief", "--email", "chief@example.go.th", "--admin"],
        "a long passphrase\n",
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("created user chief"));
    let out = sala(&db, &["user", "create", "--username", "weak", "--email", "weak@example.go.th"], "short\n");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("password: The password must be at least 8 characters"));

    let out = sala(&db, &["demo"], "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let conn_db = sala::db::Db::connect(&db.url, 1).unwrap();
    let mut conn = conn_db.conn().unwrap();
    let chief = sala::accounts::find_by_username(&mut conn, "chief").unwrap();
    assert!(chief.is_admin);
    let list = sala::communities::views::list_communities(&mut conn, sala::authz::Viewer::anonymous()).unwrap();
    assert_eq!(list.len(), 3, "three demo communities");
    assert!(list.iter().all(|c| c.thread_count > 0 && c.member_count > 1));
    assert!(list.iter().any(|c| c.name == "ชุมชนนักปฏิบัติการจัดการความรู้"));
}
both_backends!(the_command_line_migrates_creates_users_and_loads_the_demo);

async fn health_check_and_cacheable_assets(backend: Backend) {
    let app = TestApp::start(backend).await;
    let api = app.api();
    let (status, body) = json(api.get(app.url("/healthz")).send().await.unwrap()).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("ok")));

    let home = app.browser().get("/").await.body;
    let css =
        regex::Regex::new(r#"href="(/assets/style\.[0-9a-f]+\.css)""#).unwrap().captures(&home).unwrap()[1].to_owned();
    let res = api.get(app.url(&css)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/css");
    assert!(res.headers()["cache-control"].to_str().unwrap().contains("immutable"));
    let etag = res.headers()["etag"].to_str().unwrap().to_owned();
    assert!(res.text().await.unwrap().contains("Noto Sans Thai"), "a font stack that renders Thai");
    let again = api.get(app.url(&css)).header("if-none-match", etag).send().await.unwrap();
    assert_eq!(again.status(), 304);
    assert_eq!(api.get(app.url("/assets/style.0000.css")).send().await.unwrap().status(), 404);
}
both_backends!(health_check_and_cacheable_assets);

async fn the_scale_generator_makes_the_shape_the_benchmarks_expect(backend: Backend) {
    let db = TestDb::create(backend);
    let out = sala(&db, &["demo", "--scale", "6000", "--seed", "7"], "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["posts"], 6000);
    let pool = sala::db::Db::connect(&db.url, 1).unwrap();
    let mut conn = pool.conn().unwrap();
    let viewer = sala::authz::Viewer::anonymous();
    let window = |page| sala::threads::views::TreeWindow { page, page_size: 50, max_depth: 8, root: None };
    let t100 = sala::threads::views::thread_page(&mut conn, viewer, report["thread_100"].as_i64().unwrap(), &window(1))
        .unwrap();
    assert_eq!(t100.total, 100);
    let t1000 =
        sala::threads::views::thread_page(&mut conn, viewer, report["thread_1000"].as_i64().unwrap(), &window(1))
            .unwrap();
    assert_eq!(t1000.thread.reply_count, 999);
    let item =
        sala::knowledge::views::item_page(&mut conn, viewer, report["knowledge_item"].as_i64().unwrap()).unwrap();
    assert_eq!(item.status, sala::knowledge::Status::Published);
    assert_eq!(item.citations.len(), 5);
    let list = sala::communities::views::list_communities(&mut conn, viewer).unwrap();
    let threads: i64 = list.iter().map(|c| i64::from(c.thread_count)).sum();
    assert_eq!(threads, report["threads"].as_i64().unwrap(), "counters match the rows");
    // The same seed gives the same data.
    let again = TestDb::create(backend);
    let out2 = sala(&again, &["demo", "--scale", "6000", "--seed", "7"], "");
    let report2: serde_json::Value = serde_json::from_slice(&out2.stdout).unwrap();
    assert_eq!(report["threads"], report2["threads"]);
}
both_backends!(the_scale_generator_makes_the_shape_the_benchmarks_expect);
