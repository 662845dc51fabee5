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
