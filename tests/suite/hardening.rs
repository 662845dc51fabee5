//! What two probes of Sala, as an attacker and as a careless operator,
//! found wrong: redirects, headers, HTTP details. Each test here failed
//! before its fix.

use crate::both_backends;
use crate::harness::{json, Backend, TestApp, PASSWORD};

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
        // The login page never carries it into its form.
        let res = app.api().get(app.url("/login")).query(&[("next", target)]).send().await.unwrap();
        assert_eq!(res.status(), 200, "login page next={target:?}");
        let body = res.text().await.unwrap();
        assert_eq!(hidden_field(&body, "/login", "next").as_deref(), Some("/"), "login page next={target:?}");
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
