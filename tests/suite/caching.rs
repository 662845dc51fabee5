//! Anonymous readers get shared renderings; they must never be stale after
//! a write, and never carry another browser's CSRF token.

use serde_json::json;

use crate::both_backends;
use crate::harness::{api_thread, json, Backend, TestApp};

async fn cached_pages_follow_every_write(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (community, board) = app.community("km");
    let author = app.user("author", false);
    app.join(&author, &community);
    let token = app.token(&author);
    let (thread_id, opening) = api_thread(&app, &token, board.id, "question", "คำถามแรก", "เนื้อหาแรก").await;
    let thread = format!("/t/{thread_id}");
    let board_path = format!("/c/{}/b/{}", community.slug, board.slug);

    let reader = app.browser();
    let first = reader.get(&thread).await;
    assert!(first.body.contains("เนื้อหาแรก"));
    assert!(reader.get(&board_path).await.body.contains("คำถามแรก"));
    let api = app.api();
    let (_, before) = json(api.get(app.url(&format!("/api/v1/threads/{thread_id}"))).send().await.unwrap()).await;
    assert_eq!(before["posts"].as_array().unwrap().len(), 1);

    // A reply, an edit of the title and body: every view shows them at once.
    api.post(app.url(&format!("/api/v1/threads/{thread_id}/posts")))
        .bearer_auth(&token)
        .json(&json!({"body": "คำตอบใหม่"}))
        .send()
        .await
        .unwrap();
    api.patch(app.url(&format!("/api/v1/posts/{opening}")))
        .bearer_auth(&token)
        .json(&json!({"body": "เนื้อหาที่แก้แล้ว", "title": "คำถามที่แก้แล้ว"}))
        .send()
        .await
        .unwrap();
    let after = reader.get(&thread).await;
    assert!(after.body.contains("คำตอบใหม่") && after.body.contains("เนื้อหาที่แก้แล้ว"), "no stale thread page");
    let listing = reader.get(&board_path).await;
    assert!(listing.body.contains("คำถามที่แก้แล้ว") && listing.body.contains("1 คำตอบ"), "no stale board page");
    let (_, after_api) = json(api.get(app.url(&format!("/api/v1/threads/{thread_id}"))).send().await.unwrap()).await;
    assert_eq!(after_api["posts"].as_array().unwrap().len(), 2, "no stale API thread");

    // Each browser gets its own working CSRF token from the shared rendering.
    let other = app.browser();
    let other_page = other.get(&thread).await;
    assert_ne!(other_page.csrf(), after.csrf());
    let switched = other.post_raw("/lang", &[("csrf", &other_page.csrf()), ("lang", "en"), ("next", &thread)]).await;
    assert_eq!(switched.status, 303);
    assert!(other.get(&thread).await.body.contains("<html lang=\"en\">"), "English after switching");
    assert!(reader.get(&thread).await.body.contains("<html lang=\"th\">"), "the first reader keeps Thai");

    // Conditional requests: an unchanged page is 304.
    let res = reader.client.get(app.url(&thread)).send().await.unwrap();
    let etag = res.headers()["etag"].to_str().unwrap().to_owned();
    let again = reader.client.get(app.url(&thread)).header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(again.status(), 304);
    api.post(app.url(&format!("/api/v1/threads/{thread_id}/posts")))
        .bearer_auth(&token)
        .json(&json!({"body": "อีกคำตอบ"}))
        .send()
        .await
        .unwrap();
    let changed = reader.client.get(app.url(&thread)).header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(changed.status(), 200, "a changed page is sent again");

    // A logged-in member sees their own buttons, not the anonymous page.
    let member = app.browser();
    member.login("author").await;
    let own = member.get(&thread).await;
    assert!(own.body.contains(&format!("/p/{opening}/edit")));
    assert!(!reader.get(&thread).await.body.contains(&format!("/p/{opening}/edit")));
}
both_backends!(cached_pages_follow_every_write);
