//! Inviting people to answer a question: the asker or a facilitator, up to
//! three people; each is told in the bell and by email, and reminded once.

use serde_json::json;

use crate::both_backends;
use crate::harness::{api_thread, json, Backend, TestApp};
use crate::smtp::{digest_run, subjects, SmtpSink};

async fn invite(app: &TestApp, by: &sala::accounts::User, thread_id: i64, username: &str) -> (u16, serde_json::Value) {
    let res = app
        .api()
        .post(app.url(&format!("/api/v1/threads/{thread_id}/invitations")))
        .bearer_auth(app.token(by))
        .json(&json!({"username": username}))
        .send()
        .await
        .unwrap();
    json(res).await
}

async fn invited_people_hear_once_and_are_reminded_once(backend: Backend) {
    let app = TestApp::start(backend).await;
    let smtp = SmtpSink::start();
    let (km, board) = app.community("km");
    let [asker, member, facilitator, expert, second, third, fourth] =
        ["asker", "member", "facil", "expert", "second", "third", "fourth"].map(|n| app.user(n, false));
    for u in [&asker, &member, &expert, &second, &third, &fourth] {
        app.join(u, &km);
    }
    app.make_facilitator(&facilitator, &km);
    app.user("outsider", false);
    let (thread_id, _) =
        api_thread(&app, &app.token(&asker), board.id, "question", "ตั้งงบอบรมปีหน้าอย่างไร", "ขอคำแนะนำ").await;

    assert_eq!(invite(&app, &member, thread_id, "expert").await.0, 403, "not someone else's question");
    let (status, invited) = invite(&app, &asker, thread_id, "expert").await;
    assert_eq!(status, 201, "{invited}");
    assert_eq!(invited["username"], "expert");
    assert_eq!(invite(&app, &facilitator, thread_id, "second").await.0, 201, "a facilitator may");
    assert_eq!(invite(&app, &asker, thread_id, "expert").await.0, 422, "already invited");
    assert_eq!(invite(&app, &asker, thread_id, "asker").await.0, 422, "not the asker");
    assert_eq!(invite(&app, &asker, thread_id, "nobody-here").await.0, 422);
    assert_eq!(invite(&app, &asker, thread_id, "third").await.0, 201);
    let (status, too_many) = invite(&app, &asker, thread_id, "fourth").await;
    assert_eq!(status, 422, "three at most: {too_many}");

    let res = app.api().get(app.url("/api/v1/notifications")).bearer_auth(app.token(&expert)).send().await.unwrap();
    let (_, bell) = json(res).await;
    let invites: Vec<_> =
        bell["notifications"].as_array().unwrap().iter().filter(|n| n["kind"] == "invited-to-answer").collect();
    assert_eq!(invites.len(), 1, "{bell}");
    let page = app.browser().get(&format!("/t/{thread_id}")).await.body;
    let at = page.find("เชิญให้ช่วยตอบ:").expect("the question shows who was invited");
    assert!(page[at..].contains(r#"href="/u/expert""#) && page[at..].contains(r#"href="/u/third""#));

    assert!(digest_run(&app, &smtp, &[]).status.success());
    let mailed = subjects(&smtp, "expert@example.org");
    assert_eq!(mailed.iter().filter(|s| s.contains("เชิญคุณช่วยตอบ")).count(), 1, "{mailed:?}");

    // Still open after the reminder period: one reminder, then no more.
    let remind_now = [("SALA_INVITE_REMIND_DAYS", "0"), ("SALA_NOTIFY_COALESCE_MINUTES", "0")];
    assert!(digest_run(&app, &smtp, &remind_now).status.success());
    assert!(digest_run(&app, &smtp, &remind_now).status.success());
    let reminders = subjects(&smtp, "expert@example.org").into_iter().filter(|s| s.contains("ยังไม่มีคำตอบ")).count();
    assert_eq!(reminders, 1, "reminded once");
}
both_backends!(invited_people_hear_once_and_are_reminded_once);

async fn the_asker_invites_from_the_question_page(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (km, board) = app.community("km");
    let (asker, helper) = (app.user("asker", false), app.user("helper", false));
    app.join(&asker, &km);
    app.join(&helper, &km);
    let (thread_id, _) = api_thread(&app, &app.token(&asker), board.id, "question", "ขอคนช่วยดูแบบฟอร์ม", "ช่วยหน่อย").await;
    let a = app.signed_in(&asker).await;
    let path = format!("/t/{thread_id}");
    assert!(a.get(&path).await.body.contains("เชิญคนที่รู้ให้ช่วยตอบ"), "the asker sees the form");
    assert!(!app.signed_in(&helper).await.get(&path).await.body.contains("เชิญคนที่รู้ให้ช่วยตอบ"), "others do not");
    let done = a.submit(&format!("/t/{thread_id}/invite"), &[("username", "helper")]).await;
    assert_eq!(done.status, 303);
    assert!(a.get(&path).await.body.contains(r#"href="/u/helper""#));
}
both_backends!(the_asker_invites_from_the_question_page);
