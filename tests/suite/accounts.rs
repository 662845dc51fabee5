//! Accounts under attack and in everyday use: sessions that end for good,
//! login throttling that cannot be raced or turned against colleagues,
//! sign-ups that reveal nothing and are throttled, confirmation links, and
//! "forgot password" through the SMTP test server.

use diesel::prelude::*;
use serde_json::json;

use crate::both_backends;
use crate::harness::{api_login, json, mailed_token, Backend, TestApp, PASSWORD};
use crate::smtp::{digest_run, subjects, SmtpSink};

async fn me_status(app: &TestApp, token: &str) -> u16 {
    app.api().get(app.url("/api/v1/me")).bearer_auth(token).send().await.unwrap().status().as_u16()
}

async fn logging_out_ends_that_session_for_good_and_no_other(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.user("nipa", false);
    let laptop = app.browser();
    laptop.login("nipa").await;
    let phone = app.browser();
    phone.login("nipa").await;
    let (_, body) = api_login(&app, "nipa", PASSWORD).await;
    let token = body["token"].as_str().unwrap().to_owned();

    // Someone copied the laptop's cookie before it logged out.
    let cookie = laptop.cookie("sala_session").expect("session cookie");
    assert_eq!(laptop.submit("/logout", &[]).await.status, 303);
    let thief = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let res = thief.get(app.url("/settings")).header("cookie", format!("sala_session={cookie}")).send().await.unwrap();
    assert_eq!(res.status(), 303, "the copied cookie is dead");
    assert_eq!(laptop.get("/settings").await.status, 303, "the laptop is logged out");
    assert_eq!(phone.get("/settings").await.status, 200, "the phone is not");
    assert_eq!(me_status(&app, &token).await, 200, "nor the API client");

    // The API logs out its own token the same way.
    let res = app.api().post(app.url("/api/v1/auth/logout")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(me_status(&app, &token).await, 401);
    assert_eq!(phone.get("/settings").await.status, 200);
}
both_backends!(logging_out_ends_that_session_for_good_and_no_other);

async fn parallel_guesses_get_no_more_password_checks_than_the_limit(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.user("wichai", false);
    let guesses = (0..20).map(|i| {
        let app = &app;
        async move { api_login(app, "wichai", &format!("guess number {i}")).await.0 }
    });
    let statuses = futures_util::future::join_all(guesses).await;
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!((checked, refused), (5, 15), "{statuses:?}");

    // The account is the key, whether the login names the username or the email.
    app.user("malee", false);
    for login in ["malee", "malee", "MALEE@example.org", "malee@example.org", "malee"] {
        assert_eq!(api_login(&app, login, "wrong password").await.0, 401);
    }
    assert_eq!(api_login(&app, "malee@example.org", PASSWORD).await.0, 429, "five failures, however named");
}
both_backends!(parallel_guesses_get_no_more_password_checks_than_the_limit);

async fn a_flood_from_a_shared_address_does_not_lock_out_colleagues(backend: Backend) {
    let app = TestApp::start_with(backend, |c| c.login_max_failures_per_ip = 10).await;
    app.user("colleague", false);
    app.user("newcomer", false);
    // The colleague has signed in from this (office) address before.
    assert_eq!(api_login(&app, "colleague", PASSWORD).await.0, 200);
    // Someone behind the same address sprays guesses over many accounts.
    let mut statuses = Vec::new();
    for i in 0..14 {
        statuses.push(api_login(&app, &format!("target{i}"), "Password123").await.0);
    }
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 4, "the address is throttled: {statuses:?}");
    // The colleague still gets in, by form and by API.
    assert_eq!(api_login(&app, "colleague", PASSWORD).await.0, 200);
    let page = app.browser().submit("/login", &[("login", "colleague"), ("password", PASSWORD)]).await;
    assert_eq!(page.status, 303, "{}", page.body);
    // Someone never seen at this address waits, like any guesser would.
    assert_eq!(api_login(&app, "newcomer", PASSWORD).await.0, 429);
    // Known people get no extra guesses from their exemption.
    for _ in 0..5 {
        api_login(&app, "colleague", "wrong password").await;
    }
    assert_eq!(api_login(&app, "colleague", PASSWORD).await.0, 429);
}
both_backends!(a_flood_from_a_shared_address_does_not_lock_out_colleagues);

