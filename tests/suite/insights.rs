//! KM insights: figures at three levels for a Thai fiscal year (Bangkok
//! time), the gaps (searches that found nothing, knowledge at risk), and
//! who may see them.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use sala::accounts::User;
use sala::db::schema::{knowledge_applied, knowledge_feedback, knowledge_items, posts, threads};
use sala::knowledge::{self, DistillInput, FeedbackKind, Sections};
use sala::threads::{self as forum, NewThread};

use crate::both_backends;
use crate::harness::{json, Backend, TestApp};

/// Bangkok wall-clock time, as the UTC the database keeps.
fn bangkok(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, min, 0).unwrap() - chrono::Duration::hours(7)
}

fn ask(app: &TestApp, board_id: i64, asker: &User, title: &str, tags: &str, at: NaiveDateTime) -> i64 {
    let conn = &mut app.conn();
    let input = NewThread {
        kind: "question".into(), title: title.into(), body: "ถามครับ".into(), tags: tags.into()
    };
    let thread = forum::create_thread(conn, asker.viewer(), board_id, &input).unwrap().0;
    diesel::update(threads::table.find(thread.id))
        .set((threads::created_at.eq(at), threads::last_activity_at.eq(at)))
        .execute(conn)
        .unwrap();
    diesel::update(posts::table.filter(posts::thread_id.eq(thread.id)))
        .set(posts::created_at.eq(at))
        .execute(conn)
        .unwrap();
    thread.id
}

/// A reply at `at`, accepted at `accepted_at` when given; the answer's id.
fn answer(
    app: &TestApp,
    thread_id: i64,
    asker: &User,
    who: &User,
    at: NaiveDateTime,
    accepted_at: Option<NaiveDateTime>,
) -> i64 {
    let conn = &mut app.conn();
    let reply = forum::reply(conn, who.viewer(), thread_id, None, "ทำแบบนี้ครับ").unwrap();
    diesel::update(posts::table.find(reply.id)).set(posts::created_at.eq(at)).execute(conn).unwrap();
    if let Some(accepted_at) = accepted_at {
        knowledge::resolve(conn, asker.viewer(), thread_id, Some(reply.id)).unwrap();
        diesel::update(threads::table.find(thread_id)).set(threads::resolved_at.eq(accepted_at)).execute(conn).unwrap();
    }
    reply.id
}

async fn get(app: &TestApp, path: &str, user: Option<&User>) -> (u16, serde_json::Value) {
    let mut req = app.api().get(app.url(path));
    if let Some(user) = user {
        req = req.bearer_auth(app.token(user));
    }
    json(req.send().await.unwrap()).await
}

async fn search(app: &TestApp, user: &User, q: &str, community: &str) -> u64 {
    let path = format!("/api/v1/search?q={}&community={community}", crate::similar::urlencode(q));
    let (status, found) = get(app, &path, Some(user)).await;
    assert_eq!(status, 200, "{found}");
    found["total"].as_u64().unwrap()
}

