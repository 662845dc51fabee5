//! Broken storage is loud: `/healthz` answers 503 and says why when the
//! database cannot be written, the disk is full or the database is gone;
//! writes then fail with a clear 503, never a bare 500; the command line
//! refuses a database it cannot use, and says where it looked.

use std::process::Command;

use diesel::{Connection, RunQueryDsl};
use serde_json::json;

use crate::harness::{api_thread, json, postgres_admin_url, Backend, TestApp, TestDb};

async fn health(app: &TestApp) -> (u16, serde_json::Value) {
    json(app.api().get(app.url("/healthz")).send().await.unwrap()).await
}

fn problems(report: &serde_json::Value) -> String {
    report["problems"]
        .as_array()
        .map(|p| p.iter().map(|v| v.as_str().unwrap_or("")).collect::<Vec<_>>().join("; "))
        .unwrap_or_default()
}

/// A small tmpfs mounted over a temporary folder, unmounted when dropped.
/// Mounting needs root: `tests/run` sets SALA_REQUIRE_MOUNT when it has it;
/// elsewhere the tests that need one are skipped, saying so.
struct SmallDisk {
    dir: Option<tempfile::TempDir>,
    path: std::path::PathBuf,
}

impl SmallDisk {
    fn mount(megabytes: u32) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().to_owned();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={megabytes}m"), "tmpfs"])
            .arg(&path)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            assert!(
                std::env::var_os("SALA_REQUIRE_MOUNT").is_none(),
                "could not mount a tmpfs, though tests/run could"
            );
            eprintln!("skipped: mounting a small disk needs root");
            return None;
        }
        Some(SmallDisk { dir: Some(dir), path })
    }

    /// Fills the disk with a file; returns its path.
    fn fill(&self) -> std::path::PathBuf {
        use std::io::Write;
        let filler = self.path.join("filler");
        let mut file = std::fs::File::create(&filler).unwrap();
        let block = vec![0u8; 64 * 1024];
        while file.write_all(&block).is_ok() {}
        let _ = file.sync_all();
        filler
    }

    /// The folder, handed to the database (which keeps it till the end).
    fn take_dir(&mut self) -> tempfile::TempDir {
        self.dir.take().unwrap()
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.path).status();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_makes_health_answer_503_and_writes_never_500_on_sqlite() {
    let Some(mut disk) = SmallDisk::mount(24) else { return };
    let app = TestApp::start_on(TestDb::sqlite_in(disk.take_dir()), |c| c.min_free_bytes = 4 * 1024 * 1024).await;
    let (community, board) = app.community("km");
    let writer = app.user("writer", false);
    app.join(&writer, &community);
    let token = app.token(&writer);
    let (thread, _) = api_thread(&app, &token, board.id, "question", "ก่อนดิสก์เต็ม", "เนื้อหา").await;
    let (status, report) = health(&app).await;
    assert_eq!((status, report["status"].as_str()), (200, Some("ok")), "{report}");

    // Full disk: health says so; writes fail with a clear 503 or succeed,
    // but never a 500, and nothing acknowledged is lost.
    let filler = disk.fill();
    let (status, report) = health(&app).await;
    assert_eq!(status, 503, "{report}");
    assert!(problems(&report).contains("the disk is full"), "{report}");
    let mut acknowledged = Vec::new();
    for i in 0..20 {
        let body = format!("คำตอบเมื่อดิสก์เต็ม {i} {}", "ข้อความยาว ".repeat(2_000));
        let res = app
            .api()
            .post(app.url(&format!("/api/v1/threads/{thread}/posts")))
            .bearer_auth(&token)
            .json(&json!({"body": body}))
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        assert!(status == 201 || status == 503, "status {status}");
        if status == 503 {
            assert_eq!(res.headers()["content-type"], "application/problem+json");
            let (_, problem) = json(res).await;
            assert!(problem["detail"].as_str().unwrap().contains("ฐานข้อมูลไม่พร้อมใช้งาน"), "{problem}");
        } else {
            acknowledged.push(json(res).await.1["id"].as_i64().unwrap());
        }
    }
    std::fs::remove_file(filler).unwrap();
    let (status, _) = health(&app).await;
    assert_eq!(status, 200, "healthy again once there is room");
    for id in acknowledged {
        assert_eq!(app.browser().get(&format!("/p/{id}")).await.status, 303, "acknowledged post {id} is kept");
    }
}

