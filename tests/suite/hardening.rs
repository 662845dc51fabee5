//! What two probes of Sala, as an attacker and as a careless operator,
//! found wrong: redirects, headers, HTTP details. Each test here failed
//! before its fix.

use crate::both_backends;
use serde_json::json;

use crate::harness::{api_reply, json, Backend, TestApp, PASSWORD};

const OFF_SITE_TARGETS: &[&str] = &[
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/%2F/evil.example",
    "/%2f%2fevil.example",
    "/%5Cevil.example",
    "/%09/evil.example",
    "/%0d%0aSet-Cookie:%20x=1",
    "/x\r\nSet-Cookie: x=1",
    "javascript:alert(1)",
];

async fn redirects_never_leave_the_site(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.user("somchai", false);
    for target in OFF_SITE_TARGETS {
        // After logging in.
        let browser = app.browser();
        let page = browser.submit("/login", &[("login", "somchai"), ("password", PASSWORD), ("next", target)]).await;
        assert_eq!((page.status, page.location.as_deref()), (303, Some("/")), "login next={target:?}");
        // After switching language.
        let page = browser.submit("/lang", &[("lang", "en"), ("next", target)]).await;
        assert_eq!((page.status, page.location.as_deref()), (303, Some("/")), "lang next={target:?}");
        // The login page refuses it (control characters) or puts `/` in its form.
        let res = app.api().get(app.url("/login")).query(&[("next", target)]).send().await.unwrap();
        match res.status().as_u16() {
            422 => assert!(target.chars().any(char::is_control), "{target:?}"),
            status => {
                assert_eq!(status, 200, "login page next={target:?}");
                let body = res.text().await.unwrap();
                assert_eq!(hidden_field(&body, "/login", "next").as_deref(), Some("/"), "{target:?}");
            }
        }
    }
    // A path on this site is kept.
    let browser = app.browser();
    let page =
        browser.submit("/login", &[("login", "somchai"), ("password", PASSWORD), ("next", "/knowledge?x=1")]).await;
    assert_eq!(page.location.as_deref(), Some("/knowledge?x=1"));
}
both_backends!(redirects_never_leave_the_site);

