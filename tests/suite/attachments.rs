//! Attached files through the API and the pages, against local disk and
//! against a real S3-compatible server (moto's, from PyPI): pictures lose
//! their metadata and gain a preview, documents keep their Thai names,
//! disguised and oversized files are refused, private files stay private.

use std::process::{Child, Command, Stdio};

use crate::harness::{api_thread, json, Backend, TestApp};
use sala::config::Config;

/// Where a test's files go.
#[derive(Clone, Copy, Debug)]
pub enum Storage {
    Disk,
    S3,
}

/// One test on each backend and each store.
macro_rules! backends_and_stores {
    ($name:ident) => {
        mod $name {
            use crate::attachments::Storage;
            use crate::harness::Backend;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite_disk() {
                super::$name(Backend::Sqlite, Storage::Disk).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres_disk() {
                super::$name(Backend::Postgres, Storage::Disk).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite_s3() {
                super::$name(Backend::Sqlite, Storage::S3).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres_s3() {
                super::$name(Backend::Postgres, Storage::S3).await
            }
        }
    };
}

/// moto's S3 server on a free port with an empty bucket; stopped on drop.
pub struct S3Server {
    child: Child,
    pub endpoint: String,
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl S3Server {
    /// Starts it, or `None` (with a note) where moto is not installed and
    /// the run does not require it.
    pub async fn start() -> Option<S3Server> {
        let bin = std::env::var_os("SALA_PY_TOOLS")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/py-tools/bin"))
            .join("moto_server");
        if !bin.exists() {
            assert!(
                std::env::var_os("SALA_REQUIRE_PY_TOOLS").is_none(),
                "moto_server is missing (tests/run installs it)"
            );
            eprintln!("skipped: no moto_server (tests/run installs it)");
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new(bin)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start moto_server");
        let server = S3Server { child, endpoint: format!("http://127.0.0.1:{port}") };
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                let made = reqwest::Client::new().put(format!("{}/sala-files", server.endpoint)).send().await.unwrap();
                assert!(made.status().is_success(), "create the bucket: {}", made.status());
                return Some(server);
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("moto_server did not listen on {port}");
    }

    pub fn configure(&self, config: &mut Config) {
        config.files.storage_url = Some("s3://sala-files/attachments".into());
        config.files.s3_endpoint = Some(self.endpoint.clone());
        config.files.s3_access_key = Some("testing".into());
        config.files.s3_secret_key = Some("testing".into());
    }
}

/// A running Sala on `storage`, and the S3 server it uses (kept alive).
async fn start(
    backend: Backend,
    storage: Storage,
    tweak: impl FnOnce(&mut Config),
) -> Option<(TestApp, Option<S3Server>)> {
    let s3 = match storage {
        Storage::Disk => None,
        Storage::S3 => Some(S3Server::start().await?),
    };
    let app = TestApp::start_with(backend, |c| {
        if let Some(s3) = &s3 {
            s3.configure(c);
        }
        tweak(c);
    })
    .await;
    Some((app, s3))
}

/// A JPEG with EXIF GPS tags (latitude reference "N"), `w`×`h`.
pub fn jpeg_with_gps(w: u32, h: u32) -> Vec<u8> {
    let picture = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 128]));
    let mut plain = Vec::new();
    image::DynamicImage::ImageRgb8(picture)
        .write_to(&mut std::io::Cursor::new(&mut plain), image::ImageFormat::Jpeg)
        .unwrap();
    // TIFF, little-endian: IFD0 with a GPS pointer, the GPS IFD with GPSLatitudeRef.
    let mut tiff = b"II*\0\x08\0\0\0".to_vec();
    tiff.extend_from_slice(&[1, 0, 0x25, 0x88, 4, 0, 1, 0, 0, 0, 26, 0, 0, 0, 0, 0, 0, 0]);
    tiff.extend_from_slice(&[1, 0, 1, 0, 2, 0, 2, 0, 0, 0, b'N', 0, 0, 0, 0, 0, 0, 0]);
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&tiff);
    let len = (app1.len() + 2) as u16;
    let mut jpeg = plain[..2].to_vec();
    jpeg.extend_from_slice(&[0xFF, 0xE1]);
    jpeg.extend_from_slice(&len.to_be_bytes());
    jpeg.extend_from_slice(&app1);
    jpeg.extend_from_slice(&plain[2..]);
    jpeg
}

pub const PDF: &[u8] = b"%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n";

/// Uploads through the API: `(status, body)`.
pub async fn upload(
    app: &TestApp,
    token: &str,
    community: &str,
    name: &str,
    bytes: Vec<u8>,
) -> (u16, serde_json::Value) {
    let form = reqwest::multipart::Form::new()
        .text("community", community.to_owned())
        .part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()));
    json(app.api().post(app.url("/api/v1/attachments")).bearer_auth(token).multipart(form).send().await.unwrap()).await
}

