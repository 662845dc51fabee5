//! XSS, CSRF, session revocation and login throttling.

use serde_json::json;

use crate::both_backends;
use crate::harness::{api_thread, json, Backend, TestApp, PASSWORD};

const XSS_PAYLOADS: &[&str] = &[
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<img src=x onerror=alert(1)>",
    "<div onmouseover=\"alert(1)\">hover</div>",
    "<svg onload=alert(1)><circle r=10></circle></svg>",
    "<svg><script>alert(1)</script></svg>",
    "![x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](data:text/html,<script>alert(1)</script>)",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<object data=\"x.swf\"></object><embed src=x.swf>",
    "<style>body{display:none}</style>",
    "<form action=/logout><button>x</button></form>",
    "<input type=text onfocus=alert(1) autofocus>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<a href=\"vbscript:msgbox(1)\">v</a>",
    "`<script>alert(1)</script>` and ```\n<script>alert(2)</script>\n```",
    "<p style=\"background:url(javascript:alert(1))\">styled</p>",
    "\"><script>alert(1)</script>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
];

/// Every element and attribute inside rendered posts must be inert.
fn assert_inert(html: &str) {
    let doc = scraper::Html::parse_fragment(html);
    for node in doc.tree.nodes() {
        if let Some(el) = node.value().as_element() {
            let name = el.name();
            assert!(
                !["script", "iframe", "object", "embed", "style", "svg", "math", "form", "meta", "link", "base"]
                    .contains(&name),
                "active element <{name}> in {html}"
            );
            if name == "input" {
                assert_eq!(el.attr("type"), Some("checkbox"), "only task-list checkboxes: {html}");
            }
            for (attr, value) in el.attrs() {
                assert!(!attr.starts_with("on"), "event handler {attr} in {html}");
                assert!(attr != "style", "inline style in {html}");
                let v = value.trim().to_ascii_lowercase();
                assert!(
                    !(v.starts_with("javascript:") || v.starts_with("vbscript:") || v.starts_with("data:")),
                    "dangerous URL {value} in {html}"
                );
            }
        }
    }
}

