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
        ..Default::default()
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
pub async fn log_in(c: &fantoccini::Client, app: &TestApp, username: &str) {
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

/// The text of the one element `css` finds.
async fn text_of(c: &fantoccini::Client, css: &str) -> String {
    c.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}")).text().await.unwrap()
}

/// A newcomer's first hour: from the header's ask button to a posted
/// question that the page returns to, highlighted, with a confirmation; and
/// answering a reply right inside the thread.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_newcomer_asks_from_the_header_and_replies_in_place_in_chromium() {
    let Some((_driver, c, _profile)) = chromium().await else { return };
    let app = TestApp::start(Backend::Sqlite).await;
    let (community, board) = app.community("e2e");
    let stories = app.experience_board(&community, "stories");
    let kanya = app.user("kanya", false);
    app.join(&kanya, &community);
    sala::accounts::set_locale(&mut app.conn(), kanya.id, "th").unwrap();
    let helper = app.user("helper", false);
    app.join(&helper, &community);
    log_in(&c, &app, "kanya").await;

    c.goto(&app.url("/")).await.unwrap();
    c.find(Locator::Css(".site-header a.ask-button")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::Id("board_id")).await.expect("the ask form");
    let kind_checked = |kind: &'static str| {
        let c = c.clone();
        async move {
            let radio = c.find(Locator::Css(&format!("input[name=kind][value={kind}]"))).await.unwrap();
            radio.prop("checked").await.unwrap().as_deref() == Some("true")
        }
    };
    c.find(Locator::Css(&format!("#board_id option[value='{}']", stories.id))).await.unwrap().click().await.unwrap();
    assert!(kind_checked("experience").await, "an experience board starts on experience");
    c.find(Locator::Css(&format!("#board_id option[value='{}']", board.id))).await.unwrap().click().await.unwrap();
    assert!(kind_checked("question").await, "a question board starts on question");
    c.find(Locator::Id("title")).await.unwrap().send_keys("เบิกค่าเดินทางไปอบรมต้องใช้เอกสารอะไรบ้าง").await.unwrap();
    c.find(Locator::Id("body")).await.unwrap().send_keys("ไปอบรมที่เชียงใหม่สามวันค่ะ").await.unwrap();
    c.find(Locator::Css("form[data-ask-form] button[value=submit]")).await.unwrap().click().await.unwrap();

    c.wait().for_element(Locator::Css(".flash")).await.expect("a confirmation");
    let flash = text_of(&c, ".flash").await;
    assert!(flash.contains("โพสต์ของคุณขึ้นแล้ว"), "{flash}");
    let url = c.current_url().await.unwrap();
    let thread_id: i64 = url.path().trim_start_matches("/t/").parse().unwrap();
    let opening = sala::threads::opening_post(&mut app.conn(), thread_id).unwrap();
    assert_eq!(url.fragment(), Some(format!("p{}", opening.id).as_str()), "back at the new post");
    let target = c.find(Locator::Css("li.post:target")).await.expect("the post is highlighted");
    assert_eq!(target.attr("id").await.unwrap(), Some(format!("p{}", opening.id)));
    screenshot(&c, "e2e-newcomer-posted").await;

    let reply =
        sala::threads::reply(&mut app.conn(), helper.viewer(), thread_id, None, "ใช้หนังสืออนุมัติและใบเสร็จค่ะ").unwrap();
    c.goto(&app.url(&format!("/t/{thread_id}"))).await.unwrap();
    c.find(Locator::Css(&format!("a[data-reply-in-place='{}']", reply.id))).await.unwrap().click().await.unwrap();
    let form = c.wait().for_element(Locator::Css("form.reply-in-place")).await.expect("the form opens in place");
    assert_eq!(c.current_url().await.unwrap().path(), format!("/t/{thread_id}"), "still on the thread");
    let label = text_of(&c, "form.reply-in-place label").await;
    assert!(label.contains("helper display"), "{label}");
    form.find(Locator::Css("textarea")).await.unwrap().send_keys("ขอบคุณค่ะ ใช้ใบขออนุมัติเดินทางด้วยไหมคะ").await.unwrap();
    form.find(Locator::Css("button[value=submit]")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::Css("li.post[data-depth='2']:target")).await.expect("the nested reply, highlighted");
    assert!(text_of(&c, ".flash").await.contains("ส่งข้อความตอบกลับ"));
    let answering = text_of(&c, "li.post[data-depth='2'] .in-reply-to").await;
    assert!(answering.contains("helper display"), "a nested reply says whom it answers: {answering}");
    screenshot(&c, "e2e-newcomer-replied").await;
    c.close().await.unwrap();
}

