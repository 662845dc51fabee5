//! Signing in with an OpenID Connect provider: oidc-provider (an OpenID
//! Certified implementation) under Node, with Sala as its client. The
//! whole browser flow, and what must be refused: a tampered state, a code
//! used twice, and a code issued to another client.

use std::process::{Child, Command, Stdio};

use crate::both_backends;
use crate::harness::{Backend, Browser, TestApp};

/// The provider, on a free port; stopped on drop.
pub struct Provider {
    child: Child,
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn script() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oidc/provider.mjs")
}

/// A free port for the provider, whose issuer URL Sala needs before the
/// provider (which needs Sala's redirect URI) can start.
pub fn provider_port() -> Option<u16> {
    let installed = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oidc/node_modules/oidc-provider");
    if !installed.exists() {
        assert!(
            std::env::var("SALA_REQUIRE_OIDC").is_err(),
            "oidc-provider is required: npm ci --prefix tests/oidc (tests/run does it)"
        );
        eprintln!("skipped: oidc-provider not installed (tests/run installs it)");
        return None;
    }
    Some(std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port())
}

impl Provider {
    pub fn start(port: u16, app: &TestApp) -> Provider {
        let redirect = format!("{}/auth/oidc/callback", app.base);
        let child = Command::new("node")
            .arg(script())
            .arg(port.to_string())
            .arg(redirect)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start node");
        // Owned at once, so that it is stopped even if it never listens.
        let provider = Provider { child };
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return provider;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("oidc-provider did not listen on {port}");
    }
}

pub fn settings(port: u16, client_id: &str) -> sala::config::OidcSettings {
    sala::config::OidcSettings {
        issuer: format!("http://127.0.0.1:{port}"),
        client_id: client_id.into(),
        client_secret: format!("{client_id}-secret"),
        label: "ระบบองค์กร".into(),
        link_by_email: false,
        extra_scopes: vec!["groups".into()],
        groups_claim: "groups".into(),
        admin_group: Some("it-admins".into()),
    }
}

fn absolute(base: &str, location: &str) -> String {
    reqwest::Url::parse(base).unwrap().join(location).unwrap().to_string()
}

/// Goes through the provider's pages as a browser would, from `url`:
/// redirects, the login form (as `who`) and the consent form. Returns the
/// callback URL the provider sends the browser back to Sala with.
async fn through_the_provider(browser: &Browser, mut url: String, who: &str) -> String {
    let forms = scraper::Selector::parse("form").unwrap();
    let inputs = scraper::Selector::parse("input[name]").unwrap();
    for _ in 0..20 {
        if url.starts_with(&browser.base) {
            return url;
        }
        let res = browser.client.get(&url).send().await.unwrap();
        let location = res.headers().get("location").map(|l| l.to_str().unwrap().to_owned());
        if let Some(location) = location {
            url = absolute(&url, &location);
            continue;
        }
        let page = res.text().await.unwrap();
        let (action, fields) = {
            let doc = scraper::Html::parse_document(&page);
            let form = doc.select(&forms).next().unwrap_or_else(|| panic!("a form at {url}: {page}"));
            let action = absolute(&url, form.value().attr("action").unwrap_or(&url));
            let fields: Vec<(String, String)> = form
                .select(&inputs)
                .map(|i| {
                    let name = i.value().attr("name").unwrap().to_owned();
                    let value = match name.as_str() {
                        "login" => who.to_owned(),
                        "password" => "any password".to_owned(),
                        _ => i.value().attr("value").unwrap_or_default().to_owned(),
                    };
                    (name, value)
                })
                .collect();
            (action, fields)
        };
        let res = browser.client.post(&action).form(&fields).send().await.unwrap();
        let location = res.headers().get("location").expect("the form leads on").to_str().unwrap().to_owned();
        url = absolute(&action, &location);
    }
    panic!("the provider never sent the browser back");
}

/// Starts a sign-in at Sala; the provider URL it sends the browser to.
async fn start(browser: &Browser, next: &str) -> String {
    let page = browser.get(&format!("/auth/oidc/start?next={next}")).await;
    assert_eq!(page.status, 303, "{}", page.body);
    page.location.unwrap()
}

fn with_param(url: &str, name: &str, value: &str) -> String {
    let mut parsed = reqwest::Url::parse(url).unwrap();
    let pairs: Vec<(String, String)> = parsed
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == name { value.to_owned() } else { v.into_owned() };
            (k.into_owned(), v)
        })
        .collect();
    parsed.query_pairs_mut().clear().extend_pairs(pairs);
    parsed.to_string()
}

fn param(url: &str, name: &str) -> String {
    reqwest::Url::parse(url).unwrap().query_pairs().find(|(k, _)| k == name).unwrap().1.into_owned()
}

