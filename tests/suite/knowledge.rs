//! Resolve and distill: from a resolved thread to a curated knowledge item.

use serde_json::{json, Value};

use crate::both_backends;
use crate::harness::{api_thread, json, Backend, Browser, TestApp};

/// A question with two replies in a community with a facilitator.
struct Scene {
    app: TestApp,
    slug: String,
    thread_id: i64,
    reply_a: i64,
    reply_b: i64,
    asker: String,
    facilitator: String,
    member: String,
}

async fn scene(backend: Backend) -> Scene {
    let app = TestApp::start(backend).await;
    let (community, board) = app.community("km");
    let asker = app.user("asker", false);
    let answerer_a = app.user("kanya", false);
    let answerer_b = app.user("prasert", false);
    let member = app.user("bystander", false);
    let facilitator = app.user("facil", false);
    for u in [&asker, &answerer_a, &answerer_b, &member] {
        app.join(u, &community);
    }
    app.make_facilitator(&facilitator, &community);
    let (thread_id, _) =
        api_thread(&app, &app.token(&asker), board.id, "question", "ทำแผนที่ความรู้อย่างไร", "หน่วยงานควรเริ่ม**ตรงไหน**")
            .await;
    let reply = |user: &sala::accounts::User, body: &'static str| {
        let token = app.token(user);
        let api = app.api();
        let url = app.url(&format!("/api/v1/threads/{thread_id}/posts"));
        async move {
            json(api.post(url).bearer_auth(token).json(&json!({"body": body})).send().await.unwrap()).await.1["id"]
                .as_i64()
                .unwrap()
        }
    };
    let reply_a = reply(&answerer_a, "เริ่มจากยุทธศาสตร์ แล้วไล่ว่าความรู้อยู่กับใคร").await;
    let reply_b = reply(&answerer_b, "ทำตารางความรู้ ผู้รู้ และความเร่งด่วน").await;
    Scene {
        slug: community.slug,
        app,
        thread_id,
        reply_a,
        reply_b,
        asker: asker.username,
        facilitator: facilitator.username,
        member: member.username,
    }
}

impl Scene {
    fn token(&self, username: &str) -> String {
        let user = sala::accounts::find_by_username(&mut self.app.conn(), username).unwrap();
        self.app.token(&user)
    }

    async fn browser(&self, username: &str) -> Browser {
        let b = self.app.browser();
        b.login(username).await;
        b
    }

    async fn api(&self, method: reqwest::Method, path: &str, who: &str, body: Option<Value>) -> (u16, Value) {
        let mut req = self.app.api().request(method, self.app.url(path)).bearer_auth(self.token(who));
        if let Some(body) = body {
            req = req.json(&body);
        }
        json(req.send().await.unwrap()).await
    }

    /// Accepts reply A through the API and distills citing both replies.
    async fn distilled(&self) -> i64 {
        let (status, _) = self
            .api(
                reqwest::Method::POST,
                &format!("/api/v1/threads/{}/resolve", self.thread_id),
                &self.asker,
                Some(json!({"post_id": self.reply_a})),
            )
            .await;
        assert_eq!(status, 200);
        let (status, item) = self
            .api(
                reqwest::Method::POST,
                &format!("/api/v1/threads/{}/distill", self.thread_id),
                &self.facilitator,
                Some(json!({
                    "title": "แผนที่ความรู้ฉบับย่อ", "summary": "เริ่มจากยุทธศาสตร์ แล้วทำตาราง", "context": "หน่วยงานไม่รู้จะเริ่มตรงไหน",
                    "solution": "ไล่จากยุทธศาสตร์", "lessons": "ถามผู้รู้ก่อน", "tags": "แผนที่ความรู้, KM", "cite": [self.reply_a, self.reply_b]
                })),
            )
            .await;
        assert_eq!(status, 201, "{item}");
        item["id"].as_i64().unwrap()
    }
}

