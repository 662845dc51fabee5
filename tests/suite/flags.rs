//! Moderation as facilitators and members meet it: flags, the review queue,
//! auto-hide, what a hidden post shows to whom, suspensions and mutes, new
//! members' limits, and the audit log.

use reqwest::Method;
use serde_json::{json, Value};

use crate::both_backends;
use crate::harness::{api_reply, api_thread, json, Backend, TestApp};
use crate::smtp::{digest_run, SmtpSink};

/// A community with a facilitator, an author and three other members, and
/// a thread by the author with one reply by the author.
struct Room {
    app: TestApp,
    slug: String,
    board_id: i64,
    thread_id: i64,
    reply_id: i64,
}

const REPLY_TEXT: &str = "ซื้อยาลดน้ำหนักสูตรเร่งด่วนได้ที่ลิงก์นี้";

async fn room(backend: Backend, tweak: impl FnOnce(&mut sala::config::Config)) -> Room {
    let app = TestApp::start_with(backend, tweak).await;
    let (community, board) = app.community("km");
    for name in ["author", "bua", "chai", "dao"] {
        let user = app.user(name, false);
        app.join(&user, &community);
    }
    let facilitator = app.user("facil", false);
    app.make_facilitator(&facilitator, &community);
    let author = sala::accounts::find_by_username(&mut app.conn(), "author").unwrap();
    let token = app.token(&author);
    let (thread_id, _) = api_thread(&app, &token, board.id, "question", "ถามเรื่องสุขภาพ", "มีใครแนะนำได้บ้าง").await;
    let (_, reply) = api_reply(&app, &token, thread_id, REPLY_TEXT).await;
    Room { slug: community.slug, board_id: board.id, app, thread_id, reply_id: reply["id"].as_i64().unwrap() }
}

impl Room {
    fn token(&self, username: &str) -> String {
        let user = sala::accounts::find_by_username(&mut self.app.conn(), username).unwrap();
        self.app.token(&user)
    }

    async fn api(&self, method: Method, path: &str, who: Option<&str>, body: Option<Value>) -> (u16, Value) {
        let mut req = self.app.api().request(method, self.app.url(path));
        if let Some(who) = who {
            req = req.bearer_auth(self.token(who));
        }
        if let Some(body) = body {
            req = req.json(&body);
        }
        json(req.send().await.unwrap()).await
    }

    async fn flag(&self, who: &str, post_id: i64) -> (u16, Value) {
        let body = json!({"reason": "spam", "note": ""});
        self.api(Method::POST, &format!("/api/v1/posts/{post_id}/flags"), Some(who), Some(body)).await
    }

    async fn decide(&self, who: &str, post_id: i64, decision: &str) -> u16 {
        let body = json!({"decision": decision, "reason": "ตามแนวทางชุมชน"});
        self.api(Method::POST, &format!("/api/v1/posts/{post_id}/decision"), Some(who), Some(body)).await.0
    }

    /// The reply's text as `who` (None: anonymous) gets it from the API.
    async fn reply_text_for(&self, who: Option<&str>) -> String {
        let (status, page) = self.api(Method::GET, &format!("/api/v1/threads/{}", self.thread_id), who, None).await;
        assert_eq!(status, 200, "{page}");
        let post = page["posts"].as_array().unwrap().iter().find(|p| p["id"] == self.reply_id).unwrap().clone();
        post["body_html"].as_str().unwrap().to_owned()
    }

    async fn notification_kinds(&self, who: &str) -> Vec<String> {
        let (_, list) = self.api(Method::GET, "/api/v1/notifications", Some(who), None).await;
        list["notifications"].as_array().unwrap().iter().map(|n| n["kind"].as_str().unwrap().to_owned()).collect()
    }

    async fn search_hits(&self, words: &str) -> usize {
        let (_, found) = self.api(Method::GET, &format!("/api/v1/search?q={words}"), None, None).await;
        found["results"].as_array().map_or(0, Vec::len)
    }
}

