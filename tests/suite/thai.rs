//! Thai first: real Thai text survives every hop, pages default to Thai
//! with Buddhist-era dates, and English is there on request.

use crate::both_backends;
use crate::harness::{api_thread, json, seed_text, Backend, TestApp};

async fn thai_text_round_trips_unchanged(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (community, board) = app.community("km");
    let user = app.user("somsri", false);
    app.join(&user, &community);
    let seed = seed_text();
    // A paragraph of the seed article, plus tone marks and vowels stacked on
    // consonants, and characters that NFC normalisation would not touch.
    let paragraph =
        seed.lines().map(str::trim).find(|l| l.chars().count() > 200).expect("a long Thai paragraph").to_owned();
    let tricky = "ผู้ใหญ่ น้ำ ก๊วยเตี๋ยว ฤๅษี ฯลฯ ๑๒๓ เจ้าหน้าที่ ไม้ม้วน ใ ไ ํ";
    let body = format!("{paragraph}\n\n{tricky}");
    let title = "การจัดการความรู้ในองค์กร — ก๊วยเตี๋ยวน้ำใส";

    let api = app.api();
    let (thread_id, _) = api_thread(&app, &app.token(&user), board.id, "experience", title, &body).await;

    let (_, page) = json(api.get(app.url(&format!("/api/v1/threads/{thread_id}"))).send().await.unwrap()).await;
    assert_eq!(page["thread"]["title"], title);
    let html = page["posts"][0]["body_html"].as_str().unwrap();
    assert_eq!(html, format!("<p>{paragraph}</p>\n<p>{tricky}</p>\n"));
    let stored = sala::threads::opening_post(&mut app.conn(), thread_id).unwrap();
    assert_eq!(stored.body_md, body, "stored byte for byte");

    let web = app.browser().get(&format!("/t/{thread_id}")).await;
    assert!(web.body.contains(&paragraph) && web.body.contains(tricky) && web.body.contains(title));
}
both_backends!(thai_text_round_trips_unchanged);

async fn thai_by_default_english_on_request(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.community("km");
    let browser = app.browser();
    let home = browser.get("/").await;
    assert!(home.body.contains("<html lang=\"th\">") && home.body.contains("ชุมชนนักปฏิบัติ"));
    let year_be = chrono::Utc::now().format("%Y").to_string().parse::<i32>().unwrap() + 543;
    assert!(home.body.contains(&year_be.to_string()) || !home.body.contains("<time"), "Buddhist-era years in Thai");

    let english = app
        .api()
        .get(app.url("/"))
        .header("accept-language", "en-GB,en;q=0.9,th;q=0.5")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(english.contains("<html lang=\"en\">") && english.contains("Communities of practice"));

    // The switcher keeps the choice in a cookie, and for users in their settings.
    app.user("john", false);
    browser.login("john").await;
    let switched = browser.submit("/lang", &[("lang", "en"), ("next", "/settings")]).await;
    assert_eq!(switched.location.as_deref(), Some("/settings"));
    assert!(browser.get("/settings").await.body.contains("Account settings"));
    let fresh_device = app.browser();
    fresh_device.login("john").await;
    assert!(fresh_device.get("/").await.body.contains("<html lang=\"en\">"), "the setting follows the user");
    // An open redirect is not possible through `next`.
    let evil = browser.submit("/lang", &[("lang", "th"), ("next", "//evil.example/")]).await;
    assert_eq!(evil.location.as_deref(), Some("/"));
}
both_backends!(thai_by_default_english_on_request);

/// Every date a Thai page shows or asks for is in the Buddhist era: the
/// facilitator's pages of a small knowledge base hold no four-digit Western
/// year, in their text or in their fields, and no date picker (which would
/// show Western years whatever the page's language).
async fn thai_pages_show_and_take_buddhist_era_dates(backend: Backend) {
    let app = TestApp::start(backend).await;
    let fixture = crate::harness::km_fixture(&app);
    let browser = app.browser();
    browser.login(&fixture.facilitator.username).await;
    let this_year = chrono::Utc::now().date_naive().format("%Y").to_string();
    let western = regex::Regex::new(r"\b(19[5-9][0-9]|20[0-9][0-9])\b").unwrap();
    let text_nodes = scraper::Selector::parse("body").unwrap();
    let fields = scraper::Selector::parse("input:not([type=hidden]), textarea").unwrap();
    let mut saw_era = false;
    for path in fixture.pages() {
        let page = browser.get(&path).await;
        assert_eq!(page.status, 200, "{path}");
        let doc = scraper::Html::parse_document(&page.body);
        let body = doc.select(&text_nodes).next().unwrap();
        let mut shown: String = body
            .descendants()
            .filter_map(|n| n.value().as_text().map(|t| (n, t)))
            .filter(|(n, _)| {
                !n.ancestors().any(|a| a.value().as_element().is_some_and(|e| matches!(e.name(), "script" | "style")))
            })
            .map(|(_, t)| t.to_string())
            .collect::<Vec<_>>()
            .join(" ");
        for field in doc.select(&fields) {
            assert_ne!(field.value().attr("type"), Some("date"), "{path}: a date picker in a Thai page");
            shown.push(' ');
            shown.push_str(field.value().attr("value").unwrap_or_default());
        }
        if let Some(year) = western.find(&shown) {
            let at = year.start();
            let around: String = shown[shown.floor_char_boundary(at.saturating_sub(60))..].chars().take(120).collect();
            panic!("{path}: a Western year {} in a Thai page: …{around}…", year.as_str());
        }
        saw_era |= shown.contains(&(this_year.parse::<i32>().unwrap() + 543).to_string());
    }
    assert!(saw_era, "the pages show dates at all");
}
both_backends!(thai_pages_show_and_take_buddhist_era_dates);