/// At a phone's width the signed-in header is one row with the menu
/// collapsed, the menu opens over the page, and each search filter's label
/// sits with its own field.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_phone_header_is_one_row_in_chromium() {
    let Some((_driver, c, _profile)) = chromium().await else { return };
    let app = TestApp::start(Backend::Sqlite).await;
    let (community, _) = app.community("e2e");
    // A long name is the usual reason a header wraps.
    let person = app.user("wanwisa", false);
    app.join(&person, &community);
    log_in(&c, &app, "wanwisa").await;
    c.set_window_size(390, 844).await.unwrap();
    let header_height = || async {
        let h = c
            .execute("return document.querySelector('.site-header').getBoundingClientRect().height", vec![])
            .await
            .unwrap();
        h.as_f64().unwrap()
    };
    c.goto(&app.url("/")).await.unwrap();
    let width = c.execute("return document.documentElement.clientWidth", vec![]).await.unwrap();
    assert!(width.as_f64().unwrap() <= 390.0, "a phone-sized viewport: {width}");
    let closed = header_height().await;
    screenshot(&c, "phone-header").await;
    assert!(closed <= 64.0, "one row: the header is {closed}px high");
    let overflow = c
        .execute("return document.documentElement.scrollWidth - document.documentElement.clientWidth", vec![])
        .await
        .unwrap();
    assert_eq!(overflow.as_f64(), Some(0.0), "nothing sticks out sideways");
    assert!(!c.find(Locator::Css(".header-search")).await.unwrap().is_displayed().await.unwrap());
    assert!(!c.find(Locator::Css(".nav-wide")).await.unwrap().is_displayed().await.unwrap());
    c.find(Locator::Css("details.nav-menu > summary")).await.unwrap().click().await.unwrap();
    let settings = c.find(Locator::Css("details.nav-menu a[href='/settings']")).await.unwrap();
    assert!(settings.is_displayed().await.unwrap(), "the menu holds the other links");
    assert_eq!(header_height().await, closed, "the open menu lies over the page");
    screenshot(&c, "phone-menu").await;

    c.goto(&app.url("/search?q=KM")).await.unwrap();
    // For each label, the nearest field to its right on its line is its own.
    let strays = c
        .execute(
            r#"const out = [];
            const fields = [...document.querySelectorAll('.filters input, .filters select')];
            for (const label of document.querySelectorAll('.filters label[for]')) {
              const l = label.getBoundingClientRect();
              const beside = fields
                .map(f => [f, f.getBoundingClientRect()])
                .filter(([f, r]) => r.top < l.bottom && r.bottom > l.top && r.left >= l.right - 1)
                .sort((a, b) => a[1].left - b[1].left);
              if (beside.length && beside[0][0].id !== label.htmlFor) out.push(label.htmlFor + ' beside ' + beside[0][0].id);
            }
            return out;"#,
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(strays, serde_json::json!([]), "labels beside another field's input");
    screenshot(&c, "phone-search").await;
    c.close().await.unwrap();
}