async fn a_flag_reaches_the_queue_and_the_decision_reaches_the_flagger(backend: Backend) {
    let room = room(backend, |_| {}).await;
    let reply = room.reply_id;
    let (status, outcome) = room.flag("bua", reply).await;
    assert_eq!((status, outcome["hidden"].as_bool()), (201, Some(false)), "{outcome}");
    let (status, again) = room.flag("bua", reply).await;
    assert_eq!((status, again["type"].as_str()), (409, Some("https://sala.example/problems/flag-already")));
    assert_eq!(room.flag("author", reply).await.0, 403, "nobody flags their own post");

    // Facilitators see it in the queue, in context; members do not.
    let queue_path = format!("/api/v1/communities/{}/flags", room.slug);
    let (status, queue) = room.api(Method::GET, &queue_path, Some("facil"), None).await;
    assert_eq!(status, 200);
    let item = &queue["queue"][0];
    assert_eq!((item["post_id"].as_i64(), item["flags"][0]["reason"].as_str()), (Some(reply), Some("spam")));
    assert_eq!(item["thread_title"], "ถามเรื่องสุขภาพ");
    assert_eq!(room.api(Method::GET, &queue_path, Some("chai"), None).await.0, 403);
    assert_eq!(room.decide("chai", reply, "hide").await, 403, "members do not decide");

    // Hidden: gone for everyone but its author and the facilitators.
    assert!(room.search_hits("ยาลดน้ำหนัก").await > 0);
    assert_eq!(room.decide("facil", reply, "hide").await, 200);
    assert_eq!(room.reply_text_for(None).await, "");
    assert_eq!(room.reply_text_for(Some("chai")).await, "");
    assert!(room.reply_text_for(Some("author")).await.contains("ยาลดน้ำหนัก"));
    assert!(room.reply_text_for(Some("facil")).await.contains("ยาลดน้ำหนัก"));
    let page = room.app.browser().get(&format!("/t/{}", room.thread_id)).await.body;
    assert!(!page.contains("ยาลดน้ำหนัก") && page.contains("ถูกซ่อนไว้ระหว่างที่ผู้อำนวยความสะดวกตรวจสอบ"));
    assert_eq!(room.search_hits("ยาลดน้ำหนัก").await, 0, "search forgets it");
    assert!(room.notification_kinds("bua").await.contains(&"flag-upheld".to_owned()));
    assert!(room.notification_kinds("author").await.contains(&"post-hidden".to_owned()));
    let (_, queue) = room.api(Method::GET, &queue_path, Some("facil"), None).await;
    assert_eq!(queue["queue"].as_array().unwrap().len(), 0, "decided flags leave the queue");

    // Dismissed: another post stays, and its flagger hears so.
    let (_, other) = api_reply(&room.app, &room.token("author"), room.thread_id, "ลองออกกำลังกายวันละ 30 นาที").await;
    let other = other["id"].as_i64().unwrap();
    room.flag("chai", other).await;
    assert_eq!(room.decide("facil", other, "keep").await, 200);
    assert!(room.notification_kinds("chai").await.contains(&"flag-dismissed".to_owned()));
    assert!(room.search_hits("ออกกำลังกาย").await > 0, "a kept post stays findable");
}
both_backends!(a_flag_reaches_the_queue_and_the_decision_reaches_the_flagger);

