//! "Ask once": while a question's title is typed, earlier answers (published
//! knowledge and resolved threads) the asker may read are listed, and
//! saying one answered them is recorded once.

use fantoccini::Locator;
use sala::db::schema::similar_answers;
use sala::threads::{self, NewThread};

use crate::both_backends;
use crate::harness::{json, km_fixture, Backend, TestApp, PASSWORD};

/// A title that shares its topic words with the fixture's knowledge item
/// ("แผนที่ความรู้ฉบับย่อ", tagged แผนที่ความรู้) and its source question
/// ("ทำแผนที่ความรู้ของกองอย่างไร"), worded differently from both.
const TITLE: &str = "อยากเริ่มทำแผนที่ความรู้ในหน่วยงานต้องทำอย่างไรครับ";

/// A private community's resolved question on the same topic, distilled
/// into a published knowledge item there.
fn private_answer(app: &TestApp) -> (sala::communities::Community, i64) {
    let (hr, board) = app.private_community("hr");
    let insider = app.user("insider", false);
    app.make_facilitator(&insider, &hr);
    let conn = &mut app.conn();
    let input = NewThread {
        kind: "question".into(),
        title: "แผนที่ความรู้ของฝ่ายบุคคลเก็บไว้ที่ไหน".into(),
        body: "หาไม่เจอครับ".into(),
        ..Default::default()
    };
    let thread = threads::create_thread(conn, insider.viewer(), board.id, &input).unwrap().0;
    let answer = threads::reply(conn, insider.viewer(), thread.id, None, "อยู่ในไดรฟ์กลางของฝ่าย").unwrap();
    sala::knowledge::resolve(conn, insider.viewer(), thread.id, Some(answer.id)).unwrap();
    let sections = sala::knowledge::Sections {
        title: "แผนที่ความรู้ฝ่ายบุคคล".into(),
        summary: "เก็บไว้ในไดรฟ์กลางของฝ่าย".into(),
        context: "บริบท".into(),
        solution: "ทางแก้".into(),
        ..Default::default()
    };
    let input = sala::knowledge::DistillInput { sections, cite: vec![answer.id] };
    let item = sala::knowledge::distill(conn, insider.viewer(), thread.id, &input).unwrap();
    sala::knowledge::publish(conn, insider.viewer(), item.id).unwrap();
    (hr, thread.id)
}

