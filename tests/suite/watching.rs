//! Watching a thread, a board, a community or a tag: new activity comes to
//! the bell and the next digest, once, and one click in the email stops it.

use serde_json::json;

use crate::both_backends;
use crate::harness::{api_reply, api_thread, json, Backend, TestApp};
use crate::smtp::{digest_run, texts, SmtpSink};

async fn put_watch(app: &TestApp, user: &sala::accounts::User, kind: &str, id: &str) -> (u16, serde_json::Value) {
    let url = format!("{}/api/v1/watches/{kind}/{}", app.base, crate::similar::urlencode(id));
    json(app.api().put(url).bearer_auth(app.token(user)).send().await.unwrap()).await
}

async fn bell(app: &TestApp, user: &sala::accounts::User) -> Vec<serde_json::Value> {
    let res = app.api().get(app.url("/api/v1/notifications")).bearer_auth(app.token(user)).send().await.unwrap();
    json(res).await.1["notifications"].as_array().unwrap().clone()
}

async fn a_watched_tag_brings_a_new_thread_to_the_bell_and_the_next_digest_once(backend: Backend) {
    let app = TestApp::start(backend).await;
    let smtp = SmtpSink::start();
    let (km, board) = app.community("km");
    let (hr, hr_board) = app.private_community("hr");
    let (writer, member, outsider) =
        (app.user("writer", false), app.user("member", false), app.user("outsider", false));
    app.join(&writer, &km);
    app.join(&member, &km);
    app.join_by_appointment(&writer, &hr);

    // The member watches the tag and the whole community; the outsider,
    // in no community and subscribed to nothing, watches the tag only.
    let (status, watch) = put_watch(&app, &member, "tag", "#งบประมาณ").await;
    assert_eq!(status, 200, "{watch}");
    assert_eq!(watch["target"], "งบประมาณ");
    assert_eq!(put_watch(&app, &member, "community", &km.id.to_string()).await.0, 200);
    assert_eq!(put_watch(&app, &outsider, "tag", "งบประมาณ").await.0, 200);
    assert_eq!(put_watch(&app, &outsider, "community", &hr.id.to_string()).await.0, 404, "nothing private");
    let (_, listed) =
        json(app.api().get(app.url("/api/v1/watches")).bearer_auth(app.token(&member)).send().await.unwrap()).await;
    assert_eq!(listed["watches"].as_array().unwrap().len(), 2);

    let body = json!({"kind": "question", "title": "แผนงบประมาณปีหน้าเริ่มเมื่อไร", "body": "ถามครับ", "tags": "งบประมาณ"});
    let res = app
        .api()
        .post(app.url(&format!("/api/v1/boards/{}/threads", board.id)))
        .bearer_auth(app.token(&writer))
        .json(&body)
        .send()
        .await
        .unwrap();
    let (status, created) = json(res).await;
    assert_eq!(status, 201, "{created}");
    let thread_id = created["thread"]["id"].as_i64().unwrap();
    let private = json!({"kind": "question", "title": "งบประมาณลับของฝ่าย", "body": "ลับ", "tags": "งบประมาณ"});
    app.api()
        .post(app.url(&format!("/api/v1/boards/{}/threads", hr_board.id)))
        .bearer_auth(app.token(&writer))
        .json(&private)
        .send()
        .await
        .unwrap();

    for who in [&member, &outsider] {
        let watched: Vec<_> = bell(&app, who).await.into_iter().filter(|n| n["kind"] == "watched-thread").collect();
        assert_eq!(watched.len(), 1, "{}: one notification, though watching the tag and the community", who.username);
        assert_eq!(watched[0]["thread_id"], thread_id, "not the private thread");
    }
    assert!(bell(&app, &writer).await.iter().all(|n| n["kind"] != "watched-thread"), "not the author");

    let out = digest_run(&app, &smtp, &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for address in ["member@example.org", "outsider@example.org"] {
        let mails = texts(&smtp, address);
        let watched: Vec<_> = mails.iter().filter(|t| t.contains("ในสิ่งที่คุณติดตาม")).collect();
        assert_eq!(watched.len(), 1, "{address}: one digest says what is new in what they watch: {mails:?}");
        assert!(watched[0].contains("แผนงบประมาณปีหน้าเริ่มเมื่อไร"));
        assert!(!watched[0].contains("งบประมาณลับของฝ่าย"));
    }
    // The next run has nothing new for them: no second mention.
    assert!(digest_run(&app, &smtp, &[]).status.success());
    let again: usize = texts(&smtp, "outsider@example.org").iter().filter(|t| t.contains("แผนงบประมาณปีหน้า")).count();
    assert_eq!(again, 1, "exactly once");

    // One click (no cookies) on the entry's stop link ends the watch.
    let mail = &texts(&smtp, "outsider@example.org")[0];
    let stop = mail.lines().find_map(|l| l.trim().strip_prefix("เลิกติดตาม: ")).expect("a stop link").to_owned();
    let anonymous = reqwest::Client::new();
    assert_eq!(anonymous.get(&stop).send().await.unwrap().status(), 200);
    assert_eq!(anonymous.post(&stop).send().await.unwrap().status(), 200);
    let forged = stop.replace("/tag/", "/board/");
    assert_eq!(anonymous.post(&forged).send().await.unwrap().status(), 403);
    let (_, listed) =
        json(app.api().get(app.url("/api/v1/watches")).bearer_auth(app.token(&outsider)).send().await.unwrap()).await;
    assert_eq!(listed["watches"], json!([]));
}
both_backends!(a_watched_tag_brings_a_new_thread_to_the_bell_and_the_next_digest_once);

async fn the_asker_watches_their_question_and_buttons_toggle_watching(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (km, board) = app.community("km");
    let (asker, helper, other) = (app.user("asker", false), app.user("helper", false), app.user("other", false));
    for u in [&asker, &helper, &other] {
        app.join(u, &km);
    }
    let (thread_id, _) =
        api_thread(&app, &app.token(&asker), board.id, "question", "ขอแบบฟอร์มลาพักร้อน", "หาไม่เจอ").await;
    let (_, answer) = api_reply(&app, &app.token(&helper), thread_id, "อยู่ในระบบบุคคลครับ").await;
    // A reply to the helper's answer: the asker hears of it as a watcher.
    let res = app
        .api()
        .post(app.url(&format!("/api/v1/threads/{thread_id}/posts")))
        .bearer_auth(app.token(&other))
        .json(&json!({"body": "เสริมว่าต้องเข้าผ่าน VPN", "parent_id": answer["id"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let kinds: Vec<String> = bell(&app, &asker).await.iter().map(|n| n["kind"].as_str().unwrap().to_owned()).collect();
    assert!(kinds.contains(&"reply".to_owned()) && kinds.contains(&"watched-reply".to_owned()), "{kinds:?}");
    assert_eq!(kinds.len(), 2, "one each: {kinds:?}");

    // The helper watches from the thread page's button, then stops.
    let h = app.signed_in(&helper).await;
    let path = format!("/t/{thread_id}");
    let page = h.get(&path).await.body;
    assert!(page.contains(r#"aria-pressed="false""#), "{page}");
    let done = h.submit(&format!("/watch/thread/{thread_id}"), &[("value", "1"), ("next", &path)]).await;
    assert_eq!(done.redirect_path().as_deref(), Some(path.as_str()));
    assert!(h.get(&path).await.body.contains(r#"aria-pressed="true""#));
    assert!(h.get("/settings/watches").await.body.contains("ขอแบบฟอร์มลาพักร้อน"));
    h.submit(&format!("/watch/thread/{thread_id}"), &[("value", "0"), ("next", &path)]).await;
    assert!(h.get(&path).await.body.contains(r#"aria-pressed="false""#));
}
both_backends!(the_asker_watches_their_question_and_buttons_toggle_watching);
