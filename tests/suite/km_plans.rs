//! The organisation's KM plan: built through the API and the pages,
//! knowledge areas and indicators that follow the knowledge base, manual
//! indicators with their history, review and reporting rounds, the annual
//! report in Thai, and who may change a plan.

use chrono::NaiveDate;
use diesel::prelude::*;
use sala::accounts::User;
use sala::db::schema::knowledge_items;
use sala::knowledge::{self, DistillInput, Sections};
use sala::threads::{self as forum, NewThread};
use serde_json::{json, Value};

use crate::both_backends;
use crate::harness::{json, Backend, TestApp};

/// A published knowledge item tagged `tag` in `board`'s community, written
/// by `asker` and distilled by `facilitator`; its id.
fn publish_item(app: &TestApp, board_id: i64, asker: &User, facilitator: &User, title: &str, tag: &str) -> i64 {
    let conn = &mut app.conn();
    let input =
        NewThread {
            kind: "question".into(), title: title.into(), body: "ทำอย่างไรดีครับ".into(), tags: tag.into()
        };
    let thread = forum::create_thread(conn, asker.viewer(), board_id, &input).expect("thread").0;
    let answer = forum::reply(conn, facilitator.viewer(), thread.id, None, "ทำตามขั้นตอนของกองคลัง").expect("reply").id;
    knowledge::resolve(conn, asker.viewer(), thread.id, Some(answer)).expect("resolve");
    let sections = Sections {
        title: title.into(),
        summary: "สรุปขั้นตอน".into(),
        context: "ที่มา".into(),
        solution: "ขั้นตอน".into(),
        lessons: "บทเรียน".into(),
        tags: tag.into(),
        review_on: Some(chrono::Utc::now().date_naive() + chrono::Duration::days(180)),
    };
    let item =
        knowledge::distill(conn, facilitator.viewer(), thread.id, &DistillInput { sections, cite: vec![answer] })
            .expect("distill");
    knowledge::publish(conn, facilitator.viewer(), item.id).expect("publish");
    item.id
}

async fn call(app: &TestApp, user: Option<&User>, method: &str, path: &str, body: Value) -> (u16, Value) {
    let api = app.api();
    let url = app.url(path);
    let mut req = match method {
        "GET" => api.get(url),
        "PATCH" => api.patch(url),
        "PUT" => api.put(url),
        _ => api.post(url),
    };
    if let Some(user) = user {
        req = req.bearer_auth(app.token(user));
    }
    if method != "GET" {
        req = req.json(&body);
    }
    json(req.send().await.unwrap()).await
}

async fn appoint(app: &TestApp, admin: &User, username: &str, role: &str) {
    let (status, body) =
        call(app, Some(admin), "POST", "/api/v1/km-roles", json!({"username": username, "role": role})).await;
    assert_eq!(status, 204, "{body}");
}

/// The current fiscal year (Buddhist era), where "now" falls.
fn this_fiscal_year() -> i32 {
    sala::insights::period::fiscal_year_of(sala::insights::period::bangkok_today())
}

fn area<'a>(plan: &'a Value, title: &str) -> &'a Value {
    plan["scopes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["areas"].as_array().unwrap())
        .find(|a| a["title"] == title)
        .unwrap_or_else(|| panic!("no area {title} in {plan}"))
}

fn indicator<'a>(plan: &'a Value, title: &str) -> &'a Value {
    plan["scopes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["indicators"].as_array().unwrap())
        .find(|a| a["title"] == title)
        .unwrap_or_else(|| panic!("no indicator {title} in {plan}"))
}

struct Built {
    plan_id: i64,
    scopes: [i64; 2],
    activity_id: i64,
}

