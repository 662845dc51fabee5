//! Notifications follow access when read and when mailed; one person's
//! replies never flood another's inbox; notification emails unsubscribe in
//! one click.

use std::time::Duration;

use crate::both_backends;
use crate::harness::{api_reply, api_thread, json, Backend, TestApp};
use crate::smtp::{digest_run, subjects, SmtpSink};

/// Replies to a thread (to its opening post) through the API.
async fn reply(app: &TestApp, token: &str, thread_id: i64, body: &str) {
    assert_eq!(api_reply(app, token, thread_id, body).await.0, 201);
}

async fn someone_who_left_a_private_community_hears_nothing_more_of_it(backend: Backend) {
    let app = TestApp::start(backend).await;
    let smtp = SmtpSink::start();
    let (private, board) = app.private_community("hr");
    let asker = app.user("asker", false);
    let queued = app.user("queued", false);
    let helper = app.user("helper", false);
    let stays = app.user("stays", false);
    for u in [&asker, &queued, &helper, &stays] {
        app.make_facilitator(u, &private);
    }
    let (asked, _) = api_thread(&app, &app.token(&asker), board.id, "question", "ระเบียบลับ", "ถาม").await;
    let (queued_thread, _) = api_thread(&app, &app.token(&queued), board.id, "question", "เรื่องในคิว", "ถาม").await;
    reply(&app, &app.token(&helper), asked, "ตอบเรื่องลับ").await;
    reply(&app, &app.token(&helper), queued_thread, "ตอบเรื่องในคิว").await;
    let (stays_thread, _) = api_thread(&app, &app.token(&stays), board.id, "question", "เรื่องของคนอยู่", "ถาม").await;
    reply(&app, &app.token(&helper), stays_thread, "ตอบคนที่อยู่").await;

    // `queued`'s email is planned and claimed, then the sender dies before
    // sending it; `queued` leaves before it is retried.
    let crashed = digest_run(&app, &smtp, &[("SALA_FAULT_EXIT_AFTER_CLAIM", "1"), ("SALA_OUTBOX_LEASE_SECS", "1")]);
    assert_eq!(crashed.status.code(), Some(3));
    // `asker` leaves after the reply, before anything was planned.
    for who in [&asker, &queued] {
        let res =
            app.api().post(app.url("/api/v1/communities/hr/leave")).bearer_auth(app.token(who)).send().await.unwrap();
        assert_eq!(res.status(), 204);
    }

    // Not in the list, not on the bell, not in the API.
    let browser = app.browser();
    browser.login("asker").await;
    let home = browser.get("/").await.body;
    assert!(!home.contains("unread-count"), "the bell counts nothing");
    assert!(!browser.get("/notifications").await.body.contains("ระเบียบลับ"));
    let (status, list) =
        json(app.api().get(app.url("/api/v1/notifications")).bearer_auth(app.token(&asker)).send().await.unwrap())
            .await;
    assert_eq!((status, list["unread"].as_i64()), (200, Some(0)));
    assert_eq!(list["notifications"].as_array().map(Vec::len), Some(0), "{list}");

    // Not by email, whether planned after leaving or queued before.
    std::thread::sleep(Duration::from_millis(1_200));
    let out = digest_run(&app, &smtp, &[("SALA_OUTBOX_LEASE_SECS", "1")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        subjects(&smtp, &asker.email).iter().all(|s| !s.contains("ระเบียบลับ")),
        "{:?}",
        subjects(&smtp, &asker.email)
    );
    assert!(smtp.messages_to(&queued.email).is_empty(), "{:?}", subjects(&smtp, &queued.email));
    // A member who stayed gets theirs.
    assert!(subjects(&smtp, &stays.email).iter().any(|s| s.contains("เรื่องของคนอยู่")));
}
both_backends!(someone_who_left_a_private_community_hears_nothing_more_of_it);

async fn many_replies_make_one_email_and_it_unsubscribes_in_one_click(backend: Backend) {
    let app = TestApp::start(backend).await;
    let smtp = SmtpSink::start();
    let (cop, board) = app.community("cop");
    let asker = app.user("asker", false);
    let chatty = app.user("chatty", false);
    app.join(&asker, &cop);
    app.join(&chatty, &cop);
    let (thread, _) = api_thread(&app, &app.token(&asker), board.id, "question", "ช่วยด้วย", "ถาม").await;
    for i in 0..5 {
        reply(&app, &app.token(&chatty), thread, &format!("ตอบครั้งที่ {i}")).await;
    }
    assert!(digest_run(&app, &smtp, &[]).status.success());
    let about = |smtp: &SmtpSink| subjects(smtp, &asker.email).into_iter().filter(|s| s.contains("ช่วยด้วย")).count();
    assert_eq!(about(&smtp), 1, "five replies, one email: {:?}", subjects(&smtp, &asker.email));
    // Three more within the hour: they wait for the digest.
    for i in 5..8 {
        reply(&app, &app.token(&chatty), thread, &format!("ตอบครั้งที่ {i}")).await;
    }
    assert!(digest_run(&app, &smtp, &[]).status.success());
    assert_eq!(about(&smtp), 1, "still one email");
    // The bell still has all eight.
    let (_, list) =
        json(app.api().get(app.url("/api/v1/notifications")).bearer_auth(app.token(&asker)).send().await.unwrap())
            .await;
    assert_eq!(list["unread"], 8);

    // RFC 8058: the email names a one-click address that works without cookies.
    let raw =
        smtp.messages_to(&asker.email).into_iter().find(|m| String::from_utf8_lossy(m).contains("notify.")).unwrap();
    let mail = mailparse::parse_mail(&raw).unwrap();
    let header = |name: &str| mail.headers.iter().find(|h| h.get_key() == name).map(|h| h.get_value());
    assert_eq!(header("List-Unsubscribe-Post").as_deref(), Some("List-Unsubscribe=One-Click"));
    let unsubscribe = header("List-Unsubscribe").unwrap();
    let url = unsubscribe.trim_start_matches('<').split('>').next().unwrap().to_owned();
    assert!(url.starts_with(&app.base), "{url}");
    let res = reqwest::Client::new()
        .post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let fresh = sala::accounts::find(&mut app.conn(), asker.id).unwrap();
    assert!(!fresh.notify_replies && !fresh.notify_resolved, "notification emails are off");
    // A forged link does nothing.
    let forged = url.replace(&format!("/{}/", asker.id), &format!("/{}/", chatty.id));
    assert_eq!(reqwest::Client::new().post(&forged).send().await.unwrap().status(), 403);
}
both_backends!(many_replies_make_one_email_and_it_unsubscribes_in_one_click);