async fn forwarded_addresses_count_only_behind_a_trusted_proxy(backend: Backend) {
    async fn guess_from(app: &TestApp, forwarded: &str, login: &str, password: &str) -> u16 {
        app.api()
            .post(app.url("/api/v1/auth/login"))
            .header("x-forwarded-for", forwarded)
            .json(&json!({"login": login, "password": password}))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }
    // Behind the proxy at 127.0.0.1, the address it forwards is the client.
    let proxied = TestApp::start_with(backend, |c| {
        c.login_max_failures_per_ip = 3;
        c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    proxied.user("somchai", false);
    for i in 0..3 {
        assert_eq!(guess_from(&proxied, "203.0.113.9", &format!("x{i}"), "p").await, 401);
    }
    assert_eq!(guess_from(&proxied, "203.0.113.9", "somchai", PASSWORD).await, 429, "that client is throttled");
    assert_eq!(guess_from(&proxied, "198.51.100.7", "somchai", PASSWORD).await, 200, "another client is not");
    // A client cannot pose as another by adding its own header in front.
    assert_eq!(guess_from(&proxied, "198.51.100.7, 203.0.113.9", "somchai", PASSWORD).await, 429);

    // With no trusted proxy, the header is ignored: changing it escapes nothing.
    let direct = TestApp::start_with(backend, |c| c.login_max_failures_per_ip = 3).await;
    direct.user("somchai", false);
    for i in 0..3 {
        assert_eq!(guess_from(&direct, &format!("192.0.2.{i}"), &format!("x{i}"), "p").await, 401);
    }
    assert_eq!(guess_from(&direct, "192.0.2.200", "somchai", PASSWORD).await, 429);
}
both_backends!(forwarded_addresses_count_only_behind_a_trusted_proxy);

async fn throttle_rows_are_pruned_and_their_keys_bounded(backend: Backend) {
    use sala::db::schema::throttles as th;
    let app = TestApp::start(backend).await;
    let two_days_ago = sala::db::now() - chrono::Duration::days(2);
    diesel::insert_into(th::table)
        .values((th::throttle_key.eq("login-ip:192.0.2.1"), th::hits.eq(3), th::window_started_at.eq(two_days_ago)))
        .execute(&mut app.conn())
        .unwrap();
    let long_login = "ก".repeat(5_000);
    assert_eq!(api_login(&app, &long_login, "whatever").await.0, 401);
    let keys: Vec<String> = th::table.select(th::throttle_key).load(&mut app.conn()).unwrap();
    assert!(!keys.contains(&"login-ip:192.0.2.1".to_owned()), "old rows are gone: {keys:?}");
    assert!(keys.iter().all(|k| k.len() <= 128), "{keys:?}");
}
both_backends!(throttle_rows_are_pruned_and_their_keys_bounded);

async fn sign_ups_are_throttled_per_address(backend: Backend) {
    let app = TestApp::start_with(backend, |c| c.signups_per_hour_per_ip = 3).await;
    let sign_up = |i: usize| {
        app.api().post(app.url("/api/v1/auth/register")).json(&json!({
            "username": format!("new{i}"), "display_name": "N", "email": format!("new{i}@example.org"), "password": PASSWORD
        }))
    };
    for i in 0..3 {
        assert_eq!(sign_up(i).send().await.unwrap().status(), 201);
    }
    let res = sign_up(3).send().await.unwrap();
    assert_eq!(res.status(), 429);
    assert!(res.headers().contains_key("retry-after"));
    // The form says so too.
    let page = app
        .browser()
        .submit(
            "/register",
            &[("username", "new4"), ("display_name", "N"), ("email", "new4@example.org"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(page.status, 429);
}
both_backends!(sign_ups_are_throttled_per_address);

async fn signing_up_never_reveals_whether_an_address_is_registered(backend: Backend) {
    let app = TestApp::start(backend).await;
    let smtp = SmtpSink::start();
    let victim = app.user("victim", false);
    let register = |username: &str, email: &str| {
        app.api().post(app.url("/api/v1/auth/register")).json(&json!({
            "username": username, "display_name": "ผู้ใช้ใหม่", "email": email, "password": PASSWORD
        }))
    };
    let (taken_status, taken) = json(register("mallory", "VICTIM@example.org").send().await.unwrap()).await;
    let (fresh_status, fresh) = json(register("newbie", "newbie@example.org").send().await.unwrap()).await;
    assert_eq!((taken_status, fresh_status), (201, 201));
    let shape = |v: &serde_json::Value| {
        let mut keys: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        (keys, v["email_confirmed"].clone(), v["user"].as_object().unwrap().len())
    };
    assert_eq!(shape(&taken), shape(&fresh), "the two answers look alike");

    assert!(digest_run(&app, &smtp, &[]).status.success());
    // The address's owner hears about it; the newcomer gets a link.
    let to_victim = subjects(&smtp, &victim.email);
    assert_eq!(to_victim, vec!["มีผู้สมัครใช้ศาลาด้วยอีเมลของคุณ"], "{to_victim:?}");
    assert!(mailed_token(&smtp, &victim.email, "/confirm-email/").is_none(), "no link that would confirm mallory");
    assert!(mailed_token(&smtp, "newbie@example.org", "/confirm-email/").is_some());
    // The impostor cannot post, and cannot take the address.
    let mallory = sala::accounts::find_by_username(&mut app.conn(), "mallory").unwrap();
    assert!(!mallory.email_confirmed());
    assert!(matches!(
        sala::accounts::confirm_email_directly(&mut app.conn(), mallory.id),
        Err(sala::error::Error::Conflict("email"))
    ));
    // Logging in by that address still means the victim's account.
    let (status, body) = api_login(&app, "victim@example.org", PASSWORD).await;
    assert_eq!((status, body["user"]["username"].as_str()), (200, Some("victim")));
}
both_backends!(signing_up_never_reveals_whether_an_address_is_registered);

async fn a_confirmation_link_works_once_and_an_admin_can_waive_it(backend: Backend) {
    let app = TestApp::start(backend).await;
    let smtp = SmtpSink::start();
    let (community, board) = app.community("km");
    let (_, body) = json(
        app.api()
            .post(app.url("/api/v1/auth/register"))
            .json(&json!({"username": "kanya", "display_name": "กัญญา", "email": "kanya@example.org", "password": PASSWORD}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let token = body["token"].as_str().unwrap().to_owned();
    // Reading works at once.
    let res =
        app.api().get(app.url(&format!("/api/v1/communities/{}", community.slug))).bearer_auth(&token).send().await;
    assert_eq!(res.unwrap().status(), 200);

    let out = digest_run(&app, &smtp, &[]);
    assert!(out.status.success());
    let link = mailed_token(&smtp, "kanya@example.org", "/confirm-email/").unwrap_or_else(|| {
        let outbox = sala::outbox::recent(&mut app.conn(), None, 10).unwrap();
        let rows: Vec<_> = outbox.iter().map(|r| (&r.to_address, &r.status, &r.last_error, &r.subject)).collect();
        panic!(
            "no link: {rows:?} {} {:?}",
            String::from_utf8_lossy(&out.stderr),
            crate::smtp::subjects(&smtp, "kanya@example.org")
        )
    });
    let confirm = || app.api().post(app.url("/api/v1/auth/confirm-email")).json(&json!({"token": link}));
    assert_eq!(confirm().send().await.unwrap().status(), 200);
    let (status, again) = json(confirm().send().await.unwrap()).await;
    assert_eq!((status, again["type"].as_str()), (409, Some("https://sala.example/problems/link-invalid")));
    // A used link's page says so, in words.
    let page = app.browser().get(&format!("/confirm-email/{link}")).await;
    assert_eq!(page.status, 410);
    assert!(page.body.contains("ลิงก์นี้หมดอายุหรือถูกใช้ไปแล้ว"));

    // An admin vouches for another newcomer, who can then post.
    let newcomer = sala::accounts::register(
        &mut app.conn(),
        &sala::accounts::Registration {
            username: "dao".into(),
            display_name: "ดาว".into(),
            email: "dao@example.org".into(),
            password: PASSWORD.into(),
        },
        false,
    )
    .unwrap();
    app.join(&newcomer, &community);
    let dao = app.token(&newcomer);
    let post = || {
        app.api()
            .post(app.url(&format!("/api/v1/boards/{}/threads", board.id)))
            .bearer_auth(&dao)
            .json(&json!({"kind": "question", "title": "ถาม", "body": "ถามหน่อย"}))
    };
    assert_eq!(post().send().await.unwrap().status(), 403);
    let waive = |token: &str| {
        app.api().post(app.url("/api/v1/admin/users/dao/confirm-email")).bearer_auth(token.to_owned()).send()
    };
    assert_eq!(waive(&token).await.unwrap().status(), 403, "only admins waive");
    let admin = app.user("chief", true);
    assert_eq!(waive(&app.token(&admin)).await.unwrap().status(), 200);
    assert_eq!(post().send().await.unwrap().status(), 201);
}
both_backends!(a_confirmation_link_works_once_and_an_admin_can_waive_it);

async fn forgot_password_resets_once_within_the_hour_and_ends_other_sessions(backend: Backend) {
    let app = TestApp::start(backend).await;
    let smtp = SmtpSink::start();
    let user = app.user("somsri", false);
    let old_token = app.token(&user);
    let other_device = app.browser();
    other_device.login("somsri").await;

    // The same answer for a registered address and an unknown one.
    let visitor = app.browser();
    let known = visitor.submit("/password/forgot", &[("email", "somsri@example.org")]).await;
    let unknown = visitor.submit("/password/forgot", &[("email", "nobody@example.org")]).await;
    assert_eq!((known.status, unknown.status), (200, 200));
    let notice = |body: &str| body.contains("หากมีบัญชีที่ใช้อีเมลนี้");
    assert!(notice(&known.body) && notice(&unknown.body));
    let (status, _) = json(
        app.api()
            .post(app.url("/api/v1/auth/password/forgot"))
            .json(&json!({"email": "nobody@example.org"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 202);

    assert!(digest_run(&app, &smtp, &[]).status.success());
    assert!(smtp.messages_to("nobody@example.org").is_empty());
    let link = mailed_token(&smtp, &user.email, "/password/reset/").expect("a reset link");
    // The page, in English on request.
    let res = reqwest::Client::new()
        .get(app.url(&format!("/password/reset/{link}")))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("Set a new password"));

    let page = visitor.submit(&format!("/password/reset/{link}"), &[("password", "short")]).await;
    assert_eq!(page.status, 422, "a bad password keeps the link usable");
    let page = visitor.submit(&format!("/password/reset/{link}"), &[("password", "a brand new passphrase")]).await;
    assert_eq!((page.status, page.location.as_deref()), (303, Some("/settings?done=password-reset")));
    assert_eq!(visitor.get("/settings").await.status, 200, "logged in with the new password");
    assert_eq!(me_status(&app, &old_token).await, 401, "every other session ended");
    assert_eq!(other_device.get("/settings").await.status, 303);
    assert_eq!(api_login(&app, "somsri", PASSWORD).await.0, 401);
    assert_eq!(api_login(&app, "somsri", "a brand new passphrase").await.0, 200);
    // Once only.
    let again =
        app.browser().submit(&format!("/password/reset/{link}"), &[("password", "yet another passphrase")]).await;
    assert_eq!(again.status, 410);

    // Within the hour only.
    app.browser().submit("/password/forgot", &[("email", "somsri@example.org")]).await;
    assert!(digest_run(&app, &smtp, &[]).status.success());
    let late = mailed_token(&smtp, &user.email, "/password/reset/").unwrap();
    assert_ne!(late, link);
    {
        use sala::db::schema::account_tokens as at;
        diesel::update(at::table.filter(at::used_at.is_null()))
            .set(at::expires_at.eq(sala::db::now() - chrono::Duration::minutes(1)))
            .execute(&mut app.conn())
            .unwrap();
    }
    assert_eq!(app.browser().get(&format!("/password/reset/{late}")).await.status, 410);
    let (status, _) = json(
        app.api()
            .post(app.url("/api/v1/auth/password/reset"))
            .json(&json!({"token": late, "password": "yet another passphrase"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 409);
}
both_backends!(forgot_password_resets_once_within_the_hour_and_ends_other_sessions);

async fn every_account_has_write_limits(backend: Backend) {
    let app = TestApp::start_with(backend, |c| {
        c.write_limits = sala::config::WriteLimits {
            threads: 1,
            posts: 3,
            edits: 2,
            flags: 1,
            invitations: 1,
            new_member_days: 1,
            new_member_posts_per_hour: 1000,
        }
    })
    .await;
    let (community, board) = app.community("km");
    let admin = app.user("chief", true);
    app.join(&admin, &community);
    let token = app.token(&admin);
    let (thread, _) = crate::harness::api_thread(&app, &token, board.id, "question", "ถาม", "ถาม").await;
    let reply = || {
        app.api()
            .post(app.url(&format!("/api/v1/threads/{thread}/posts")))
            .bearer_auth(&token)
            .json(&json!({"body": "ตอบ"}))
    };
    for _ in 0..3 {
        assert_eq!(reply().send().await.unwrap().status(), 201);
    }
    let res = reply().send().await.unwrap();
    assert_eq!(res.status(), 429, "admins too");
    let wait: i64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    // A second thread within the minute is refused too.
    let res = app
        .api()
        .post(app.url(&format!("/api/v1/boards/{}/threads", board.id)))
        .bearer_auth(&token)
        .json(&json!({"kind": "question", "title": "อีก", "body": "อีก"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 429);
    // The form keeps what was typed, and says how long to wait.
    let browser = app.browser();
    browser.login("chief").await;
    let page = browser.submit(&format!("/t/{thread}/reply"), &[("body", "คำตอบที่พิมพ์ไว้ยาว ๆ")]).await;
    assert_eq!(page.status, 429);
    assert!(page.body.contains("คำตอบที่พิมพ์ไว้ยาว ๆ") && page.body.contains("วินาที"), "{}", page.body);
    // Someone else is not affected.
    let member = app.user("member", false);
    app.join(&member, &community);
    let res = app
        .api()
        .post(app.url(&format!("/api/v1/threads/{thread}/posts")))
        .bearer_auth(app.token(&member))
        .json(&json!({"body": "ตอบ"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
}
both_backends!(every_account_has_write_limits);
