//! Each error status, for the API (problem+json) and for pages (HTML).

use serde_json::json;

use crate::both_backends;
use crate::harness::{json, Backend, TestApp, PASSWORD};

fn assert_problem(res_headers: &reqwest::header::HeaderMap) {
    let ct = res_headers.get("content-type").unwrap().to_str().unwrap();
    assert_eq!(ct, "application/problem+json");
}

async fn api_errors_are_problem_json(backend: Backend) {
    let app = TestApp::start_with(backend, |c| c.body_limit_bytes = 64 * 1024).await;
    let (community, board) = app.community("km");
    let member = app.user("somchai", false);
    let other = app.user("malee", false);
    app.join(&member, &community);
    app.join(&other, &community);
    let token = app.token(&member);
    let api = app.api();
    let threads = app.url(&format!("/api/v1/boards/{}/threads", board.id));

    // 401: no token.
    let res = api.post(&threads).json(&json!({"kind": "question", "title": "t", "body": "b"})).send().await.unwrap();
    assert_eq!(res.status(), 401);
    assert_problem(res.headers());
    let (_, body) = json(res).await;
    assert_eq!(body["status"], 401);
    assert!(body["detail"].as_str().unwrap().contains("เข้าสู่ระบบ"), "{body}");

    // 422 naming each failing field, in the requested language.
    let res = api
        .post(&threads)
        .bearer_auth(&token)
        .header("accept-language", "en")
        .json(&json!({"kind": "poll", "title": "x".repeat(201), "body": "  "}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    assert_problem(res.headers());
    let (_, body) = json(res).await;
    let fields: Vec<&str> = body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, vec!["kind", "title", "body"]);
    assert_eq!(body["errors"][1]["message"], "Longer than 200 characters");

    // 400: malformed JSON, and a body that is not JSON at all.
    let res = api
        .post(&threads)
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{\"kind\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert_problem(res.headers());
    let res = api.post(&threads).bearer_auth(&token).body("kind=question").send().await.unwrap();
    assert_eq!(res.status(), 400);

    // 413: over the body limit.
    let huge = json!({"kind": "question", "title": "big", "body": "ก".repeat(70 * 1024)});
    let res = api.post(&threads).bearer_auth(&token).json(&huge).send().await.unwrap();
    assert_eq!(res.status(), 413);
    assert_problem(res.headers());

    // 404: unknown ids, and unknown routes.
    for path in
        ["/api/v1/threads/999999", "/api/v1/boards/424242/threads", "/api/v1/communities/nope", "/api/v1/nothing-here"]
    {
        let res = api.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), 404, "{path}");
        assert_problem(res.headers());
    }
    let res = api.get(app.url("/api/v1/threads/not-a-number")).send().await.unwrap();
    assert_eq!(res.status(), 404);

    // 403: editing someone else's post.
    let (_, created) = json(
        api.post(&threads)
            .bearer_auth(app.token(&other))
            .json(&json!({"kind": "question", "title": "ของมาลี", "body": "ข้อความ"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let post_id = created["post"]["id"].as_i64().unwrap();
    let res = api
        .patch(app.url(&format!("/api/v1/posts/{post_id}")))
        .bearer_auth(&token)
        .json(&json!({"body": "แก้"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert_problem(res.headers());

    // 409: duplicate username and email, naming the field.
    let res = api
        .post(app.url("/api/v1/auth/register"))
        .json(&json!({"username": "somchai", "display_name": "ซ้ำ", "email": "new@example.org", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 409);
    let (_, body) = json(res).await;
    assert_eq!(body["errors"][0]["field"], "username");
    let res = api
        .post(app.url("/api/v1/auth/register"))
        .json(
            &json!({"username": "someone", "display_name": "ซ้ำ", "email": "SOMCHAI@example.org", "password": PASSWORD}),
        )
        .send()
        .await
        .unwrap();
    // A taken address (whatever its case) is not revealed: the sign-up
    // goes through, unconfirmed, and the address's owner is told by mail.
    assert_eq!(res.status(), 201, "a sign-up does not say the address is taken");
    let (_, body) = json(res).await;
    assert_eq!(body["email_confirmed"], false);

    // 422 for a short password, naming the field.
    let (status, body) = json(
        api.post(app.url("/api/v1/auth/register"))
            .json(&json!({"username": "shorty", "display_name": "S", "email": "s@example.org", "password": "1234567"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, body["errors"][0]["field"].as_str()), (422, Some("password")));
}
both_backends!(api_errors_are_problem_json);

async fn page_errors_are_html(backend: Backend) {
    let app = TestApp::start_with(backend, |c| c.body_limit_bytes = 64 * 1024).await;
    let (community, board) = app.community("km");
    let member = app.user("somchai", false);
    app.join(&member, &community);
    let other = app.user("malee", false);
    app.join(&other, &community);
    let anonymous = app.browser();

    // 404 page.
    let page = anonymous.get("/t/999999").await;
    assert_eq!(page.status, 404);
    assert!(page.body.contains("<html") && page.body.contains("ไม่พบหน้าที่คุณต้องการ"));
    assert_eq!(anonymous.get("/no/such/page").await.status, 404);

    // Not logged in: off to the login page, and back afterwards.
    let new_thread = format!("/c/{}/b/{}/new", community.slug, board.slug);
    let page = anonymous.get(&new_thread).await;
    assert_eq!(page.status, 303);
    assert_eq!(page.location.as_deref(), Some(format!("/login?next={}", new_thread.replace('/', "%2F")).as_str()));

    let browser = app.browser();
    browser.login("somchai").await;

    // 422: the form comes back with the message beside the field and the text kept.
    let page = browser
        .submit(&new_thread, &[("kind", "question"), ("title", ""), ("body", "ข้อความที่พิมพ์ไว้"), ("action", "submit")])
        .await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("กรุณากรอกช่องนี้") && page.body.contains("ข้อความที่พิมพ์ไว้"), "{}", page.body);
    assert!(page.body.contains(r#"id="title" name="title" type="text" value="" required aria-invalid="true""#));

    // 400: a malformed form.
    let page = browser.submit("/t/1/reply", &[("parent_id", "abc"), ("body", "x")]).await;
    assert_eq!(page.status, 400);
    assert!(page.body.contains("คำขอมีรูปแบบไม่ถูกต้อง"));

    // 413 page.
    let big = "ก".repeat(70 * 1024);
    let page = browser.submit(&new_thread, &[("kind", "question"), ("title", "big"), ("body", &big)]).await;
    assert_eq!(page.status, 413);
    assert!(page.body.contains("ใหญ่เกินไป"));

    // 403 page: editing someone else's post.
    let other_browser = app.browser();
    other_browser.login("malee").await;
    let created = other_browser
        .submit(&new_thread, &[("kind", "question"), ("title", "ของมาลี"), ("body", "ข้อความ"), ("action", "submit")])
        .await;
    let thread_id: i64 = created.redirect_path().unwrap().trim_start_matches("/t/").parse().unwrap();
    let post_id = sala::threads::opening_post(&mut app.conn(), thread_id).unwrap().id;
    let page = browser.get(&format!("/p/{post_id}/edit")).await;
    assert_eq!(page.status, 403);
    assert!(page.body.contains("คุณไม่มีสิทธิ์"));
    let page = browser.submit(&format!("/p/{post_id}/edit"), &[("body", "แก้"), ("action", "submit")]).await;
    assert_eq!(page.status, 403);

    // 409: a taken username on the sign-up form, in English when asked.
    let newcomer = app.browser();
    newcomer.get("/").await;
    let token = newcomer.get("/register").await.csrf();
    let res = newcomer
        .client
        .post(app.url("/register"))
        .header("accept-language", "en-US,en;q=0.9")
        .form(&[
            ("csrf", token.as_str()),
            ("username", "somchai"),
            ("display_name", "x"),
            ("email", "x@example.org"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 409);
    let body = res.text().await.unwrap();
    assert!(body.contains("Username is already taken"), "{body}");
}
both_backends!(page_errors_are_html);
