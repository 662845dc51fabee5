//! Roles: members post, facilitators look after their community, admins run
//! the site. Checked through the API and the pages.

use serde_json::json;

use crate::both_backends;
use crate::harness::{json, Backend, TestApp};

async fn only_members_post_and_facilitators_moderate(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (community, board) = app.community("km");
    let member = app.user("member", false);
    let outsider = app.user("outsider", false);
    let facilitator = app.user("facil", false);
    app.join(&member, &community);
    app.make_facilitator(&facilitator, &community);
    let api = app.api();
    let threads_url = app.url(&format!("/api/v1/boards/{}/threads", board.id));
    let new_thread = json!({"kind": "question", "title": "คำถาม", "body": "เนื้อหา"});

    let res = api.post(&threads_url).bearer_auth(app.token(&outsider)).json(&new_thread).send().await.unwrap();
    assert_eq!(res.status(), 403, "outsiders must join first");
    let (status, created) =
        json(api.post(&threads_url).bearer_auth(app.token(&member)).json(&new_thread).send().await.unwrap()).await;
    assert_eq!(status, 201);
    let thread_id = created["thread"]["id"].as_i64().unwrap();
    let opening_id = created["post"]["id"].as_i64().unwrap();

    // Members cannot moderate; facilitators can, through their forms.
    let member_browser = app.browser();
    member_browser.login("member").await;
    assert_eq!(member_browser.submit(&format!("/t/{thread_id}/lock"), &[("value", "1")]).await.status, 403);
    let facilitator_browser = app.browser();
    facilitator_browser.login("facil").await;
    assert_eq!(facilitator_browser.submit(&format!("/t/{thread_id}/pin"), &[("value", "1")]).await.status, 303);
    assert_eq!(facilitator_browser.submit(&format!("/t/{thread_id}/lock"), &[("value", "1")]).await.status, 303);

    // Locked: members can no longer reply, through the API or the page.
    let res = api
        .post(app.url(&format!("/api/v1/threads/{thread_id}/posts")))
        .bearer_auth(app.token(&member))
        .json(&json!({"body": "ตอบช้าไป"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 409);
    let (_, problem) = json(res).await;
    assert!(problem["detail"].as_str().unwrap().contains("ถูกปิด"));
    let page = member_browser.get(&format!("/t/{thread_id}")).await;
    assert!(page.body.contains("กระทู้นี้ถูกปิดแล้ว") && !page.body.contains("reply-box"));
    let board_page = member_browser.get(&format!("/c/{}/b/{}", community.slug, board.slug)).await;
    assert!(board_page.body.contains("thread-row pinned"), "pinned threads stand out in the listing");

    // Soft delete by a facilitator: a placeholder stays, replies keep their place.
    facilitator_browser.submit(&format!("/t/{thread_id}/lock"), &[("value", "0")]).await;
    let (_, reply) = json(
        api.post(app.url(&format!("/api/v1/threads/{thread_id}/posts")))
            .bearer_auth(app.token(&member))
            .json(&json!({"body": "คำตอบใต้ข้อความที่จะถูกลบ"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(facilitator_browser.submit(&format!("/p/{opening_id}/delete"), &[]).await.status, 303);
    let page = member_browser.get(&format!("/t/{thread_id}")).await;
    assert!(page.body.contains("ข้อความนี้ถูกลบแล้ว"));
    assert!(!page.body.contains("เนื้อหา</p>"), "deleted text is gone");
    assert!(page.body.contains("คำตอบใต้ข้อความที่จะถูกลบ"));
    let (_, tree) = json(api.get(app.url(&format!("/api/v1/threads/{thread_id}"))).send().await.unwrap()).await;
    assert_eq!(tree["posts"][0]["is_deleted"], true);
    assert_eq!(tree["posts"][0]["body_html"], "");
    assert_eq!(tree["posts"][1]["id"], reply["id"]);

    // A member cannot delete someone else's post.
    let outsider_reply = api
        .delete(app.url(&format!("/api/v1/posts/{}", reply["id"])))
        .bearer_auth(app.token(&outsider))
        .send()
        .await
        .unwrap();
    assert_eq!(outsider_reply.status(), 403);
}
both_backends!(only_members_post_and_facilitators_moderate);

async fn admins_manage_communities_facilitators_manage_boards(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.user("boss", true);
    let staff = app.user("staff", false);
    let api = app.api();

    let cop = json!({"slug": "hr-cop", "name": "ชุมชนงานบุคคล", "description": "*ยินดีต้อนรับ*"});
    let res = api.post(app.url("/api/v1/communities")).bearer_auth(app.token(&staff)).json(&cop).send().await.unwrap();
    assert_eq!(res.status(), 403, "only admins create communities");

    let browser = app.browser();
    browser.login("boss").await;
    let created = browser
        .submit(
            "/c/new",
            &[("slug", "hr-cop"), ("name", "ชุมชนงานบุคคล"), ("description", "*ยินดีต้อนรับ*"), ("is_public", "on")],
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    let page = browser.get("/c/hr-cop").await;
    assert!(page.body.contains("<em>ยินดีต้อนรับ</em>"));
    let dup = browser.submit("/c/new", &[("slug", "hr-cop"), ("name", "ซ้ำ")]).await;
    assert_eq!(dup.status, 409);

    // The admin appoints a facilitator from the members page.
    assert_eq!(
        browser.submit("/c/hr-cop/facilitators", &[("username", "staff"), ("action", "appoint")]).await.status,
        303
    );
    let members = browser.get("/c/hr-cop/members").await;
    assert!(members.body.contains("staff display") && members.body.contains("ถอดจากผู้อำนวยความสะดวก"));

    // The facilitator creates and renames a board; a plain member cannot.
    let staff_browser = app.browser();
    staff_browser.login("staff").await;
    let made = staff_browser
        .submit("/c/hr-cop/boards/new", &[("slug", "leave"), ("name", "การลา"), ("description", "ถามเรื่องการลา")])
        .await;
    assert_eq!(made.status, 303, "{}", made.body);
    let renamed = staff_browser
        .submit("/c/hr-cop/b/leave/edit", &[("slug", "leave"), ("name", "วันลาและสวัสดิการ"), ("description", "")])
        .await;
    assert_eq!(renamed.status, 303);
    assert!(staff_browser.get("/c/hr-cop").await.body.contains("วันลาและสวัสดิการ"));
    let member = app.user("plain", false);
    let (status, _) = json(
        api.post(app.url("/api/v1/communities/hr-cop/join")).bearer_auth(app.token(&member)).send().await.unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    let res = api
        .post(app.url("/api/v1/communities/hr-cop/boards"))
        .bearer_auth(app.token(&member))
        .json(&json!({"slug": "x", "name": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);

    // Leaving takes posting rights away.
    let res =
        api.post(app.url("/api/v1/communities/hr-cop/leave")).bearer_auth(app.token(&member)).send().await.unwrap();
    assert_eq!(res.status(), 204);
    let (_, boards) = json(api.get(app.url("/api/v1/communities/hr-cop/boards")).send().await.unwrap()).await;
    let board_id = boards["boards"][0]["id"].as_i64().unwrap();
    let res = api
        .post(app.url(&format!("/api/v1/boards/{board_id}/threads")))
        .bearer_auth(app.token(&member))
        .json(&json!({"kind": "question", "title": "t", "body": "b"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let _ = admin;
}
both_backends!(admins_manage_communities_facilitators_manage_boards);

async fn private_communities_are_hidden_from_outsiders(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.user("boss", true);
    let api = app.api();
    let res = api
        .post(app.url("/api/v1/communities"))
        .bearer_auth(app.token(&admin))
        .json(&json!({"slug": "board-room", "name": "ห้องผู้บริหาร", "is_public": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    assert_eq!(api.get(app.url("/api/v1/communities/board-room")).send().await.unwrap().status(), 404);
    let stranger = app.user("stranger", false);
    assert_eq!(
        api.get(app.url("/api/v1/communities/board-room"))
            .bearer_auth(app.token(&stranger))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    let home = app.browser().get("/").await;
    assert!(!home.body.contains("ห้องผู้บริหาร"));
    assert_eq!(app.browser().get("/c/board-room").await.status, 404);
    let (_, list) =
        json(api.get(app.url("/api/v1/communities")).bearer_auth(app.token(&admin)).send().await.unwrap()).await;
    assert_eq!(list["communities"][0]["slug"], "board-room", "admins see it");
}
both_backends!(private_communities_are_hidden_from_outsiders);
