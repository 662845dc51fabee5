//! End to end in headless Chromium: a person signs up, joins, starts a
//! thread and replies, using the real forms.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{ClientBuilder, Locator};

use crate::harness::{Backend, TestApp};

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn find(candidates: &[&str]) -> Option<String> {
    candidates.iter().find(|p| std::path::Path::new(p).exists()).map(|p| (*p).to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_signs_up_posts_and_replies_in_chromium() {
    let chromedriver = find(&["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]);
    let chromium = find(&["/usr/bin/chromium", "/usr/bin/chromium-browser"]);
    let (Some(chromedriver), Some(chromium)) = (chromedriver, chromium) else {
        assert!(
            std::env::var("SALA_REQUIRE_BROWSER").is_err(),
            "Chromium and ChromeDriver are required (apt-get install chromium chromium-driver)"
        );
        eprintln!("skipped: Chromium/ChromeDriver not installed (tests/run installs them)");
        return;
    };
    let app = TestApp::start(Backend::Sqlite).await;
    let (community, board) = app.community("e2e");

    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let _driver = Driver(
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
    let mut client = None;
    for _ in 0..50 {
        match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(c) => {
                client = Some(c);
                break;
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
    let c = client.expect("connect to chromedriver");

    c.goto(&app.url("/register")).await.unwrap();
    c.find(Locator::Id("username")).await.unwrap().send_keys("kanya").await.unwrap();
    c.find(Locator::Id("display_name")).await.unwrap().send_keys("กัญญา ใฝ่รู้").await.unwrap();
    c.find(Locator::Id("email")).await.unwrap().send_keys("kanya@example.org").await.unwrap();
    c.find(Locator::Id("password")).await.unwrap().send_keys("long enough secret").await.unwrap();
    c.find(Locator::Css("main form button[type=submit]")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::LinkText("กัญญา ใฝ่รู้")).await.expect("logged in after signing up");

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

    if let Ok(png) = c.screenshot().await {
        let _ = std::fs::write(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/e2e-thread.png"), png);
    }
    c.close().await.unwrap();
}