fn has_exif(bytes: &[u8]) -> bool {
    bytes.windows(4).any(|w| w == b"Exif")
}

async fn pictures_and_documents_go_in_and_come_out(backend: Backend, storage: Storage) {
    let Some((app, _s3)) = start(backend, storage, |_| {}).await else { return };
    let (km, board) = app.community("km");
    let somchai = app.user("somchai", false);
    app.join(&somchai, &km);
    let token = app.token(&somchai);

    let photo = jpeg_with_gps(1600, 1200);
    assert!(has_exif(&photo), "the fixture carries EXIF");
    let (status, picture) = upload(&app, &token, "km", "หน้าจอ error.jpg", photo).await;
    assert_eq!(status, 201, "{picture}");
    assert_eq!((picture["width"].as_i64(), picture["height"].as_i64()), (Some(1600), Some(1200)));
    assert_eq!(picture["content_type"], "image/jpeg");
    let (status, pdf) = upload(&app, &token, "km", "แบบฟอร์มขออนุมัติ.pdf", PDF.to_vec()).await;
    assert_eq!(status, 201, "{pdf}");
    assert_eq!(pdf["content_type"], "application/pdf");

    let body = format!(
        "ภาพหน้าจอและแบบฟอร์ม\n\n{}\n\n{}",
        picture["markdown"].as_str().unwrap(),
        pdf["markdown"].as_str().unwrap()
    );
    let (thread_id, _) = api_thread(&app, &token, board.id, "question", "ขอแบบฟอร์มขออนุมัติ", &body).await;

    // The page shows the preview, sized and lazy, linking to the whole.
    let page = app.browser().get(&format!("/t/{thread_id}")).await.body;
    let preview_url = picture["preview_url"].as_str().unwrap();
    let img = regex::Regex::new(r#"<img [^>]*>"#)
        .unwrap()
        .find(&page)
        .unwrap_or_else(|| panic!("a picture in the post: {page}"))
        .as_str()
        .to_owned();
    assert!(img.contains(&format!(r#"src="{preview_url}""#)), "{img}");
    assert!(img.contains(r#"width="960""#) && img.contains(r#"height="720""#), "{img}");
    assert!(img.contains(r#"loading="lazy""#), "{img}");
    assert!(page.contains(pdf["url"].as_str().unwrap()), "the document is linked");

    // The picture: shown in place, without its GPS tags.
    let client = app.api();
    let res = client.get(app.url(picture["url"].as_str().unwrap())).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/jpeg");
    assert!(res.headers()["content-disposition"].to_str().unwrap().starts_with("inline"));
    let bytes = res.bytes().await.unwrap();
    assert!(!has_exif(&bytes), "no EXIF (and no GPS) in the kept picture");
    let kept = image::load_from_memory(&bytes).unwrap();
    assert_eq!((kept.width(), kept.height()), (1600, 1200));
    let preview = client.get(app.url(preview_url)).send().await.unwrap().bytes().await.unwrap();
    let preview = image::load_from_memory(&preview).unwrap();
    assert_eq!((preview.width(), preview.height()), (960, 720));

    // The document: downloaded under its Thai name, inert.
    let res = client.get(app.url(pdf["url"].as_str().unwrap())).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let headers = res.headers().clone();
    assert_eq!(headers["content-type"], "application/pdf");
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("attachment"), "{disposition}");
    let utf8_name = disposition.split("filename*=UTF-8''").nth(1).expect("an RFC 5987 name");
    let utf8_name = percent_encoding::percent_decode_str(utf8_name).decode_utf8().unwrap();
    assert_eq!(utf8_name, "แบบฟอร์มขออนุมัติ.pdf", "{disposition}");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(headers["content-security-policy"].to_str().unwrap().contains("sandbox"));
    assert!(headers["cache-control"].to_str().unwrap().contains("public"), "a public community's file is cached");
    assert_eq!(res.bytes().await.unwrap().as_ref(), PDF);
    let etag = headers["etag"].to_str().unwrap().to_owned();
    let again = client.get(app.url(pdf["url"].as_str().unwrap())).header("if-none-match", etag).send().await.unwrap();
    assert_eq!(again.status(), 304);

    // From a page, with the form's token (as drag-and-drop and paste do).
    let browser = app.browser();
    browser.login("somchai").await;
    let csrf = browser.get("/").await.csrf();
    let form = || {
        reqwest::multipart::Form::new()
            .text("community", "km")
            .part("file", reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("คู่มือ.pdf"))
    };
    let res = browser.client.post(app.url("/attachments")).multipart(form()).send().await.unwrap();
    assert_eq!(res.status(), 403, "no form token, no upload");
    let res = browser
        .client
        .post(app.url("/attachments"))
        .header("x-csrf-token", csrf)
        .multipart(form())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let (_, stored) = json(res).await;
    assert_eq!(stored["file_name"], "คู่มือ.pdf");
}
backends_and_stores!(pictures_and_documents_go_in_and_come_out);

async fn disguised_and_oversized_files_are_refused(backend: Backend, storage: Storage) {
    let Some((app, _s3)) = start(backend, storage, |c| c.files.max_file_bytes = 1024 * 1024).await else { return };
    let (km, _) = app.community("km");
    let somchai = app.user("somchai", false);
    app.join(&somchai, &km);
    let token = app.token(&somchai);
    let html = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>".to_vec();
    let elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0\x3e\0".repeat(8);
    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>".to_vec();
    for (name, bytes, what) in
        [("report.pdf", html, "HTML"), ("report.pdf", elf, "a program"), ("logo.png", svg, "SVG")]
    {
        let (status, problem) = upload(&app, &token, "km", name, bytes).await;
        assert_eq!(status, 422, "{what}: {problem}");
        assert_eq!(problem["errors"][0]["code"], "error-file-type", "{problem}");
    }
    let (status, problem) = upload(&app, &token, "km", "big.pdf", [PDF, &vec![b' '; 1536 * 1024]].concat()).await;
    assert_eq!(status, 413, "{problem}");
    assert!(problem["detail"].as_str().unwrap().contains("1 MB"), "says the limit: {problem}");
    // Nothing half-written stays: no rows, no upload files.
    use diesel::prelude::*;
    let rows: i64 = sala::db::schema::attachments::table.count().get_result(&mut app.conn()).unwrap();
    assert_eq!(rows, 0);
    let tmp = app.state.config.data_dir.join("tmp");
    let left = std::fs::read_dir(&tmp).map(|d| d.count()).unwrap_or(0);
    assert_eq!(left, 0, "temporary files left in {}", tmp.display());
}
backends_and_stores!(disguised_and_oversized_files_are_refused);

async fn a_private_communitys_files_stay_inside(backend: Backend, storage: Storage) {
    let Some((app, _s3)) = start(backend, storage, |_| {}).await else { return };
    let (hr, board) = app.private_community("hr");
    let (malee, somsri, outsider) = (app.user("malee", false), app.user("somsri", false), app.user("outsider", false));
    app.join_by_appointment(&malee, &hr);
    app.join_by_appointment(&somsri, &hr);
    let (status, file) = upload(&app, &app.token(&malee), "hr", "salary.pdf", PDF.to_vec()).await;
    assert_eq!(status, 201, "{file}");
    let url = file["url"].as_str().unwrap().to_owned();
    let get = |token: Option<String>, path: String| {
        let req = app.api().get(app.url(&path));
        let req = match token {
            Some(t) => req.bearer_auth(t),
            None => req,
        };
        async move { req.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(get(Some(app.token(&malee)), url.clone()).await, 200, "the uploader sees it before posting");
    assert_eq!(get(Some(app.token(&somsri)), url.clone()).await, 404, "nobody else until a post uses it");
    let (thread_id, post_id) =
        api_thread(&app, &app.token(&malee), board.id, "question", "ระเบียบเงินเดือน", file["markdown"].as_str().unwrap())
            .await;
    let _ = thread_id;
    assert_eq!(get(Some(app.token(&somsri)), url.clone()).await, 200, "a member reads it");
    let private_cache = app.api().get(app.url(&url)).bearer_auth(app.token(&somsri)).send().await.unwrap();
    assert!(private_cache.headers()["cache-control"].to_str().unwrap().starts_with("private"));
    assert_eq!(get(Some(app.token(&outsider)), url.clone()).await, 404, "an outsider is told nothing");
    assert_eq!(get(None, url.clone()).await, 404, "nor is anyone signed out");
    let id = file["id"].as_i64().unwrap();
    assert_eq!(get(Some(app.token(&outsider)), format!("/files/{id}/preview/x")).await, 404);
    assert_eq!(get(Some(app.token(&outsider)), format!("/files/{}/x.pdf", id + 1000)).await, 404, "a guessed id");
    // A member may not attach to a community they are not in.
    let (status, _) = upload(&app, &app.token(&outsider), "hr", "x.pdf", PDF.to_vec()).await;
    assert_eq!(status, 404);
    // Deleting the post hides its file from the others.
    let deleted = app
        .api()
        .delete(app.url(&format!("/api/v1/posts/{post_id}")))
        .bearer_auth(app.token(&malee))
        .send()
        .await
        .unwrap();
    assert!(deleted.status().is_success(), "{}", deleted.status());
    assert_eq!(get(Some(app.token(&somsri)), url).await, 404, "a deleted post's file is gone for readers");
}
backends_and_stores!(a_private_communitys_files_stay_inside);

/// Two instances behind a load balancer share one S3 store: each serves
/// what was uploaded through the other.
async fn two_instances_share_one_store(backend: Backend) {
    let Some(s3) = S3Server::start().await else { return };
    let first = TestApp::start_with(backend, |c| s3.configure(c)).await;
    let second = first.another_instance(|c| s3.configure(c)).await;
    let (km, board) = first.community("km");
    let somchai = first.user("somchai", false);
    first.join(&somchai, &km);
    let token = first.token(&somchai);
    let (status, one) = upload(&first, &token, "km", "one.pdf", PDF.to_vec()).await;
    assert_eq!(status, 201, "{one}");
    let (status, two) = upload(&second, &token, "km", "two.jpg", jpeg_with_gps(1200, 900)).await;
    assert_eq!(status, 201, "{two}");
    let body = format!("{}\n\n{}", one["markdown"].as_str().unwrap(), two["markdown"].as_str().unwrap());
    api_thread(&first, &token, board.id, "question", "ไฟล์จากสองเครื่อง", &body).await;
    for (app, file) in [(&second, &one), (&first, &two), (&second, &two)] {
        let res = app.api().get(app.url(file["url"].as_str().unwrap())).send().await.unwrap();
        assert_eq!(res.status(), 200, "{}", file["url"]);
    }
}
crate::both_backends!(two_instances_share_one_store);

/// Without JavaScript: the reply form's file input sends the file with the
/// text; the reply shows the picture and lists the document for download.
async fn the_reply_forms_file_input_attaches_without_javascript(backend: Backend, storage: Storage) {
    let Some((app, _s3)) = start(backend, storage, |_| {}).await else { return };
    let (km, board) = app.community("km");
    let somchai = app.user("somchai", false);
    app.join(&somchai, &km);
    let (thread_id, _) = api_thread(&app, &app.token(&somchai), board.id, "question", "ขอแบบฟอร์ม", "มีใครมีบ้าง").await;
    let browser = app.browser();
    browser.login("somchai").await;
    let page = browser.get(&format!("/t/{thread_id}")).await;
    assert!(page.body.contains(r#"enctype="multipart/form-data""#) && page.body.contains(r#"type="file""#));
    let form = reqwest::multipart::Form::new()
        .text("csrf", page.csrf())
        .text("body", "แนบแบบฟอร์มให้ครับ")
        .text("action", "submit")
        .part("files", reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("แบบฟอร์ม กพ.7.pdf"))
        .part("files", reqwest::multipart::Part::bytes(jpeg_with_gps(400, 300)).file_name("ตัวอย่าง.jpg"));
    let res = browser.client.post(app.url(&format!("/t/{thread_id}/reply"))).multipart(form).send().await.unwrap();
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
    let page = browser.get(&format!("/t/{thread_id}")).await.body;
    let list = regex::Regex::new(r#"(?s)<ul class="downloads".*?</ul>"#).unwrap().find(&page).expect("a download list");
    assert!(list.as_str().contains("แบบฟอร์ม กพ.7.pdf") && list.as_str().contains("PDF"), "{}", list.as_str());
    assert!(!list.as_str().contains("ตัวอย่าง.jpg"), "pictures are shown, not listed");
    assert!(page.contains(r#"alt="ตัวอย่าง.jpg" width="400" height="300" loading="lazy""#), "the picture in the reply");

    // A refused file comes back beside the field, with the text kept.
    let page = browser.get(&format!("/t/{thread_id}")).await;
    let form = reqwest::multipart::Form::new()
        .text("csrf", page.csrf())
        .text("body", "ข้อความที่พิมพ์ไว้")
        .text("action", "submit")
        .part("files", reqwest::multipart::Part::bytes(b"<html><script>x</script></html>".to_vec()).file_name("a.pdf"));
    let res = browser.client.post(app.url(&format!("/t/{thread_id}/reply"))).multipart(form).send().await.unwrap();
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    assert!(body.contains(r#"id="file-error""#) && body.contains("ข้อความที่พิมพ์ไว้"), "{body}");
}
backends_and_stores!(the_reply_forms_file_input_attaches_without_javascript);

/// The cleanup pass removes an upload nothing used and its bytes; a file a
/// knowledge revision cites stays, even once a later revision drops it.
/// `storage check` then finds the store and the database in step, and
/// notices bytes that went missing.
async fn unused_uploads_are_cleaned_up_and_cited_files_kept(backend: Backend, storage: Storage) {
    let Some((app, _s3)) = start(backend, storage, |_| {}).await else { return };
    let f = crate::harness::km_fixture(&app);
    let token = app.token(&f.facilitator);
    let pdf = |marker: &str| [PDF, format!("% {marker}\n").as_bytes()].concat();
    let (_, unused) = upload(&app, &token, "km", "ร่างที่ไม่ได้ใช้.pdf", pdf("unused")).await;
    let (_, cited) = upload(&app, &token, "km", "แม่แบบแผนที่ความรู้.pdf", pdf("cited")).await;
    let (_, posted) = upload(&app, &token, "km", "ตัวอย่าง.pdf", pdf("posted")).await;
    api_thread(&app, &token, f.board.id, "question", "ตัวอย่างแผนที่ความรู้", posted["markdown"].as_str().unwrap()).await;
    let sections = |solution: String| sala::knowledge::Sections {
        title: "แผนที่ความรู้ฉบับย่อ".into(),
        summary: "เริ่มจากยุทธศาสตร์".into(),
        context: "หน่วยงานไม่รู้จะเริ่มตรงไหน".into(),
        solution,
        lessons: "ถามผู้รู้ก่อน".into(),
        tags: "แผนที่ความรู้".into(),
        review_on: None,
    };
    let viewer = f.facilitator.viewer();
    let with_file = sections(format!("ใช้แม่แบบนี้: {}", cited["markdown"].as_str().unwrap()));
    sala::knowledge::revise(&mut app.conn(), viewer, f.item_id, &with_file, "แนบแม่แบบ").unwrap();
    sala::knowledge::revise(&mut app.conn(), viewer, f.item_id, &sections("ไม่มีไฟล์แล้ว".into()), "เอาไฟล์ออก").unwrap();

    let store = &app.state.store;
    let a_day_later = chrono::Utc::now().naive_utc() + chrono::Duration::days(2);
    let cleaned = sala::files::lifecycle::cleanup(&app.state.db, store, a_day_later).await.unwrap();
    assert_eq!((cleaned.uploads, cleaned.blobs), (1, 1), "the unused upload and its bytes");
    let status = |file: &serde_json::Value| {
        let req = app.api().get(app.url(file["url"].as_str().unwrap())).bearer_auth(token.clone());
        async move { req.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(status(&unused).await, 404);
    assert_eq!(status(&cited).await, 200, "an earlier revision still cites it");
    assert_eq!(status(&posted).await, 200);
    let again = sala::files::lifecycle::cleanup(&app.state.db, store, a_day_later).await.unwrap();
    assert_eq!((again.uploads, again.blobs), (0, 0), "nothing more to remove");

    let report = sala::files::lifecycle::check(&app.state.db, store).await.unwrap();
    assert!(report.missing.is_empty() && report.orphaned.is_empty(), "{report:?}");
    let sha = {
        use diesel::prelude::*;
        use sala::db::schema::attachments;
        attachments::table
            .find(posted["id"].as_i64().unwrap())
            .select(attachments::sha256)
            .first::<String>(&mut app.conn())
            .unwrap()
    };
    store.delete(&sala::files::store::blob_key(&sha)).await.unwrap();
    let report = sala::files::lifecycle::check(&app.state.db, store).await.unwrap();
    assert_eq!(report.missing, vec![(posted["id"].as_i64().unwrap(), sha)]);
}
backends_and_stores!(unused_uploads_are_cleaned_up_and_cited_files_kept);

/// Another site's pictures for the remote-picture test: every request is
/// counted by path; `/pic.png` is a picture, anything else 404.
struct PictureHost {
    port: u16,
    hits: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl PictureHost {
    fn start() -> PictureHost {
        use std::io::{BufRead, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let hits = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let counted = hits.clone();
        let picture = {
            let mut png = Vec::new();
            image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(64, 48, image::Rgb([0, 90, 160])))
                .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
                .unwrap();
            png
        };
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = std::io::BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                reader.read_line(&mut line).unwrap_or_default();
                let path = line.split_whitespace().nth(1).unwrap_or_default().to_owned();
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
                        break;
                    }
                }
                counted.lock().unwrap().push(path.clone());
                let (status, body) =
                    if path == "/pic.png" { ("200 OK", picture.clone()) } else { ("404 Not Found", Vec::new()) };
                let head = format!(
                    "HTTP/1.1 {status}\r\nContent-Type: image/png\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes()).and_then(|_| stream.write_all(&body));
            }
        });
        PictureHost { port, hits }
    }

    fn hits(&self, path: &str) -> usize {
        self.hits.lock().unwrap().iter().filter(|p| *p == path).count()
    }
}

/// A picture linked from another (allowed) host is fetched once into Sala's
/// store and shown from there; pictures on loopback or private addresses
/// are never fetched and stay links.
async fn pictures_from_other_sites_are_copied_but_private_addresses_are_not_fetched(
    backend: Backend,
    storage: Storage,
) {
    let host = PictureHost::start();
    let allowed = format!("localhost:{}", host.port);
    let Some((app, _s3)) = start(backend, storage, |c| c.files.fetch_allowed_hosts = vec![allowed]).await else {
        return;
    };
    let (km, board) = app.community("km");
    let somchai = app.user("somchai", false);
    app.join(&somchai, &km);
    let body = format!(
        "ผังกระบวนการ\n\n![ผังงาน](http://localhost:{port}/pic.png)\n\n![ลับ](http://127.0.0.1:{port}/secret.png)\n\n![ภายใน](http://10.255.255.1/x.png)",
        port = host.port
    );
    let (thread_id, post_id) = api_thread(&app, &app.token(&somchai), board.id, "question", "ผังกระบวนการ", &body).await;
    assert_eq!(host.hits("/pic.png"), 1, "the allowed host's picture is fetched once");
    assert_eq!(host.hits("/secret.png"), 0, "a loopback address is never fetched");
    let stored = sala::threads::post_by_id(&mut app.conn(), post_id).unwrap();
    assert!(stored.body_md.contains("![ผังงาน](/files/"), "the text points at Sala's copy: {}", stored.body_md);
    let page = app.browser().get(&format!("/t/{thread_id}")).await.body;
    assert!(page.contains(r#"alt="ผังงาน" width="64" height="48" loading="lazy""#), "shown from Sala");
    assert!(page.contains(&format!(r#"<a href="http://127.0.0.1:{}/secret.png""#, host.port)), "a plain link instead");
    assert!(!page.contains(r#"<img src="http"#), "no picture from another host");
}
backends_and_stores!(pictures_from_other_sites_are_copied_but_private_addresses_are_not_fetched);

/// Digests and notification emails name attached files, with their size
/// and a link; the mail never carries the file.
async fn mail_mentions_attachments_with_links(backend: Backend) {
    let smtp = crate::smtp::SmtpSink::start();
    let app = TestApp::start(backend).await;
    let (km, board) = app.community("km");
    let (asker, helper, reader) = (app.user("asker", false), app.user("helper", false), app.user("reader", false));
    for u in [&asker, &helper, &reader] {
        app.join(u, &km);
    }
    sala::digests::set_frequency(&mut app.conn(), reader.viewer(), km.id, sala::vocab::Frequency::Daily).unwrap();
    let (_, form) = upload(&app, &app.token(&asker), "km", "แบบ กพ.7.pdf", PDF.to_vec()).await;
    let body = format!("ใช้แบบฟอร์มนี้ถูกไหม\n\n{}", form["markdown"].as_str().unwrap());
    let (thread_id, _) = api_thread(&app, &app.token(&asker), board.id, "question", "แบบฟอร์มขอเลื่อนระดับ", &body).await;
    let (_, example) =
        upload(&app, &app.token(&helper), "km", "ตัวอย่างที่กรอกแล้ว.pdf", [PDF, b"% filled\n"].concat()).await;
    let (status, _) =
        crate::harness::api_reply(&app, &app.token(&helper), thread_id, example["markdown"].as_str().unwrap()).await;
    assert_eq!(status, 201);

    let out = crate::smtp::digest_run(&app, &smtp, &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let digest = crate::smtp::texts(&smtp, "reader@example.org").join("\n");
    let form_url = format!("{}{}", app.base, form["url"].as_str().unwrap());
    assert!(digest.contains("แบบ กพ.7.pdf") && digest.contains(&form_url), "the digest names the file: {digest}");
    let notified = crate::smtp::texts(&smtp, "asker@example.org").join("\n");
    let example_url = format!("{}{}", app.base, example["url"].as_str().unwrap());
    assert!(notified.contains("ตัวอย่างที่กรอกแล้ว.pdf") && notified.contains(&example_url), "{notified}");
    assert!(!notified.contains("%PDF"), "never the file itself");
}
crate::both_backends!(mail_mentions_attachments_with_links);

/// The day's allowance per account, and the space per community that
/// admins see.
async fn the_daily_allowance_holds_and_admins_see_each_communitys_space(backend: Backend) {
    let app = TestApp::start_with(backend, |c| c.files.daily_quota_bytes = 300).await;
    let (km, _) = app.community("km");
    let (somchai, root) = (app.user("somchai", false), app.user("root", true));
    app.join(&somchai, &km);
    let token = app.token(&somchai);
    let (status, _) = upload(&app, &token, "km", "a.pdf", [PDF, &[b' '; 100]].concat()).await;
    assert_eq!(status, 201);
    let (status, problem) = upload(&app, &token, "km", "b.pdf", [PDF, &[b' '; 150]].concat()).await;
    assert_eq!(status, 413, "over the day's allowance: {problem}");
    assert_eq!(problem["type"], "https://sala.example/problems/upload-quota", "{problem}");

    let admin = app.browser();
    admin.login("root").await;
    let page = admin.get("/admin/files").await;
    assert_eq!(page.status, 200);
    let row =
        regex::Regex::new(r#"(?s)<tr id="usage-km">.*?</tr>"#).unwrap().find(&page.body).unwrap().as_str().to_owned();
    assert!(row.contains("<td>1</td>") && row.contains(" B</td>"), "{row}");
    let member = app.browser();
    member.login("somchai").await;
    assert_eq!(member.get("/admin/files").await.status, 403, "admins only");
    let _ = root;
}
crate::both_backends!(the_daily_allowance_holds_and_admins_see_each_communitys_space);

/// The knowledge editor's file input (no JavaScript): the file goes at the
/// end of the Solution, and the item lists it for download.
async fn the_knowledge_editor_takes_files_without_javascript(backend: Backend) {
    let app = TestApp::start(backend).await;
    let f = crate::harness::km_fixture(&app);
    let browser = app.browser();
    browser.login("facil").await;
    let editor = browser.get(&format!("/k/{}/edit", f.item_id)).await;
    assert_eq!(editor.status, 200);
    assert!(editor.body.contains(r#"enctype="multipart/form-data""#) && editor.body.contains(r#"type="file""#));
    let form = reqwest::multipart::Form::new()
        .text("csrf", editor.csrf())
        .text("title", "แผนที่ความรู้ฉบับย่อ")
        .text("summary", "เริ่มจากยุทธศาสตร์ แล้วทำตารางผู้รู้")
        .text("context", "หน่วยงานไม่รู้จะเริ่มตรงไหน")
        .text("solution", "ใช้แม่แบบตารางผู้รู้")
        .text("lessons", "ถามผู้รู้ก่อน")
        .text("tags", "แผนที่ความรู้")
        .text("note", "แนบแม่แบบ")
        .part("files", reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("แม่แบบตารางผู้รู้.pdf"));
    let res = browser.client.post(app.url(&format!("/k/{}/edit", f.item_id))).multipart(form).send().await.unwrap();
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
    let item = browser.get(&format!("/k/{}", f.item_id)).await.body;
    let files = regex::Regex::new(r#"(?s)<section aria-labelledby="s-files">.*?</section>"#).unwrap();
    let listed = files.find(&item).expect("the item lists its files").as_str().to_owned();
    assert!(listed.contains("แม่แบบตารางผู้รู้.pdf"), "{listed}");
}
crate::both_backends!(the_knowledge_editor_takes_files_without_javascript);

/// A profile picture: cropped square in two sizes, without metadata, kept
/// by the cleanup pass; without one, the profile shows initials.
async fn a_profile_picture_is_square_and_clean_and_initials_stand_in(backend: Backend, storage: Storage) {
    let Some((app, _s3)) = start(backend, storage, |_| {}).await else { return };
    let somchai = app.user("somchai", false);
    let name = sala::accounts::profile::ProfileChange {
        display_name: Some("สมชาย ใจดี".into()), ..Default::default()
    };
    sala::accounts::profile::update_profile(&mut app.conn(), somchai.id, &name).unwrap();
    let browser = app.browser();
    browser.login("somchai").await;
    let profile = browser.get("/u/somchai").await.body;
    assert!(profile.contains(r#"<span class="avatar initials" aria-hidden="true">สจ</span>"#), "initials by default");
    assert_eq!(browser.get("/u/somchai/avatar/large").await.status, 404);

    let settings = browser.get("/settings").await;
    let form = reqwest::multipart::Form::new()
        .text("csrf", settings.csrf())
        .part("file", reqwest::multipart::Part::bytes(jpeg_with_gps(800, 600)).file_name("me.jpg"));
    let res = browser.client.post(app.url("/settings/avatar")).multipart(form).send().await.unwrap();
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
    for (size, side) in [("large", 256), ("small", 64)] {
        let bytes =
            app.api().get(app.url(&format!("/u/somchai/avatar/{size}"))).send().await.unwrap().bytes().await.unwrap();
        assert!(!has_exif(&bytes), "no metadata in the {size} picture");
        let picture = image::load_from_memory(&bytes).unwrap();
        assert_eq!((picture.width(), picture.height()), (side, side));
    }
    assert!(browser.get("/u/somchai").await.body.contains(r#"<img class="avatar" src="/u/somchai/avatar/large?v="#));
    let later = chrono::Utc::now().naive_utc() + chrono::Duration::days(2);
    sala::files::lifecycle::cleanup(&app.state.db, &app.state.store, later).await.unwrap();
    assert_eq!(
        app.api().get(app.url("/u/somchai/avatar/small")).send().await.unwrap().status(),
        200,
        "kept by cleanup"
    );

    // Not a picture: refused beside the field.
    let settings = browser.get("/settings").await;
    let form = reqwest::multipart::Form::new()
        .text("csrf", settings.csrf())
        .part("file", reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("me.pdf"));
    let res = browser.client.post(app.url("/settings/avatar")).multipart(form).send().await.unwrap();
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains(r#"id="avatar-error""#));

    let settings = browser.get("/settings").await;
    let form = reqwest::multipart::Form::new().text("csrf", settings.csrf()).text("remove", "1");
    let res = browser.client.post(app.url("/settings/avatar")).multipart(form).send().await.unwrap();
    assert_eq!(res.status(), 303);
    assert!(browser.get("/u/somchai").await.body.contains("avatar initials"), "back to initials");
}
backends_and_stores!(a_profile_picture_is_square_and_clean_and_initials_stand_in);
