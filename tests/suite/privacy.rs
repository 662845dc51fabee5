//! People's own data (Thailand's PDPA): a profile with unit and position,
//! a copy of everything they wrote, an address changed only through a link
//! sent to the new one, and an account closed for good with its posts kept
//! under "former member".

use serde_json::json;

use crate::both_backends;
use crate::harness::{api_thread, json, mailed_token, Backend, TestApp, PASSWORD};
use crate::smtp::{digest_run, SmtpSink};

async fn profile_export_and_closing_an_account(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (community, board) = app.community("km");
    let somchai = app.user("somchai", false);
    app.join(&somchai, &community);
    let token = app.token(&somchai);
    let (thread_id, _) = api_thread(&app, &token, board.id, "question", "ขอแบบฟอร์มเบิกค่าเดินทาง", "ใช้แบบไหนครับ").await;
    let api = app.api();

    let (status, me) = json(
        api.patch(app.url("/api/v1/me"))
            .bearer_auth(&token)
            .json(&json!({"display_name": "สมชาย ใจดี", "unit": "กองคลัง", "position": "นักวิชาการเงินและบัญชี"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["user"]["unit"], "กองคลัง");
    let (status, _) = json(
        api.patch(app.url("/api/v1/me")).bearer_auth(&token).json(&json!({"display_name": " "})).send().await.unwrap(),
    )
    .await;
    assert_eq!(status, 422, "a name cannot be blank");
    let profile = app.browser().get("/u/somchai").await.body;
    assert!(profile.contains("สมชาย ใจดี") && profile.contains("นักวิชาการเงินและบัญชี · กองคลัง"), "{profile}");

    let (status, export) = json(api.get(app.url("/api/v1/me/export")).bearer_auth(&token).send().await.unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(export["profile"]["email"], "somchai@example.org");
    assert_eq!(export["memberships"][0]["community"], community.slug.as_str());
    let posts = export["posts"].as_array().unwrap();
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0]["body_md"], "ใช้แบบไหนครับ");
    assert_eq!(posts[0]["thread_title"], "ขอแบบฟอร์มเบิกค่าเดินทาง");

    let browser = app.browser();
    browser.login("somchai").await;
    let download = browser.get("/settings/export").await;
    assert_eq!(download.status, 200);
    assert!(download.body.contains("ใช้แบบไหนครับ"), "the settings page's download holds the posts");

    let refused = browser.submit("/settings/close", &[("password", "not my password")]).await;
    assert_eq!(refused.status, 422);
    let closed = browser.submit("/settings/close", &[("password", PASSWORD)]).await;
    assert_eq!(closed.status, 303);
    assert_eq!(browser.get("/settings").await.status, 303, "the closing browser is signed out");
    assert_eq!(json(api.get(app.url("/api/v1/me")).bearer_auth(&token).send().await.unwrap()).await.0, 401);
    for login in ["somchai", "somchai@example.org"] {
        let (status, _) = json(
            api.post(app.url("/api/v1/auth/login"))
                .json(&json!({"login": login, "password": PASSWORD}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 401, "a closed account cannot sign in as {login}");
    }
    let thread = app.browser().get(&format!("/t/{thread_id}")).await.body;
    assert!(thread.contains("ใช้แบบไหนครับ"), "the post stays");
    assert!(thread.contains("อดีตสมาชิก") && !thread.contains("สมชาย"), "attributed to a former member");
    let members = app.browser().get(&format!("/c/{}", community.slug)).await.body;
    assert!(!members.contains("สมชาย"));
}
both_backends!(profile_export_and_closing_an_account);

async fn changing_email_needs_the_link_sent_to_the_new_address(backend: Backend) {
    let app = TestApp::start(backend).await;
    let smtp = SmtpSink::start();
    app.user("malee", false);
    app.user("other", false);
    let browser = app.browser();
    browser.login("malee").await;
    let wrong = browser.submit("/settings/email", &[("email", "malee@new.example.org"), ("password", "nope")]).await;
    assert_eq!(wrong.status, 422, "the password is asked for");
    let taken = browser.submit("/settings/email", &[("email", "other@example.org"), ("password", PASSWORD)]).await;
    assert_eq!(taken.status, 422, "another account's confirmed address");
    let sent = browser.submit("/settings/email", &[("email", "Malee@New.example.org"), ("password", PASSWORD)]).await;
    assert_eq!(sent.status, 303);
    assert!(browser.get("/settings").await.body.contains("malee@example.org"), "the old address holds until the link");

    assert!(digest_run(&app, &smtp, &[]).status.success());
    assert!(mailed_token(&smtp, "malee@example.org", "/settings/email/").is_none(), "the link goes to the new address");
    let link = mailed_token(&smtp, "malee@new.example.org", "/settings/email/").expect("a link to the new address");
    assert_eq!(browser.get(&format!("/settings/email/{link}")).await.status, 200);
    let changed = browser.submit(&format!("/settings/email/{link}"), &[]).await;
    assert_eq!(changed.status, 303);
    let settings = browser.get("/settings").await.body;
    assert!(settings.contains("malee@new.example.org") && settings.contains("เปลี่ยนอีเมลแล้ว"), "done, and said so");
    assert_eq!(browser.submit(&format!("/settings/email/{link}"), &[]).await.status, 410, "a link works once");
    let (status, _) = json(
        app.api()
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({"login": "malee@new.example.org", "password": PASSWORD}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "the new address signs in");
}
both_backends!(changing_email_needs_the_link_sent_to_the_new_address);