async fn question_to_published_knowledge_item(backend: Backend) {
    let s = scene(backend).await;
    let asker = s.browser(&s.asker).await;
    let resolved = asker.submit(&format!("/t/{}/resolve", s.thread_id), &[("post_id", &s.reply_a.to_string())]).await;
    assert_eq!(resolved.status, 303);
    let thread_page = s.app.browser().get(&format!("/t/{}", s.thread_id)).await.body;
    assert!(thread_page.contains("มีคำตอบที่ยอมรับแล้ว") && thread_page.contains("คำตอบที่ยอมรับ"));
    let listing = s.app.browser().get(&format!("/c/{}/b/qa", s.slug)).await.body;
    assert!(listing.contains("badge resolved"), "resolved shows in the listing");

    let facilitator = s.browser(&s.facilitator).await;
    let editor = facilitator.get(&format!("/t/{}/distill", s.thread_id)).await;
    assert_eq!(editor.status, 200);
    assert!(editor.body.contains("value=\"ทำแผนที่ความรู้อย่างไร\""), "title from the thread");
    assert!(editor.body.contains("หน่วยงานควรเริ่ม**ตรงไหน**</textarea>"), "context from the opening post");
    assert!(editor.body.contains("เริ่มจากยุทธศาสตร์ แล้วไล่ว่าความรู้อยู่กับใคร</textarea>"), "solution from the accepted answer");

    let (a, b) = (s.reply_a.to_string(), s.reply_b.to_string());
    let saved = facilitator
        .submit(
            &format!("/t/{}/distill", s.thread_id),
            &[
                ("title", "แผนที่ความรู้ฉบับย่อ"),
                ("summary", "เริ่มจากยุทธศาสตร์ แล้วทำตารางผู้รู้"),
                ("context", "หน่วยงานไม่รู้จะเริ่ม**ตรงไหน**"),
                ("solution", "1. ไล่จากยุทธศาสตร์\n2. ทำตาราง"),
                ("lessons", "ถามผู้รู้ก่อนเขียนเอกสาร"),
                ("tags", "แผนที่ความรู้, #KM"),
                ("review_on", "2030-01-01"),
                ("cite", &a),
                ("cite", &b),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let item_path = saved.location.unwrap();
    assert_eq!(facilitator.submit(&format!("{item_path}/publish"), &[]).await.status, 303);

    let page = s.app.browser().get(&item_path).await;
    assert_eq!(page.status, 200);
    let doc = scraper::Html::parse_document(&page.body);
    let text = |sel: &str| {
        doc.select(&scraper::Selector::parse(sel).unwrap()).map(|e| e.text().collect::<String>()).collect::<Vec<_>>()
    };
    assert!(text("#s-context + .post-body")[0].contains("ตรงไหน"));
    assert!(text("#s-solution + .post-body")[0].contains("ไล่จากยุทธศาสตร์"));
    assert!(text("#s-lessons + .post-body")[0].contains("ถามผู้รู้ก่อน"));
    let excerpts = text(".citation");
    assert_eq!(excerpts.len(), 2);
    assert!(excerpts[0].contains("เริ่มจากยุทธศาสตร์ แล้วไล่ว่าความรู้อยู่กับใคร") && excerpts[0].contains("kanya display"));
    assert!(excerpts[1].contains("ทำตารางความรู้") && excerpts[1].contains("prasert display"));
    let contributors = text(".contributors")[0].clone();
    for name in ["kanya display", "prasert display", "facil display", "asker display"] {
        assert!(contributors.contains(name), "{name} credited: {contributors}");
    }
    assert!(page.body.contains(&format!("href=\"/t/{}\"", s.thread_id)), "links to its thread");
    assert!(page.body.contains(&format!("href=\"/p/{}\"", s.reply_a)), "links to each cited post");
    assert!(page.body.contains("#แผนที่ความรู้") && page.body.contains("#km"), "normalised tags");

    let thread_page = s.app.browser().get(&format!("/t/{}", s.thread_id)).await.body;
    assert!(thread_page.contains("knowledge-banner") && thread_page.contains(&format!("href=\"{item_path}\"")));
    for who in ["kanya", "prasert"] {
        let profile = s.app.browser().get(&format!("/u/{who}")).await.body;
        assert!(profile.contains(&format!("href=\"{item_path}\"")), "{who}'s profile lists the item");
    }
    let (_, listed) = json(s.app.api().get(s.app.url("/api/v1/knowledge?tag=km")).send().await.unwrap()).await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    let export = s.app.browser().get(&format!("{item_path}/export.md")).await.body;
    assert!(export.starts_with("# แผนที่ความรู้ฉบับย่อ") && export.contains("## วิธีแก้และแนวปฏิบัติ"));
}
both_backends!(question_to_published_knowledge_item);

async fn members_cannot_resolve_others_questions_or_curate(backend: Backend) {
    let s = scene(backend).await;
    let item = s.distilled().await;
    let (status, suggestion) = s
        .api(
            reqwest::Method::POST,
            &format!("/api/v1/knowledge/{item}/suggestions"),
            &s.member,
            Some(json!({"title": "t", "summary": "s", "context": "c", "solution": "x"})),
        )
        .await;
    assert_eq!(status, 404, "a draft is not there for members: {suggestion}");
    s.api(reqwest::Method::POST, &format!("/api/v1/knowledge/{item}/publish"), &s.facilitator, None).await;
    let (status, suggestion) = s
        .api(
            reqwest::Method::POST,
            &format!("/api/v1/knowledge/{item}/suggestions"),
            &s.member,
            Some(json!({"title": "t", "summary": "s", "context": "c", "solution": "x"})),
        )
        .await;
    assert_eq!(status, 201, "{suggestion}");
    let sid = suggestion["id"].as_i64().unwrap();

    let m = &s.member;
    let checks: Vec<(reqwest::Method, String, Option<Value>)> = vec![
        (
            reqwest::Method::POST,
            format!("/api/v1/threads/{}/resolve", s.thread_id),
            Some(json!({"post_id": s.reply_b})),
        ),
        (reqwest::Method::DELETE, format!("/api/v1/threads/{}/resolve", s.thread_id), None),
        (
            reqwest::Method::POST,
            format!("/api/v1/threads/{}/distill", s.thread_id),
            Some(json!({"title": "t", "summary": "s", "context": "c", "solution": "x"})),
        ),
        (reqwest::Method::POST, format!("/api/v1/knowledge/{item}/publish"), None),
        (reqwest::Method::POST, format!("/api/v1/knowledge/{item}/archive"), None),
        (reqwest::Method::POST, format!("/api/v1/knowledge/suggestions/{sid}/accept"), None),
    ];
    for (method, path, body) in checks {
        let (status, problem) = s.api(method, &path, m, body).await;
        assert_eq!(status, 403, "{path}: {problem}");
    }
    let browser = s.browser(m).await;
    for (path, fields) in [
        (format!("/t/{}/resolve", s.thread_id), vec![("post_id", s.reply_b.to_string())]),
        (
            format!("/t/{}/distill", s.thread_id),
            vec![("title", "t".into()), ("summary", "s".into()), ("context", "c".into()), ("solution", "x".into())],
        ),
        (format!("/k/{item}/publish"), vec![]),
        (format!("/k/{item}/archive"), vec![]),
        (format!("/k/suggestions/{sid}/accept"), vec![]),
    ] {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let page = browser.submit(&path, &fields).await;
        assert_eq!(page.status, 403, "{path}");
        assert!(page.body.contains("คุณไม่มีสิทธิ์"));
    }
    assert_eq!(browser.get(&format!("/t/{}/distill", s.thread_id)).await.status, 403);
    // Nothing changed: still published, still the accepted answer, still pending.
    let (_, page) = s.api(reqwest::Method::GET, &format!("/api/v1/knowledge/{item}"), &s.facilitator, None).await;
    assert_eq!(page["status"], "published");
    assert_eq!(page["pending_suggestions"].as_array().unwrap().len(), 1);
    // The facilitator accepts it: a new revision credited to the member.
    let (status, revision) = s
        .api(reqwest::Method::POST, &format!("/api/v1/knowledge/suggestions/{sid}/accept"), &s.facilitator, None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(revision["number"], 2);
    let (_, page) = s.api(reqwest::Method::GET, &format!("/api/v1/knowledge/{item}"), &s.facilitator, None).await;
    let editors: Vec<&str> = page["contributors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["roles"].as_array().unwrap().contains(&json!("editor")))
        .map(|c| c["user"]["username"].as_str().unwrap())
        .collect();
    assert_eq!(editors, vec!["bystander"]);
}
both_backends!(members_cannot_resolve_others_questions_or_curate);

async fn distilling_an_unresolved_thread_is_refused(backend: Backend) {
    let s = scene(backend).await;
    let (status, problem) = s
        .api(
            reqwest::Method::POST,
            &format!("/api/v1/threads/{}/distill", s.thread_id),
            &s.facilitator,
            Some(json!({"title": "t", "summary": "s", "context": "c", "solution": "x"})),
        )
        .await;
    assert_eq!(status, 409);
    assert!(problem["detail"].as_str().unwrap().contains("กลั่นความรู้ได้เมื่อกระทู้มีคำตอบที่ยอมรับแล้ว"), "{problem}");
    let page = s.browser(&s.facilitator).await.get(&format!("/t/{}/distill", s.thread_id)).await;
    assert_eq!(page.status, 409);
    assert!(page.body.contains("กลั่นความรู้ได้เมื่อกระทู้มีคำตอบที่ยอมรับแล้ว"));
}
both_backends!(distilling_an_unresolved_thread_is_refused);

async fn revisions_compare_and_restore(backend: Backend) {
    let s = scene(backend).await;
    let item = s.distilled().await;
    let revisions_path = format!("/api/v1/knowledge/{item}/revisions");
    let revise = |solution: &'static str, note: &'static str| {
        s.api(
            reqwest::Method::POST,
            &revisions_path,
            &s.facilitator,
            Some(json!({"title": "แผนที่ความรู้ฉบับย่อ", "summary": "เริ่มจากยุทธศาสตร์ แล้วทำตาราง", "context": "หน่วยงานไม่รู้จะเริ่มตรงไหน", "solution": solution, "lessons": "ถามผู้รู้ก่อน", "tags": "km", "note": note})),
        )
    };
    assert_eq!(revise("ไล่จากยุทธศาสตร์\nเพิ่มตารางผู้รู้", "เพิ่มตาราง").await.0, 201);
    assert_eq!(revise("เพิ่มตารางผู้รู้\nทบทวนทุกปี", "ทบทวน").await.0, 201);
    let (_, list) =
        s.api(reqwest::Method::GET, &format!("/api/v1/knowledge/{item}/revisions"), &s.facilitator, None).await;
    assert_eq!(list["revisions"].as_array().unwrap().len(), 3);

    let (status, diff) =
        s.api(reqwest::Method::GET, &format!("/api/v1/knowledge/{item}/diff?from=1&to=3"), &s.facilitator, None).await;
    assert_eq!(status, 200);
    let solution = diff["sections"].as_array().unwrap().iter().find(|d| d["section"] == "solution").unwrap();
    let lines: Vec<(String, String)> = solution["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["change"].as_str().unwrap().into(), l["text"].as_str().unwrap().into()))
        .collect();
    assert!(lines.contains(&("removed".into(), "ไล่จากยุทธศาสตร์".into())), "{lines:?}");
    assert!(lines.contains(&("added".into(), "ทบทวนทุกปี".into())));
    let tags = diff["sections"].as_array().unwrap().iter().find(|d| d["section"] == "tags").unwrap();
    assert_eq!(tags["changed"], true);
    let context = diff["sections"].as_array().unwrap().iter().find(|d| d["section"] == "context").unwrap();
    assert_eq!(context["changed"], false);
    let page = s.browser(&s.facilitator).await.get(&format!("/k/{item}/diff?from=1&to=3")).await;
    assert!(
        page.body.contains("<del>- ไล่จากยุทธศาสตร์</del>") && page.body.contains("<ins>+ ทบทวนทุกปี</ins>"),
        "{}",
        page.body
    );

    // Restoring revision 1 through the form makes revision 4 with its content.
    let restored = s.browser(&s.facilitator).await.submit(&format!("/k/{item}/restore"), &[("number", "1")]).await;
    assert_eq!(restored.status, 303);
    let (_, page) = s.api(reqwest::Method::GET, &format!("/api/v1/knowledge/{item}"), &s.facilitator, None).await;
    assert_eq!(page["revision"]["number"], 4);
    assert_eq!(page["revision"]["solution_md"], "ไล่จากยุทธศาสตร์");
    assert_eq!(page["revision"]["tags"], "แผนที่ความรู้, km");
    assert_eq!(page["revision"]["note"], "นำฉบับที่ 1 กลับมาใช้");
}
both_backends!(revisions_compare_and_restore);

async fn cited_excerpts_survive_edits_and_deletion(backend: Backend) {
    let s = scene(backend).await;
    let item = s.distilled().await;
    let (status, _) = s
        .api(
            reqwest::Method::PATCH,
            &format!("/api/v1/posts/{}", s.reply_a),
            "kanya",
            Some(json!({"body": "ข้อความใหม่ทั้งหมด"})),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = s.api(reqwest::Method::DELETE, &format!("/api/v1/posts/{}", s.reply_b), "prasert", None).await;
    assert_eq!(status, 204);
    let page = s.browser(&s.facilitator).await.get(&format!("/k/{item}")).await.body;
    assert!(page.contains("เริ่มจากยุทธศาสตร์ แล้วไล่ว่าความรู้อยู่กับใคร") && !page.contains("ข้อความใหม่ทั้งหมด"));
    assert!(page.contains("ทำตารางความรู้ ผู้รู้ และความเร่งด่วน"), "a deleted post's excerpt stays");
    assert!(page.contains(&format!("href=\"/p/{}\"", s.reply_b)));
}
both_backends!(cited_excerpts_survive_edits_and_deletion);

async fn outdated_items_wait_in_the_review_queue(backend: Backend) {
    let s = scene(backend).await;
    let item = s.distilled().await;
    s.api(reqwest::Method::POST, &format!("/api/v1/knowledge/{item}/publish"), &s.facilitator, None).await;
    let member = s.browser(&s.member).await;
    assert_eq!(member.submit(&format!("/k/{item}/feedback"), &[("kind", "helpful")]).await.status, 303);
    let marked = member
        .submit(&format!("/k/{item}/feedback"), &[("kind", "outdated"), ("comment", "ระเบียบใหม่ปี 2569 เปลี่ยนขั้นตอน")])
        .await;
    assert_eq!(marked.status, 303);
    let (_, page) = s.api(reqwest::Method::GET, &format!("/api/v1/knowledge/{item}"), &s.member, None).await;
    assert_eq!(
        (page["helpful_count"].as_i64(), page["outdated_count"].as_i64(), page["status"].as_str()),
        (Some(1), Some(1), Some("needs_review"))
    );

    let facilitator = s.browser(&s.facilitator).await;
    let queue = facilitator.get(&format!("/c/{}/review", s.slug)).await;
    assert!(queue.body.contains(&format!("href=\"/k/{item}\"")), "in the queue");
    assert_eq!(member.get(&format!("/c/{}/review", s.slug)).await.status, 403, "the queue is the facilitators'");
    let done = facilitator.submit(&format!("/k/{item}/reconfirm"), &[("review_on", "2031-06-30")]).await;
    assert_eq!(done.status, 303);
    let queue = facilitator.get(&format!("/c/{}/review", s.slug)).await;
    assert!(!queue.body.contains(&format!("href=\"/k/{item}\"")), "gone from the queue");
    let (_, page) = s.api(reqwest::Method::GET, &format!("/api/v1/knowledge/{item}"), &s.member, None).await;
    assert_eq!(
        (page["status"].as_str(), page["item"]["review_on"].as_str(), page["outdated_count"].as_i64()),
        (Some("published"), Some("2031-06-30"), Some(0))
    );
    let (status, _) = s
        .api(
            reqwest::Method::POST,
            &format!("/api/v1/knowledge/{item}/reconfirm"),
            &s.facilitator,
            Some(json!({"review_on": "2001-01-01"})),
        )
        .await;
    assert_eq!(status, 422, "a review date in the past is refused");
}
both_backends!(outdated_items_wait_in_the_review_queue);

/// Experiences are not answered but marked ready by a facilitator, who may
/// then distill them; members may not mark them.
async fn experience_threads_are_marked_ready_to_distill(backend: Backend) {
    let s = scene(backend).await;
    let community = sala::communities::by_slug(&mut s.app.conn(), &s.slug).unwrap();
    let boards = sala::communities::views::boards_of(&mut s.app.conn(), community.id).unwrap();
    let (story, _) =
        api_thread(&s.app, &s.token(&s.member), boards[0].id, "experience", "เล่าเรื่องการทำ AAR", "ทำหลังจบงานทุกครั้ง")
            .await;
    let path = format!("/api/v1/threads/{story}/ready");
    let (status, _) = s.api(reqwest::Method::POST, &path, &s.member, Some(json!({"ready": true}))).await;
    assert_eq!(status, 403, "members cannot mark ready");
    let (status, _) = s
        .api(
            reqwest::Method::POST,
            &format!("/api/v1/threads/{}/ready", s.thread_id),
            &s.facilitator,
            Some(json!({"ready": true})),
        )
        .await;
    assert_eq!(status, 409, "a question is resolved by an answer, not marked ready");
    let facilitator = s.browser(&s.facilitator).await;
    assert_eq!(facilitator.submit(&format!("/t/{story}/ready"), &[("value", "1")]).await.status, 303);
    let (_, thread) = json(s.app.api().get(s.app.url(&format!("/api/v1/threads/{story}"))).send().await.unwrap()).await;
    assert_eq!(thread["thread"]["ready_to_distill"], true);
    assert!(thread["thread"]["resolved_by"].is_i64() && thread["thread"]["resolved_at"].is_string(), "who and when");
    assert!(s.app.browser().get(&format!("/t/{story}")).await.body.contains("พร้อมกลั่นความรู้"));
    assert_eq!(facilitator.get(&format!("/t/{story}/distill")).await.status, 200, "now it can be distilled");
}
both_backends!(experience_threads_are_marked_ready_to_distill);

/// The facilitator's distill queue holds resolved threads until they are
/// distilled; distilling again warns; the people behind the knowledge hear
/// that their answer was accepted and that it is now published.
async fn the_distill_queue_empties_as_threads_are_distilled(backend: Backend) {
    let s = scene(backend).await;
    let queue = |who: &'static str| {
        let token = s.token(who);
        let url = s.app.url(&format!("/api/v1/communities/{}/distill-queue", s.slug));
        let api = s.app.api();
        async move { json(api.get(url).bearer_auth(token).send().await.unwrap()).await }
    };
    let (status, waiting) = queue("facil").await;
    assert_eq!(status, 200);
    assert_eq!(waiting["threads"].as_array().unwrap().len(), 0, "an unresolved question does not wait");
    assert_eq!(queue("bystander").await.0, 403, "members do not see the queue");

    let (status, _) = s
        .api(
            reqwest::Method::POST,
            &format!("/api/v1/threads/{}/resolve", s.thread_id),
            &s.asker,
            Some(json!({"post_id": s.reply_a})),
        )
        .await;
    assert_eq!(status, 200);
    let (_, waiting) = queue("facil").await;
    assert_eq!(waiting["threads"][0]["thread_id"].as_i64(), Some(s.thread_id), "{waiting}");
    let facilitator = s.browser(&s.facilitator).await;
    let page = facilitator.get(&format!("/c/{}/distill", s.slug)).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(&format!("href=\"/t/{}/distill\"", s.thread_id)), "the page links to the editor");

    let kanya = s.browser("kanya").await;
    assert!(kanya.get("/notifications").await.body.contains("ยอมรับคำตอบของคุณ"), "the answerer hears it was accepted");

    let first = facilitator.get(&format!("/t/{}/distill", s.thread_id)).await.body;
    assert!(!first.contains("distill-already"));
    let item_id = s.distilled().await;
    let (_, waiting) = queue("facil").await;
    assert_eq!(waiting["threads"].as_array().unwrap().len(), 0, "a distilled thread leaves the queue");
    let again = facilitator.get(&format!("/t/{}/distill", s.thread_id)).await.body;
    assert!(
        again.contains("distill-already") && again.contains(&format!("href=\"/k/{item_id}\"")),
        "a second distill warns"
    );

    assert!(!s.browser("prasert").await.get("/notifications").await.body.contains("ถูกอ้างอิงในความรู้"));
    assert_eq!(facilitator.submit(&format!("/k/{item_id}/publish"), &[]).await.status, 303);
    for who in ["kanya", "prasert"] {
        let list = s.browser(who).await.get("/notifications").await.body;
        assert_eq!(list.matches("ถูกอ้างอิงในความรู้").count(), 1, "{who} is credited once");
    }
}
both_backends!(the_distill_queue_empties_as_threads_are_distilled);
