//! Who is in: invitations to a private community (invite, accept, decline,
//! used and expired links refused, only facilitators invite), facilitators
//! adding and removing members, admins deactivating accounts, and local
//! passwords turned off with a command-line admin still able to sign in.

use diesel::prelude::*;
use serde_json::{json, Value};

use crate::both_backends;
use crate::harness::{json, mailed_token, Backend, TestApp, PASSWORD};
use crate::smtp::{digest_run, SmtpSink};

async fn call(app: &TestApp, method: reqwest::Method, path: &str, token: &str, body: Option<Value>) -> (u16, Value) {
    let mut req = app.api().request(method, app.url(path)).bearer_auth(token);
    if let Some(body) = body {
        req = req.json(&body);
    }
    json(req.send().await.unwrap()).await
}

async fn the_invitation_flow(backend: Backend) {
    use reqwest::Method;
    let app = TestApp::start(backend).await;
    let smtp = SmtpSink::start();
    let (community, _) = app.private_community("secret");
    let facil = app.user("facil", false);
    app.make_facilitator(&facil, &community);
    let member = app.user("member", false);
    app.join_by_appointment(&member, &community);
    let nok = app.user("nok", false);
    let (facil_token, member_token, nok_token) = (app.token(&facil), app.token(&member), app.token(&nok));
    let invite_path = format!("/api/v1/communities/{}/invitations", community.slug);

    let (status, _) = call(&app, Method::POST, &invite_path, &member_token, Some(json!({"username": "nok"}))).await;
    assert_eq!(status, 403, "a member who is not a facilitator cannot invite");
    let (status, first) = call(&app, Method::POST, &invite_path, &facil_token, Some(json!({"username": "nok"}))).await;
    assert_eq!(status, 201, "{first}");
    let (status, _) = call(&app, Method::POST, &invite_path, &facil_token, Some(json!({"username": "nok"}))).await;
    assert_eq!(status, 422, "already invited");
    let (status, _) = call(&app, Method::POST, &invite_path, &facil_token, Some(json!({"username": "member"}))).await;
    assert_eq!(status, 422, "already a member");

    // The invitee sees it: the API, the bell, the notifications page, mail.
    let (_, mine) = call(&app, Method::GET, "/api/v1/invitations", &nok_token, None).await;
    assert_eq!(mine["invitations"][0]["community_name"], community.name.as_str(), "{mine}");
    let browser = app.browser();
    browser.login("nok").await;
    assert!(browser.get("/").await.body.contains("<span class=\"badge unread-count\">1</span>"), "the bell counts it");
    assert!(browser.get("/notifications").await.body.contains("facil display เชิญคุณเข้าร่วมชุมชน"));
    assert!(digest_run(&app, &smtp, &[]).status.success());
    let first_link = mailed_token(&smtp, "nok@example.org", "/invitations/").expect("a mailed link");

    // Declined once; answering again is refused, and so is the old link.
    let id = first["id"].as_i64().unwrap();
    let (status, declined) =
        call(&app, Method::POST, &format!("/api/v1/invitations/{id}/decline"), &nok_token, None).await;
    assert_eq!((status, declined["status"].as_str()), (200, Some("declined")));
    let (status, _) = call(&app, Method::POST, &format!("/api/v1/invitations/{id}/accept"), &nok_token, None).await;
    assert_eq!(status, 409, "an invitation is answered once");
    assert_eq!(browser.get(&format!("/invitations/{first_link}")).await.status, 410);
    assert_eq!(browser.get(&format!("/c/{}", community.slug)).await.status, 404, "still outside");

    // Invited again, accepted through the mailed link: in.
    let (status, _) = call(&app, Method::POST, &invite_path, &facil_token, Some(json!({"username": "nok"}))).await;
    assert_eq!(status, 201);
    assert!(digest_run(&app, &smtp, &[]).status.success());
    let link = mailed_token(&smtp, "nok@example.org", "/invitations/").expect("a second link");
    assert_ne!(link, first_link);
    let page = browser.get(&format!("/invitations/{link}")).await;
    assert_eq!(page.status, 200);
    let accepted = browser.submit(&format!("/invitations/{link}"), &[("answer", "accept")]).await;
    assert_eq!((accepted.status, accepted.location.as_deref()), (303, Some(format!("/c/{}", community.slug).as_str())));
    assert_eq!(browser.get(&format!("/c/{}", community.slug)).await.status, 200, "a member now");
    assert_eq!(browser.submit(&format!("/invitations/{link}"), &[("answer", "accept")]).await.status, 410, "once");

    // An address with no account: the mail goes there; the account made
    // with that address later finds the invitation.
    let (status, _) =
        call(&app, Method::POST, &invite_path, &facil_token, Some(json!({"email": "Fah@Example.org"}))).await;
    assert_eq!(status, 201);
    assert!(digest_run(&app, &smtp, &[]).status.success());
    assert!(mailed_token(&smtp, "fah@example.org", "/invitations/").is_some(), "mailed to the address");
    let fah = app.user("fah", false);
    let fah_token = app.token(&fah);
    let (_, mine) = call(&app, Method::GET, "/api/v1/invitations", &fah_token, None).await;
    let fah_invitation = mine["invitations"][0]["id"].as_i64().expect("found by the confirmed address");

    // An expired invitation cannot be accepted.
    diesel::sql_query(
        "UPDATE invitations SET expires_at = created_at WHERE id = ".to_owned() + &fah_invitation.to_string(),
    )
    .execute(&mut app.conn())
    .unwrap();
    let (status, problem) =
        call(&app, Method::POST, &format!("/api/v1/invitations/{fah_invitation}/accept"), &fah_token, None).await;
    assert_eq!((status, problem["type"].as_str()), (409, Some("https://sala.example/problems/invitation-expired")));
    let (_, mine) = call(&app, Method::GET, "/api/v1/invitations", &fah_token, None).await;
    assert_eq!(mine["invitations"].as_array().unwrap().len(), 0, "an expired invitation is no longer listed");

    // Facilitators add and remove members directly.
    let facil_browser = app.browser();
    facil_browser.login("facil").await;
    let members = format!("/c/{}/members", community.slug);
    assert_eq!(facil_browser.submit(&members, &[("username", "fah"), ("action", "add")]).await.status, 303);
    assert!(facil_browser.get(&members).await.body.contains("/u/fah"));
    assert_eq!(facil_browser.submit(&members, &[("username", "nok"), ("action", "remove")]).await.status, 303);
    assert!(!facil_browser.get(&members).await.body.contains("/u/nok\""));
    assert_eq!(browser.get(&format!("/c/{}", community.slug)).await.status, 404, "removed");
    let member_browser = app.browser();
    member_browser.login("member").await;
    assert_eq!(member_browser.submit(&members, &[("username", "fah"), ("action", "remove")]).await.status, 403);
}
both_backends!(the_invitation_flow);

