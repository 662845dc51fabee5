//! Tags on threads: chosen when asking (suggested from the title), shown on
//! the thread, listed with knowledge on the tag's page, renamed and merged
//! by facilitators.

use crate::both_backends;
use crate::harness::{json, km_fixture, Backend, TestApp};

async fn post_tagged(app: &TestApp, user: &sala::accounts::User, board_id: i64, title: &str, tags: &str) -> (u16, i64) {
    let body = serde_json::json!({"kind": "question", "title": title, "body": "ถามครับ", "tags": tags});
    let res = app
        .api()
        .post(app.url(&format!("/api/v1/boards/{board_id}/threads")))
        .bearer_auth(app.token(user))
        .json(&body)
        .send()
        .await
        .unwrap();
    let (status, value) = json(res).await;
    (status, value["thread"]["id"].as_i64().or(value["id"].as_i64()).unwrap_or_default())
}

async fn a_tag_gathers_threads_and_knowledge_and_facilitators_rename_it(backend: Backend) {
    let app = TestApp::start(backend).await;
    let km = km_fixture(&app);
    let member = app.user("member", false);
    app.join(&member, &km.community);
    let (hr, hr_board) = app.private_community("hr");
    let insider = app.user("insider", false);
    app.join_by_appointment(&insider, &hr);

    let (status, thread_id) =
        post_tagged(&app, &member, km.board.id, "ทำแผนที่ความรู้ระดับกอง", "แผนที่ความรู้, #KM , km").await;
    assert_eq!(status, 201);
    post_tagged(&app, &insider, hr_board.id, "แผนที่ความรู้ฝ่ายบุคคล", "แผนที่ความรู้").await;
    let (status, _) = post_tagged(&app, &member, km.board.id, "แท็กเยอะไป", "a, b, c, d, e, f").await;
    assert_eq!(status, 422, "five tags at most");

    let visitor = app.browser();
    let thread = visitor.get(&format!("/t/{thread_id}")).await.body;
    assert!(thread.contains(r#"href="/tags/km""#) && thread.contains(">แผนที่ความรู้</a>"), "normalised, shown");
    let tag_page = visitor.get("/tags/%E0%B9%81%E0%B8%9C%E0%B8%99%E0%B8%97%E0%B8%B5%E0%B9%88%E0%B8%84%E0%B8%A7%E0%B8%B2%E0%B8%A1%E0%B8%A3%E0%B8%B9%E0%B9%89").await;
    assert_eq!(tag_page.status, 200);
    assert!(tag_page.body.contains("ทำแผนที่ความรู้ระดับกอง"), "the thread");
    assert!(tag_page.body.contains("แผนที่ความรู้ฉบับย่อ"), "and the knowledge item with the same tag");
    assert!(!tag_page.body.contains("ฝ่ายบุคคล"), "nothing from a private community");

    // Asking with the tag's words in the title suggests the tag.
    let m = app.signed_in(&member).await;
    let ask = m.get(&format!("/ask?board={}&title=%E0%B8%AD%E0%B8%A2%E0%B8%B2%E0%B8%81%E0%B8%97%E0%B8%B3%E0%B9%81%E0%B8%9C%E0%B8%99%E0%B8%97%E0%B8%B5%E0%B9%88%E0%B8%84%E0%B8%A7%E0%B8%B2%E0%B8%A1%E0%B8%A3%E0%B8%B9%E0%B9%89", km.board.id)).await.body;
    let suggested = ask.split("suggested-tags").nth(1).unwrap_or_default();
    assert!(suggested.contains("แผนที่ความรู้"), "suggested from the title");

    // A member may not rename; the facilitator merges "km" into the Thai tag.
    let path = format!("/c/{}/tags", km.community.slug);
    assert_eq!(m.submit(&path, &[("from", "km"), ("to", "แผนที่ความรู้")]).await.status, 403);
    let f = app.signed_in(&km.facilitator).await;
    let page = f.get(&path).await.body;
    assert!(page.contains("ใช้ 2 ครั้ง"), "the tag with its uses here: the thread and the item");
    let renamed = f.submit(&path, &[("from", "km"), ("to", "แผนที่ความรู้")]).await;
    assert_eq!(renamed.status, 303);
    let thread = visitor.get(&format!("/t/{thread_id}")).await.body;
    assert!(!thread.contains(r#"href="/tags/km""#), "merged away");
    assert_eq!(thread.matches(">แผนที่ความรู้</a>").count(), 1, "one tag, not two");
}
both_backends!(a_tag_gathers_threads_and_knowledge_and_facilitators_rename_it);