async fn xss_payloads_never_become_active(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (community, board) = app.community("km");
    let user = app.user("mallory", false);
    app.join(&user, &community);
    let token = app.token(&user);
    let api = app.api();
    let (thread_id, _) =
        api_thread(&app, &token, board.id, "question", "<script>alert('title')</script>", XSS_PAYLOADS[0]).await;
    for payload in &XSS_PAYLOADS[1..] {
        let res = api
            .post(app.url(&format!("/api/v1/threads/{thread_id}/posts")))
            .bearer_auth(&token)
            .json(&json!({"body": payload}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
    }
    let (_, page) = json(api.get(app.url(&format!("/api/v1/threads/{thread_id}"))).send().await.unwrap()).await;
    let posts = page["posts"].as_array().unwrap();
    assert_eq!(posts.len(), XSS_PAYLOADS.len());
    for post in posts {
        assert_inert(post["body_html"].as_str().unwrap());
    }

    // On the page itself: only our own script tag, and the title escaped.
    let html = app.browser().get(&format!("/t/{thread_id}")).await.body;
    let doc = scraper::Html::parse_document(&html);
    let scripts: Vec<_> = doc.select(&scraper::Selector::parse("script").unwrap()).collect();
    assert_eq!(scripts.len(), 1, "only the app's own script");
    assert!(scripts[0].value().attr("src").unwrap().starts_with("/assets/app."));
    assert!(html.contains("&lt;script&gt;alert(&#x27;title&#x27;)&lt;&#x2F;script&gt;"), "title is escaped");
    for body in doc.select(&scraper::Selector::parse(".post-body").unwrap()) {
        assert_inert(&body.inner_html());
    }
}
both_backends!(xss_payloads_never_become_active);

async fn forms_need_a_valid_csrf_token(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (community, _) = app.community("km");
    app.user("somchai", false);
    let browser = app.browser();
    browser.login("somchai").await;
    let join = format!("/c/{}/join", community.slug);

    let missing = browser.post_raw(&join, &[]).await;
    assert_eq!(missing.status, 403);
    assert!(missing.body.contains("แบบฟอร์มหมดอายุ"), "a clear message: {}", missing.body);
    let forged = browser.post_raw(&join, &[("csrf", "00ff00ff")]).await;
    assert_eq!(forged.status, 403);
    // Another browser's token does not work here either.
    let other = app.browser();
    let other_token = other.get("/").await.csrf();
    assert_eq!(browser.post_raw(&join, &[("csrf", &other_token)]).await.status, 403);
    // Nothing happened.
    assert!(browser.get(&format!("/c/{}", community.slug)).await.body.contains("/join"), "still not a member");
    // The real token works.
    assert_eq!(browser.submit(&join, &[]).await.status, 303);
}
both_backends!(forms_need_a_valid_csrf_token);

async fn logout_everywhere_and_password_change_revoke_old_tokens(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (community, _) = app.community("km");
    let user = app.user("nipa", false);
    let api = app.api();
    let old_bearer = app.token(&user);
    assert_eq!(api.get(app.url("/api/v1/me")).bearer_auth(&old_bearer).send().await.unwrap().status(), 200);

    let browser = app.browser();
    browser.login("nipa").await;
    let stale_form_token = browser.get("/").await.csrf();
    let second_device = app.browser();
    second_device.login("nipa").await;

    let out = browser.submit("/settings/logout-everywhere", &[]).await;
    assert_eq!(out.status, 303);
    assert_eq!(api.get(app.url("/api/v1/me")).bearer_auth(&old_bearer).send().await.unwrap().status(), 401);
    let settings = second_device.get("/settings").await;
    assert_eq!(settings.status, 303, "the other device's session is gone");
    assert!(settings.location.unwrap().starts_with("/login"));
    // A form token issued before is refused even after logging in again.
    browser.login("nipa").await;
    let join = format!("/c/{}/join", community.slug);
    assert_eq!(browser.post_raw(&join, &[("csrf", &stale_form_token)]).await.status, 403);

    // Changing the password revokes too, but keeps this browser logged in.
    let bearer = app.token(&user);
    let changed = browser
        .submit("/settings/password", &[("current_password", PASSWORD), ("new_password", "a brand new passphrase")])
        .await;
    assert_eq!(changed.status, 303, "{}", changed.body);
    assert_eq!(browser.get("/settings").await.status, 200, "still logged in here");
    assert_eq!(api.get(app.url("/api/v1/me")).bearer_auth(&bearer).send().await.unwrap().status(), 401);
    let (status, _) = json(
        api.post(app.url("/api/v1/auth/login"))
            .json(&json!({"login": "nipa", "password": PASSWORD}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 401, "old password no longer works");
}
both_backends!(logout_everywhere_and_password_change_revoke_old_tokens);

async fn repeated_failed_logins_are_refused_for_a_while(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.user("wichai", false);
    let api = app.api();
    for _ in 0..5 {
        let (status, body) = json(
            api.post(app.url("/api/v1/auth/login"))
                .json(&json!({"login": "wichai", "password": "wrong guess"}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 401, "{body}");
    }
    let res = api
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"login": "wichai", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 429, "even the right password waits out the lock");
    assert!(res.headers().get("retry-after").is_some());
    // The page says so in words.
    let page = app.browser().submit("/login", &[("login", "wichai"), ("password", PASSWORD)]).await;
    assert_eq!(page.status, 429);
    assert!(page.body.contains("นาที"), "{}", page.body);
}
both_backends!(repeated_failed_logins_are_refused_for_a_while);

async fn session_cookie_is_httponly_and_samesite(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.user("john", false);
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let first = client.get(app.url("/login")).send().await.unwrap();
    let csrf_cookie = first.headers().get("set-cookie").unwrap().to_str().unwrap().to_owned();
    assert!(csrf_cookie.contains("HttpOnly") && csrf_cookie.contains("SameSite=Lax"), "{csrf_cookie}");
    let body = first.text().await.unwrap();
    let token = regex::Regex::new(r#"name="csrf" value="([0-9a-f]+)""#).unwrap().captures(&body).unwrap()[1].to_owned();
    let nonce = csrf_cookie.split(';').next().unwrap().to_owned();
    let res = client
        .post(app.url("/login"))
        .header("cookie", nonce)
        .form(&[("csrf", token.as_str()), ("login", "john"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let session = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("sala_session="))
        .expect("session cookie");
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Lax") && session.contains("Path=/"),
        "{session}"
    );
}
both_backends!(session_cookie_is_httponly_and_samesite);

/// Tokens signed with another algorithm or key are refused (algorithm pinned).
async fn forged_tokens_are_refused(backend: Backend) {
    let app = TestApp::start(backend).await;
    let user = app.user("eve", true);
    let api = app.api();
    let header = base64_url(r#"{"alg":"none","typ":"JWT"}"#);
    let claims = base64_url(&format!(r#"{{"sub":"{}","ver":0,"iat":0,"exp":9999999999}}"#, user.id));
    let unsigned = format!("{header}.{claims}.");
    assert_eq!(api.get(app.url("/api/v1/me")).bearer_auth(&unsigned).send().await.unwrap().status(), 401);
    let other_key =
        sala::accounts::tokens::issue(b"another-secret-another-secret-another!!", &user, "no-such-session", 1).unwrap();
    assert_eq!(api.get(app.url("/api/v1/me")).bearer_auth(&other_key).send().await.unwrap().status(), 401);
}
both_backends!(forged_tokens_are_refused);

fn base64_url(s: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s)
}
