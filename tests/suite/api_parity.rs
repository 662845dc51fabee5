//! What a page lets someone do, the API does too: integrators and the
//! mobile web never need to scrape pages.

use reqwest::Method;
use serde_json::{json, Value};

use crate::both_backends;
use crate::harness::{api_reply, api_thread, json, Backend, TestApp, PASSWORD};

async fn call(app: &TestApp, method: Method, path: &str, token: &str, body: Option<Value>) -> (u16, Value) {
    let mut req = app.api().request(method, app.url(&format!("/api/v1{path}"))).bearer_auth(token);
    if let Some(body) = body {
        req = req.json(&body);
    }
    json(req.send().await.unwrap()).await
}

async fn facilitators_and_members_do_through_the_api_what_the_pages_do(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (community, board) = app.community("km");
    let admin = app.token(&app.user("chief", true));
    let member = app.user("somchai", false);
    app.join(&member, &community);
    let member_token = app.token(&member);
    let facil = app.user("malee", false);
    app.join(&facil, &community);
    let facil_token = app.token(&facil);

    // Appointing and removing a facilitator (admins only).
    let path = format!("/communities/{}/facilitators/malee", community.slug);
    assert_eq!(call(&app, Method::PUT, &path, &member_token, None).await.0, 403);
    let (status, body) = call(&app, Method::PUT, &path, &admin, None).await;
    assert_eq!((status, body["standing"].as_str()), (200, Some("facilitator")));

    // Boards are edited by facilitators.
    let (status, edited) = call(
        &app,
        Method::PATCH,
        &format!("/boards/{}", board.id),
        &facil_token,
        Some(json!({"slug": "qa", "name": "ถาม-ตอบทั่วไป", "description": "ถามได้ทุกเรื่อง", "position": 0})),
    )
    .await;
    assert_eq!((status, edited["name"].as_str()), (200, Some("ถาม-ตอบทั่วไป")));

    // Lock, unlock, pin and unpin.
    let (thread, post) = api_thread(&app, &member_token, board.id, "question", "ถาม", "รายละเอียด").await;
    assert_eq!(call(&app, Method::POST, &format!("/threads/{thread}/lock"), &member_token, None).await.0, 403);
    let (status, locked) = call(&app, Method::POST, &format!("/threads/{thread}/lock"), &facil_token, None).await;
    assert_eq!((status, locked["is_locked"].as_bool()), (200, Some(true)));
    assert_eq!(api_reply(&app, &member_token, thread, "ตอบได้ไหม").await.0, 409, "locked");
    call(&app, Method::DELETE, &format!("/threads/{thread}/lock"), &facil_token, None).await;
    assert_eq!(api_reply(&app, &member_token, thread, "ตอบได้แล้ว").await.0, 201);
    let (_, pinned) = call(&app, Method::POST, &format!("/threads/{thread}/pin"), &facil_token, None).await;
    assert_eq!(pinned["is_pinned"], true);
    let (_, unpinned) = call(&app, Method::DELETE, &format!("/threads/{thread}/pin"), &facil_token, None).await;
    assert_eq!(unpinned["is_pinned"], false);
    let (_, removed) = call(&app, Method::DELETE, &path, &admin, None).await;
    assert_eq!(removed["standing"], "member");

    // A post's history.
    call(&app, Method::PATCH, &format!("/posts/{post}"), &member_token, Some(json!({"body": "รายละเอียดที่แก้แล้ว"}))).await;
    let (status, history) = call(&app, Method::GET, &format!("/posts/{post}/revisions"), &member_token, None).await;
    assert_eq!(status, 200);
    let bodies: Vec<&str> =
        history["revisions"].as_array().unwrap().iter().map(|r| r["body_md"].as_str().unwrap()).collect();
    assert_eq!(bodies, vec!["รายละเอียด", "รายละเอียดที่แก้แล้ว"]);

    // Settings: notification emails, language, password.
    let (status, settings) = call(
        &app,
        Method::PUT,
        "/me/notification-settings",
        &member_token,
        Some(json!({"notify_replies": false, "notify_resolved": true})),
    )
    .await;
    assert_eq!((status, settings["notify_replies"].as_bool()), (200, Some(false)));
    let stored = sala::accounts::find(&mut app.conn(), member.id).unwrap();
    assert!(!stored.notify_replies && stored.notify_resolved);
    assert_eq!(call(&app, Method::PUT, "/me/locale", &member_token, Some(json!({"locale": "en"}))).await.0, 200);
    assert_eq!(call(&app, Method::PUT, "/me/locale", &member_token, Some(json!({"locale": "fr"}))).await.0, 422);
    let (status, changed) = call(
        &app,
        Method::POST,
        "/me/password",
        &member_token,
        Some(json!({"current_password": PASSWORD, "new_password": "another long passphrase"})),
    )
    .await;
    assert_eq!(status, 200);
    let fresh = changed["token"].as_str().unwrap();
    assert_eq!(call(&app, Method::GET, "/me", &member_token, None).await.0, 401, "the old session ended");
    let (_, me) = call(&app, Method::GET, "/me", fresh, None).await;
    assert_eq!(me["user"]["locale"], "en");

    // A profile, as anyone may see it.
    let (status, profile) = json(app.api().get(app.url("/api/v1/users/somchai")).send().await.unwrap()).await;
    assert_eq!((status, profile["user"]["display_name"].as_str()), (200, Some("somchai display")));
    assert!(profile["posts"].as_array().unwrap().len() >= 2);
}
both_backends!(facilitators_and_members_do_through_the_api_what_the_pages_do);