/// The value of a field of the form that posts to `action`.
fn hidden_field(html: &str, action: &str, name: &str) -> Option<String> {
    let doc = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse(&format!(r#"form[action="{action}"] input[name="{name}"]"#)).unwrap();
    doc.select(&selector).next().and_then(|el| el.value().attr("value")).map(str::to_owned)
}

async fn every_response_carries_the_security_headers(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (community, board) = app.community("km");
    let member = app.user("somchai", false);
    app.join(&member, &community);
    let token = app.token(&member);
    let (thread_id, _) = crate::harness::api_thread(&app, &token, board.id, "question", "หัวข้อ", "เนื้อหา").await;
    let api = app.api();

    let anonymous = api.get(app.url(&format!("/t/{thread_id}"))).send().await.unwrap();
    let csp = anonymous.headers()["content-security-policy"].to_str().unwrap().to_owned();
    for directive in ["script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "object-src 'none'"] {
        assert!(csp.contains(directive), "{directive} in {csp}");
    }
    assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), "{csp}");
    assert_eq!(anonymous.headers()["x-frame-options"], "DENY");
    assert_eq!(anonymous.headers()["x-content-type-options"], "nosniff");
    assert!(anonymous.headers().contains_key("referrer-policy"));
    assert!(!anonymous.headers().contains_key("strict-transport-security"), "plain http: no HSTS");
    // The page itself needs nothing the policy forbids: no inline script,
    // style element or style attribute.
    let html = anonymous.text().await.unwrap();
    let doc = scraper::Html::parse_document(&html);
    for el in doc.select(&scraper::Selector::parse("script, style, [style], [onclick]").unwrap()) {
        assert!(
            el.value().name() == "script" && el.value().attr("src").is_some(),
            "inline code the policy would block: {}",
            el.html()
        );
    }

    // Signed in, by cookie or by token: private and never stored.
    let browser = app.browser();
    browser.login("somchai").await;
    let res = browser.client.get(app.url(&format!("/t/{thread_id}"))).send().await.unwrap();
    assert_eq!(res.headers()["cache-control"], "private, no-store");
    let res = api.get(app.url("/api/v1/me")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(res.headers()["cache-control"], "private, no-store");
    assert!(res.headers().contains_key("content-security-policy"));
    let login = app.browser().submit("/login", &[("login", "somchai"), ("password", PASSWORD)]).await;
    assert_eq!(login.status, 303);

    // Behind https: HSTS.
    let secure = TestApp::start_with(backend, |c| c.base_url = "https://sala.example.go.th".into()).await;
    let res = secure.api().get(secure.url("/")).send().await.unwrap();
    assert!(res.headers()["strict-transport-security"].to_str().unwrap().contains("max-age="));
}
both_backends!(every_response_carries_the_security_headers);

async fn head_answers_like_get_and_a_wrong_method_gets_405(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (community, _) = app.community("km");
    let api = app.api();

    for path in ["/healthz", "/", &format!("/c/{}", community.slug), "/api/v1/communities"] {
        let get = api.get(app.url(path)).send().await.unwrap();
        let get_type = get.headers()["content-type"].clone();
        let head = api.head(app.url(path)).send().await.unwrap();
        assert_eq!(head.status(), 200, "HEAD {path}");
        assert_eq!(head.headers()["content-type"], get_type, "HEAD {path}");
        assert!(head.bytes().await.unwrap().is_empty(), "HEAD {path} has no body");
    }

    let res = api.delete(app.url("/login")).send().await.unwrap();
    assert_eq!(res.status(), 405);
    assert_eq!(res.headers()["allow"], "GET, HEAD, POST");
    assert!(res.text().await.unwrap().contains("<html"), "a page for a browser");

    let res = api.put(app.url("/api/v1/threads/1")).send().await.unwrap();
    assert_eq!(res.status(), 405);
    assert_eq!(res.headers()["allow"], "GET, HEAD");
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let (_, body) = json(res).await;
    assert_eq!(body["status"], 405);

    // Unknown paths are still 404.
    assert_eq!(api.delete(app.url("/no/such/thing")).send().await.unwrap().status(), 404);
}
both_backends!(head_answers_like_get_and_a_wrong_method_gets_405);

/// The field names of a 422 problem.
fn invalid_fields(body: &serde_json::Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .map_or_else(Vec::new, |list| list.iter().filter_map(|e| e["field"].as_str().map(str::to_owned)).collect())
}

async fn control_characters_and_huge_numbers_never_give_a_500(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (community, board) = app.community("km");
    let member = app.user("somchai", false);
    app.join(&member, &community);
    let token = app.token(&member);
    let api = app.api();
    let (thread_id, _) = crate::harness::api_thread(&app, &token, board.id, "question", "หัวข้อ", "เนื้อหา").await;

    // Text fields: 422 naming the field, on both backends alike.
    let threads = app.url(&format!("/api/v1/boards/{}/threads", board.id));
    for (field, body) in [
        ("title", json!({"kind": "question", "title": "a\u{0}b", "body": "ok"})),
        ("body", json!({"kind": "question", "title": "ok", "body": "a\u{0}b"})),
        ("title", json!({"kind": "question", "title": "a\u{202E}b", "body": "ok"})),
    ] {
        let (status, problem) = json(api.post(&threads).bearer_auth(&token).json(&body).send().await.unwrap()).await;
        assert_eq!((status, invalid_fields(&problem)), (422, vec![field.to_owned()]), "{body}");
    }
    let (status, problem) = json(
        api.post(app.url(&format!("/api/v1/threads/{thread_id}/posts")))
            .bearer_auth(&token)
            .json(&json!({"body": "\u{0}"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, invalid_fields(&problem)), (422, vec!["body".to_owned()]));
    // Display names: no control characters, no bidi overrides.
    for name in ["nul\u{0}name", "admin\u{202E}nimda", "two\nlines"] {
        let (status, problem) = json(
            api.post(app.url("/api/v1/auth/register"))
                .json(&json!({"username": "newbie", "display_name": name, "email": "newbie@example.org", "password": PASSWORD}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!((status, invalid_fields(&problem)), (422, vec!["display_name".to_owned()]), "{name:?}");
    }
    // The login name, by API and by form.
    let (status, problem) = json(
        api.post(app.url("/api/v1/auth/login"))
            .json(&json!({"login": "som\u{0}chai", "password": PASSWORD}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, invalid_fields(&problem)), (422, vec!["login".to_owned()]));
    let page = app.browser().submit("/login", &[("login", "som\u{0}chai"), ("password", PASSWORD)]).await;
    assert_eq!(page.status, 422);

    // Path segments: 404. Query parameters: 422 naming the parameter.
    for path in ["/c/%00", "/u/som%00chai", "/knowledge/tags/%00", "/api/v1/communities/km%00", "/c/km/b/q%01a"] {
        assert_eq!(api.get(app.url(path)).send().await.unwrap().status(), 404, "{path}");
    }
    let (status, problem) = json(api.get(app.url("/api/v1/search?q=a%00b")).send().await.unwrap()).await;
    assert_eq!((status, invalid_fields(&problem)), (422, vec!["q".to_owned()]));
    assert_eq!(api.get(app.url("/search?q=%00&author=x")).send().await.unwrap().status(), 422);

    // Page numbers past anything real: an empty page, never an overflow.
    for page in ["99999999999999999999999", "18446744073709551615", "9223372036854775807", "1000001"] {
        let res = api.get(app.url(&format!("/api/v1/boards/{}/threads?page={page}", board.id))).send().await.unwrap();
        assert_eq!(res.status(), 200, "page={page}");
        let (_, listing) = json(res).await;
        assert_eq!(listing["threads"].as_array().map(Vec::len), Some(0), "page={page}");
        let board_page = app.browser().get(&format!("/c/km/b/{}?page={page}", board.slug)).await;
        assert_eq!(board_page.status, 200, "board page={page}");
        assert_eq!(app.browser().get(&format!("/t/{thread_id}?page={page}")).await.status, 200);
    }
    assert_eq!(api.get(app.url("/api/v1/search?q=x&page=99999999999999999999999")).send().await.unwrap().status(), 400);
}
both_backends!(control_characters_and_huge_numbers_never_give_a_500);

/// Concurrent identical writes: one wins, the others see its row; nobody
/// gets a duplicate-key 500.
async fn identical_writes_at_once_never_collide(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (community, _) = app.community("km");
    let members: Vec<_> = (0..4).map(|i| app.user(&format!("member{i}"), false)).collect();
    let mut requests = Vec::new();
    for member in &members {
        let token = app.token(member);
        // Joining twice at once, and setting one subscription eight times at once.
        for _ in 0..2 {
            let req =
                app.api().post(app.url(&format!("/api/v1/communities/{}/join", community.slug))).bearer_auth(&token);
            requests.push(req);
        }
        for frequency in ["daily", "weekly"].iter().cycle().take(8) {
            let req = app
                .api()
                .put(app.url(&format!("/api/v1/communities/{}/subscription", community.slug)))
                .bearer_auth(&token)
                .json(&json!({"frequency": frequency}));
            requests.push(req);
        }
    }
    let statuses = futures_util::future::join_all(
        requests.into_iter().map(|r| async move { r.send().await.unwrap().status().as_u16() }),
    )
    .await;
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    let (_, detail) =
        json(app.api().get(app.url(&format!("/api/v1/communities/{}", community.slug))).send().await.unwrap()).await;
    assert_eq!(detail["member_count"], 4, "each member counted once");
}
both_backends!(identical_writes_at_once_never_collide);

async fn an_email_is_one_plain_address(backend: Backend) {
    let app = TestApp::start(backend).await;
    let victim = app.user("victim", false);
    for email in [
        format!("x<{}>", victim.email),
        format!("Someone <{}>", victim.email),
        format!("{}, other@example.org", victim.email),
        format!("\"{}\"@example.org", victim.username),
        format!("{} (me)", victim.email),
    ] {
        let (status, problem) = json(
            app.api()
                .post(app.url("/api/v1/auth/register"))
                .json(&json!({"username": "mallory", "display_name": "M", "email": email, "password": PASSWORD}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!((status, invalid_fields(&problem)), (422, vec!["email".to_owned()]), "{email}");
    }
}
both_backends!(an_email_is_one_plain_address);

/// The deepest element nesting in an HTML fragment.
fn nesting_depth(html: &str) -> usize {
    let doc = scraper::Html::parse_fragment(html);
    doc.tree.nodes().map(|node| node.ancestors().count()).max().unwrap_or(0)
}

async fn previews_are_checked_before_rendering_and_rendering_is_bounded(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (community, board) = app.community("km");
    let member = app.user("somchai", false);
    app.join(&member, &community);
    let token = app.token(&member);
    let (thread_id, _) = crate::harness::api_thread(&app, &token, board.id, "question", "หัวข้อ", "เนื้อหา").await;
    let deep = ">".repeat(5_000) + " ลึกมาก";

    // Someone who may not reply here gets no preview rendered for them.
    app.user("outsider", false);
    let outsider = app.browser();
    outsider.login("outsider").await;
    let page = outsider.submit(&format!("/t/{thread_id}/reply"), &[("body", &deep), ("action", "preview")]).await;
    assert_eq!(page.status, 403, "not a member: no preview");
    let anonymous = app.browser();
    let page = anonymous.submit(&format!("/t/{thread_id}/reply"), &[("body", &deep), ("action", "preview")]).await;
    assert_eq!(page.status, 303, "anonymous: off to log in");

    // Too long to post is too long to preview; the text comes back.
    let browser = app.browser();
    browser.login("somchai").await;
    let new_thread = format!("/c/{}/b/{}/new", community.slug, board.slug);
    let long = "a".repeat(sala::threads::MAX_BODY_CHARS + 1);
    let page = browser
        .submit(&new_thread, &[("kind", "question"), ("title", "t"), ("body", &long), ("action", "preview")])
        .await;
    assert_eq!(page.status, 422);

    // A member's preview of deep nesting is cut at a fixed depth.
    let page = browser
        .submit(&new_thread, &[("kind", "question"), ("title", "t"), ("body", &deep), ("action", "preview")])
        .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("ลึกมาก"), "the words are kept");
    let (_, created) = api_reply(&app, &token, thread_id, &deep).await;
    let html = created["body_html"].as_str().unwrap();
    // The cap, plus the paragraph, its text, and the fragment's root and document.
    assert!(nesting_depth(html) <= sala::markdown::MAX_NESTING + 4, "depth {}", nesting_depth(html));

    // A table cannot blow a few kilobytes up into megabytes.
    let mut table = format!("|{}\n|{}\n", "a|".repeat(1_400), "-|".repeat(1_400));
    table.push_str(&"x\n".repeat(1_000));
    let table: String = table.chars().take(6_000).collect();
    let (_, created) = api_reply(&app, &token, thread_id, &table).await;
    let html = created["body_html"].as_str().unwrap();
    assert!(html.len() <= table.len() * sala::markdown::MAX_GROWTH + 16 * 1024, "{} bytes of HTML", html.len());
}
both_backends!(previews_are_checked_before_rendering_and_rendering_is_bounded);

async fn a_posts_history_shows_the_html_stored_with_each_revision(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (community, board) = app.community("km");
    let member = app.user("somchai", false);
    app.join(&member, &community);
    let token = app.token(&member);
    let (_, post_id) = crate::harness::api_thread(&app, &token, board.id, "question", "หัวข้อ", "ฉบับแรก").await;
    let res = app
        .api()
        .patch(app.url(&format!("/api/v1/posts/{post_id}")))
        .bearer_auth(&token)
        .json(&json!({"body": "ฉบับ **สอง**"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    {
        use diesel::prelude::*;
        use sala::db::schema::post_revisions as r;
        let stored: Vec<String> = r::table
            .filter(r::post_id.eq(post_id))
            .order(r::id.asc())
            .select(r::body_html)
            .load(&mut app.conn())
            .unwrap();
        assert_eq!(stored, vec!["<p>ฉบับแรก</p>\n", "<p>ฉบับ <strong>สอง</strong></p>\n"]);
        // What the page shows is what was stored, not a new rendering.
        diesel::update(r::table.filter(r::post_id.eq(post_id)))
            .set(r::body_html.eq(r::body_html.concat("<p>stored-marker</p>")))
            .execute(&mut app.conn())
            .unwrap();
    }
    let page = app.browser().get(&format!("/p/{post_id}/history")).await;
    assert_eq!(page.status, 200);
    assert_eq!(page.body.matches("stored-marker").count(), 2, "{}", page.body);

    // Rows from before the column existed are filled in once, at migration.
    {
        use diesel::prelude::*;
        use sala::db::schema::post_revisions as r;
        diesel::update(r::table).set(r::body_html.eq("")).execute(&mut app.conn()).unwrap();
        assert_eq!(sala::threads::backfill_revision_html(&mut app.conn()).unwrap(), 2);
        let stored: Vec<String> = r::table
            .filter(r::post_id.eq(post_id))
            .order(r::id.asc())
            .select(r::body_html)
            .load(&mut app.conn())
            .unwrap();
        assert_eq!(stored[1], "<p>ฉบับ <strong>สอง</strong></p>\n");
    }
}
both_backends!(a_posts_history_shows_the_html_stored_with_each_revision);
