//! End to end in headless Chromium: a person signs up, joins, starts a
//! thread and replies, using the real forms.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{ClientBuilder, Locator};

use crate::harness::{Backend, TestApp};

pub struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn find(candidates: &[&str]) -> Option<String> {
    candidates.iter().find(|p| std::path::Path::new(p).exists()).map(|p| (*p).to_owned())
}

/// A headless Chromium session, or `None` (with a note) where Chromium is
/// not installed and the run does not require it.
pub async fn chromium() -> Option<(Driver, fantoccini::Client, tempfile::TempDir)> {
    let chromedriver = find(&["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]);
    let chromium = find(&["/usr/bin/chromium", "/usr/bin/chromium-browser"]);
    let (Some(chromedriver), Some(chromium)) = (chromedriver, chromium) else {
        assert!(
            std::env::var("SALA_REQUIRE_BROWSER").is_err(),
            "Chromium and ChromeDriver are required (apt-get install chromium chromium-driver)"
        );
        eprintln!("skipped: Chromium/ChromeDriver not installed (tests/run installs them)");
        return None;
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let driver = Driver(
        Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver"),
    );
    let profile = tempfile::tempdir().unwrap();
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": chromium,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1200,1600", "--lang=th-TH", format!("--user-data-dir={}", profile.path().display())
            ]
        }),
    );
    for _ in 0..50 {
        match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(c) => return Some((driver, c, profile)),
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
    panic!("could not connect to chromedriver");
}

pub async fn screenshot(c: &fantoccini::Client, name: &str) {
    if let Ok(png) = c.screenshot().await {
        let _ =
            std::fs::write(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("target/{name}.png")), png);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_signs_up_posts_and_replies_in_chromium() {
    let Some((_driver, c, _profile)) = chromium().await else { return };
    let app = TestApp::start(Backend::Sqlite).await;
    let (community, board) = app.community("e2e");

    c.goto(&app.url("/register")).await.unwrap();
    c.find(Locator::Id("username")).await.unwrap().send_keys("kanya").await.unwrap();
    c.find(Locator::Id("display_name")).await.unwrap().send_keys("กัญญา ใฝ่รู้").await.unwrap();
    c.find(Locator::Id("email")).await.unwrap().send_keys("kanya@example.org").await.unwrap();
    c.find(Locator::Id("password")).await.unwrap().send_keys("long enough secret").await.unwrap();
    c.find(Locator::Css("main form button[type=submit]")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::LinkText("กัญญา ใฝ่รู้")).await.expect("logged in after signing up");
    // The address is confirmed by a mailed link (tested in accounts.rs); here an admin vouches.
    let kanya = sala::accounts::find_by_username(&mut app.conn(), "kanya").unwrap();
    sala::accounts::confirm_email_directly(&mut app.conn(), kanya.id).unwrap();

    c.goto(&app.url(&format!("/c/{}", community.slug))).await.unwrap();
    c.find(Locator::Css(&format!("form[action='/c/{}/join'] button", community.slug)))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait().for_element(Locator::Css(&format!("form[action='/c/{}/leave']", community.slug))).await.expect("joined");

    c.goto(&app.url(&format!("/c/{}/b/{}", community.slug, board.slug))).await.unwrap();
    c.find(Locator::Css(&format!("a[href='/c/{}/b/{}/new']", community.slug, board.slug)))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Locator::Id("title")).await.unwrap().send_keys("ขอคำแนะนำเรื่องการเล่าเรื่อง").await.unwrap();
    c.find(Locator::Id("body")).await.unwrap().send_keys("ใช้ **storytelling** ในวง CoP อย่างไรให้ได้ผล").await.unwrap();
    c.find(Locator::Css("button[value=submit]")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::Css("li.post.opening")).await.expect("the new thread page");
    let heading = c.find(Locator::Css("h1")).await.unwrap().text().await.unwrap();
    assert!(heading.contains("ขอคำแนะนำเรื่องการเล่าเรื่อง"), "{heading}");

    c.find(Locator::Id("body")).await.unwrap().send_keys("เริ่มจากเรื่องสั้น ๆ ที่ทุกคนเคยเจอ").await.unwrap();
    c.find(Locator::Css(".reply-box button[value=submit]")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::Css("li.post[data-depth='1']")).await.expect("the reply shows in the tree");
    let posts = c.find_all(Locator::Css("li.post .post-body")).await.unwrap();
    let mut texts = Vec::new();
    for p in posts {
        texts.push(p.text().await.unwrap());
    }
    assert_eq!(texts, vec!["ใช้ storytelling ในวง CoP อย่างไรให้ได้ผล", "เริ่มจากเรื่องสั้น ๆ ที่ทุกคนเคยเจอ"]);
    let strong = c.find(Locator::Css("li.post.opening .post-body strong")).await.unwrap().text().await.unwrap();
    assert_eq!(strong, "storytelling", "Markdown rendered");

    screenshot(&c, "e2e-thread").await;
    c.close().await.unwrap();
}