async fn a_new_person_signs_in_with_the_organisations_provider(backend: Backend) {
    let Some(port) = provider_port() else { return };
    let app = TestApp::start_with(backend, move |c| c.oidc = Some(settings(port, "sala"))).await;
    let _provider = Provider::start(port, &app);
    let browser = app.browser();
    let login = browser.get("/login").await.body;
    assert!(login.contains("เข้าสู่ระบบด้วย ระบบองค์กร"), "the button, with its label");

    let at_provider = start(&browser, "/knowledge").await;
    assert!(at_provider.starts_with(&format!("http://127.0.0.1:{port}/auth?")), "{at_provider}");
    assert_eq!(param(&at_provider, "code_challenge_method"), "S256", "PKCE");
    let callback = through_the_provider(&browser, at_provider, "emp-0001").await;
    let path = callback.trim_start_matches(&app.base).to_owned();
    let signed_in = browser.get(&path).await;
    assert_eq!((signed_in.status, signed_in.location.as_deref()), (303, Some("/knowledge")), "{}", signed_in.body);
    let home = browser.get("/").await.body;
    assert!(home.contains("กัญญา ใฝ่รู้"), "signed in under the provider's name");
    // Named by preferred_username; the provider's stable key is its `sub`.
    let kanya = sala::accounts::find_by_username(&mut app.conn(), "kanya").unwrap();
    assert_eq!(kanya.email, "kanya@example.org");
    assert!(kanya.email_confirmed(), "the provider verified the address");

    // The same callback again: the state was used up.
    assert_eq!(browser.get(&path).await.status, 409, "a callback works once");

    // Signing in again finds the same account.
    let again = app.browser();
    let callback = through_the_provider(&again, start(&again, "/").await, "emp-0001").await;
    assert_eq!(again.get(callback.trim_start_matches(&app.base)).await.status, 303);
    assert!(sala::accounts::find_by_username(&mut app.conn(), "kanya-1").is_err(), "no second account");
}
both_backends!(a_new_person_signs_in_with_the_organisations_provider);

async fn tampered_replayed_and_foreign_callbacks_are_refused(backend: Backend) {
    let Some(port) = provider_port() else { return };
    let app = TestApp::start_with(backend, move |c| c.oidc = Some(settings(port, "sala"))).await;
    let _provider = Provider::start(port, &app);

    // A tampered state.
    let browser = app.browser();
    let callback = through_the_provider(&browser, start(&browser, "/").await, "emp-0002").await;
    let tampered = with_param(&callback, "state", "not-the-state");
    assert_eq!(browser.get(tampered.trim_start_matches(&app.base)).await.status, 409);
    // Another browser cannot finish this one's sign-in (login CSRF).
    let stranger = app.browser();
    stranger.get("/").await;
    assert_eq!(stranger.get(callback.trim_start_matches(&app.base)).await.status, 409);

    // A code used twice: the first sign-in uses it, a new sign-in (fresh
    // state) that presents the old code is refused by the provider.
    let first = app.browser();
    let callback = through_the_provider(&first, start(&first, "/").await, "emp-0002").await;
    assert_eq!(first.get(callback.trim_start_matches(&app.base)).await.status, 303);
    let used_code = param(&callback, "code");
    let second = app.browser();
    let fresh = start(&second, "/").await;
    let replay = format!("{}/auth/oidc/callback?code={used_code}&state={}", app.base, param(&fresh, "state"));
    assert_eq!(second.get(replay.trim_start_matches(&app.base)).await.status, 409, "a replayed code");

    // A code issued to another client (another audience) with this
    // browser's valid state: refused.
    let third = app.browser();
    let ours = start(&third, "/").await;
    let theirs = with_param(&ours, "client_id", "other-app");
    let callback = through_the_provider(&third, theirs, "emp-0002").await;
    assert_eq!(param(&callback, "state"), param(&ours, "state"));
    assert_eq!(third.get(callback.trim_start_matches(&app.base)).await.status, 409, "another client's code");
    assert!(sala::accounts::find_by_username(&mut app.conn(), "somsri-1").is_err());
}
both_backends!(tampered_replayed_and_foreign_callbacks_are_refused);

/// A whole sign-in as `who`, in a new browser.
async fn sign_in(app: &TestApp, who: &str) -> Browser {
    let browser = app.browser();
    let callback = through_the_provider(&browser, start(&browser, "/").await, who).await;
    let done = browser.get(callback.trim_start_matches(&app.base)).await;
    assert_eq!(done.status, 303, "{}", done.body);
    browser
}

async fn the_providers_groups_make_admins_and_community_members(backend: Backend) {
    let Some(port) = provider_port() else { return };
    let app = TestApp::start_with(backend, move |c| {
        c.oidc = Some(settings(port, "sala"));
        c.group_mappings = vec![sala::config::GroupMapping {
            group: "km-team".into(),
            community: "km".into(),
            role: sala::vocab::Role::Facilitator,
        }];
    })
    .await;
    let _provider = Provider::start(port, &app);
    let (km, _) = app.community("km");
    let role_in_km = |user_id: i64| app.role_in(&km, user_id);

    // In the admin group and in km-team (written as paths, as Keycloak does).
    let browser = sign_in(&app, "emp-0003").await;
    let prasert = sala::accounts::find_by_username(&mut app.conn(), "prasert").unwrap();
    assert!(prasert.is_admin, "the admin group makes a site admin");
    assert_eq!(role_in_km(prasert.id), Some(sala::vocab::Role::Facilitator), "km-team facilitates km");
    assert_eq!(browser.get("/admin/outbox").await.status, 200, "and the admin pages open");

    // In no group: not an admin, and out of the mapped community someone
    // had put them in by hand.
    sign_in(&app, "emp-0001").await;
    let kanya = sala::accounts::find_by_username(&mut app.conn(), "kanya").unwrap();
    app.join(&kanya, &km);
    assert_eq!(role_in_km(kanya.id), Some(sala::vocab::Role::Member));
    sign_in(&app, "emp-0001").await;
    let kanya = sala::accounts::find_by_username(&mut app.conn(), "kanya").unwrap();
    assert!(!kanya.is_admin);
    assert_eq!(role_in_km(kanya.id), None, "the groups decide the mapped community's members");
}
both_backends!(the_providers_groups_make_admins_and_community_members);
