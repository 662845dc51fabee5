//! Email digests against a real SMTP server (Debian's aiosmtpd), parsing
//! what it received.

use std::time::Duration;

use serde_json::json;

use crate::both_backends;
use crate::harness::{api_thread, json, Backend, TestApp};
use crate::smtp::{digest_run, subjects, texts, SmtpSink};

async fn subscribe(app: &TestApp, token: &str, slug: &str, frequency: &str) {
    let (status, body) = json(
        app.api()
            .put(app.url(&format!("/api/v1/communities/{slug}/subscription")))
            .bearer_auth(token)
            .json(&json!({"frequency": frequency}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, body["frequency"].as_str()), (200, Some(frequency)));
}

async fn one_digest_for_two_communities_and_none_when_nothing_is_new(backend: Backend) {
    let app = TestApp::start(backend).await;
    let smtp = SmtpSink::start();
    let (cop_a, board_a) = app.community("cop-a");
    let (cop_b, board_b) = app.community("cop-b");
    let (cop_quiet, _) = app.community("quiet");
    let reader = app.user("reader", false);
    let idle = app.user("idle", false);
    let writer = app.user("writer", false);
    let facilitator = app.user("facil", false);
    for c in [&cop_a, &cop_b] {
        app.join(&reader, c);
        app.join(&writer, c);
    }
    app.join(&idle, &cop_quiet);
    app.make_facilitator(&facilitator, &cop_a);
    // Joining offers weekly; the reader wants daily.
    subscribe(&app, &app.token(&reader), "cop-a", "daily").await;
    subscribe(&app, &app.token(&reader), "cop-b", "daily").await;
    subscribe(&app, &app.token(&idle), "quiet", "daily").await;

    // New activity after subscribing: a thread in each, and knowledge in A.
    let wtoken = app.token(&writer);
    let (question, _) = api_thread(&app, &wtoken, board_a.id, "question", "วิธีเบิกค่าเดินทาง", "ต้องใช้เอกสารอะไรบ้าง").await;
    api_thread(&app, &wtoken, board_b.id, "experience", "ประสบการณ์ทำ AAR", "หลังจบโครงการเราทำ AAR ทุกครั้ง").await;
    let api = app.api();
    let (_, reply) = json(
        api.post(app.url(&format!("/api/v1/threads/{question}/posts")))
            .bearer_auth(&wtoken)
            .json(&json!({"body": "ใช้ใบเสร็จและบันทึกขออนุมัติ"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    api.post(app.url(&format!("/api/v1/threads/{question}/resolve")))
        .bearer_auth(&wtoken)
        .json(&json!({"post_id": reply["id"]}))
        .send()
        .await
        .unwrap();
    let ftoken = app.token(&facilitator);
    let (_, item) = json(
        api.post(app.url(&format!("/api/v1/threads/{question}/distill")))
            .bearer_auth(&ftoken)
            .json(&json!({"title": "การเบิกค่าเดินทาง", "summary": "ใบเสร็จและบันทึกขออนุมัติ", "context": "c", "solution": "s", "cite": [reply["id"]]}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let item_id = item["id"].as_i64().unwrap();
    api.post(app.url(&format!("/api/v1/knowledge/{item_id}/publish"))).bearer_auth(&ftoken).send().await.unwrap();

    let out = digest_run(&app, &smtp, &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let to_reader = smtp.messages_to("reader@example.org");
    assert_eq!(to_reader.len(), 1, "exactly one digest for both communities");
    assert!(smtp.messages_to("idle@example.org").is_empty(), "nothing new, no email");

    let mail = mailparse::parse_mail(&to_reader[0]).unwrap();
    assert_eq!(mail.ctype.mimetype, "multipart/alternative");
    let kinds: Vec<String> = mail.subparts.iter().map(|p| p.ctype.mimetype.clone()).collect();
    assert_eq!(kinds, vec!["text/plain", "text/html"]);
    let subject = mail.headers.iter().find(|h| h.get_key() == "Subject").unwrap().get_value();
    assert_eq!(subject, "สรุปประจำวันจากชุมชน cop-a และอีก 1 ชุมชน");
    for header in ["List-Unsubscribe", "List-Unsubscribe-Post", "List-Id", "Message-ID", "Date", "Auto-Submitted"] {
        assert!(mail.headers.iter().any(|h| h.get_key().eq_ignore_ascii_case(header)), "{header} present");
    }
    let html = mail.subparts[1].get_body().unwrap();
    let text = mail.subparts[0].get_body().unwrap();
    assert!(text.contains("การเบิกค่าเดินทาง") && text.contains("ประสบการณ์ทำ AAR"));
    let knowledge_at = html.find(&format!("/k/{item_id}")).expect("the knowledge item is listed");
    let thread_at = html.find(&format!("/t/{question}")).expect("threads are listed");
    assert!(knowledge_at < thread_at, "new knowledge comes before threads");
    let links: Vec<String> =
        regex::Regex::new(r#"href="([^"]+)""#).unwrap().captures_iter(&html).map(|c| c[1].to_owned()).collect();
    assert!(links.len() >= 5);
    // Followed as a mail client would (the settings link leads via login).
    let anonymous = reqwest::Client::new();
    for link in &links {
        assert!(link.starts_with(&app.base), "absolute link: {link}");
        let status = anonymous.get(link).send().await.unwrap().status().as_u16();
        assert_eq!(status, 200, "{link} resolves");
    }

    // A second run finds nothing new: no second digest.
    let out = digest_run(&app, &smtp, &[]);
    assert!(out.status.success());
    assert_eq!(smtp.messages_to("reader@example.org").len(), 1);
}
both_backends!(one_digest_for_two_communities_and_none_when_nothing_is_new);

async fn one_click_unsubscribe_works_without_cookies_and_cannot_be_forged(backend: Backend) {
    let app = TestApp::start(backend).await;
    let smtp = SmtpSink::start();
    let (cop, board) = app.community("cop");
    let reader = app.user("reader", false);
    let writer = app.user("writer", false);
    app.join(&reader, &cop);
    app.join(&writer, &cop);
    api_thread(&app, &app.token(&writer), board.id, "question", "คำถามแรก", "เนื้อหา").await;
    assert!(digest_run(&app, &smtp, &[]).status.success());
    let raw = smtp.messages_to("reader@example.org");
    assert_eq!(raw.len(), 1, "joining subscribed weekly; --now sends it");
    let mail = mailparse::parse_mail(&raw[0]).unwrap();
    let header = mail.headers.iter().find(|h| h.get_key() == "List-Unsubscribe").unwrap().get_value();
    let url = regex::Regex::new(r"<(https?://[^>]+)>").unwrap().captures(&header).unwrap()[1].to_owned();

    let bare = reqwest::Client::new();
    // Tampering with the user or the communities breaks the signature.
    let parts: Vec<&str> = url.rsplitn(4, '/').collect();
    let (sig, cops, user) = (parts[0], parts[1], parts[2]);
    let other_user = url.replace(&format!("/{user}/{cops}/"), &format!("/{}/{cops}/", writer.id));
    let other_cop = url.replace(&format!("/{cops}/{sig}"), &format!("/{}/{sig}", cops.to_owned() + "-999"));
    let flipped = format!("{}{}", &url[..url.len() - 1], if url.ends_with('0') { '1' } else { '0' });
    for forged in [other_user, other_cop, flipped] {
        let res = bare.post(&forged).form(&[("List-Unsubscribe", "One-Click")]).send().await.unwrap();
        assert_eq!(res.status(), 403, "{forged}");
    }
    // A GET only asks; the POST unsubscribes at once, with no cookies.
    assert!(bare.get(&url).send().await.unwrap().text().await.unwrap().contains("<form"));
    assert_eq!(digests_frequency(&app, &reader, "cop").await, "weekly");
    let res = bare.post(&url).form(&[("List-Unsubscribe", "One-Click")]).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(digests_frequency(&app, &reader, "cop").await, "off");

    api_thread(&app, &app.token(&writer), board.id, "question", "คำถามที่สอง", "เนื้อหา").await;
    assert!(digest_run(&app, &smtp, &[]).status.success());
    assert_eq!(smtp.messages_to("reader@example.org").len(), 1, "nothing after unsubscribing");
}
both_backends!(one_click_unsubscribe_works_without_cookies_and_cannot_be_forged);

async fn digests_frequency(app: &TestApp, user: &sala::accounts::User, slug: &str) -> String {
    let (_, body) = json(
        app.api()
            .get(app.url(&format!("/api/v1/communities/{slug}/subscription")))
            .bearer_auth(app.token(user))
            .send()
            .await
            .unwrap(),
    )
    .await;
    body["frequency"].as_str().unwrap().to_owned()
}

async fn a_sender_killed_after_claiming_loses_nothing_and_repeats_nothing(backend: Backend) {
    let app = TestApp::start(backend).await;
    let smtp = SmtpSink::start();
    let (cop, board) = app.community("cop");
    let writer = app.user("writer", false);
    app.join(&writer, &cop);
    let readers: Vec<_> = (0..3).map(|i| app.user(&format!("reader{i}"), false)).collect();
    for r in &readers {
        app.join(r, &cop);
    }
    api_thread(&app, &app.token(&writer), board.id, "question", "คำถาม", "เนื้อหา").await;

    let crashed = digest_run(&app, &smtp, &[("SALA_FAULT_EXIT_AFTER_CLAIM", "1"), ("SALA_OUTBOX_LEASE_SECS", "1")]);
    assert_eq!(crashed.status.code(), Some(3), "the sender died holding its claim");
    assert!(smtp.messages().is_empty(), "nothing left before the crash");
    std::thread::sleep(Duration::from_millis(1_200));
    assert!(digest_run(&app, &smtp, &[("SALA_OUTBOX_LEASE_SECS", "1")]).status.success());
    assert!(digest_run(&app, &smtp, &[("SALA_OUTBOX_LEASE_SECS", "1")]).status.success());
    for r in &readers {
        assert_eq!(smtp.messages_to(&r.email).len(), 1, "{} got it once", r.username);
    }
}
both_backends!(a_sender_killed_after_claiming_loses_nothing_and_repeats_nothing);

/// Two passes started together on PostgreSQL: each digest and each
/// notification arrives once, and neither pass fails on a duplicate key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_digest_runs_at_once_on_postgres_send_each_digest_once() {
    let app = TestApp::start(Backend::Postgres).await;
    let smtp = SmtpSink::start();
    let (cop, board) = app.community("cop");
    let writer = app.user("writer", false);
    app.join(&writer, &cop);
    let readers: Vec<_> = (0..12).map(|i| app.user(&format!("reader{i}"), false)).collect();
    for r in &readers {
        app.join(r, &cop);
    }
    api_thread(&app, &app.token(&writer), board.id, "question", "คำถาม", "เนื้อหา").await;
    // Each reader asks, and the writer answers: one reply notification each.
    for r in &readers {
        let (thread, _) = api_thread(&app, &app.token(r), board.id, "question", "ถามหน่อย", "รายละเอียด").await;
        let res = app
            .api()
            .post(app.url(&format!("/api/v1/threads/{thread}/posts")))
            .bearer_auth(app.token(&writer))
            .json(&json!({"body": "ตอบแล้วครับ"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
    }
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| digest_run(&app, &smtp, &[]));
        let b = s.spawn(|| digest_run(&app, &smtp, &[]));
        (a.join().unwrap(), b.join().unwrap())
    });
    assert!(
        a.status.success() && b.status.success(),
        "{}{}",
        String::from_utf8_lossy(&a.stderr),
        String::from_utf8_lossy(&b.stderr)
    );
    assert_eq!(smtp.messages_to(&writer.email).len(), 1, "the writer got one digest");
    for r in &readers {
        let got = subjects(&smtp, &r.email);
        assert_eq!(got.len(), 2, "{} got one digest and one notification: {got:?}", r.username);
        assert_eq!(got.iter().filter(|s| s.contains("ตอบข้อความของคุณ")).count(), 1, "{got:?}");
    }
}

async fn reply_and_resolve_notifications_arrive_and_respect_settings(backend: Backend) {
    let app = TestApp::start(backend).await;
    let smtp = SmtpSink::start();
    let (cop, board) = app.community("cop");
    let asker = app.user("asker", false);
    let helper = app.user("helper", false);
    let quiet = app.user("quiet", false);
    let facilitator = app.user("facil", false);
    for u in [&asker, &helper, &quiet] {
        app.join(u, &cop);
    }
    app.make_facilitator(&facilitator, &cop);
    // `quiet` turns reply emails off in the settings form.
    let quiet_browser = app.browser();
    quiet_browser.login("quiet").await;
    assert_eq!(quiet_browser.submit("/settings/notifications", &[("notify_resolved", "on")]).await.status, 303);

    let api = app.api();
    let reply_to = |thread: i64| {
        let api = api.clone();
        let url = app.url(&format!("/api/v1/threads/{thread}/posts"));
        let token = app.token(&helper);
        async move {
            json(api.post(url).bearer_auth(token).json(&json!({"body": "ลองแบบนี้ดูครับ"})).send().await.unwrap()).await.1
        }
    };
    let (asked, _) = api_thread(&app, &app.token(&asker), board.id, "question", "คำถามของผู้ถาม", "รายละเอียด").await;
    let (quiet_asked, _) =
        api_thread(&app, &app.token(&quiet), board.id, "question", "คำถามของคนเงียบ", "รายละเอียด").await;
    let reply = reply_to(asked).await;
    reply_to(quiet_asked).await;
    let res = api
        .post(app.url(&format!("/api/v1/threads/{asked}/resolve")))
        .bearer_auth(app.token(&facilitator))
        .json(&json!({"post_id": reply["id"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    // In the app: the bell counts, the list links, marking read clears it.
    let browser = app.browser();
    browser.login("asker").await;
    let home = browser.get("/").await.body;
    assert!(home.contains("<span class=\"badge unread-count\">2</span>"), "two unread");
    let list = browser.get("/notifications").await.body;
    assert!(list.contains("helper display ตอบข้อความของคุณ") && list.contains("ยอมรับคำตอบ"));
    assert!(list.contains("card unread"), "what was new is marked so on this visit");
    assert!(!list.contains("unread-count"), "opening the list clears the bell's count");
    assert!(!browser.get("/").await.body.contains("unread-count"));
    assert!(!browser.get("/notifications").await.body.contains("card unread"), "read once seen");

    // By email, once each, and only for those who want them.
    assert!(digest_run(&app, &smtp, &[]).status.success());
    assert!(digest_run(&app, &smtp, &[]).status.success());
    // The reply and the accepted answer are about one thread: one email
    // tells both.
    let to_asker = subjects(&smtp, &asker.email);
    let about_thread: Vec<_> = to_asker.iter().filter(|s| s.contains("คำถามของผู้ถาม")).collect();
    assert_eq!(about_thread, vec!["มีการแจ้งเตือนใหม่ 2 รายการเกี่ยวกับ \"คำถามของผู้ถาม\""], "{to_asker:?}");
    let text = texts(&smtp, &asker.email).into_iter().find(|t| t.contains("มีการแจ้งเตือนใหม่")).unwrap();
    assert!(text.contains("helper display ตอบข้อความของคุณ") && text.contains("ยอมรับคำตอบ"), "{text}");
    let to_quiet = subjects(&smtp, &quiet.email);
    assert!(!to_quiet.iter().any(|s| s.contains("ตอบข้อความของคุณ")), "reply emails are off: {to_quiet:?}");
    assert!(
        subjects(&smtp, &helper.email).iter().all(|s| !s.contains("ตอบข้อความของคุณ")),
        "no email for one's own replies"
    );
}
both_backends!(reply_and_resolve_notifications_arrive_and_respect_settings);

/// Admins see the outbox; nobody else does.
async fn admins_see_the_outbox(backend: Backend) {
    let app = TestApp::start(backend).await;
    let smtp = SmtpSink::start();
    let (cop, board) = app.community("cop");
    let reader = app.user("reader", false);
    let other = app.user("other", false);
    app.join(&reader, &cop);
    app.join(&other, &cop);
    api_thread(&app, &app.token(&reader), board.id, "question", "คำถาม", "เนื้อหา").await;
    assert!(digest_run(&app, &smtp, &[]).status.success());
    app.user("root", true);
    let admin = app.browser();
    admin.login("root").await;
    let page = admin.get("/admin/outbox").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<strong class=\"count-sent\">2</strong>"), "{}", page.body);
    let member = app.browser();
    member.login("reader").await;
    assert_eq!(member.get("/admin/outbox").await.status, 403);
}
both_backends!(admins_see_the_outbox);

async fn the_subscription_settings_form_changes_how_often_digests_come(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (community, _) = app.community("km");
    let browser = app.member_browser("suda", &community).await;
    let suda = sala::accounts::find_by_username(&mut app.conn(), "suda").unwrap();
    let field = format!("frequency_{}", community.id);

    // Joining offered the weekly digest; the form shows it chosen.
    let page = browser.get("/settings/subscriptions").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(&format!(r#"name="{field}" value="weekly" checked"#)), "{}", page.body);

    let saved = browser.submit("/settings/subscriptions", &[(&field, "daily")]).await;
    assert_eq!((saved.status, saved.location.as_deref()), (303, Some("/settings/subscriptions")));
    assert!(browser.get("/settings/subscriptions").await.body.contains("บันทึกการตั้งค่าแล้ว"), "a confirmation");
    assert_eq!(digests_frequency(&app, &suda, "km").await, "daily");

    // A made-up frequency, or a form without its CSRF token, changes nothing.
    assert!(browser.submit("/settings/subscriptions", &[(&field, "hourly")]).await.status >= 400);
    assert_eq!(browser.post_raw("/settings/subscriptions", &[(&field, "off")]).await.status, 403);
    assert_eq!(digests_frequency(&app, &suda, "km").await, "daily");

    assert!(browser.submit("/settings/subscriptions", &[(&field, "off")]).await.status == 303);
    assert_eq!(digests_frequency(&app, &suda, "km").await, "off");
    // Nobody logged in: to the login page.
    let anonymous = app.browser().get("/settings/subscriptions").await;
    assert_eq!(anonymous.status, 303, "{}", anonymous.body);
}
both_backends!(the_subscription_settings_form_changes_how_often_digests_come);

async fn a_member_who_left_a_private_community_gets_no_digest_from_it(backend: Backend) {
    let app = TestApp::start(backend).await;
    let smtp = SmtpSink::start();
    let (private, board) = app.private_community("hr");
    // A private community takes members by appointment.
    let stays = app.user("stays", false);
    let leaves = app.user("leaves", false);
    app.make_facilitator(&stays, &private);
    app.make_facilitator(&leaves, &private);
    subscribe(&app, &app.token(&stays), "hr", "daily").await;
    subscribe(&app, &app.token(&leaves), "hr", "daily").await;
    sala::communities::leave(&mut app.conn(), sala::authz::Viewer::user(leaves.id, false), private.id).unwrap();

    api_thread(&app, &app.token(&stays), board.id, "question", "ระเบียบการลาใหม่", "ใครอ่านแล้วบ้าง").await;
    let out = digest_run(&app, &smtp, &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(smtp.messages_to("stays@example.org").len(), 1, "a member still gets the digest");
    assert!(smtp.messages_to("leaves@example.org").is_empty(), "a former member of a private community gets nothing");
}
both_backends!(a_member_who_left_a_private_community_gets_no_digest_from_it);