/// A facilitator distills a resolved question in the editor, publishes it,
/// and later re-confirms it from the review queue.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_facilitator_distills_publishes_and_reviews_in_chromium() {
    let Some((_driver, c, _profile)) = chromium().await else { return };
    let app = TestApp::start(Backend::Sqlite).await;
    let (community, board) = app.community("e2e");
    let asker = app.user("asker", false);
    let helper = app.user("helper", false);
    let facilitator = app.user("facil", false);
    app.join(&asker, &community);
    app.join(&helper, &community);
    app.make_facilitator(&facilitator, &community);
    let (thread_id, _) = crate::harness::api_thread(
        &app,
        &app.token(&asker),
        board.id,
        "question",
        "ตั้งค่าเครื่องพิมพ์ภาษาไทย",
        "พิมพ์แล้วเป็นสี่เหลี่ยม",
    )
    .await;
    let api = app.api();
    let (_, reply) = crate::harness::json(
        api.post(app.url(&format!("/api/v1/threads/{thread_id}/posts")))
            .bearer_auth(app.token(&helper))
            .json(&serde_json::json!({"body": "ฝังฟอนต์ก่อนส่งออก PDF"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    api.post(app.url(&format!("/api/v1/threads/{thread_id}/resolve")))
        .bearer_auth(app.token(&asker))
        .json(&serde_json::json!({"post_id": reply["id"]}))
        .send()
        .await
        .unwrap();

    c.goto(&app.url("/login")).await.unwrap();
    c.find(Locator::Id("login")).await.unwrap().send_keys("facil").await.unwrap();
    c.find(Locator::Id("password")).await.unwrap().send_keys(crate::harness::PASSWORD).await.unwrap();
    c.find(Locator::Css("main form button[type=submit]")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::LinkText("facil display")).await.expect("logged in");

    c.goto(&app.url(&format!("/t/{thread_id}"))).await.unwrap();
    c.find(Locator::Css(&format!("a[href='/t/{thread_id}/distill']"))).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::Id("distill-form")).await.expect("the distill editor");
    let solution = c.find(Locator::Id("solution")).await.unwrap().prop("value").await.unwrap().unwrap_or_default();
    assert_eq!(solution, "ฝังฟอนต์ก่อนส่งออก PDF", "pre-filled from the accepted answer");
    c.find(Locator::Id("summary")).await.unwrap().send_keys("ฝังฟอนต์ไทยก่อนพิมพ์").await.unwrap();
    c.find(Locator::Id("tags")).await.unwrap().send_keys("เครื่องพิมพ์").await.unwrap();
    c.find(Locator::Css("#distill-form button[value=preview]")).await.unwrap().click().await.unwrap();
    let preview = c.wait().for_element(Locator::Css(".preview")).await.expect("the distill preview");
    assert!(preview.text().await.unwrap().contains("ฝังฟอนต์ก่อนส่งออก PDF"), "the preview shows the solution");
    let counter = c.find(Locator::Css("#summary + .counter")).await.unwrap().text().await.unwrap();
    assert_eq!(
        counter,
        format!("{} / 300", "ฝังฟอนต์ไทยก่อนพิมพ์".encode_utf16().count()),
        "the summary counts its characters"
    );
    c.find(Locator::Css("#distill-form button[value=submit]")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::Css("article.knowledge-item")).await.expect("the new item");
    c.find(Locator::Css("form[action$='/publish'] button")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::Css(".status-published")).await.expect("published");
    let citation = c.find(Locator::Css(".citation")).await.unwrap().text().await.unwrap();
    assert!(citation.contains("ฝังฟอนต์ก่อนส่งออก PDF") && citation.contains("helper display"), "{citation}");
    let item_url = c.current_url().await.unwrap();
    let item_id: i64 = item_url.path().trim_start_matches("/k/").parse().unwrap();
    screenshot(&c, "e2e-knowledge-item").await;

    // A reader reports it outdated; it shows up in the review queue.
    let reader = app.user("reader", false);
    app.join(&reader, &community);
    api.post(app.url(&format!("/api/v1/knowledge/{item_id}/feedback")))
        .bearer_auth(app.token(&reader))
        .json(&serde_json::json!({"kind": "outdated", "comment": "ไดรเวอร์รุ่นใหม่แก้แล้ว"}))
        .send()
        .await
        .unwrap();
    c.goto(&app.url(&format!("/c/{}/review", community.slug))).await.unwrap();
    c.wait()
        .for_element(Locator::Css(&format!(".review-queue a[href='/k/{item_id}']")))
        .await
        .expect("in the review queue");
    screenshot(&c, "e2e-review-queue").await;
    c.find(Locator::Css(&format!("form[action='/k/{item_id}/reconfirm'] button")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait().for_element(Locator::Css(".empty")).await.expect("the queue is empty again");
    c.close().await.unwrap();
}

/// A reader types a Thai word into the header's search box and follows the
/// result to the thread.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_finds_a_thai_word_from_the_header_search_box_in_chromium() {
    let Some((_driver, c, _profile)) = chromium().await else { return };
    let app = TestApp::start(Backend::Sqlite).await;
    let (community, board) = app.community("e2e");
    let writer = app.user("writer", false);
    app.join(&writer, &community);
    let input = sala::threads::NewThread {
        kind: "question".into(),
        title: "ขั้นตอนจัดซื้อวัสดุสำนักงาน".into(),
        body: "เมื่อต้องซื้อกระดาษและหมึกพิมพ์เกินห้าพันบาทต้องทำบันทึกขออนุมัติก่อน".into(),
    };
    sala::threads::create_thread(&mut app.conn(), sala::authz::Viewer::user(writer.id, false), board.id, &input)
        .unwrap();

    c.goto(&app.url(&format!("/c/{}", community.slug))).await.unwrap();
    c.find(Locator::Id("header-q")).await.unwrap().send_keys("หมึกพิมพ์").await.unwrap();
    c.find(Locator::Css(".header-search button")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::Css(".search-hit")).await.expect("a result");
    let count = c.find(Locator::Css(".result-count")).await.unwrap().text().await.unwrap();
    // Chromium's language decides which; either way, exactly one result.
    assert!(count == "พบ 1 รายการ" || count == "One result", "{count}");
    let marked = c.find(Locator::Css(".search-hit .snippet mark")).await.unwrap().text().await.unwrap();
    assert_eq!(marked, "หมึกพิมพ์", "the word is highlighted inside the unspaced sentence");
    screenshot(&c, "e2e-search").await;
    c.find(Locator::Css(".search-hit .hit-title a")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::Css("li.post.opening")).await.expect("the thread");
    let heading = c.find(Locator::Css("h1")).await.unwrap().text().await.unwrap();
    assert!(heading.ends_with("ขั้นตอนจัดซื้อวัสดุสำนักงาน"), "{heading}");
    c.close().await.unwrap();
}

/// Signs `username` in through the login form.
async fn log_in(c: &fantoccini::Client, app: &TestApp, username: &str) {
    c.goto(&app.url("/login")).await.unwrap();
    c.find(Locator::Id("login")).await.unwrap().send_keys(username).await.unwrap();
    c.find(Locator::Id("password")).await.unwrap().send_keys(crate::harness::PASSWORD).await.unwrap();
    c.find(Locator::Css("main form button[type=submit]")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::LinkText(&format!("{username} display"))).await.expect("logged in");
}

/// A member flags a post from the thread page; a facilitator finds it in
/// the review queue and hides it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_flags_a_post_and_a_facilitator_hides_it_in_chromium() {
    let Some((_driver, c, _profile)) = chromium().await else { return };
    let app = TestApp::start(Backend::Sqlite).await;
    let (community, board) = app.community("e2e");
    let spammer = app.user("spammer", false);
    let member = app.user("member", false);
    let facilitator = app.user("facil", false);
    app.join(&spammer, &community);
    app.join(&member, &community);
    app.make_facilitator(&facilitator, &community);
    let token = app.token(&spammer);
    let (thread_id, _) =
        crate::harness::api_thread(&app, &token, board.id, "question", "ถามเรื่องงบประมาณ", "ใช้งบอย่างไรดี").await;
    let (_, reply) = crate::harness::api_reply(&app, &token, thread_id, "รับทำเอกสารราคาถูก ทักไลน์").await;
    let reply_id = reply["id"].as_i64().unwrap();

    log_in(&c, &app, "member").await;
    c.goto(&app.url(&format!("/t/{thread_id}"))).await.unwrap();
    c.find(Locator::Css(&format!("#p{reply_id} a.flag-link"))).await.unwrap().click().await.unwrap();
    c.find(Locator::Css("input[name=reason][value=spam]")).await.unwrap().click().await.unwrap();
    c.find(Locator::Css("main form button[type=submit]")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::Css(&format!("#p{reply_id} .notice"))).await.expect("thanked for flagging");
    screenshot(&c, "e2e-flagged").await;

    c.delete_all_cookies().await.unwrap();
    log_in(&c, &app, "facil").await;
    c.goto(&app.url(&format!("/c/{}", community.slug))).await.unwrap();
    let badge = c.find(Locator::Css(".open-flags")).await.unwrap().text().await.unwrap();
    assert_eq!(badge, "1", "the community page counts what waits");
    c.find(Locator::Css(&format!("a[href='/c/{}/flags']", community.slug))).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::Id(&format!("q{reply_id}"))).await.expect("the post in the queue");
    let item = c.find(Locator::Id(&format!("q{reply_id}"))).await.unwrap().text().await.unwrap();
    assert!(item.contains("รับทำเอกสารราคาถูก") && item.contains("member display"), "{item}");
    screenshot(&c, "e2e-flag-queue").await;
    c.find(Locator::Css(&format!("#q{reply_id} button[value=hide]"))).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::Css(".queue-empty")).await.expect("the queue is empty again");

    // Others see the placeholder now.
    let page = app.browser().get(&format!("/t/{thread_id}")).await.body;
    assert!(!page.contains("รับทำเอกสารราคาถูก"), "hidden from visitors");
    c.close().await.unwrap();
}