/// Files the database cannot write to any more, though open: `chattr +i`
/// (root only, like mounting) on the SQLite file and its WAL.
fn set_immutable(files: &[std::path::PathBuf], on: bool) -> bool {
    files
        .iter()
        .all(|f| Command::new("chattr").arg(if on { "+i" } else { "-i" }).arg(f).status().is_ok_and(|s| s.success()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_that_refuses_writes_makes_health_and_writes_answer_503_on_sqlite() {
    let app = TestApp::start(Backend::Sqlite).await;
    let (community, board) = app.community("km");
    let writer = app.user("writer", false);
    app.join(&writer, &community);
    let token = app.token(&writer);
    let (thread, _) = api_thread(&app, &token, board.id, "question", "หัวข้อ", "เนื้อหา").await;
    let browser = app.browser();
    browser.login("writer").await;
    let file = app.state.db.sqlite_file().unwrap();
    let files = vec![file.clone(), std::path::PathBuf::from(format!("{}-wal", file.display()))];
    if !set_immutable(&files, true) {
        set_immutable(&files, false);
        assert!(std::env::var_os("SALA_REQUIRE_MOUNT").is_none(), "chattr failed, though tests/run runs as root");
        eprintln!("skipped: making files immutable needs root");
        return;
    }
    let (status, report) = health(&app).await;
    let reply = app
        .api()
        .post(app.url(&format!("/api/v1/threads/{thread}/posts")))
        .bearer_auth(&token)
        .json(&json!({"body": "บันทึกไม่ได้"}))
        .send()
        .await
        .unwrap();
    let (reply_status, retry_after) = (reply.status().as_u16(), reply.headers().contains_key("retry-after"));
    // The page form keeps the text and says why.
    let page = browser.submit(&format!("/t/{thread}/reply"), &[("body", "ข้อความที่ไม่อยากเสีย")]).await;
    set_immutable(&files, false);
    assert_eq!(status, 503, "{report}");
    assert!(problems(&report).contains("cannot be written"), "{report}");
    assert_eq!((reply_status, retry_after), (503, true));
    assert_eq!(page.status, 503);
    assert!(page.body.contains("ข้อความที่ไม่อยากเสีย") && page.body.contains("ฐานข้อมูลไม่พร้อมใช้งาน"));
    assert_eq!(health(&app).await.0, 200, "healthy again once writable");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deleted_sqlite_file_makes_health_answer_503() {
    let app = TestApp::start(Backend::Sqlite).await;
    assert_eq!(health(&app).await.0, 200);
    let file = app.state.db.sqlite_file().unwrap();
    std::fs::remove_file(&file).unwrap();
    let (status, report) = health(&app).await;
    assert_eq!(status, 503);
    assert!(problems(&report).contains("is missing"), "{report}");
    // HEAD, as load balancers send it, says the same without a body.
    assert_eq!(app.api().head(app.url("/healthz")).send().await.unwrap().status(), 503);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_or_vanished_postgres_makes_health_and_writes_answer_503() {
    let app = TestApp::start(Backend::Postgres).await;
    let (community, board) = app.community("km");
    let writer = app.user("writer", false);
    app.join(&writer, &community);
    let token = app.token(&writer);
    let name = app.db.postgres_name().unwrap().to_owned();
    let mut admin = diesel::PgConnection::establish(&postgres_admin_url()).unwrap();
    let drop_connections = format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()"
    );

    // A failover left the database read-only.
    diesel::sql_query(format!("ALTER DATABASE {name} SET default_transaction_read_only = on"))
        .execute(&mut admin)
        .unwrap();
    diesel::sql_query(&drop_connections).execute(&mut admin).unwrap();
    let (status, report) = health(&app).await;
    assert_eq!(status, 503, "{report}");
    assert!(problems(&report).contains("read-only"), "{report}");
    let res = app
        .api()
        .post(app.url(&format!("/api/v1/boards/{}/threads", board.id)))
        .bearer_auth(&token)
        .json(&json!({"kind": "question", "title": "บันทึกไม่ได้", "body": "ลอง"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 503);

    // Back to normal.
    diesel::sql_query(format!("ALTER DATABASE {name} SET default_transaction_read_only = off"))
        .execute(&mut admin)
        .unwrap();
    diesel::sql_query(&drop_connections).execute(&mut admin).unwrap();
    assert_eq!(health(&app).await.0, 200);

    // The database is gone altogether.
    diesel::sql_query(format!("DROP DATABASE {name} WITH (FORCE)")).execute(&mut admin).unwrap();
    let (status, report) = health(&app).await;
    assert_eq!(status, 503, "{report}");
    assert!(problems(&report).contains("cannot be written"), "{report}");
}

fn sala(envs: &[(&str, &str)], args: &[&str], cwd: &std::path::Path) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sala"));
    cmd.args(args).current_dir(cwd).env("RUST_LOG", "warn").env("SALA_CONFIG", cwd.join("none.toml"));
    for key in ["DATABASE_URL", "SALA_DATA_DIR", "SALA_BIND", "SALA_BASE_URL", "SALA_SECRET"] {
        cmd.env_remove(key);
    }
    for (key, value) in envs {
        cmd.env(key, value);
    }
    cmd.output().unwrap()
}

#[test]
fn the_command_line_refuses_a_database_it_cannot_use_and_says_where() {
    let cwd = tempfile::tempdir().unwrap();
    // A SQLite file in a folder that does not exist: refused, not created.
    let missing = cwd.path().join("no-such-folder").join("sala.db");
    let out = sala(&[("DATABASE_URL", &format!("sqlite://{}", missing.display()))], &["serve"], cwd.path());
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no-such-folder") && stderr.contains("does not exist"), "{stderr}");
    assert!(!missing.parent().unwrap().exists());

    // The first run with the defaults makes ./data.
    let out = sala(&[], &["migrate"], cwd.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(cwd.path().join("data/sala.db").exists());

    // PostgreSQL that is not there: named by host and port.
    let out = sala(&[("DATABASE_URL", "postgres://sala:secret@127.0.0.1:1/sala")], &["serve"], cwd.path());
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot reach PostgreSQL at 127.0.0.1:1"), "{stderr}");
    assert!(!stderr.contains("secret"), "no password in messages: {stderr}");

    // A setting that is wrong says which and how, not "internal error".
    let out = sala(&[("SALA_PAGE_SIZE", "fifty")], &["migrate"], cwd.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert_eq!(stderr.trim(), "sala: SALA_PAGE_SIZE must be a whole number");
    // A failure below Sala keeps its cause: what Sala was doing, then why.
    let nowhere = cwd.path().join("no-such-folder/backup.db");
    let out = sala(&[], &["backup", &nowhere.display().to_string()], cwd.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.starts_with(&format!("sala: backup to {} failed: ", nowhere.display())), "{stderr}");
    assert!(stderr.contains("unable to open database"), "the cause: {stderr}");

    // Listening on every interface needs the public address, or mail would link to 0.0.0.0.
    let out = sala(&[("SALA_BIND", "0.0.0.0:0")], &["serve"], cwd.path());
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("SALA_BASE_URL"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_during_a_write_burst_restores_every_acknowledged_write() {
    let app = TestApp::start(Backend::Sqlite).await;
    let (community, board) = app.community("km");
    let writer = app.user("writer", false);
    app.join(&writer, &community);
    let token = app.token(&writer);
    let (thread, _) = api_thread(&app, &token, board.id, "question", "ระหว่างสำรองข้อมูล", "เริ่ม").await;

    // Two writers post as fast as they can; each remembers what was acknowledged.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let acknowledged = std::sync::Arc::new(std::sync::Mutex::new(Vec::<(i64, String)>::new()));
    let mut writers = Vec::new();
    for w in 0..2 {
        let (client, url, token) = (app.api(), app.url(&format!("/api/v1/threads/{thread}/posts")), token.clone());
        let (stop, acknowledged) = (stop.clone(), acknowledged.clone());
        writers.push(tokio::spawn(async move {
            let mut i = 0;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                let body = format!("ข้อความที่ {w}-{i}");
                let res = client.post(&url).bearer_auth(&token).json(&json!({"body": body})).send().await.unwrap();
                if res.status() == 201 {
                    let id = res.json::<serde_json::Value>().await.unwrap()["id"].as_i64().unwrap();
                    acknowledged.lock().unwrap().push((id, body));
                }
                i += 1;
            }
        }));
    }
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    let before_backup = acknowledged.lock().unwrap().clone();
    let target = app.db.dir.path().join("backup.db");
    let (url, data_dir, file) = (app.db.url.clone(), app.db.dir.path().to_owned(), target.clone());
    let out = tokio::task::spawn_blocking(move || {
        sala(
            &[("DATABASE_URL", &url), ("SALA_DATA_DIR", &data_dir.display().to_string())],
            &["backup", &file.display().to_string()],
            &data_dir,
        )
    })
    .await
    .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    for w in writers {
        w.await.unwrap();
    }
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(before_backup.len() > 10, "the burst was running: {} writes", before_backup.len());
    assert!(acknowledged.lock().unwrap().len() > before_backup.len(), "and went on during the backup");

    // Restore: the copy alone, as the database of a new server.
    let restored_dir = tempfile::tempdir().unwrap();
    std::fs::copy(&target, restored_dir.path().join("sala.db")).unwrap();
    let restored = TestApp::start_on(TestDb::sqlite_in(restored_dir), |_| {}).await;
    let mut conn = restored.conn();
    #[derive(diesel::QueryableByName)]
    struct Check {
        #[diesel(sql_type = diesel::sql_types::Text)]
        integrity_check: String,
    }
    let check: Check = diesel::sql_query("PRAGMA integrity_check").get_result(&mut *conn).unwrap();
    assert_eq!(check.integrity_check, "ok");
    for (id, body) in &before_backup {
        let post = sala::threads::post_by_id(&mut conn, *id).unwrap_or_else(|e| panic!("post {id} lost: {e}"));
        assert_eq!(&post.body_md, body);
    }
    assert_eq!(restored.browser().get(&format!("/t/{thread}")).await.status, 200);

    // PostgreSQL has its own tools, and the command says so.
    let pg = TestDb::create(Backend::Postgres);
    let out = sala(&[("DATABASE_URL", &pg.url)], &["backup", "/tmp/never.db"], pg.dir.path());
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("pg_dump"));
}