async fn enough_distinct_flaggers_hide_a_post_until_a_facilitator_decides(backend: Backend) {
    let room = room(backend, |c| c.flags_to_hide = 3).await;
    let smtp = SmtpSink::start();
    let reply = room.reply_id;
    assert_eq!(room.flag("bua", reply).await.1["hidden"], false);
    assert_eq!(room.flag("bua", reply).await.0, 409, "one member's flags count once");
    assert_eq!(room.flag("chai", reply).await.1["hidden"], false);
    assert!(room.reply_text_for(None).await.contains("ยาลดน้ำหนัก"), "two flaggers are not enough");
    assert_eq!(room.flag("dao", reply).await.1["hidden"], true, "the third distinct flagger hides it");
    assert_eq!(room.reply_text_for(None).await, "");
    assert!(room.notification_kinds("author").await.contains(&"post-hidden".to_owned()), "the author is told");

    // A facilitator keeps it: shown again, and further flags do not hide it.
    assert_eq!(room.decide("facil", reply, "keep").await, 200);
    assert!(room.reply_text_for(None).await.contains("ยาลดน้ำหนัก"));
    for name in ["eak", "fah", "gun"] {
        let user = room.app.user(name, false);
        room.app.join(&user, &sala::communities::by_slug(&mut room.app.conn(), &room.slug).unwrap());
        assert_eq!(room.flag(name, reply).await.1["hidden"], false, "the facilitator's decision is final");
    }

    // A hidden opening post hides its thread: listings, search and digests.
    let subscriber = sala::accounts::find_by_username(&mut room.app.conn(), "chai").unwrap();
    let (status, _) = room
        .api(
            Method::PUT,
            &format!("/api/v1/communities/{}/subscription", room.slug),
            Some("chai"),
            Some(json!({"frequency": "daily"})),
        )
        .await;
    assert_eq!(status, 200);
    api_thread(&room.app, &room.token("dao"), room.board_id, "question", "เรื่องปกติที่ควรเห็น", "ถามจริง").await;
    let (spam_thread, spam_post) =
        api_thread(&room.app, &room.token("author"), room.board_id, "question", "โปรโมชันพิเศษวันนี้", "คลิกเลย").await;
    for name in ["bua", "chai", "dao"] {
        room.flag(name, spam_post).await;
    }
    let board = room.app.browser().get(&format!("/c/{}/b/qa", room.slug)).await.body;
    assert!(!board.contains("โปรโมชันพิเศษวันนี้"), "not listed");
    assert_eq!(room.app.browser().get(&format!("/t/{spam_thread}")).await.status, 404, "not there for visitors");
    assert_eq!(room.search_hits("โปรโมชัน").await, 0);
    assert!(digest_run(&room.app, &smtp, &[]).status.success());
    let digest = crate::smtp::texts(&smtp, &subscriber.email).join("\n");
    assert!(digest.contains("เรื่องปกติที่ควรเห็น"), "the digest went out: {digest}");
    assert!(!digest.contains("โปรโมชันพิเศษวันนี้"), "not in digests: {digest}");
    // Its author and the facilitators still open it.
    let author = room.app.browser();
    author.login("author").await;
    assert_eq!(author.get(&format!("/t/{spam_thread}")).await.status, 200);
}
both_backends!(enough_distinct_flaggers_hide_a_post_until_a_facilitator_decides);

async fn a_suspension_ends_sessions_at_once_and_a_mute_stops_posting_in_one_community(backend: Backend) {
    let room = room(backend, |_| {}).await;
    room.app.user("chief", true);
    // The author is signed in by cookie and by token.
    let browser = room.app.browser();
    browser.login("author").await;
    let token = room.token("author");
    assert_eq!(room.app.api().get(room.app.url("/api/v1/me")).bearer_auth(&token).send().await.unwrap().status(), 200);

    // Facilitators mute in their community; only admins suspend everywhere.
    let suspend = |who: &'static str, body: Value| {
        let room = &room;
        async move { room.api(Method::POST, "/api/v1/users/author/suspensions", Some(who), Some(body)).await }
    };
    assert_eq!(suspend("facil", json!({"reason": "สแปม", "days": 7})).await.0, 403);
    assert_eq!(suspend("bua", json!({"community": room.slug, "reason": "สแปม"})).await.0, 403);
    let (status, _) = suspend("chief", json!({"reason": "โพสต์ลิงก์ขายของซ้ำหลายครั้ง", "days": 7})).await;
    assert_eq!(status, 201);
    assert_eq!(room.app.api().get(room.app.url("/api/v1/me")).bearer_auth(&token).send().await.unwrap().status(), 401);
    assert_eq!(browser.get("/settings").await.status, 303, "the cookie is refused at once");
    let page =
        room.app.browser().submit("/login", &[("login", "author"), ("password", crate::harness::PASSWORD)]).await;
    assert_eq!(page.status, 403);
    assert!(page.body.contains("โพสต์ลิงก์ขายของซ้ำหลายครั้ง"), "the reason is shown to them");
    // Their posts stay.
    assert!(room.reply_text_for(None).await.contains("ยาลดน้ำหนัก"));

    // A mute: reads as before, posts nothing in that community.
    let (status, muted) = suspend_member(&room, "facil", "bua", "ขอพักการโพสต์ชั่วคราว").await;
    assert_eq!(status, 201, "{muted}");
    let (status, problem) = api_reply(&room.app, &room.token("bua"), room.thread_id, "ยังโพสต์ได้ไหม").await;
    assert_eq!((status, problem["type"].as_str()), (403, Some("https://sala.example/problems/muted")));
    let bua = room.app.browser();
    bua.login("bua").await;
    let community_page = bua.get(&format!("/c/{}", room.slug)).await.body;
    assert!(community_page.contains("ขอพักการโพสต์ชั่วคราว"), "the community page says why");
    assert_eq!(bua.get(&format!("/t/{}", room.thread_id)).await.status, 200, "reading goes on");
    let id = muted["suspension"]["id"].as_i64().unwrap();
    assert_eq!(room.api(Method::POST, &format!("/api/v1/suspensions/{id}/lift"), Some("facil"), None).await.0, 204);
    assert_eq!(api_reply(&room.app, &room.token("bua"), room.thread_id, "กลับมาแล้ว").await.0, 201);
}
both_backends!(a_suspension_ends_sessions_at_once_and_a_mute_stops_posting_in_one_community);