async fn deactivating_an_account_ends_its_sessions(backend: Backend) {
    use reqwest::Method;
    let app = TestApp::start(backend).await;
    let admin = app.user("boss", true);
    let somsak = app.user("somsak", false);
    let (admin_token, token) = (app.token(&admin), app.token(&somsak));
    let browser = app.browser();
    browser.login("somsak").await;
    let (status, _) = call(&app, Method::POST, "/api/v1/admin/users/boss/deactivate", &token, None).await;
    assert_eq!(status, 403, "only admins");
    let (status, _) = call(&app, Method::POST, "/api/v1/admin/users/somsak/deactivate", &admin_token, None).await;
    assert_eq!(status, 200);
    assert_eq!(call(&app, Method::GET, "/api/v1/me", &token, None).await.0, 401, "the token ends at once");
    assert_eq!(browser.get("/settings").await.status, 303, "so does the browser's session");
    let login = |password: &'static str| {
        let api = app.api();
        let url = app.url("/api/v1/auth/login");
        async move {
            json(api.post(url).json(&json!({"login": "somsak", "password": password})).send().await.unwrap()).await
        }
    };
    let (status, problem) = login(PASSWORD).await;
    assert_eq!(status, 409, "{problem}");
    assert!(
        problem["detail"].as_str().unwrap_or_default().contains("ระงับ") || problem.to_string().contains("deactivated")
    );
    assert_eq!(login("wrong password").await.0, 401, "a wrong password says nothing more");
    let (status, _) = call(&app, Method::POST, "/api/v1/admin/users/somsak/reactivate", &admin_token, None).await;
    assert_eq!(status, 200);
    assert_eq!(login(PASSWORD).await.0, 200);
}
both_backends!(deactivating_an_account_ends_its_sessions);

async fn local_passwords_off_leave_the_command_line_admin_a_way_in(backend: Backend) {
    let app = TestApp::start_with(backend, |c| c.local_login = false).await;
    app.user("staff", false);
    let api_login = |login: &'static str| {
        let api = app.api();
        let url = app.url("/api/v1/auth/login");
        async move { json(api.post(url).json(&json!({"login": login, "password": PASSWORD})).send().await.unwrap()).await.0 }
    };
    assert_eq!(api_login("staff").await, 409, "passwords are off");
    let page = app.browser().get("/login").await.body;
    assert!(!page.contains("name=\"password\""), "no password form");
    assert!(!page.contains("href=\"/register"), "no sign-up link");
    let (status, _) = json(
        app.api()
            .post(app.url("/api/v1/auth/register"))
            .json(&json!({"username": "newbie", "display_name": "ใหม่", "email": "newbie@example.org", "password": PASSWORD}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 409, "no sign-up");

    // An admin made on the command line still gets in, by the API and by
    // the form behind /login?local=1.
    let mut cli = std::process::Command::new(env!("CARGO_BIN_EXE_sala"))
        .args(["user", "create", "--username", "root", "--email", "root@example.org", "--admin"])
        .env("DATABASE_URL", &app.state.config.database_url)
        .env("SALA_DATA_DIR", &app.state.config.data_dir)
        .env("SALA_CONFIG", "/nonexistent/sala.toml")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    cli.stdin.take().unwrap().write_all(format!("{PASSWORD}\n").as_bytes()).unwrap();
    assert!(cli.wait().unwrap().success());
    assert_eq!(api_login("root").await, 200, "break glass");
    let form = app.browser().get("/login?local=1").await.body;
    assert!(form.contains("name=\"password\""));
    let browser = app.browser();
    browser.login("root").await;
    assert_eq!(browser.get("/settings").await.status, 200);
}
both_backends!(local_passwords_off_leave_the_command_line_admin_a_way_in);
