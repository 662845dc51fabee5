//! Anonymous readers get shared renderings; they must never be stale after
//! a write, and never carry another browser's CSRF token.

use serde_json::json;

use crate::both_backends;
use crate::harness::{api_thread, json, Backend, TestApp};

async fn cached_pages_follow_every_write(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (community, board) = app.community("km");
    let author = app.user("author", false);
    app.join(&author, &community);
    let token = app.token(&author);
    let (thread_id, opening) = api_thread(&app, &token, board.id, "question", "คำถามแรก", "เนื้อหาแรก").await;
    let thread = format!("/t/{thread_id}");
    let board_path = format!("/c/{}/b/{}", community.slug, board.slug);

    let reader = app.browser();
    let first = reader.get(&thread).await;
    assert!(first.body.contains("เนื้อหาแรก"));
    assert!(reader.get(&board_path).await.body.contains("คำถามแรก"));
    let api = app.api();
    let (_, before) = json(api.get(app.url(&format!("/api/v1/threads/{thread_id}"))).send().await.unwrap()).await;
    assert_eq!(before["posts"].as_array().unwrap().len(), 1);

    // A reply, an edit of the title and body: every view shows them at once.
    api.post(app.url(&format!("/api/v1/threads/{thread_id}/posts")))
        .bearer_auth(&token)
        .json(&json!({"body": "คำตอบใหม่"}))
        .send()
        .await
        .unwrap();
    api.patch(app.url(&format!("/api/v1/posts/{opening}")))
        .bearer_auth(&token)
        .json(&json!({"body": "เนื้อหาที่แก้แล้ว", "title": "คำถามที่แก้แล้ว"}))
        .send()
        .await
        .unwrap();
    let after = reader.get(&thread).await;
    assert!(after.body.contains("คำตอบใหม่") && after.body.contains("เนื้อหาที่แก้แล้ว"), "no stale thread page");
    let listing = reader.get(&board_path).await;
    assert!(listing.body.contains("คำถามที่แก้แล้ว") && listing.body.contains("1 คำตอบ"), "no stale board page");
    let (_, after_api) = json(api.get(app.url(&format!("/api/v1/threads/{thread_id}"))).send().await.unwrap()).await;
    assert_eq!(after_api["posts"].as_array().unwrap().len(), 2, "no stale API thread");

    // Each browser gets its own working CSRF token from the shared rendering.
    let other = app.browser();
    let other_page = other.get(&thread).await;
    assert_ne!(other_page.csrf(), after.csrf());
    let switched = other.post_raw("/lang", &[("csrf", &other_page.csrf()), ("lang", "en"), ("next", &thread)]).await;
    assert_eq!(switched.status, 303);
    assert!(other.get(&thread).await.body.contains("<html lang=\"en\">"), "English after switching");
    assert!(reader.get(&thread).await.body.contains("<html lang=\"th\">"), "the first reader keeps Thai");

    // Conditional requests: an unchanged page is 304.
    let res = reader.client.get(app.url(&thread)).send().await.unwrap();
    let etag = res.headers()["etag"].to_str().unwrap().to_owned();
    let again = reader.client.get(app.url(&thread)).header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(again.status(), 304);
    api.post(app.url(&format!("/api/v1/threads/{thread_id}/posts")))
        .bearer_auth(&token)
        .json(&json!({"body": "อีกคำตอบ"}))
        .send()
        .await
        .unwrap();
    let changed = reader.client.get(app.url(&thread)).header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(changed.status(), 200, "a changed page is sent again");

    // A logged-in member sees their own buttons, not the anonymous page.
    let member = app.browser();
    member.login("author").await;
    let own = member.get(&thread).await;
    assert!(own.body.contains(&format!("/p/{opening}/edit")));
    assert!(!reader.get(&thread).await.body.contains(&format!("/p/{opening}/edit")));
}
both_backends!(cached_pages_follow_every_write);