/// axe-core's WCAG 2.1 A and AA rules find nothing on the pages a Thai
/// facilitator moves through, at desktop and phone widths, nor on the
/// pages a visitor sees before signing in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_pass_the_axe_accessibility_check_in_chromium() {
    let axe_path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/axe/node_modules/axe-core/axe.min.js");
    let Ok(axe) = std::fs::read_to_string(&axe_path) else {
        assert!(
            std::env::var("SALA_REQUIRE_BROWSER").is_err(),
            "axe-core is required: npm ci --prefix tests/axe (tests/run does it)"
        );
        eprintln!("skipped: axe-core not installed (tests/run installs it)");
        return;
    };
    let Some((_driver, c, _profile)) = chromium().await else { return };
    let app = TestApp::start(Backend::Sqlite).await;
    let fixture = crate::harness::km_fixture(&app);
    let check = |path: String| {
        let (c, axe, url) = (c.clone(), axe.clone(), app.url(&path));
        async move {
            c.goto(&url).await.unwrap();
            c.execute(&axe, vec![]).await.unwrap();
            let found = c
                .execute_async(
                    r#"const done = arguments[arguments.length - 1];
                    axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
                      .then(r => done(r.violations.map(v => `${v.id}: ${v.help} @ ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')}`)))
                      .catch(e => done([`axe failed: ${e}`]));"#,
                    vec![],
                )
                .await
                .unwrap();
            let found: Vec<String> = serde_json::from_value(found).unwrap();
            found.into_iter().map(|v| format!("{path}: {v}")).collect::<Vec<_>>()
        }
    };
    let mut violations = Vec::new();
    for path in ["/", "/login", "/register", "/privacy", "/knowledge"] {
        violations.extend(check(path.to_owned()).await);
    }
    log_in(&c, &app, &fixture.facilitator.username).await;
    for path in fixture.pages() {
        violations.extend(check(path).await);
    }
    c.set_window_size(390, 844).await.unwrap();
    for path in ["/".to_owned(), format!("/t/{}", fixture.thread_id), format!("/k/{}/revisions", fixture.item_id)] {
        violations.extend(check(path).await);
    }
    assert!(violations.is_empty(), "accessibility violations:\n{}", violations.join("\n"));
    c.close().await.unwrap();
}

/// "Sign in with …" in Chromium: the button, the provider's login and
/// consent pages, and back to Sala signed in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sign_in_button_signs_in_through_the_provider_in_chromium() {
    let Some(port) = crate::oidc::provider_port() else { return };
    let Some((_driver, c, _profile)) = chromium().await else { return };
    let app =
        TestApp::start_with(Backend::Sqlite, move |cfg| cfg.oidc = Some(crate::oidc::settings(port, "sala"))).await;
    let _provider = crate::oidc::Provider::start(port, &app);
    c.goto(&app.url("/login")).await.unwrap();
    c.find(Locator::Css("a.sso-button")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::Css("input[name=login]")).await.expect("the provider's login form");
    c.find(Locator::Css("input[name=login]")).await.unwrap().send_keys("emp-0001").await.unwrap();
    c.find(Locator::Css("input[name=password]")).await.unwrap().send_keys("any password").await.unwrap();
    c.find(Locator::Css("button[type=submit]")).await.unwrap().click().await.unwrap();
    // The provider asks to share the profile with Sala.
    c.wait().for_element(Locator::Css("input[name=prompt][value=consent]")).await.expect("the consent page");
    c.find(Locator::Css("button[type=submit]")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::Css(".flash")).await.expect("back at Sala");
    assert!(c.current_url().await.unwrap().as_str().starts_with(&app.base));
    let nav = c.find(Locator::Css(".nav-wide")).await.unwrap().text().await.unwrap();
    assert!(nav.contains("กัญญา ใฝ่รู้"), "signed in: {nav}");
    screenshot(&c, "sso-signed-in").await;
    c.close().await.unwrap();
}

