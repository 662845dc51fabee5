//! @mentions: a post that names someone links to them and tells them, once,
//! when they may read it and want to hear of it.

use crate::both_backends;
use crate::harness::{api_reply, api_thread, json, Backend, TestApp};

/// The mentions in someone's bell (`GET /api/v1/notifications`).
async fn mentions_of(app: &TestApp, user: &sala::accounts::User) -> Vec<serde_json::Value> {
    let res = app.api().get(app.url("/api/v1/notifications")).bearer_auth(app.token(user)).send().await.unwrap();
    let (status, body) = json(res).await;
    assert_eq!(status, 200, "{body}");
    body["notifications"].as_array().unwrap().iter().filter(|n| n["kind"] == "mention").cloned().collect()
}

async fn edit(app: &TestApp, user: &sala::accounts::User, post_id: i64, body: &str) {
    let res = app
        .api()
        .patch(app.url(&format!("/api/v1/posts/{post_id}")))
        .bearer_auth(app.token(user))
        .json(&serde_json::json!({"body": body}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

async fn a_mention_tells_the_person_once_and_only_those_who_may_read_it(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (hr, board) = app.private_community("hr");
    let (author, colleague, outsider, coder) = (
        app.user("author", false),
        app.user("colleague", false),
        app.user("outsider", false),
        app.user("coder", false),
    );
    for member in [&author, &colleague, &coder] {
        app.join_by_appointment(member, &hr);
    }
    let body =
        "ขอความเห็น @colleague และ @outsider ด้วยครับ ฝากตัวเอง @author\n\n```\n@coder ในโค้ด\n```\n\nและ `@coder` ด้วย";
    let (thread_id, post_id) =
        api_thread(&app, &app.token(&author), board.id, "question", "ขอความเห็นแผนงาน", body).await;

    let told = mentions_of(&app, &colleague).await;
    assert_eq!(told.len(), 1, "{told:?}");
    assert_eq!(told[0]["post_id"], post_id);
    assert!(mentions_of(&app, &outsider).await.is_empty(), "not someone who cannot read the community");
    assert!(mentions_of(&app, &author).await.is_empty(), "not the author themself");
    assert!(mentions_of(&app, &coder).await.is_empty(), "not from inside code");

    let page = app.signed_in(&colleague).await.get(&format!("/t/{thread_id}")).await.body;
    assert!(page.contains(r#"<a href="/u/colleague" rel="nofollow noopener noreferrer ugc">@colleague</a>"#));
    assert!(!page.contains(r#"href="/u/coder""#), "a name in code stays code");

    // Edits: still once for the colleague; someone newly named hears of it.
    edit(&app, &author, post_id, &format!("{body}\n\nแก้แล้ว @colleague @coder")).await;
    edit(&app, &author, post_id, &format!("{body}\n\nแก้อีกครั้ง @colleague @coder")).await;
    assert_eq!(mentions_of(&app, &colleague).await.len(), 1, "exactly once, also after edits");
    assert_eq!(mentions_of(&app, &coder).await.len(), 1, "named in prose by an edit");
}
both_backends!(a_mention_tells_the_person_once_and_only_those_who_may_read_it);

async fn mentions_follow_the_persons_choices_and_thai_names(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (km, board) = app.community("km");
    let (author, muter, quiet, somchai) =
        (app.user("author", false), app.user("muter", false), app.user("quiet", false), app.user("somchai", false));
    for member in [&author, &muter, &quiet, &somchai] {
        app.join(member, &km);
    }
    {
        use diesel::prelude::*;
        use sala::db::schema::users;
        let conn: &mut sala::db::AnyConnection = &mut app.conn();
        diesel::update(users::table.find(somchai.id)).set(users::display_name.eq("สมชาย ใจดี")).execute(conn).unwrap();
    }
    // One mutes the author from their profile; another turns mentions off.
    let m = app.signed_in(&muter).await;
    assert!(m.get("/u/author").await.body.contains("ปิดเสียง"));
    m.submit("/u/author/mute", &[("value", "1")]).await;
    assert!(m.get("/u/author").await.body.contains("คุณปิดเสียงบุคคลนี้แล้ว"));
    let q = app.signed_in(&quiet).await;
    let saved = q.submit("/settings/notifications", &[("notify_replies", "on"), ("notify_resolved", "on")]).await;
    assert_eq!(saved.status, 303);

    let (thread_id, _) = api_thread(
        &app,
        &app.token(&author),
        board.id,
        "experience",
        "เล่าเรื่องการประชุม",
        "ขอบคุณ @muter @quiet และคุณ @สมชาย ที่ช่วยครับ",
    )
    .await;
    assert!(mentions_of(&app, &muter).await.is_empty(), "not when they muted the author");
    assert!(mentions_of(&app, &quiet).await.is_empty(), "not when they turned mentions off");
    assert_eq!(mentions_of(&app, &somchai).await.len(), 1, "a Thai display name's first word names them");
    let page = app.browser().get(&format!("/t/{thread_id}")).await.body;
    assert!(page.contains(r#"href="/u/somchai""#), "and links to them");

    // Unmuted, the next mention gets through; a reply to their own post
    // that also names them is one notification, not two.
    m.submit("/u/author/mute", &[("value", "0")]).await;
    let (_, reply) = api_reply(&app, &app.token(&muter), thread_id, "ตอบครับ").await;
    let reply_id = reply["id"].as_i64().unwrap();
    let res = app
        .api()
        .post(app.url(&format!("/api/v1/threads/{thread_id}/posts")))
        .bearer_auth(app.token(&author))
        .json(&serde_json::json!({"body": "@muter ขอบคุณครับ", "parent_id": reply_id}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let res = app.api().get(app.url("/api/v1/notifications")).bearer_auth(app.token(&muter)).send().await.unwrap();
    let (_, body) = json(res).await;
    assert_eq!(body["notifications"].as_array().unwrap().len(), 1, "{body}");
    assert_eq!(body["notifications"][0]["kind"], "reply");
}
both_backends!(mentions_follow_the_persons_choices_and_thai_names);

/// Typing "@" and the start of a Thai name in the ask form suggests the
/// person; Enter writes their username.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typing_at_and_a_name_suggests_the_person_in_chromium() {
    use fantoccini::{key::Key, Locator};
    let Some((_driver, c, _profile)) = crate::browser::chromium().await else { return };
    let app = TestApp::start(Backend::Sqlite).await;
    let (km, _) = app.community("km");
    let (writer, somchai) = (app.user("writer", false), app.user("somchai", false));
    app.join(&writer, &km);
    {
        use diesel::prelude::*;
        use sala::db::schema::users;
        let conn: &mut sala::db::AnyConnection = &mut app.conn();
        diesel::update(users::table.find(somchai.id)).set(users::display_name.eq("สมชาย ใจดี")).execute(conn).unwrap();
    }
    c.goto(&app.url("/login")).await.unwrap();
    c.find(Locator::Id("login")).await.unwrap().send_keys("writer").await.unwrap();
    c.find(Locator::Id("password")).await.unwrap().send_keys(crate::harness::PASSWORD).await.unwrap();
    c.find(Locator::Css("main form button[type=submit]")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::LinkText("writer display")).await.expect("logged in");

    c.goto(&app.url("/ask")).await.unwrap();
    let body = c.find(Locator::Id("body")).await.unwrap();
    body.send_keys("ขอบคุณ @สม").await.unwrap();
    let option = c
        .wait()
        .for_element(Locator::Css(".mention-suggestions li[data-username='somchai']"))
        .await
        .expect("the person is suggested");
    assert!(option.text().await.unwrap().contains("สมชาย ใจดี"));
    body.send_keys(&char::from(Key::Enter).to_string()).await.unwrap();
    let value = body.prop("value").await.unwrap().unwrap_or_default();
    assert_eq!(value, "ขอบคุณ @somchai ", "Enter writes the username");
    c.close().await.unwrap();
}