/// Each signed-in reader gets the buttons that are theirs: the facilitator
/// lock and delete, the member edit on their own reply and flag on others';
/// an anonymous visitor afterwards gets none of them (nothing per-viewer
/// leaks through any cache).
async fn each_reader_gets_their_own_buttons_and_visitors_none(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (km, board) = app.community("km");
    let (asker, member, facilitator) = (app.user("asker", false), app.user("member", false), app.user("facil", false));
    app.join(&asker, &km);
    app.join(&member, &km);
    app.make_facilitator(&facilitator, &km);
    let (thread_id, opening) =
        crate::harness::api_thread(&app, &app.token(&asker), board.id, "question", "ใครตรวจเอกสาร", "ถามครับ").await;
    let (_, reply) = crate::harness::api_reply(&app, &app.token(&member), thread_id, "ผมตรวจให้").await;
    let reply_id = reply["id"].as_i64().unwrap();
    let path = format!("/t/{thread_id}");
    let has = |page: &str, what: &str| page.contains(what);
    let lock = format!(r#"action="/t/{thread_id}/lock""#);
    let edit_reply = format!(r#"href="/p/{reply_id}/edit""#);
    let flag_opening = format!(r#"href="/p/{opening}/flag""#);
    let delete_opening = format!(r#"action="/p/{opening}/delete""#);

    let f = app.browser();
    f.login("facil").await;
    let as_facilitator = f.get(&path).await.body;
    assert!(has(&as_facilitator, &lock) && has(&as_facilitator, &delete_opening), "the facilitator moderates");
    assert!(!has(&as_facilitator, &edit_reply), "but edits only their own posts");

    let m = app.browser();
    m.login("member").await;
    let as_member = m.get(&path).await.body;
    assert!(has(&as_member, &edit_reply) && has(&as_member, &flag_opening), "the member edits theirs, flags others'");
    assert!(!has(&as_member, &lock) && !has(&as_member, &delete_opening), "no facilitator's buttons for a member");

    for _ in 0..2 {
        let anonymous = app.browser().get(&path).await.body;
        for button in [&lock, &edit_reply, &flag_opening, &delete_opening] {
            assert!(!has(&anonymous, button), "{button} shown to a visitor");
        }
    }
}
both_backends!(each_reader_gets_their_own_buttons_and_visitors_none);

/// Signed-in readers share the rendering of a thread's posts too, but a
/// hidden reply reaches only its author and the facilitators, whoever reads
/// first, on the page and in the API; each gets their own standing.
async fn a_hidden_reply_reaches_only_those_who_may_see_it_whoever_reads_first(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (km, board) = app.community("km");
    let (asker, author, facilitator) = (app.user("asker", false), app.user("author", false), app.user("facil", false));
    app.join(&asker, &km);
    app.join(&author, &km);
    app.make_facilitator(&facilitator, &km);
    let (thread_id, _) = api_thread(&app, &app.token(&asker), board.id, "question", "ใครตรวจเอกสาร", "ถามครับ").await;
    let (_, reply) = crate::harness::api_reply(&app, &app.token(&author), thread_id, "ลิงก์ขายของซ่อนไว้").await;
    let reply_id = reply["id"].as_i64().unwrap();
    let path = format!("/t/{thread_id}");
    let api_path = format!("/api/v1/threads/{thread_id}");
    let page_as = |who: &'static str| {
        let app = &app;
        let path = path.clone();
        async move {
            let b = app.browser();
            b.login(who).await;
            b.get(&path).await.body
        }
    };
    let json_as = |who: &'static str| {
        let app = &app;
        let api_path = api_path.clone();
        async move {
            let user = sala::accounts::find_by_username(&mut app.conn(), who).unwrap();
            let res = app.api().get(app.url(&api_path)).bearer_auth(app.token(&user)).send().await.unwrap();
            json(res).await.1
        }
    };
    let reply_body = |page: &serde_json::Value| {
        page["posts"].as_array().unwrap().iter().find(|p| p["id"] == reply_id).unwrap()["body_html"].to_string()
    };
    // The asker reads first: the shared renderings show the reply.
    assert!(page_as("asker").await.contains("ลิงก์ขายของซ่อนไว้"));
    assert_eq!(json_as("asker").await["standing"], "member");

    let (status, decided) = json(
        app.api()
            .post(app.url(&format!("/api/v1/posts/{reply_id}/decision")))
            .bearer_auth(app.token(&facilitator))
            .json(&json!({"decision": "hide", "reason": "สแปม"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(status < 300, "{decided}");

    // Now the asker first again, then the author and the facilitator, then the asker.
    for round in 0..2 {
        let asker_page = page_as("asker").await;
        assert!(!asker_page.contains("ลิงก์ขายของซ่อนไว้"), "round {round}: hidden from other members");
        assert!(!reply_body(&json_as("asker").await).contains("ลิงก์ขายของซ่อนไว้"), "round {round}: API");
        for who in ["author", "facil"] {
            assert!(page_as(who).await.contains("ลิงก์ขายของซ่อนไว้"), "round {round}: {who} sees it");
            let page = json_as(who).await;
            assert!(reply_body(&page).contains("ลิงก์ขายของซ่อนไว้"), "round {round}: {who} in the API");
            assert_eq!(page["standing"], if who == "facil" { "facilitator" } else { "member" });
        }
    }
    let anonymous = app.browser().get(&path).await.body;
    assert!(!anonymous.contains("ลิงก์ขายของซ่อนไว้"));
}
both_backends!(a_hidden_reply_reaches_only_those_who_may_see_it_whoever_reads_first);

/// A board's listing is shared by signed-in readers too: it follows every
/// new thread at once, and the buttons above it stay each reader's own.
async fn signed_in_readers_share_a_boards_listing_but_not_its_buttons(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (km, board) = app.community("km");
    // The outsider has an account but has not joined the community.
    let (member, facilitator) = (app.user("member", false), app.user("facil", false));
    app.user("outsider", false);
    app.join(&member, &km);
    app.make_facilitator(&facilitator, &km);
    api_thread(&app, &app.token(&member), board.id, "question", "กระทู้แรกของบอร์ด", "ถามครับ").await;
    let path = format!("/c/{}/b/{}", km.slug, board.slug);
    let new_thread = format!(r#"href="/c/{}/b/{}/new""#, km.slug, board.slug);
    let edit_board = format!(r#"href="/c/{}/b/{}/edit""#, km.slug, board.slug);

    let (m, o, f) = (app.browser(), app.browser(), app.browser());
    m.login("member").await;
    o.login("outsider").await;
    f.login("facil").await;
    let as_member = m.get(&path).await.body;
    assert!(as_member.contains("กระทู้แรกของบอร์ด") && as_member.contains(&new_thread));
    assert!(!as_member.contains(&edit_board), "members do not edit boards");

    api_thread(&app, &app.token(&facilitator), board.id, "experience", "กระทู้ที่สองมาใหม่", "เล่าให้ฟัง").await;
    for (who, browser) in [("member", &m), ("outsider", &o), ("facil", &f)] {
        let page = browser.get(&path).await.body;
        assert!(page.contains("กระทู้ที่สองมาใหม่"), "{who} sees the new thread at once");
        assert_eq!(page.contains(&new_thread), who != "outsider", "{who}: the new-thread button");
        assert_eq!(page.contains(&edit_board), who == "facil", "{who}: the edit button");
    }
}
both_backends!(signed_in_readers_share_a_boards_listing_but_not_its_buttons);

/// The thank-you after flagging sits beside the flagged post for the reader
/// who came back from flagging it, not in the rendering others share.
async fn the_flag_thank_you_shows_beside_that_post_for_that_reader_only(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (km, board) = app.community("km");
    let (asker, member) = (app.user("asker", false), app.user("member", false));
    app.join(&asker, &km);
    app.join(&member, &km);
    let (thread_id, _) = api_thread(&app, &app.token(&asker), board.id, "question", "ใครตรวจเอกสาร", "ถามครับ").await;
    let (_, reply) = crate::harness::api_reply(&app, &app.token(&asker), thread_id, "ตอบเองครับ").await;
    let reply_id = reply["id"].as_i64().unwrap();
    let thanks = "ขอบคุณ ผู้อำนวยความสะดวกจะตรวจสอบข้อความนี้";
    let path = format!("/t/{thread_id}");

    let asker_browser = app.browser();
    asker_browser.login("asker").await;
    assert!(!asker_browser.get(&path).await.body.contains(thanks), "nobody has flagged anything");
    let m = app.browser();
    m.login("member").await;
    let after_flagging = m.get(&format!("{path}?flagged={reply_id}")).await.body;
    assert_eq!(after_flagging.matches(thanks).count(), 1);
    let beside = after_flagging.find(&format!(r#"id="p{reply_id}""#)).unwrap();
    assert!(after_flagging.find(thanks).unwrap() > beside, "beside the flagged reply, not the question");
    assert!(!asker_browser.get(&path).await.body.contains(thanks), "not for other readers");
    assert!(!m.get(&path).await.body.contains(thanks), "only on the way back from flagging");
}
both_backends!(the_flag_thank_you_shows_beside_that_post_for_that_reader_only);

/// The home page's lists are rendered once and shared, but only among
/// readers who may see the same communities: a private community's thread
/// never reaches an outsider, whoever loads the page first, and every new
/// thread or reply shows at once for everyone.
async fn the_home_page_is_shared_only_among_readers_who_see_the_same_communities(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (km, open_board) = app.community("km");
    let (hr, hr_board) = app.private_community("hr");
    let (insider, outsider) = (app.user("insider", false), app.user("outsider", false));
    app.join_by_appointment(&insider, &hr);
    app.join(&outsider, &km);
    api_thread(&app, &app.token(&insider), hr_board.id, "question", "เรื่องลับฝ่ายบุคคล", "ถามครับ").await;

    let (i, o, visitor) = (app.browser(), app.browser(), app.browser());
    i.login("insider").await;
    o.login("outsider").await;
    assert!(i.get("/").await.body.contains("เรื่องลับฝ่ายบุคคล"), "the member sees their private thread");
    assert!(!o.get("/").await.body.contains("เรื่องลับฝ่ายบุคคล"), "another signed-in reader does not");
    assert!(!visitor.get("/").await.body.contains("เรื่องลับฝ่ายบุคคล"), "nor does a visitor");
    assert!(o.get("/").await.body.contains(r#"href="/u/outsider""#), "the shared lists sit in the reader's own page");

    api_thread(&app, &app.token(&outsider), open_board.id, "experience", "เล่าเรื่องงานเปิดเผย", "เล่าให้ฟัง").await;
    for (who, browser) in [("insider", &i), ("outsider", &o), ("visitor", &visitor)] {
        let home = browser.get("/").await.body;
        assert!(home.contains("เล่าเรื่องงานเปิดเผย"), "{who} sees the new thread at once");
        assert_eq!(home.contains("เรื่องลับฝ่ายบุคคล"), who == "insider", "{who}: the private thread");
    }
    // Leaving the private community takes its threads off the member's home.
    i.submit(&format!("/c/{}/leave", hr.slug), &[]).await;
    assert!(!i.get("/").await.body.contains("เรื่องลับฝ่ายบุคคล"), "not after leaving");
}
both_backends!(the_home_page_is_shared_only_among_readers_who_see_the_same_communities);