/// A plan with two scopes, areas tied to tags, activities on several steps
/// and a computed indicator, made through the API.
async fn build_plan(app: &TestApp, officer: &User, fiscal_year: i32, unit: &str) -> Built {
    let (status, plan) = call(
        app,
        Some(officer),
        "POST",
        "/api/v1/km-plans",
        json!({"fiscal_year": fiscal_year, "title": "แผนการจัดการความรู้ กองคลัง", "unit": unit}),
    )
    .await;
    assert_eq!(status, 201, "{plan}");
    let plan_id = plan["id"].as_i64().unwrap();
    assert_eq!(plan["status"], "draft");
    let mut scopes = [0; 2];
    for (i, (title, reason)) in
        [("งานจัดซื้อจัดจ้าง", "ผิดระเบียบบ่อย ต้องแก้เร่งด่วน"), ("การบริการประชาชน", "สอดคล้องกับยุทธศาสตร์")].iter().enumerate()
    {
        let (status, scope) = call(
            app,
            Some(officer),
            "POST",
            &format!("/api/v1/km-plans/{plan_id}/scopes"),
            json!({"title": title, "reason": reason, "criteria": ["urgent", "strategy"]}),
        )
        .await;
        assert_eq!(status, 201, "{scope}");
        scopes[i] = scope["id"].as_i64().unwrap();
    }
    for (scope, title, tag) in [(scopes[0], "ขั้นตอนจัดซื้อ", "จัดซื้อ"), (scopes[1], "การตอบคำถามประชาชน", "บริการ")]
    {
        let (status, body) = call(
            app,
            Some(officer),
            "POST",
            &format!("/api/v1/km-scopes/{scope}/areas"),
            json!({"title": title, "tags": [tag]}),
        )
        .await;
        assert_eq!(status, 201, "{body}");
    }
    let mut activity_id = 0;
    for (step, title) in
        [("identify", "สำรวจความรู้ที่จำเป็น"), ("share", "เวทีแลกเปลี่ยนเรียนรู้"), ("recognition", "มอบรางวัลผู้แบ่งปัน")]
    {
        let (status, body) = call(
            app,
            Some(officer),
            "POST",
            &format!("/api/v1/km-scopes/{}/activities", scopes[0]),
            json!({"title": title, "step": step, "owner": officer.username, "starts_on": "2026-11-15", "ends_on": "2027-02-01"}),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        if step == "share" {
            activity_id = body["id"].as_i64().unwrap();
        }
    }
    let (status, body) = call(
        app,
        Some(officer),
        "POST",
        &format!("/api/v1/km-scopes/{}/indicators", scopes[0]),
        json!({"title": "ความรู้ด้านจัดซื้อที่เผยแพร่", "source": "published_items", "target": 4, "unit": "เรื่อง"}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    Built { plan_id, scopes, activity_id }
}

async fn plan_of(app: &TestApp, user: &User, plan_id: i64) -> Value {
    let (status, plan) = call(app, Some(user), "GET", &format!("/api/v1/km-plans/{plan_id}"), Value::Null).await;
    assert_eq!(status, 200, "{plan}");
    plan
}

async fn areas_and_indicators_follow_published_knowledge(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.user("admin", true);
    let officer = app.user("officer", false);
    let insider = app.user("insider", false);
    let staff = app.user("staff", false);
    let facilitator = app.user("facil", false);
    let auditor = app.user("auditor", false);
    let (finance, board) = app.community("finance");
    let (secret, secret_board) = app.private_community("audit");
    app.make_facilitator(&facilitator, &finance);
    app.make_facilitator(&auditor, &secret);
    app.join(&staff, &finance);
    app.join_by_appointment(&insider, &secret);
    for who in ["officer", "insider"] {
        appoint(&app, &admin, who, "km_officer").await;
    }
    let fy = this_fiscal_year();
    let built = build_plan(&app, &officer, fy, "").await;
    let insiders = build_plan(&app, &insider, fy, "สำนักตรวจสอบภายใน").await;

    let plan = plan_of(&app, &staff, built.plan_id).await;
    assert_eq!(plan["scopes"].as_array().unwrap().len(), 2);
    assert_eq!(plan["scopes"][0]["activities"].as_array().unwrap().len(), 3);
    assert_eq!(area(&plan, "ขั้นตอนจัดซื้อ")["status"], "none");
    assert_eq!(area(&plan, "ขั้นตอนจัดซื้อ")["published_items"], 0);
    assert_eq!(indicator(&plan, "ความรู้ด้านจัดซื้อที่เผยแพร่")["actual"], 0.0);

    let item = publish_item(&app, board.id, &staff, &facilitator, "ขั้นตอนจัดซื้อวัสดุ", "จัดซื้อ");
    let plan = plan_of(&app, &staff, built.plan_id).await;
    assert_eq!(area(&plan, "ขั้นตอนจัดซื้อ")["status"], "published", "{plan}");
    assert_eq!(area(&plan, "ขั้นตอนจัดซื้อ")["published_items"], 1);
    assert_eq!(indicator(&plan, "ความรู้ด้านจัดซื้อที่เผยแพร่")["actual"], 1.0);
    assert_eq!(area(&plan, "การตอบคำถามประชาชน")["status"], "none", "another tag's area does not move");

    knowledge::archive(&mut app.conn(), facilitator.viewer(), item).expect("archive");
    let plan = plan_of(&app, &staff, built.plan_id).await;
    assert_eq!(area(&plan, "ขั้นตอนจัดซื้อ")["status"], "none");
    assert_eq!(indicator(&plan, "ความรู้ด้านจัดซื้อที่เผยแพร่")["actual"], 0.0, "archiving lowers it again");

    // Knowledge in a private community counts in the plan of an officer
    // who belongs to it, not in the plan of one who does not.
    publish_item(&app, secret_board.id, &insider, &auditor, "จัดซื้อในงานตรวจสอบ", "จัดซื้อ");
    let outsiders_view = plan_of(&app, &staff, built.plan_id).await;
    assert_eq!(area(&outsiders_view, "ขั้นตอนจัดซื้อ")["published_items"], 0);
    assert_eq!(indicator(&outsiders_view, "ความรู้ด้านจัดซื้อที่เผยแพร่")["actual"], 0.0);
    let insiders_plan = plan_of(&app, &insider, insiders.plan_id).await;
    assert_eq!(area(&insiders_plan, "ขั้นตอนจัดซื้อ")["published_items"], 1, "{insiders_plan}");
    assert_eq!(indicator(&insiders_plan, "ความรู้ด้านจัดซื้อที่เผยแพร่")["actual"], 1.0);
    assert!(
        area(&plan_of(&app, &staff, insiders.plan_id).await, "ขั้นตอนจัดซื้อ")["items"].as_array().unwrap().is_empty(),
        "a reader outside the private community is not shown its item's title"
    );
    let (status, body) = call(
        &app,
        Some(&insider),
        "POST",
        &format!("/api/v1/km-scopes/{}/areas", insiders.scopes[1]),
        json!({"title": "งานตรวจสอบภายใน", "tags": ["ตรวจสอบ"], "community": "audit"}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(area(&plan_of(&app, &insider, insiders.plan_id).await, "งานตรวจสอบภายใน")["community"], "audit");
    assert_eq!(
        area(&plan_of(&app, &staff, insiders.plan_id).await, "งานตรวจสอบภายใน")["community"],
        Value::Null,
        "a private community stays unnamed to readers outside it"
    );

    // A second plan for the same unit and year is refused.
    let (status, body) =
        call(&app, Some(&officer), "POST", "/api/v1/km-plans", json!({"fiscal_year": fy, "title": "ซ้ำ"})).await;
    assert_eq!(status, 409, "{body}");
}
both_backends!(areas_and_indicators_follow_published_knowledge);

async fn staff_read_and_only_km_officers_and_admins_change(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.user("admin", true);
    let officer = app.user("officer", false);
    let staff = app.user("staff", false);
    let reviewer = app.user("reviewer", false);
    appoint(&app, &admin, "officer", "km_officer").await;
    appoint(&app, &admin, "reviewer", "km_reviewer").await;
    let built = build_plan(&app, &officer, 2570, "").await;
    let scope = built.scopes[0];

    let (status, _) = call(&app, None, "GET", &format!("/api/v1/km-plans/{}", built.plan_id), Value::Null).await;
    assert_eq!(status, 401, "plans are for signed-in staff");
    plan_of(&app, &staff, built.plan_id).await;
    let (status, list) = call(&app, Some(&staff), "GET", "/api/v1/km-plans", Value::Null).await;
    assert_eq!((status, list.as_array().unwrap().len()), (200, 1));

    let writes = [
        ("POST", "/api/v1/km-plans".to_owned(), json!({"fiscal_year": 2571, "title": "แผนของฉัน"})),
        ("POST", format!("/api/v1/km-plans/{}/scopes", built.plan_id), json!({"title": "ขอบเขต", "reason": "อยากทำ"})),
        ("POST", format!("/api/v1/km-scopes/{scope}/areas"), json!({"title": "ความรู้", "tags": ["งาน"]})),
        ("PATCH", format!("/api/v1/km-activities/{}", built.activity_id), json!({"status": "done"})),
        ("POST", "/api/v1/km-roles".to_owned(), json!({"username": "staff", "role": "km_officer"})),
    ];
    for (method, path, body) in &writes {
        for who in [&staff, &reviewer] {
            let (status, problem) = call(&app, Some(who), method, path, body.clone()).await;
            assert_eq!(status, 403, "{} {method} {path}: {problem}", who.username);
        }
    }
    let (status, problem) = call(
        &app,
        Some(&staff),
        "POST",
        &format!("/api/v1/km-plans/{}/comments", built.plan_id),
        json!({"subject": "plan", "subject_id": built.plan_id, "body": "ความเห็น"}),
    )
    .await;
    assert_eq!(status, 403, "staff do not review: {problem}");
    // The admin may change any plan.
    let (status, body) = call(
        &app,
        Some(&admin),
        "PATCH",
        &format!("/api/v1/km-activities/{}", built.activity_id),
        json!({"status": "in_progress"}),
    )
    .await;
    assert_eq!(status, 204, "{body}");
    let plan = plan_of(&app, &staff, built.plan_id).await;
    let activity = plan["scopes"][0]["activities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == built.activity_id)
        .unwrap()
        .clone();
    assert_eq!(activity["status"], "in_progress");
    assert_eq!(plan["may_write"], false, "staff see the plan as readers");

    // The pages say the same: staff see no forms, an officer does.
    let staff_page = app.signed_in(&staff).await.get(&format!("/km/plans/{}", built.plan_id)).await;
    assert_eq!(staff_page.status, 200);
    assert!(staff_page.body.contains("งานจัดซื้อจัดจ้าง") || staff_page.body.contains("KM scope"));
    assert!(!staff_page.body.contains("/km/scopes/"), "no forms for staff");
    let officer_page = app.signed_in(&officer).await.get(&format!("/km/plans/{}", built.plan_id)).await;
    assert!(officer_page.body.contains(&format!("/km/scopes/{scope}/areas")));
}
both_backends!(staff_read_and_only_km_officers_and_admins_change);

async fn a_manual_indicator_keeps_its_history(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.user("admin", true);
    let officer = app.user("officer", false);
    let deputy = app.user("deputy", false);
    appoint(&app, &admin, "officer", "km_officer").await;
    appoint(&app, &admin, "deputy", "km_officer").await;
    let built = build_plan(&app, &officer, 2570, "").await;
    let (status, body) = call(
        &app,
        Some(&officer),
        "POST",
        &format!("/api/v1/km-scopes/{}/indicators", built.scopes[1]),
        json!({"title": "ความพึงพอใจของผู้รับบริการ", "source": "manual", "target": 85, "unit": "ร้อยละ"}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let manual = body["id"].as_i64().unwrap();
    for (who, value, note) in [(&officer, 78.5, "แบบสำรวจไตรมาสแรก"), (&deputy, 86.0, "แบบสำรวจไตรมาสสอง")]
    {
        let (status, body) = call(
            &app,
            Some(who),
            "POST",
            &format!("/api/v1/km-indicators/{manual}/entries"),
            json!({"value": value, "note": note, "evidence_url": "https://intranet.example/survey.pdf"}),
        )
        .await;
        assert_eq!(status, 201, "{body}");
    }
    let plan = plan_of(&app, &officer, built.plan_id).await;
    let shown = indicator(&plan, "ความพึงพอใจของผู้รับบริการ");
    assert_eq!(shown["actual"], 86.0, "the latest entry is the figure");
    assert_eq!(shown["percent_of_target"], 101);
    let entries = shown["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "{shown}");
    assert_eq!(entries[0]["value"], 78.5);
    assert_eq!(entries[0]["entered_by"]["username"], "officer");
    assert_eq!(entries[1]["entered_by"]["username"], "deputy");
    assert_eq!(entries[1]["note"], "แบบสำรวจไตรมาสสอง");
    assert!(entries[0]["entered_at"].as_str().is_some_and(|at| at <= entries[1]["entered_at"].as_str().unwrap()));
    assert_eq!(entries[0]["evidence_url"], "https://intranet.example/survey.pdf");

    // A computed indicator takes no entries; a bad link is refused.
    let computed = indicator(&plan, "ความรู้ด้านจัดซื้อที่เผยแพร่")["id"].as_i64().unwrap();
    let (status, _) = call(
        &app,
        Some(&officer),
        "POST",
        &format!("/api/v1/km-indicators/{computed}/entries"),
        json!({"value": 3, "note": "นับเอง"}),
    )
    .await;
    assert_eq!(status, 409);
    let (status, problem) = call(
        &app,
        Some(&officer),
        "POST",
        &format!("/api/v1/km-indicators/{manual}/entries"),
        json!({"value": 90, "note": "ลิงก์แปลก", "evidence_url": "javascript:alert(1)"}),
    )
    .await;
    assert_eq!(status, 422, "{problem}");

    // Evidence attaches to activities (API) and indicators (page).
    let (status, body) = call(
        &app,
        Some(&deputy),
        "POST",
        "/api/v1/km-evidence",
        json!({"subject": "activity", "subject_id": built.activity_id, "url": "https://intranet.example/photos/forum.jpg", "note": "ภาพเวที"}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let browser = app.signed_in(&officer).await;
    let saved = browser
        .submit(
            &format!("/km/plans/{}/evidence", built.plan_id),
            &[
                ("subject", "indicator"),
                ("subject_id", &manual.to_string()),
                ("url", "https://intranet.example/survey-q2.pdf"),
                ("note", "ผลสำรวจ"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert_eq!(saved.location.as_deref(), Some(format!("/km/plans/{}#indicator-{manual}", built.plan_id).as_str()));
    let plan = plan_of(&app, &officer, built.plan_id).await;
    assert_eq!(
        indicator(&plan, "ความพึงพอใจของผู้รับบริการ")["evidence"][0]["url"],
        "https://intranet.example/survey-q2.pdf"
    );
    let activity = plan["scopes"][0]["activities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == built.activity_id)
        .unwrap()
        .clone();
    assert_eq!(activity["evidence"][0]["note"], "ภาพเวที");
    let page = browser.get(&format!("/km/plans/{}", built.plan_id)).await;
    assert!(page.body.contains("photos&#x2F;forum.jpg") && page.body.contains("ภาพเวที"), "the page links the evidence");

    // A figure that is not a number: the error page names the field in
    // words and leads back to the plan's form.
    let plan_page = app.url(&format!("/km/plans/{}", built.plan_id));
    let refused = browser
        .client
        .post(app.url(&format!("/km/indicators/{manual}/entries")))
        .header("referer", &plan_page)
        .form(&[("csrf", page.csrf().as_str()), ("value", "แปดสิบ"), ("note", "ผลสำรวจ")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 422);
    let body = refused.text().await.unwrap();
    assert!(body.contains("<strong>Figure</strong>") || body.contains("<strong>ผล</strong>"), "{body}");
    assert!(
        body.contains(&format!("href=\"&#x2F;km&#x2F;plans&#x2F;{}\"", built.plan_id)),
        "a way back to the form: {body}"
    );
}
both_backends!(a_manual_indicator_keeps_its_history);

async fn review_returns_answers_approves_and_rounds_keep_their_figures(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.user("admin", true);
    let officer = app.user("officer", false);
    let reviewer = app.user("reviewer", false);
    let facilitator = app.user("facil", false);
    let asker = app.user("asker", false);
    let (finance, board) = app.community("finance");
    app.make_facilitator(&facilitator, &finance);
    app.join(&asker, &finance);
    appoint(&app, &admin, "officer", "km_officer").await;
    appoint(&app, &admin, "reviewer", "km_reviewer").await;
    let built = build_plan(&app, &officer, this_fiscal_year(), "").await;
    let plan_path = format!("/api/v1/km-plans/{}", built.plan_id);
    let move_to = |who: &User, to: &str| {
        let (app, who, path, to) = (&app, who.clone(), format!("{plan_path}/status"), to.to_owned());
        async move { call(app, Some(&who), "POST", &path, json!({"to": to})).await }
    };

    assert_eq!(move_to(&officer, "submitted").await.0, 200);
    let (status, _) = call(
        &app,
        Some(&officer),
        "POST",
        &format!("/api/v1/km-scopes/{}/areas", built.scopes[0]),
        json!({"title": "เพิ่มระหว่างพิจารณา", "tags": ["งาน"]}),
    )
    .await;
    assert_eq!(status, 409, "a submitted plan waits for the committee");
    assert_eq!(move_to(&reviewer, "returned").await.0, 409, "returning needs a comment");
    let (status, comment) = call(
        &app,
        Some(&reviewer),
        "POST",
        &format!("{plan_path}/comments"),
        json!({"subject": "activity", "subject_id": built.activity_id, "body": "ควรระบุกลุ่มเป้าหมายของเวที"}),
    )
    .await;
    assert_eq!(status, 201, "{comment}");
    let comment_id = comment["id"].as_i64().unwrap();
    assert_eq!(move_to(&reviewer, "returned").await.0, 200);
    let (status, problem) = move_to(&officer, "submitted").await;
    assert_eq!(status, 409, "every comment answered first: {problem}");
    let (status, _) = call(
        &app,
        Some(&officer),
        "POST",
        &format!("/api/v1/km-comments/{comment_id}/answer"),
        json!({"answer": "ระบุแล้ว: เจ้าหน้าที่พัสดุทุกกอง"}),
    )
    .await;
    assert_eq!(status, 204);
    assert_eq!(move_to(&officer, "submitted").await.0, 200);
    assert_eq!(move_to(&officer, "approved").await.0, 403, "the writer does not approve");
    let (status, now) = move_to(&reviewer, "approved").await;
    assert_eq!((status, now["status"].as_str()), (200, Some("approved")));

    let plan = plan_of(&app, &officer, built.plan_id).await;
    let comment = &plan["comments"][0];
    assert_eq!(comment["subject"], "activity");
    assert_eq!(comment["subject_title"], "เวทีแลกเปลี่ยนเรียนรู้");
    assert_eq!(comment["answer"], "ระบุแล้ว: เจ้าหน้าที่พัสดุทุกกอง");
    assert_eq!(comment["answered_by"]["username"], "officer");
    let moves: Vec<&str> =
        plan["events"].as_array().unwrap().iter().map(|e| e["to_status"].as_str().unwrap()).collect();
    assert_eq!(moves, ["submitted", "returned", "submitted", "approved"]);

    // A reporting round keeps its figures after the item is archived.
    let item = publish_item(&app, board.id, &asker, &facilitator, "คู่มือจัดซื้อ", "จัดซื้อ");
    let (status, body) =
        call(&app, Some(&officer), "POST", &format!("{plan_path}/rounds"), json!({"label": "รอบ 6 เดือน"})).await;
    assert_eq!(status, 201, "{body}");
    knowledge::archive(&mut app.conn(), facilitator.viewer(), item).expect("archive");
    diesel::update(knowledge_items::table.find(item))
        .set(knowledge_items::title.eq("แก้ชื่อหลังปิดรอบ"))
        .execute(&mut app.conn())
        .unwrap();
    let plan = plan_of(&app, &officer, built.plan_id).await;
    assert_eq!(indicator(&plan, "ความรู้ด้านจัดซื้อที่เผยแพร่")["actual"], 0.0, "live figures moved");
    let round = &plan["rounds"][0];
    assert_eq!(round["label"], "รอบ 6 เดือน");
    let frozen = round["snapshot"]["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["title"] == "ความรู้ด้านจัดซื้อที่เผยแพร่")
        .unwrap();
    assert_eq!(frozen["actual"], 1.0, "the round kept its figure: {round}");
    let frozen_area =
        round["snapshot"]["areas"].as_array().unwrap().iter().find(|a| a["title"] == "ขั้นตอนจัดซื้อ").unwrap();
    assert_eq!((frozen_area["status"].as_str(), frozen_area["published_items"].as_i64()), (Some("published"), Some(1)));
}
both_backends!(review_returns_answers_approves_and_rounds_keep_their_figures);

async fn the_annual_report_straddles_the_calendar_year_in_thai(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.user("admin", true);
    let officer = app.user("officer", false);
    let staff = app.user("staff", false);
    sala::accounts::set_locale(&mut app.conn(), staff.id, "th").unwrap();
    appoint(&app, &admin, "officer", "km_officer").await;
    // Fiscal year 2570: 1 October 2026 to 30 September 2027.
    let built = build_plan(&app, &officer, 2570, "กองคลัง").await;
    let (status, _) = call(
        &app,
        Some(&officer),
        "PATCH",
        &format!("/api/v1/km-activities/{}", built.activity_id),
        json!({"status": "done"}),
    )
    .await;
    assert_eq!(status, 204);
    let browser = app.signed_in(&staff).await;
    let report = browser.get(&format!("/km/plans/{}/report", built.plan_id)).await;
    assert_eq!(report.status, 200, "{}", report.body);
    assert!(report.body.contains("รายงานผลการจัดการความรู้ประจำปี"), "Thai heading");
    assert!(report.body.contains("Annual KM report"), "bilingual: the English heading beside it");
    assert!(report.body.contains("1 ต.ค. 2569 – 30 ก.ย. 2570"), "the fiscal year in Buddhist-era dates");
    assert!(report.body.contains("15 พ.ย. 2569 – 1 ก.พ. 2570"), "an activity across the new year, in BE");
    assert!(report.body.contains("<svg"), "the chart is drawn on the server");
    assert!(report.body.contains("เวทีแลกเปลี่ยนเรียนรู้"), "the activity done is listed");
    assert!(!report.body.contains("2026"), "no Western years in the Thai report");

    let csv =
        browser.client.get(app.url(&format!("/km/plans/{}/report?download=csv", built.plan_id))).send().await.unwrap();
    assert_eq!(csv.status(), 200);
    assert!(csv.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let bytes = csv.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "a byte-order mark, so Excel reads UTF-8");
    let text = std::str::from_utf8(&bytes[3..]).expect("UTF-8");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(header[0], "ขอบเขต");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let activity = rows.iter().find(|r| &r[2] == "เวทีแลกเปลี่ยนเรียนรู้").expect("the activity row");
    assert_eq!(&activity[0], "งานจัดซื้อจัดจ้าง");
    assert_eq!(&activity[3], "การแบ่งปันแลกเปลี่ยนความรู้");
    assert_eq!(&activity[6], "แล้วเสร็จ");
    assert_eq!((&activity[7], &activity[8]), ("15 พ.ย. 2569", "1 ก.พ. 2570"));
    assert!(rows.iter().any(|r| &r[2] == "ความรู้ด้านจัดซื้อที่เผยแพร่" && &r[4] == "4"), "indicator with target");

    let period = sala::insights::Period::fiscal_year(2570);
    assert_eq!(
        (period.from, period.to),
        (NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(), NaiveDate::from_ymd_opt(2027, 9, 30).unwrap())
    );
}
both_backends!(the_annual_report_straddles_the_calendar_year_in_thai);

async fn participation_counts_the_plans_unit(backend: Backend) {
    use sala::db::schema::users;
    let app = TestApp::start(backend).await;
    let admin = app.user("admin", true);
    let officer = app.user("officer", false);
    appoint(&app, &admin, "officer", "km_officer").await;
    let (finance, board) = app.community("finance");
    let people = [("somsri", "กองคลัง"), ("manop", "กองคลัง"), ("preecha", "กองการเจ้าหน้าที่")];
    let mut posters = Vec::new();
    for (name, unit) in people {
        let user = app.user(name, false);
        diesel::update(users::table.find(user.id)).set(users::unit.eq(unit)).execute(&mut app.conn()).unwrap();
        app.join(&user, &finance);
        posters.push(user);
    }
    let input = NewThread {
        kind: "question".into(),
        title: "เบิกค่าเดินทางไปราชการ".into(),
        body: "ต้องแนบอะไรบ้าง".into(),
        tags: "จัดซื้อ".into(),
    };
    let thread = forum::create_thread(&mut app.conn(), posters[0].viewer(), board.id, &input).unwrap().0;
    for who in &posters[1..] {
        forum::reply(&mut app.conn(), who.viewer(), thread.id, None, "แนบใบเสร็จครับ").unwrap();
    }
    let mut figures = Vec::new();
    for unit in ["กองคลัง", ""] {
        let built = build_plan(&app, &officer, this_fiscal_year(), unit).await;
        let (status, body) = call(
            &app,
            Some(&officer),
            "POST",
            &format!("/api/v1/km-scopes/{}/indicators", built.scopes[0]),
            json!({"title": "ผู้ร่วมแลกเปลี่ยน", "source": "participants", "target": 10, "unit": "คน"}),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        let plan = plan_of(&app, &officer, built.plan_id).await;
        figures.push(indicator(&plan, "ผู้ร่วมแลกเปลี่ยน").clone());
    }
    assert_eq!(figures[0]["actual"], 2.0, "a unit's plan counts its own staff: {}", figures[0]);
    assert_eq!(figures[1]["actual"], 3.0, "the organisation's plan counts everyone");
    assert_eq!(figures[1]["by_unit"], json!([{"unit": "กองคลัง", "people": 2}, {"unit": "กองการเจ้าหน้าที่", "people": 1}]));
}
both_backends!(participation_counts_the_plans_unit);
