//! Who knows what: people ranked per community and per tag from accepted
//! answers and knowledge that quotes them; declared topics apart; private
//! evidence only for those who may read it.

use sala::accounts::User;
use sala::knowledge::{self, DistillInput, Sections};
use sala::threads::{self, NewThread};

use crate::both_backends;
use crate::harness::{json, Backend, TestApp};

/// A question by `asker` tagged `tag`, answered by `answerer` (accepted);
/// returns (thread id, answer id).
fn answered(app: &TestApp, board_id: i64, asker: &User, answerer: &User, title: &str, tag: &str) -> (i64, i64) {
    let conn = &mut app.conn();
    let input = NewThread {
        kind: "question".into(), title: title.into(), body: "ถามครับ".into(), tags: tag.into()
    };
    let thread = threads::create_thread(conn, asker.viewer(), board_id, &input).unwrap().0;
    let answer = threads::reply(conn, answerer.viewer(), thread.id, None, "ทำแบบนี้ครับ").unwrap();
    knowledge::resolve(conn, asker.viewer(), thread.id, Some(answer.id)).unwrap();
    (thread.id, answer.id)
}

async fn get(app: &TestApp, path: &str, user: Option<&User>) -> (u16, serde_json::Value) {
    let mut req = app.api().get(app.url(path));
    if let Some(user) = user {
        req = req.bearer_auth(app.token(user));
    }
    json(req.send().await.unwrap()).await
}

fn usernames(found: &serde_json::Value, list: &str) -> Vec<String> {
    found[list].as_array().unwrap().iter().map(|e| e["username"].as_str().unwrap().to_owned()).collect()
}

async fn evidence_ranks_people_and_private_evidence_stays_private(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (km, board) = app.community("km");
    let (hr, hr_board) = app.private_community("hr");
    let [asker, expert, casual, declarer, insider, facilitator] =
        ["asker", "expert", "casual", "declarer", "insider", "facil"].map(|name| app.user(name, false));
    for u in [&asker, &expert, &casual, &declarer] {
        app.join(u, &km);
    }
    app.make_facilitator(&facilitator, &km);
    app.join_by_appointment(&insider, &hr);
    app.join_by_appointment(&asker, &hr);

    let (first, answer) = answered(&app, board.id, &asker, &expert, "เบิกพัสดุต้องทำอย่างไร", "พัสดุ");
    answered(&app, board.id, &asker, &expert, "ตรวจรับพัสดุใครลงนาม", "พัสดุ");
    threads::reply(&mut app.conn(), casual.viewer(), first, None, "ผมก็สงสัยครับ").unwrap();
    {
        let conn = &mut app.conn();
        let sections = Sections {
            title: "ขั้นตอนเบิกพัสดุ".into(),
            summary: "สรุปขั้นตอน".into(),
            context: "บริบท".into(),
            solution: "ทำตามนี้".into(),
            tags: "พัสดุ".into(),
            ..Sections::default()
        };
        let item =
            knowledge::distill(conn, facilitator.viewer(), first, &DistillInput { sections, cite: vec![answer] })
                .unwrap();
        knowledge::publish(conn, facilitator.viewer(), item.id).unwrap();
    }
    answered(&app, hr_board.id, &asker, &insider, "พัสดุลับของฝ่ายบุคคล", "พัสดุ");

    // Declared from the settings page, shown apart.
    let d = app.signed_in(&declarer).await;
    assert_eq!(d.submit("/settings/topics", &[("topics", "พัสดุ, งบประมาณ")]).await.status, 303);

    let (status, found) = get(&app, "/api/v1/communities/km/experts", None).await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(usernames(&found, "experts").first().map(String::as_str), Some("expert"), "{found}");
    assert!(!usernames(&found, "experts").contains(&"casual".to_owned()), "a reply is not evidence");
    let kinds: Vec<&str> =
        found["experts"][0]["evidence"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"accepted_answer") && kinds.contains(&"cited"), "{kinds:?}");
    assert!(found["experts"][0]["score"].as_f64().unwrap() > 0.0);

    let (_, by_tag) =
        get(&app, "/api/v1/experts?tag=%E0%B8%9E%E0%B8%B1%E0%B8%AA%E0%B8%94%E0%B8%B8", Some(&casual)).await;
    assert_eq!(usernames(&by_tag, "experts"), vec!["expert"], "nothing private for an outsider: {by_tag}");
    assert_eq!(usernames(&by_tag, "declared"), vec!["declarer"], "declared apart");
    assert!(!by_tag.to_string().contains("ฝ่ายบุคคล"));
    let (_, inside) =
        get(&app, "/api/v1/experts?tag=%E0%B8%9E%E0%B8%B1%E0%B8%AA%E0%B8%94%E0%B8%B8", Some(&insider)).await;
    assert!(usernames(&inside, "experts").contains(&"insider".to_owned()), "{inside}");
    assert_eq!(get(&app, "/api/v1/communities/hr/experts", Some(&casual)).await.0, 404);

    // Pages: the community's sidebar and the person's topics with evidence.
    let visitor = app.browser();
    let community = visitor.get("/c/km").await.body;
    let at = community.find("ผู้รู้เรื่องนี้").expect("the experts' heading");
    assert!(community[at..].contains(r#"href="/u/expert""#));
    let profile = visitor.get("/u/expert").await.body;
    assert!(profile.contains("รู้เรื่อง") && profile.contains("ขั้นตอนเบิกพัสดุ"), "topic with its evidence");
    assert!(visitor.get("/u/declarer").await.body.contains("ระบุเองว่ารู้"));
    let hr_profile = visitor.get("/u/insider").await.body;
    assert!(!hr_profile.contains("พัสดุลับ"), "private evidence hidden from outsiders");
}
both_backends!(evidence_ranks_people_and_private_evidence_stays_private);