async fn figures_follow_the_thai_fiscal_year_in_bangkok_time(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (km, board) = app.community("km");
    let [asker, helper, reader, facilitator] = ["asker", "helper", "reader", "facil"].map(|n| app.user(n, false));
    for u in [&asker, &helper, &reader] {
        app.join(u, &km);
    }
    app.make_facilitator(&facilitator, &km);

    // 30 Sep 2026 in Bangkok: fiscal year 2569.
    let last_year = ask(&app, board.id, &asker, "ปิดงบปีเก่าอย่างไร", "", bangkok(2026, 9, 30, 23, 30));
    answer(&app, last_year, &asker, &helper, bangkok(2026, 9, 30, 23, 45), None);
    // 00:30 on 1 Oct 2026 in Bangkok is still 30 Sep in UTC: fiscal year 2570.
    let asked_at = bangkok(2026, 10, 1, 0, 30);
    let answered = ask(&app, board.id, &asker, "เริ่มปีงบใหม่ต้องทำอะไรบ้าง", "", asked_at);
    let accepted =
        answer(&app, answered, &asker, &helper, bangkok(2026, 10, 1, 2, 30), Some(bangkok(2026, 10, 1, 6, 30)));
    ask(&app, board.id, &asker, "แบบฟอร์มขอใช้รถอยู่ที่ไหน", "", bangkok(2026, 11, 2, 9, 0));

    let item_id = {
        let conn = &mut app.conn();
        let sections = Sections {
            title: "เริ่มปีงบประมาณใหม่".into(),
            summary: "สิ่งที่ต้องทำในเดือนตุลาคม".into(),
            context: "ทุกกองถามซ้ำทุกปี".into(),
            solution: "ทำตามรายการนี้".into(),
            ..Sections::default()
        };
        let item =
            knowledge::distill(conn, facilitator.viewer(), answered, &DistillInput { sections, cite: vec![accepted] })
                .unwrap();
        knowledge::publish(conn, facilitator.viewer(), item.id).unwrap();
        knowledge::give_feedback(conn, reader.viewer(), item.id, FeedbackKind::Helpful, "").unwrap();
        let published = bangkok(2026, 10, 5, 10, 0);
        diesel::update(knowledge_items::table.find(item.id))
            .set((knowledge_items::created_at.eq(published), knowledge_items::published_at.eq(published)))
            .execute(conn)
            .unwrap();
        diesel::update(knowledge_feedback::table)
            .set(knowledge_feedback::created_at.eq(published))
            .execute(conn)
            .unwrap();
        item.id
    };
    let reader_token = app.token(&reader);
    let res = app
        .api()
        .post(app.url(&format!("/api/v1/knowledge/{item_id}/applied")))
        .bearer_auth(&reader_token)
        .json(&serde_json::json!({"minutes_saved": 45, "story": "ใช้ตอนเปิดปีงบ ไม่ต้องถามใคร"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    diesel::update(knowledge_applied::table)
        .set(knowledge_applied::created_at.eq(bangkok(2026, 10, 20, 10, 0)))
        .execute(&mut app.conn())
        .unwrap();
    let res = app
        .api()
        .post(app.url(&format!("/api/v1/knowledge/{item_id}/applied")))
        .bearer_auth(&reader_token)
        .json(&serde_json::json!({"minutes_saved": -5}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422, "minutes saved cannot be negative");

    let (status, fy2570) =
        get(&app, "/api/v1/insights?community=km&from=2026-10-01&to=2027-09-30", Some(&facilitator)).await;
    assert_eq!(status, 200, "{fy2570}");
    assert_eq!(fy2570["fiscal_year"], 2570, "{fy2570}");
    let output = &fy2570["output"];
    assert_eq!(output["questions_asked"], 2, "{output}");
    assert_eq!(output["questions_answered"], 1, "{output}");
    assert_eq!(output["answer_rate"], 0.5);
    assert_eq!(output["median_hours_to_first_reply"], 2.0);
    assert_eq!(output["median_hours_to_accepted_answer"], 6.0);
    assert_eq!(output["knowledge_published"], 1);
    assert_eq!(fy2570["system"]["active_members"], 3, "asker, helper and reader in FY 2570: {fy2570}");
    assert_eq!(fy2570["system"]["threads"], 2);
    assert_eq!(fy2570["outcome"]["applied_reports"], 1);
    assert_eq!(fy2570["outcome"]["minutes_saved"], 45);
    assert_eq!(fy2570["outcome"]["helpful_feedback"], 1);
    // The period before is fiscal year 2569, with the one question of 30 September.
    assert_eq!(fy2570["previous_period"]["from"], "2025-10-01");
    assert_eq!(fy2570["previous"]["output"]["questions_asked"], 1, "{fy2570}");
    assert_eq!(fy2570["previous"]["system"]["active_members"], 2, "asker and helper on 30 Sep");

    let (_, by_fy) = get(&app, "/api/v1/insights?community=km&fy=2569", Some(&facilitator)).await;
    assert_eq!(by_fy["output"]["questions_asked"], 1, "{by_fy}");
    assert_eq!(by_fy["output"]["questions_answered"], 0);
    let (_, october) = get(&app, "/api/v1/insights?community=km&month=2026-10", Some(&facilitator)).await;
    assert_eq!(october["output"]["questions_asked"], 1, "only the 1 October question: {october}");
    let (status, bad) =
        get(&app, "/api/v1/insights?community=km&from=2027-01-01&to=2026-01-01", Some(&facilitator)).await;
    assert_eq!(status, 422, "{bad}");
}
both_backends!(figures_follow_the_thai_fiscal_year_in_bangkok_time);

async fn searches_that_found_nothing_are_gaps_counted_without_names(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (km, board) = app.community("km");
    let (hr, _) = app.private_community("hr");
    let [somchai, malee, km_facilitator, hr_facilitator, admin] =
        ["somchai", "malee", "kmfacil", "hrfacil", "admin"].map(|n| app.user(n, n == "admin"));
    for u in [&somchai, &malee] {
        app.join(u, &km);
        app.join_by_appointment(u, &hr);
    }
    app.make_facilitator(&km_facilitator, &km);
    app.make_facilitator(&hr_facilitator, &hr);
    ask(&app, board.id, &somchai, "ระเบียบการลาศึกษาต่อ", "", sala::db::now());

    assert_eq!(search(&app, &somchai, "ค่าเช่าบ้านข้าราชการ", "km").await, 0);
    assert_eq!(search(&app, &malee, "  ค่าเช่าบ้านข้าราชการ ", "km").await, 0);
    assert!(search(&app, &malee, "ลาศึกษาต่อ", "km").await > 0);
    assert_eq!(search(&app, &malee, "เงินเดือนลับ", "hr").await, 0);

    let (status, km_view) = get(&app, "/api/v1/insights?community=km", Some(&km_facilitator)).await;
    assert_eq!(status, 200, "{km_view}");
    let gaps = &km_view["gaps"]["no_result_searches"];
    assert_eq!(gaps.as_array().unwrap().len(), 1, "{gaps}");
    assert_eq!(gaps[0]["query"], "ค่าเช่าบ้านข้าราชการ");
    assert_eq!(gaps[0]["count"], 2, "two people, counted twice");
    assert_eq!(km_view["system"]["searches"], 3);
    let text = km_view.to_string();
    assert!(!text.contains("somchai") && !text.contains("malee"), "nobody's name: {text}");
    assert!(!text.contains("เงินเดือนลับ"), "a private community's search stays with it");

    let (_, hr_view) = get(&app, "/api/v1/insights?community=hr", Some(&hr_facilitator)).await;
    assert_eq!(hr_view["gaps"]["no_result_searches"][0]["query"], "เงินเดือนลับ", "{hr_view}");
    let (_, site) = get(&app, "/api/v1/insights", Some(&admin)).await;
    assert_eq!(site["community"], serde_json::Value::Null);
    assert_eq!(site["system"]["searches"], 4, "{site}");

    // Who may see what.
    assert_eq!(get(&app, "/api/v1/insights?community=km", Some(&somchai)).await.0, 403, "members may not");
    assert_eq!(get(&app, "/api/v1/insights?community=hr", Some(&km_facilitator)).await.0, 404, "not their community");
    assert_eq!(get(&app, "/api/v1/insights?community=km", Some(&hr_facilitator)).await.0, 403);
    assert_eq!(get(&app, "/api/v1/insights", Some(&km_facilitator)).await.0, 403, "site-wide is for admins");
    assert_eq!(get(&app, "/api/v1/insights?community=km", None).await.0, 401);
}
both_backends!(searches_that_found_nothing_are_gaps_counted_without_names);

async fn knowledge_one_person_holds_alone_is_at_risk(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (km, board) = app.community("km");
    let [asker, sole, first, second, facilitator] =
        ["asker", "sole", "first", "second", "facil"].map(|n| app.user(n, false));
    for u in [&asker, &sole, &first, &second] {
        app.join(u, &km);
    }
    app.make_facilitator(&facilitator, &km);
    let now = sala::db::now();
    for title in ["เบิกพัสดุอย่างไร", "ตรวจรับพัสดุใครลงนาม"]
    {
        let t = ask(&app, board.id, &asker, title, "พัสดุ", now);
        answer(&app, t, &asker, &sole, now, Some(now));
    }
    for (title, who) in [("ขอตั้งงบประมาณเพิ่ม", &first), ("โอนงบประมาณข้ามหมวด", &second)]
    {
        let t = ask(&app, board.id, &asker, title, "งบประมาณ", now);
        answer(&app, t, &asker, who, now, Some(now));
    }
    let (status, found) = get(&app, "/api/v1/insights?community=km", Some(&facilitator)).await;
    assert_eq!(status, 200, "{found}");
    let at_risk = found["gaps"]["knowledge_at_risk"].as_array().unwrap();
    let pairs: Vec<(&str, &str)> =
        at_risk.iter().map(|r| (r["tag"].as_str().unwrap(), r["username"].as_str().unwrap())).collect();
    assert_eq!(pairs, vec![("พัสดุ", "sole")], "{found}");
}
both_backends!(knowledge_one_person_holds_alone_is_at_risk);

fn points_of(list: &serde_json::Value, username: &str) -> Option<i64> {
    list.as_array().unwrap().iter().find(|p| p["username"] == username).map(|p| p["points"].as_i64().unwrap())
}

async fn credit_follows_provenance(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (km, board) = app.community("km");
    let [asker, expert, reader, facilitator] = ["asker", "expert", "reader", "facil"].map(|n| app.user(n, false));
    for u in [&asker, &expert, &reader] {
        app.join(u, &km);
    }
    app.make_facilitator(&facilitator, &km);
    let now = sala::db::now();
    let thread = ask(&app, board.id, &asker, "ขอเบิกค่าอบรมต้องแนบอะไร", "", now);
    let accepted = answer(&app, thread, &asker, &expert, now, Some(now));
    let item_id = {
        let conn = &mut app.conn();
        let sections = Sections {
            title: "เอกสารเบิกค่าอบรม".into(),
            summary: "แนบใบเสร็จและหนังสืออนุมัติ".into(),
            context: "ถามกันบ่อย".into(),
            solution: "แนบใบเสร็จ หนังสืออนุมัติ และรายงานผล".into(),
            ..Sections::default()
        };
        let item =
            knowledge::distill(conn, facilitator.viewer(), thread, &DistillInput { sections, cite: vec![accepted] })
                .unwrap();
        knowledge::publish(conn, facilitator.viewer(), item.id).unwrap();
        item.id
    };
    let before: serde_json::Value = get(&app, "/api/v1/recognition?community=km", None).await.1;
    let alone = points_of(&before, "expert").expect("the expert is ranked");
    assert_eq!(alone, 1 + 10 + 15, "a reply, an accepted answer, a citation: {before}");
    let badges = &before[0]["badges"];
    assert_eq!(before[0]["username"], "expert", "best first: {before}");
    assert!(
        badges.to_string().contains("first_accepted_answer") && badges.to_string().contains("knowledge_contributor")
    );

    // Their own report and the distiller's credit nobody; a reader's does.
    for who in [&expert, &facilitator, &reader] {
        let res = app
            .api()
            .post(app.url(&format!("/api/v1/knowledge/{item_id}/applied")))
            .bearer_auth(app.token(who))
            .json(&serde_json::json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 204);
    }
    let after = get(&app, "/api/v1/recognition?community=km", Some(&asker)).await.1;
    assert_eq!(points_of(&after, "expert"), Some(alone + 5), "only the reader's report counts: {after}");

    // Archiving the item takes the citation's credit and its reuse back.
    knowledge::archive(&mut app.conn(), facilitator.viewer(), item_id).unwrap();
    let archived = get(&app, "/api/v1/recognition?community=km", None).await.1;
    assert_eq!(points_of(&archived, "expert"), Some(1 + 10), "{archived}");

    // Someone who keeps out of rankings is not listed.
    diesel::update(sala::db::schema::users::table.find(expert.id))
        .set(sala::db::schema::users::hide_from_rankings.eq(true))
        .execute(&mut app.conn())
        .unwrap();
    let hidden = get(&app, "/api/v1/recognition?community=km", None).await.1;
    assert_eq!(points_of(&hidden, "expert"), None, "{hidden}");
    assert_eq!(get(&app, "/api/v1/recognition", None).await.0, 401, "site-wide needs a sign-in");
}
both_backends!(credit_follows_provenance);

async fn a_due_review_reminds_the_owner_once_and_confirming_clears_unverified(backend: Backend) {
    let app = TestApp::start(backend).await;
    let smtp = crate::smtp::SmtpSink::start();
    let fixture = crate::harness::km_fixture(&app);
    let item = fixture.item_id;
    let today = sala::insights::period::bangkok_today();
    diesel::update(knowledge_items::table.find(item))
        .set(knowledge_items::review_on.eq(Some(today - chrono::Duration::days(40))))
        .execute(&mut app.conn())
        .unwrap();
    let unverified = "ยังไม่ได้ทบทวน";
    let visitor = app.browser();
    assert!(visitor.get(&format!("/k/{item}")).await.body.contains(unverified), "past the grace period");

    let now = [("SALA_NOTIFY_COALESCE_MINUTES", "0")];
    assert!(crate::smtp::digest_run(&app, &smtp, &now).status.success());
    assert!(crate::smtp::digest_run(&app, &smtp, &now).status.success());
    let reminders =
        crate::smtp::subjects(&smtp, "facil@example.org").into_iter().filter(|s| s.contains("ถึงกำหนดทบทวน")).count();
    assert_eq!(reminders, 1, "the owner is reminded once");
    let token = app.token(&fixture.facilitator);
    let res = app.api().get(app.url("/api/v1/notifications")).bearer_auth(&token).send().await.unwrap();
    let (_, bell) = json(res).await;
    let due = bell["notifications"].as_array().unwrap().iter().filter(|n| n["kind"] == "review-due").count();
    assert_eq!(due, 1, "{bell}");

    let next = today + chrono::Duration::days(365);
    let res = app
        .api()
        .post(app.url(&format!("/api/v1/knowledge/{item}/reconfirm")))
        .bearer_auth(&token)
        .json(&serde_json::json!({"review_on": next.to_string()}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(!visitor.get(&format!("/k/{item}")).await.body.contains(unverified), "confirming clears it");
    let (_, figures) = get(&app, "/api/v1/insights?community=km", Some(&fixture.facilitator)).await;
    assert_eq!(figures["output"]["knowledge_reviewed"], 1, "{figures}");
    assert_eq!(figures["output"]["reviews_on_time"], 0, "40 days late");
    assert!(figures["gaps"]["overdue_reviews"].as_array().unwrap().is_empty());

    // Revising a due item answers its review too, and moves the date on.
    diesel::update(knowledge_items::table.find(item))
        .set(knowledge_items::review_on.eq(Some(today - chrono::Duration::days(1))))
        .execute(&mut app.conn())
        .unwrap();
    let (_, overdue) = get(&app, "/api/v1/insights?community=km", Some(&fixture.facilitator)).await;
    assert_eq!(overdue["gaps"]["overdue_reviews"][0]["item_id"], item, "{overdue}");
    {
        let conn = &mut app.conn();
        let current = knowledge::views::item_page(conn, fixture.facilitator.viewer(), item).unwrap().revision;
        let sections = Sections { review_on: None, ..Sections::of_revision(&current) };
        knowledge::revise(conn, fixture.facilitator.viewer(), item, &sections, "ปรับให้ทันสมัย").unwrap();
    }
    let (_, after) = get(&app, "/api/v1/insights?community=km", Some(&fixture.facilitator)).await;
    assert_eq!(after["output"]["knowledge_reviewed"], 2, "{after}");
    assert_eq!(after["output"]["reviews_on_time"], 0);
    assert!(after["gaps"]["overdue_reviews"].as_array().unwrap().is_empty(), "the date moved on: {after}");
}
both_backends!(a_due_review_reminds_the_owner_once_and_confirming_clears_unverified);

/// Every inline `<svg>…</svg>` of a page.
fn svgs(page: &str) -> Vec<&str> {
    page.match_indices("<svg")
        .filter_map(|(at, _)| page[at..].find("</svg>").map(|end| &page[at..at + end + 6]))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_insights_page_draws_thai_charts_and_downloads_csv_for_excel() {
    let app = TestApp::start(Backend::Sqlite).await;
    let fixture = crate::harness::km_fixture(&app);
    let member = app.user("member", false);
    app.join(&member, &fixture.community);
    assert_eq!(search(&app, &member, "ค่าเบี้ยเลี้ยงเดินทาง", "km").await, 0);

    let facilitator = app.signed_in(&fixture.facilitator).await;
    let page = facilitator.get("/c/km/insights").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("ผลผลิต") && page.body.contains("คำถามที่ได้คำตอบ"), "Thai labels");
    let charts: Vec<&str> = svgs(&page.body).into_iter().filter(|s| s.contains("คำถามต่อเดือน")).collect();
    assert_eq!(charts.len(), 1, "the questions chart");
    let drawn: Vec<&str> = svgs(&page.body).into_iter().filter(|s| s.contains("xmlns")).collect();
    assert_eq!(drawn.len(), 3, "three charts, each checked below");
    for svg in drawn {
        let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("an SVG chart is not valid XML: {e}"));
        let texts: String = doc.descendants().filter(|n| n.has_tag_name("text")).filter_map(|n| n.text()).collect();
        assert!(texts.contains("ต.ค."), "Thai month labels as text: {texts}");
    }

    let csv = facilitator.get("/c/km/insights?download=searches").await;
    assert_eq!(csv.status, 200);
    assert!(csv.body.starts_with('\u{feff}'), "UTF-8 with a byte-order mark, for Excel");
    assert!(csv.body.contains("ค่าเบี้ยเลี้ยงเดินทาง,1"), "{}", csv.body);
    let figures = facilitator.get("/c/km/insights?fy=2570&download=figures").await;
    assert!(figures.body.starts_with('\u{feff}') && figures.body.contains("คำถาม"), "{}", figures.body);

    // Members see neither the page nor its downloads.
    let as_member = app.signed_in(&member).await;
    assert_eq!(as_member.get("/c/km/insights").await.status, 403);
    assert_eq!(as_member.get("/c/km/insights?download=searches").await.status, 403);
    assert!(!as_member.get("/c/km").await.body.contains("/c/km/insights"), "no link for members");

    // Chromium draws the charts with their Thai text laid out.
    let Some((_driver, c, _profile)) = crate::browser::chromium().await else { return };
    crate::browser::log_in(&c, &app, "facil").await;
    c.goto(&app.url("/c/km/insights")).await.unwrap();
    let width = c
        .execute(
            "const t = [...document.querySelectorAll('figure.chart svg text')].find(e => e.textContent.includes('คำถามต่อเดือน'));\
             return t ? t.getComputedTextLength() : 0;",
            vec![],
        )
        .await
        .unwrap();
    assert!(width.as_f64().unwrap_or(0.0) > 40.0, "the chart's Thai title is drawn: {width}");
    c.execute("document.querySelector('figure.chart').scrollIntoView()", vec![]).await.unwrap();
    crate::browser::screenshot(&c, "insights-charts").await;
    c.close().await.unwrap();
}

async fn the_review_interval_is_the_communitys_and_owners_can_be_handed_over(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (km, board) = app.community("km");
    let [asker, helper, facilitator, outsider] = ["asker", "helper", "facil", "outsider"].map(|n| app.user(n, false));
    for u in [&asker, &helper] {
        app.join(u, &km);
    }
    app.make_facilitator(&facilitator, &km);
    let admin = app.user("admin", true);
    let input = sala::communities::CommunityInput {
        slug: "km".into(),
        name: km.name.clone(),
        description: String::new(),
        is_public: true,
        review_months: Some(3),
    };
    sala::communities::update(&mut app.conn(), admin.viewer(), km.id, &input).unwrap();
    let bad = sala::communities::CommunityInput { review_months: Some(0), ..input };
    assert!(sala::communities::update(&mut app.conn(), admin.viewer(), km.id, &bad).is_err(), "at least a month");

    let now = sala::db::now();
    let thread = ask(&app, board.id, &asker, "ตั้งเบิกค่าล่วงเวลาอย่างไร", "", now);
    let accepted = answer(&app, thread, &asker, &helper, now, Some(now));
    let item = {
        let conn = &mut app.conn();
        let sections = Sections {
            title: "เบิกค่าล่วงเวลา".into(),
            summary: "ขั้นตอนย่อ".into(),
            context: "ถามกันบ่อย".into(),
            solution: "ขออนุมัติก่อนทำงาน".into(),
            ..Sections::default()
        };
        let item =
            knowledge::distill(conn, facilitator.viewer(), thread, &DistillInput { sections, cite: vec![accepted] })
                .unwrap();
        knowledge::publish(conn, facilitator.viewer(), item.id).unwrap()
    };
    let expected = sala::insights::period::bangkok_today() + chrono::Months::new(3);
    assert_eq!(item.review_on, Some(expected), "published with the community's interval");
    assert_eq!(item.owner_id, Some(facilitator.id), "the distiller owns it");

    let token = app.token(&facilitator);
    let hand_over = |username: &str| {
        app.api()
            .put(app.url(&format!("/api/v1/knowledge/{}/owner", item.id)))
            .bearer_auth(&token)
            .json(&serde_json::json!({ "username": username }))
            .send()
    };
    assert_eq!(hand_over("outsider").await.unwrap().status(), 422, "{} is not a member", outsider.username);
    let (status, updated) = json(hand_over("helper").await.unwrap()).await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["owner_id"], helper.id);
    let res = app
        .api()
        .put(app.url(&format!("/api/v1/knowledge/{}/owner", item.id)))
        .bearer_auth(app.token(&asker))
        .json(&serde_json::json!({ "username": "asker" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403, "only curators hand items over");
    let page = app.browser().get(&format!("/k/{}", item.id)).await.body;
    assert!(page.contains("ผู้ดูแล") && page.contains(r#"href="/u/helper""#), "the owner is shown");
}
both_backends!(the_review_interval_is_the_communitys_and_owners_can_be_handed_over);

async fn recognition_pages_certificates_and_staying_out_of_rankings(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (km, board) = app.community("km");
    let [asker, expert] = ["asker", "expert"].map(|n| app.user(n, false));
    let admin = app.user("admin", true);
    for u in [&asker, &expert] {
        app.join(u, &km);
    }
    let now = sala::db::now();
    let thread = ask(&app, board.id, &asker, "ขอเบิกค่าเดินทางไปอบรม", "", now);
    answer(&app, thread, &asker, &expert, now, Some(now));
    let fy = sala::insights::period::fiscal_year_of(sala::insights::period::bangkok_today());

    let visitor = app.browser();
    let ranking = visitor.get("/c/km/recognition").await;
    assert_eq!(ranking.status, 200);
    assert!(ranking.body.contains(r#"href="/u/expert""#) && ranking.body.contains("คำตอบแรกที่ได้รับการยอมรับ"));

    let as_expert = app.signed_in(&expert).await;
    let certificate = as_expert.get(&format!("/u/expert/certificate?fy={fy}")).await;
    assert_eq!(certificate.status, 200);
    for words in ["เกียรติบัตรการแบ่งปันความรู้", "Certificate of knowledge sharing", "expert display"]
    {
        assert!(certificate.body.contains(words), "bilingual, for the person: {words}");
    }
    assert!(certificate.body.contains(&format!("ปีงบประมาณ {fy}")), "the Buddhist-era fiscal year");
    let as_asker = app.signed_in(&asker).await;
    assert_eq!(as_asker.get("/u/expert/certificate").await.status, 403, "someone else's certificate");

    assert_eq!(as_expert.submit("/settings/rankings", &[("hide_from_rankings", "on")]).await.status, 303);
    assert!(!visitor.get("/c/km/recognition").await.body.contains(r#"href="/u/expert""#), "out of the ranking");
    assert!(as_expert.get(&format!("/u/expert/certificate?fy={fy}")).await.body.contains("ได้รับการยอมรับ"));
    let as_admin = app.signed_in(&admin).await;
    let appraisal = as_admin.get("/c/km/recognition?download=csv").await;
    assert!(appraisal.body.starts_with('\u{feff}') && appraisal.body.contains("expert"), "{}", appraisal.body);
}
both_backends!(recognition_pages_certificates_and_staying_out_of_rankings);