/// A screenshot dropped on the reply box is uploaded at once, its Markdown
/// put in the text, and the posted reply shows the picture (from Sala).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_screenshot_dropped_on_the_reply_box_shows_in_the_reply_in_chromium() {
    let Some((_driver, c, _profile)) = chromium().await else { return };
    let app = TestApp::start(Backend::Sqlite).await;
    let (community, board) = app.community("e2e");
    let member = app.user("member", false);
    app.join(&member, &community);
    let token = app.token(&member);
    let (thread_id, _) =
        crate::harness::api_thread(&app, &token, board.id, "question", "ระบบลาออนไลน์ขึ้นข้อผิดพลาด", "กดส่งแล้วค้าง").await;
    log_in(&c, &app, "member").await;
    c.goto(&app.url(&format!("/t/{thread_id}"))).await.unwrap();
    let dropped = c
        .execute_async(
            r##"const done = arguments[arguments.length - 1];
            const canvas = document.createElement("canvas");
            canvas.width = 320; canvas.height = 200;
            const ctx = canvas.getContext("2d");
            ctx.fillStyle = "#b00"; ctx.fillRect(0, 0, 320, 200);
            canvas.toBlob((blob) => {
              const data = new DataTransfer();
              data.items.add(new File([blob], "หน้าจอ.png", { type: "image/png" }));
              const box = document.querySelector(".reply-box textarea");
              box.dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
              done(true);
            }, "image/png");"##,
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(dropped, serde_json::json!(true));
    let mut text = String::new();
    for _ in 0..50 {
        text =
            c.execute("return document.querySelector('.reply-box textarea').value", vec![]).await.unwrap().to_string();
        if text.contains("/files/") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(text.contains("![หน้าจอ.png](/files/"), "the picture's Markdown in the box: {text}");
    c.find(Locator::Css(".reply-box button[value=submit]")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::Css(".post .post-body img")).await.expect("the picture in the reply");
    let img = c.find(Locator::Css(".post .post-body img")).await.unwrap();
    assert_eq!(img.attr("alt").await.unwrap().as_deref(), Some("หน้าจอ.png"));
    assert!(img.attr("src").await.unwrap().unwrap_or_default().starts_with("/files/"));
    // Lazy: it loads once scrolled to.
    let mut loaded = serde_json::json!(0);
    for _ in 0..50 {
        let script = "const img = document.querySelector('.post .post-body img'); img.scrollIntoView(); \
                      return img.complete ? img.naturalWidth : 0";
        loaded = c.execute(script, vec![]).await.unwrap();
        if loaded != serde_json::json!(0) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(loaded, serde_json::json!(320), "the picture loads from Sala under the page's CSP");
    screenshot(&c, "e2e-dropped-screenshot").await;
    c.close().await.unwrap();
}

/// A KM officer builds a plan in Chromium through the pages: the plan, two
/// scopes with their reasons, knowledge areas tied to tags, activities on
/// several steps with Thai dates.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_km_officer_builds_a_plan_through_the_pages_in_chromium() {
    let Some((_driver, c, _profile)) = chromium().await else { return };
    let app = TestApp::start(Backend::Sqlite).await;
    let admin = app.user("admin", true);
    let officer = app.user("officer", false);
    sala::accounts::set_locale(&mut app.conn(), officer.id, "th").unwrap();
    let granted = app
        .api()
        .post(app.url("/api/v1/km-roles"))
        .bearer_auth(app.token(&admin))
        .json(&serde_json::json!({"username": "officer", "role": "km_officer"}))
        .send()
        .await
        .unwrap();
    assert_eq!(granted.status(), 204);
    log_in(&c, &app, "officer").await;

    c.goto(&app.url("/km/plans")).await.unwrap();
    let year = c.find(Locator::Id("fiscal_year")).await.unwrap();
    year.clear().await.unwrap();
    year.send_keys("2570").await.unwrap();
    c.find(Locator::Id("title")).await.unwrap().send_keys("แผน KM กองคลัง").await.unwrap();
    c.find(Locator::Css("#new-plan button[type=submit]")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::Css(".km-scope-form")).await.expect("the new plan's page");
    let plan_id: i64 = c.current_url().await.unwrap().path().trim_start_matches("/km/plans/").parse().unwrap();

    for (title, reason) in [("งานจัดซื้อจัดจ้าง", "ผิดระเบียบบ่อย"), ("การบริการประชาชน", "ตามยุทธศาสตร์")]
    {
        c.find(Locator::Id("scope-title")).await.unwrap().send_keys(title).await.unwrap();
        c.find(Locator::Css("input[name=criterion_urgent]")).await.unwrap().click().await.unwrap();
        c.find(Locator::Id("scope-reason")).await.unwrap().send_keys(reason).await.unwrap();
        c.find(Locator::Css(".km-scope-form button[type=submit]")).await.unwrap().click().await.unwrap();
        c.wait().for_element(Locator::XPath(&format!("//h2[contains(., '{title}')]"))).await.expect("the scope");
    }
    let scopes: Vec<i64> = {
        let mut ids = Vec::new();
        for section in c.find_all(Locator::Css("section.km-scope")).await.unwrap() {
            let id = section.attr("id").await.unwrap().unwrap();
            ids.push(id.trim_start_matches("scope-").parse().unwrap());
        }
        ids
    };
    assert_eq!(scopes.len(), 2);

    for (scope, area, tag, step, activity) in [
        (scopes[0], "ขั้นตอนจัดซื้อ", "จัดซื้อ", "share", "เวทีแลกเปลี่ยนเรียนรู้"),
        (scopes[1], "การตอบคำถามประชาชน", "บริการ", "identify", "สำรวจความรู้ที่จำเป็น"),
    ] {
        let section = format!("#scope-{scope}");
        c.find(Locator::Css(&format!("{section} details.km-add:nth-of-type(1) summary")))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        c.find(Locator::Id(&format!("area-title-{scope}"))).await.unwrap().send_keys(area).await.unwrap();
        c.find(Locator::Id(&format!("area-tags-{scope}"))).await.unwrap().send_keys(tag).await.unwrap();
        c.find(Locator::Css(&format!("{section} .km-area-form button[type=submit]")))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        c.wait()
            .for_element(Locator::XPath(&format!("//tr[contains(@class, 'km-area')]/td[contains(., '{area}')]")))
            .await
            .expect("the area");

        c.find(Locator::Css(&format!("{section} details.km-add:nth-of-type(2) summary")))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        c.find(Locator::Id(&format!("act-title-{scope}"))).await.unwrap().send_keys(activity).await.unwrap();
        c.find(Locator::Id(&format!("act-step-{scope}"))).await.unwrap().select_by_value(step).await.unwrap();
        c.find(Locator::Id(&format!("act-from-{scope}"))).await.unwrap().send_keys("15/11/2569").await.unwrap();
        c.find(Locator::Id(&format!("act-to-{scope}"))).await.unwrap().send_keys("1/2/2570").await.unwrap();
        c.find(Locator::Css(&format!("{section} .km-activity-form button[type=submit]")))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        c.wait()
            .for_element(Locator::XPath(&format!(
                "//tr[contains(@class, 'km-activity')]/td[contains(., '{activity}')]"
            )))
            .await
            .expect("the activity");
    }
    let dates = c.find(Locator::Css(&format!("#scope-{} .km-activity td:nth-child(3)", scopes[0]))).await.unwrap();
    assert_eq!(dates.text().await.unwrap(), "15 พ.ย. 2569 – 1 ก.พ. 2570");
    let status = c.find(Locator::Css(&format!("#scope-{} .km-area td:nth-child(2) .badge", scopes[0]))).await.unwrap();
    assert_eq!(status.text().await.unwrap(), "ยังไม่มีรายการความรู้");
    screenshot(&c, "e2e-km-plan").await;

    let plan: serde_json::Value = app
        .api()
        .get(app.url(&format!("/api/v1/km-plans/{plan_id}")))
        .bearer_auth(app.token(&admin))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(plan["fiscal_year"], 2570);
    assert_eq!(plan["scopes"][0]["criteria"], serde_json::json!(["urgent"]));
    assert_eq!(plan["scopes"][0]["areas"][0]["tags"], serde_json::json!(["จัดซื้อ"]));
    let steps: Vec<&str> =
        plan["scopes"].as_array().unwrap().iter().map(|s| s["activities"][0]["step"].as_str().unwrap()).collect();
    assert_eq!(steps, ["share", "identify"]);
    assert_eq!(plan["scopes"][0]["activities"][0]["starts_on"], "2026-11-15");
    c.close().await.unwrap();
}
