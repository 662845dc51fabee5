//! The core journey — register, log in, join, ask, reply, reply to the reply —
//! through the API and through the HTML forms.

use serde_json::json;

use crate::both_backends;
use crate::harness::{json, mailed_token, Backend, TestApp, PASSWORD};
use crate::smtp::{digest_run, SmtpSink};

async fn api_register_join_thread_and_reply_tree(backend: Backend) {
    let app = TestApp::start(backend).await;
    let smtp = SmtpSink::start();
    let (community, board) = app.community("km");
    let api = app.api();

    let (status, body) = json(
        api.post(app.url("/api/v1/auth/register"))
            .json(&json!({"username": "somchai", "display_name": "สมชาย ใจดี", "email": "somchai@example.org", "password": PASSWORD}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["user"]["display_name"], "สมชาย ใจดี");

    let (status, body) = json(
        api.post(app.url("/api/v1/auth/login"))
            .json(&json!({"login": "somchai", "password": PASSWORD}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let token = body["token"].as_str().expect("login returns a token").to_owned();

    let (status, body) = json(
        api.post(app.url(&format!("/api/v1/communities/{}/join", community.slug)))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, body["standing"].as_str()), (200, Some("member")));

    // Reading works at once; posting waits for the address to be confirmed.
    let ask = json!({"kind": "question", "title": "เริ่มทำ KM อย่างไรดี", "body": "ช่วยแนะนำ **ขั้นแรก** หน่อยครับ"});
    let threads = app.url(&format!("/api/v1/boards/{}/threads", board.id));
    let (status, body) = json(api.post(&threads).bearer_auth(&token).json(&ask).send().await.unwrap()).await;
    assert_eq!((status, body["type"].as_str()), (403, Some("https://sala.example/problems/email-unconfirmed")));
    assert!(digest_run(&app, &smtp, &[]).status.success());
    let link = mailed_token(&smtp, "somchai@example.org", "/confirm-email/").expect("a confirmation link");
    let (status, body) =
        json(api.post(app.url("/api/v1/auth/confirm-email")).json(&json!({"token": link})).send().await.unwrap()).await;
    assert_eq!((status, body["email_confirmed"].as_bool()), (200, Some(true)), "{body}");

    let (status, body) = json(api.post(&threads).bearer_auth(&token).json(&ask).send().await.unwrap()).await;
    assert_eq!(status, 201, "{body}");
    let thread_id = body["thread"]["id"].as_i64().unwrap();
    let opening_id = body["post"]["id"].as_i64().unwrap();

    let (status, first) = json(
        api.post(app.url(&format!("/api/v1/threads/{thread_id}/posts")))
            .bearer_auth(&token)
            .json(&json!({"body": "คำตอบระดับแรก"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 201, "{first}");
    let (status, second) = json(
        api.post(app.url(&format!("/api/v1/threads/{thread_id}/posts")))
            .bearer_auth(&token)
            .json(&json!({"parent_id": first["id"], "body": "ตอบคำตอบ"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 201, "{second}");

    let (status, page) = json(api.get(app.url(&format!("/api/v1/threads/{thread_id}"))).send().await.unwrap()).await;
    assert_eq!(status, 200);
    let tree: Vec<(i64, Option<i64>, i64)> = page["posts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_i64().unwrap(), p["parent_id"].as_i64(), p["depth"].as_i64().unwrap()))
        .collect();
    assert_eq!(
        tree,
        vec![
            (opening_id, None, 0),
            (first["id"].as_i64().unwrap(), Some(opening_id), 1),
            (second["id"].as_i64().unwrap(), first["id"].as_i64(), 2),
        ]
    );
    let opening = &page["posts"][0];
    assert_eq!(opening["author"]["username"], "somchai");
    assert!(opening["body_html"].as_str().unwrap().contains("<strong>ขั้นแรก</strong>"));
    assert!(opening["created_at"].is_string() && opening["updated_at"].is_string());
    assert_eq!(page["thread"]["reply_count"], 2);
}
both_backends!(api_register_join_thread_and_reply_tree);

/// The same journey through the pages a person uses, forms and all.
async fn html_register_join_thread_and_reply_tree(backend: Backend) {
    let app = TestApp::start(backend).await;
    let smtp = SmtpSink::start();
    let (community, board) = app.community("km");
    let browser = app.browser();

    let page = browser
        .submit(
            "/register",
            &[
                ("username", "malee"),
                ("display_name", "มาลี รักเรียน"),
                ("email", "malee@example.org"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    browser.submit("/logout", &[]).await;
    let home = browser.get("/").await;
    assert!(!home.body.contains("มาลี รักเรียน"), "logged out");
    browser.login("malee").await;
    assert!(browser.get("/").await.body.contains("มาลี รักเรียน"), "logged in again");

    let joined = browser.submit(&format!("/c/{}/join", community.slug), &[]).await;
    assert_eq!(joined.status, 303);

    // The banner asks to confirm; the mailed link opens a page whose button confirms.
    assert!(browser.get("/").await.body.contains("ยืนยันอีเมลของคุณเพื่อเริ่มโพสต์"));
    assert!(digest_run(&app, &smtp, &[]).status.success());
    let link = mailed_token(&smtp, "malee@example.org", "/confirm-email/").expect("a confirmation link");
    let page = browser.get(&format!("/confirm-email/{link}")).await;
    assert_eq!(page.status, 200);
    let confirmed = browser.submit(&format!("/confirm-email/{link}"), &[]).await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.body);
    assert!(confirmed.body.contains("ยืนยันอีเมลเรียบร้อยแล้ว") && !confirmed.body.contains("confirm-banner"));

    let created = browser
        .submit(
            &format!("/c/{}/b/{}/new", community.slug, board.slug),
            &[("kind", "question"), ("title", "ถามเรื่องแผนที่ความรู้"), ("body", "ทำแผนที่ความรู้อย่างไร"), ("action", "submit")],
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    let thread_path = created.redirect_path().expect("redirect to the new thread");
    assert!(created.location.as_deref().unwrap().contains("#p"), "the redirect points at the new post");
    // The confirmation shows once, on the page the redirect leads to.
    let landed = browser.get(&thread_path).await;
    assert!(landed.body.contains("โพสต์ของคุณขึ้นแล้ว"), "a confirmation after posting");
    let again = browser.get(&thread_path).await;
    assert!(!again.body.contains("โพสต์ของคุณขึ้นแล้ว"), "the confirmation is not repeated");

    let reply =
        browser.submit(&format!("{thread_path}/reply"), &[("body", "เริ่มจากยุทธศาสตร์ค่ะ"), ("action", "submit")]).await;
    assert_eq!(reply.status, 303, "{}", reply.body);
    let first_id: String = reply.location.unwrap().trim_start_matches("/p/").to_owned();

    // Reply to the reply through its own reply page, as a person would.
    let reply_page = browser.get(&format!("/p/{first_id}/reply")).await;
    assert_eq!(reply_page.status, 200);
    assert!(reply_page.body.contains("เริ่มจากยุทธศาสตร์ค่ะ"), "the reply page quotes the post being answered");
    let nested = browser
        .submit(
            &format!("{thread_path}/reply"),
            &[("parent_id", &first_id), ("body", "แล้วต่อด้วยอะไรครับ"), ("action", "submit")],
        )
        .await;
    assert_eq!(nested.status, 303, "{}", nested.body);

    let thread = browser.get(&thread_path).await;
    assert_eq!(thread.status, 200);
    let doc = scraper::Html::parse_document(&thread.body);
    let selector = scraper::Selector::parse("ol.post-tree > li.post").unwrap();
    let shown: Vec<(String, String)> = doc
        .select(&selector)
        .map(|li| {
            let depth = li.value().attr("data-depth").unwrap().to_owned();
            let text =
                li.select(&scraper::Selector::parse(".post-body").unwrap()).next().unwrap().text().collect::<String>();
            (depth, text.trim().to_owned())
        })
        .collect();
    assert_eq!(
        shown,
        vec![
            ("0".to_owned(), "ทำแผนที่ความรู้อย่างไร".to_owned()),
            ("1".to_owned(), "เริ่มจากยุทธศาสตร์ค่ะ".to_owned()),
            ("2".to_owned(), "แล้วต่อด้วยอะไรครับ".to_owned()),
        ]
    );
}
both_backends!(html_register_join_thread_and_reply_tree);

/// Editing keeps every version; the history page shows them.
async fn edits_keep_a_revision_history(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (community, board) = app.community("km");
    let browser = app.member_browser("nipa", &community).await;
    let created = browser
        .submit(
            &format!("/c/{}/b/{}/new", community.slug, board.slug),
            &[("kind", "experience"), ("title", "บทเรียน"), ("body", "ฉบับแรก"), ("action", "submit")],
        )
        .await;
    let thread_path = created.redirect_path().unwrap();
    let api = app.api();
    let (_, page) =
        json(api.get(app.url(&format!("/api/v1{}", thread_path.replace("/t/", "/threads/")))).send().await.unwrap())
            .await;
    let post_id = page["posts"][0]["id"].as_i64().unwrap();

    let edited = browser
        .submit(&format!("/p/{post_id}/edit"), &[("title", "บทเรียนที่ได้"), ("body", "ฉบับที่สอง"), ("action", "submit")])
        .await;
    assert_eq!(edited.status, 303, "{}", edited.body);
    let thread = browser.get(&thread_path).await;
    assert!(thread.body.contains("ฉบับที่สอง") && !thread.body.contains("ฉบับแรก"));
    assert!(thread.body.contains("บทเรียนที่ได้"), "the title changed too");

    let history = browser.get(&format!("/p/{post_id}/history")).await;
    assert_eq!(history.status, 200);
    let first = history.body.find("ฉบับแรก").expect("original kept");
    let second = history.body.find("ฉบับที่สอง").expect("edit kept");
    assert!(second < first, "newest revision first");
}
both_backends!(edits_keep_a_revision_history);

/// The Markdown preview shows the rendered text and saves nothing.
async fn preview_renders_without_posting(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (community, board) = app.community("km");
    let browser = app.member_browser("wichai", &community).await;
    let page = browser
        .submit(
            &format!("/c/{}/b/{}/new", community.slug, board.slug),
            &[
                ("kind", "question"),
                ("title", "ลองดู"),
                ("body", "| a | b |\n|---|---|\n| ~~x~~ | y |"),
                ("action", "preview"),
            ],
        )
        .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<table>") && page.body.contains("<del>x</del>"), "{}", page.body);
    let board_page = browser.get(&format!("/c/{}/b/{}", community.slug, board.slug)).await;
    assert!(!board_page.body.contains("ลองดู"), "preview must not create the thread");
}
both_backends!(preview_renders_without_posting);