async fn suspend_member(room: &Room, by: &str, username: &str, reason: &str) -> (u16, Value) {
    let body = json!({"community": room.slug, "reason": reason, "days": 3});
    room.api(Method::POST, &format!("/api/v1/users/{username}/suspensions"), Some(by), Some(body)).await
}

async fn new_accounts_post_a_limited_number_of_times_an_hour(backend: Backend) {
    let room = room(backend, |c| c.write_limits.new_member_posts_per_hour = 2).await;
    let newcomer = room.app.user("newcomer", false);
    let community = sala::communities::by_slug(&mut room.app.conn(), &room.slug).unwrap();
    room.app.join(&newcomer, &community);
    let token = room.token("newcomer");
    for _ in 0..2 {
        assert_eq!(api_reply(&room.app, &token, room.thread_id, "สวัสดีครับ").await.0, 201);
    }
    let res = room
        .app
        .api()
        .post(room.app.url(&format!("/api/v1/threads/{}/posts", room.thread_id)))
        .bearer_auth(&token)
        .header("accept-language", "en")
        .json(&json!({"body": "อีกครั้ง"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 429);
    assert!(res.headers().contains_key("retry-after"));
    let (_, problem) = json(res).await;
    assert!(problem["detail"].as_str().unwrap().contains("New accounts may post 2 times an hour"), "{problem}");
    // Someone who joined long ago is not held back.
    {
        use diesel::prelude::*;
        use sala::db::schema::users;
        let long_ago = sala::db::now() - chrono::Duration::days(30);
        diesel::update(users::table.filter(users::username.eq("bua")))
            .set(users::created_at.eq(long_ago))
            .execute(&mut room.app.conn())
            .unwrap();
    }
    for _ in 0..3 {
        assert_eq!(api_reply(&room.app, &room.token("bua"), room.thread_id, "ตอบ").await.0, 201);
    }
}
both_backends!(new_accounts_post_a_limited_number_of_times_an_hour);

async fn the_audit_log_records_each_action_and_members_cannot_read_it(backend: Backend) {
    let room = room(backend, |_| {}).await;
    room.app.user("chief", true);
    let (t, r, slug) = (room.thread_id, room.reply_id, room.slug.clone());
    let page = |path: &str| format!("/api/v1{path}");
    let calls: Vec<(Method, String, &str, Value)> = vec![
        (Method::POST, page(&format!("/threads/{t}/resolve")), "facil", json!({"post_id": r})),
        (Method::DELETE, page(&format!("/threads/{t}/resolve")), "facil", json!({})),
        (Method::POST, page(&format!("/threads/{t}/resolve")), "author", json!({"post_id": r})),
        (Method::POST, page(&format!("/posts/{r}/decision")), "facil", json!({"decision": "hide", "reason": "สแปม"})),
        (
            Method::POST,
            page(&format!("/posts/{r}/decision")),
            "facil",
            json!({"decision": "restore", "reason": "ตรวจแล้วไม่ใช่"}),
        ),
        (Method::POST, page(&format!("/posts/{r}/warning")), "facil", json!({"reason": "ระวังลิงก์โฆษณา"})),
        (
            Method::POST,
            page("/users/dao/suspensions"),
            "facil",
            json!({"community": slug, "reason": "พักก่อน", "days": 1}),
        ),
        (Method::POST, page("/users/chai/suspensions"), "chief", json!({"reason": "บัญชีปลอม"})),
    ];
    for (method, path, who, body) in calls {
        let (status, answer) = room.api(method.clone(), &path, Some(who), Some(body)).await;
        assert!(status < 300, "{method} {path}: {status} {answer}");
    }
    // Lock and pin through the pages, and a delete by a facilitator.
    let facilitator = room.app.browser();
    facilitator.login("facil").await;
    let (_, extra) = api_reply(&room.app, &room.token("bua"), t, "ข้อความที่จะถูกลบ").await;
    let extra = extra["id"].as_i64().unwrap();
    assert_eq!(facilitator.submit(&format!("/p/{extra}/delete"), &[]).await.status, 303);
    assert_eq!(facilitator.submit(&format!("/t/{t}/lock"), &[("value", "1")]).await.status, 303);
    assert_eq!(facilitator.submit(&format!("/t/{t}/pin"), &[("value", "1")]).await.status, 303);
    // Distill, publish, archive; appoint; make private.
    let (status, item) = room
        .api(
            Method::POST,
            &page(&format!("/threads/{t}/distill")),
            Some("facil"),
            Some(json!({"title": "ระวังโฆษณาแฝง", "summary": "สรุป", "context": "บริบท", "solution": "วิธีแก้", "lessons": "", "tags": "", "cite": [r]})),
        )
        .await;
    assert_eq!(status, 201, "{item}");
    let item_id = item["id"].as_i64().or(item["item"]["id"].as_i64()).unwrap();
    for action in ["publish", "archive"] {
        let (status, _) =
            room.api(Method::POST, &page(&format!("/knowledge/{item_id}/{action}")), Some("facil"), None).await;
        assert_eq!(status, 200, "{action}");
    }
    let bua = sala::accounts::find_by_username(&mut room.app.conn(), "bua").unwrap();
    let community = sala::communities::by_slug(&mut room.app.conn(), &slug).unwrap();
    room.app.make_facilitator(&bua, &community);
    let (status, _) = room
        .api(
            Method::PATCH,
            &page(&format!("/communities/{slug}")),
            Some("chief"),
            Some(json!({"slug": slug, "name": community.name, "description": "", "is_public": false})),
        )
        .await;
    assert_eq!(status, 200);

    let (status, log) = room.api(Method::GET, &page(&format!("/communities/{slug}/audit")), Some("facil"), None).await;
    assert_eq!(status, 200);
    let actions: Vec<&str> = log["entries"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    for expected in [
        "thread-resolve",
        "thread-unresolve",
        "post-hide",
        "post-restore",
        "user-warn",
        "user-mute",
        "thread-lock",
        "thread-pin",
        "post-delete",
        "knowledge-distill",
        "knowledge-publish",
        "knowledge-archive",
        "facilitator-appoint",
        "community-privacy",
    ] {
        assert!(actions.contains(&expected), "{expected} missing from {actions:?}");
    }
    let hide = log["entries"].as_array().unwrap().iter().find(|e| e["action"] == "post-hide").unwrap();
    assert_eq!((hide["actor"].as_str(), hide["reason"].as_str()), (Some("facil display"), Some("สแปม")));
    assert!(!actions.contains(&"user-suspend"), "a site-wide suspension is for admins' eyes");
    // Members cannot read it; admins read everything.
    assert_eq!(room.api(Method::GET, &page(&format!("/communities/{slug}/audit")), Some("dao"), None).await.0, 403);
    assert_eq!(room.api(Method::GET, &page("/audit"), Some("facil"), None).await.0, 403);
    let (status, all) = room.api(Method::GET, &page("/audit"), Some("chief"), None).await;
    assert_eq!(status, 200);
    assert!(all["entries"].as_array().unwrap().iter().any(|e| e["action"] == "user-suspend"));
    // The page too.
    assert_eq!(facilitator.get(&format!("/c/{slug}/audit")).await.status, 200);
    let member = room.app.browser();
    member.login("dao").await;
    assert_eq!(member.get(&format!("/c/{slug}/audit")).await.status, 403);
}
both_backends!(the_audit_log_records_each_action_and_members_cannot_read_it);