async fn similar_lists_the_knowledge_item_first_and_nothing_private(backend: Backend) {
    let app = TestApp::start(backend).await;
    let km = km_fixture(&app);
    let (_, private_thread) = private_answer(&app);
    let reader = app.user("reader", false);
    app.join(&reader, &km.community);
    let insider = sala::accounts::find_by_username(&mut app.conn(), "insider").unwrap();

    let ask = |user: &sala::accounts::User| {
        let (app, token) = (&app, app.token(user));
        async move {
            let url = app.url("/api/v1/similar");
            let res = app.api().get(url).query(&[("title", TITLE), ("community", "km")]).bearer_auth(token);
            json(res.send().await.unwrap()).await
        }
    };
    let (status, body) = ask(&reader).await;
    assert_eq!(status, 200, "{body}");
    let found = body["similar"].as_array().unwrap();
    assert_eq!(found[0]["type"], "knowledge", "{body}");
    assert_eq!(found[0]["id"], km.item_id, "the published item first: {body}");
    assert_eq!(found[0]["answer"], "เริ่มจากยุทธศาสตร์ แล้วทำตารางผู้รู้", "the item's summary");
    let thread = found.iter().find(|s| s["type"] == "thread").expect("the resolved question too");
    assert_eq!(thread["id"], km.thread_id);
    assert!(thread["answer"].as_str().unwrap().starts_with("เริ่มจากยุทธศาสตร์"), "its accepted answer: {thread}");
    assert!(found.len() <= 5);
    assert!(!body.to_string().contains("ฝ่ายบุคคล"), "no thread or item from a private community: {body}");
    assert!(!found.iter().any(|s| s["id"] == private_thread && s["type"] == "thread"));
    // The same words unrelated to anything answered find nothing.
    let unrelated = app.api().get(app.url("/api/v1/similar")).query(&[("title", "ขอถามหน่อยได้ไหมครับ")]);
    assert_eq!(json(unrelated.send().await.unwrap()).await.1["similar"], serde_json::json!([]));

    // A member of the private community gets its answer as well, after the
    // answers of the community they are asking in.
    let (_, body) = ask(&insider).await;
    let found = body["similar"].as_array().unwrap();
    assert_eq!(found[0]["id"], km.item_id, "{body}");
    assert!(found.iter().any(|s| s["id"] == private_thread && s["type"] == "thread"), "{body}");
    assert!(found.iter().any(|s| s["type"] == "knowledge" && s["community_slug"] == "hr"), "their item: {body}");

    // Without a script, the ask form lists them when the title is given.
    let browser = app.browser();
    browser.login("reader").await;
    let form = browser.get(&format!("/ask?title={}", urlencode(TITLE))).await.body;
    let item_link = format!(r#"href="/k/{}?asked="#, km.item_id);
    assert!(form.contains(&item_link), "the ask form lists the item: {form}");
    assert!(!form.contains("ฝ่ายบุคคล"));
}
both_backends!(similar_lists_the_knowledge_item_first_and_nothing_private);

pub fn urlencode(text: &str) -> String {
    serde_urlencoded::to_string([("", text)]).unwrap().trim_start_matches('=').to_owned()
}

async fn this_answered_me_is_recorded_once_and_only_for_what_one_may_read(backend: Backend) {
    let app = TestApp::start(backend).await;
    let km = km_fixture(&app);
    let (_, private_thread) = private_answer(&app);
    let reader = app.user("reader", false);
    app.join(&reader, &km.community);
    let browser = app.browser();
    browser.login("reader").await;

    let item_page = browser.get(&format!("/k/{}?asked={}", km.item_id, urlencode(TITLE))).await.body;
    assert!(item_page.contains("ใช่ หน้านี้ตอบคำถามของฉันแล้ว"), "the button for someone sent by the prompt");
    assert!(!browser.get(&format!("/k/{}", km.item_id)).await.body.contains("ใช่ หน้านี้ตอบคำถามของฉันแล้ว"));
    let fields = [("type", "knowledge"), ("id", &km.item_id.to_string()), ("title", TITLE)];
    let done = browser.submit("/ask/answered", &fields).await;
    assert_eq!(done.redirect_path().as_deref(), Some(format!("/k/{}", km.item_id).as_str()));
    assert!(browser.get(&format!("/k/{}", km.item_id)).await.body.contains("ดีใจที่ช่วยได้"));
    browser.submit("/ask/answered", &fields).await;
    let thread_page = browser.get(&format!("/t/{}?asked={}", km.thread_id, urlencode(TITLE))).await.body;
    assert!(thread_page.contains("ใช่ หน้านี้ตอบคำถามของฉันแล้ว"), "on a resolved thread too");

    let recorded: Vec<(String, i64, String)> = {
        use diesel::prelude::*;
        let conn: &mut sala::db::AnyConnection = &mut app.conn();
        similar_answers::table
            .select((similar_answers::kind, similar_answers::source_id, similar_answers::asked_title))
            .load(conn)
            .unwrap()
    };
    assert_eq!(recorded, vec![("knowledge".to_owned(), km.item_id, TITLE.to_owned())], "once");

    let res = app
        .api()
        .post(app.url("/api/v1/similar/answered"))
        .bearer_auth(app.token(&reader))
        .json(&serde_json::json!({"type": "thread", "id": private_thread, "title": TITLE}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404, "a private thread does not exist for an outsider");
}
both_backends!(this_answered_me_is_recorded_once_and_only_for_what_one_may_read);

/// Typing a title in the ask form shows the earlier answer without leaving
/// the form.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typing_a_title_shows_the_similar_knowledge_item_in_chromium() {
    let Some((_driver, c, _profile)) = crate::browser::chromium().await else { return };
    let app = TestApp::start(Backend::Sqlite).await;
    let km = km_fixture(&app);
    let reader = app.user("reader", false);
    app.join(&reader, &km.community);
    c.goto(&app.url("/login")).await.unwrap();
    c.find(Locator::Id("login")).await.unwrap().send_keys("reader").await.unwrap();
    c.find(Locator::Id("password")).await.unwrap().send_keys(PASSWORD).await.unwrap();
    c.find(Locator::Css("main form button[type=submit]")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::LinkText("reader display")).await.expect("logged in");

    c.goto(&app.url("/ask")).await.unwrap();
    c.find(Locator::Id("title")).await.unwrap().send_keys(TITLE).await.unwrap();
    let link = c
        .wait()
        .for_element(Locator::Css(&format!(".similar-list a[href^='/k/{}?asked=']", km.item_id)))
        .await
        .expect("the knowledge item appears while typing");
    assert_eq!(link.text().await.unwrap(), "แผนที่ความรู้ฉบับย่อ");
    crate::browser::screenshot(&c, "ask-similar").await;
    // The community's tag the title contains is suggested; a click adds it.
    c.find(Locator::Css("[data-add-tag='แผนที่ความรู้']")).await.expect("the tag is suggested").click().await.unwrap();
    let tags = c.find(Locator::Id("tags")).await.unwrap().prop("value").await.unwrap().unwrap_or_default();
    assert_eq!(tags, "แผนที่ความรู้");
    link.click().await.unwrap();
    c.wait().for_element(Locator::Css("form.answered-box")).await.expect("asked whether it answered");
    c.close().await.unwrap();
}
