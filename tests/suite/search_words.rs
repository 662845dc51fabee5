//! The organisation's search dictionary (words kept whole, synonyms) and
//! "did you mean", on both backends.

use serde_json::{json as body, Value};

use crate::both_backends;
use crate::harness::{api_thread, json, Backend, TestApp};

/// Waits until every rebuild the dictionary started is done (they run in
/// the background), returning the last listing.
async fn rebuilt(app: &TestApp, token: &str) -> Value {
    for _ in 0..100 {
        let (status, listing) =
            json(app.api().get(app.url("/api/v1/search/words")).bearer_auth(token).send().await.unwrap()).await;
        assert_eq!(status, 200, "{listing}");
        if listing["rebuilds"].as_array().unwrap().iter().all(|r| r["finished"] == true) {
            return listing;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the rebuild did not finish");
}

/// `POST /api/v1/search/words` as the holder of `token`.
async fn add_words(app: &TestApp, token: &str, entry: Value) -> (u16, Value) {
    json(app.api().post(app.url("/api/v1/search/words")).bearer_auth(token).json(&entry).send().await.unwrap()).await
}

async fn total(app: &TestApp, q: &str) -> i64 {
    let (status, found) = json(app.api().get(app.url("/api/v1/search")).query(&[("q", q)]).send().await.unwrap()).await;
    assert_eq!(status, 200, "{found}");
    found["total"].as_i64().unwrap()
}

async fn a_name_kept_whole_is_found_whole_and_no_longer_by_its_parts(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (community, board) = app.community("km");
    let admin = app.user("admin", true);
    let writer = app.user("writer", false);
    app.join(&writer, &community);
    let writer_token = app.token(&writer);
    // A project's name the segmenter cuts into ordinary words.
    api_thread(&app, &writer_token, board.id, "experience", "สรุปโครงการเพชรน้ำหนึ่งปีนี้", "ทีมงานลงพื้นที่สามจังหวัด").await;
    api_thread(&app, &writer_token, board.id, "question", "ร้านรับซื้อเพชรในจังหวัด", "มีร้านไหนแนะนำบ้าง").await;
    assert_eq!(total(&app, "เพชร").await, 2, "before: the name is found by its parts");

    let admin_token = app.token(&admin);
    let (status, added) = add_words(&app, &admin_token, body!({"kind": "keep", "words": ["เพชรน้ำหนึ่ง"]})).await;
    assert_eq!(status, 201, "{added}");
    assert_eq!(added["added"], 1);
    let listing = rebuilt(&app, &admin_token).await;
    let rebuild = &listing["rebuilds"][0];
    assert_eq!(rebuild["words"], body!(["เพชรน้ำหนึ่ง"]), "{listing}");
    assert_eq!(rebuild["done"], rebuild["total"]);
    assert!(rebuild["total"].as_i64().unwrap() >= 1, "the post holding the name was indexed again: {listing}");

    assert_eq!(total(&app, "เพชรน้ำหนึ่ง").await, 1, "the name finds its post");
    assert_eq!(total(&app, "เพชร").await, 1, "a part alone finds only the post that uses the word itself");
    // Another instance behind the same load balancer cuts text the same way.
    let other = app.another_instance(|_| {}).await;
    assert_eq!(total(&other, "เพชร").await, 1);
    assert_eq!(total(&other, "เพชรน้ำหนึ่ง").await, 1);

    // A community's facilitator sees the rebuilds of its own words, not the site's.
    let facilitator = app.user("facil", false);
    app.make_facilitator(&facilitator, &community);
    let (status, theirs) = json(
        app.api()
            .get(app.url("/api/v1/search/words?community=km"))
            .bearer_auth(app.token(&facilitator))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{theirs}");
    assert_eq!(theirs["rebuilds"], body!([]), "{theirs}");

    // Only admins keep the site's words; a member is refused.
    let (status, refused) = add_words(&app, &writer_token, body!({"kind": "keep", "words": ["อะไรก็ได้"]})).await;
    assert_eq!(status, 403, "{refused}");
    let (status, invalid) = add_words(&app, &admin_token, body!({"kind": "keep", "words": ["สอง คำ"]})).await;
    assert_eq!(status, 422, "a word kept whole has no spaces: {invalid}");

    // Removing it makes the parts find the name again.
    let id = listing["entries"].as_array().unwrap().iter().find(|e| e["words"] == body!(["เพชรน้ำหนึ่ง"])).unwrap()["id"]
        .as_i64()
        .unwrap();
    let res = app
        .api()
        .delete(app.url(&format!("/api/v1/search/words/{id}")))
        .bearer_auth(&admin_token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    rebuilt(&app, &admin_token).await;
    assert_eq!(total(&app, "เพชร").await, 2);
}
both_backends!(a_name_kept_whole_is_found_whole_and_no_longer_by_its_parts);

async fn a_synonym_group_from_a_facilitators_page_finds_either_word(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (community, board) = app.community("it");
    let facilitator = app.user("facil", false);
    app.make_facilitator(&facilitator, &community);
    let token = app.token(&facilitator);
    api_thread(&app, &token, board.id, "question", "ฝ่ายไอทีแจ้งปิดระบบคืนนี้", "ปิดปรับปรุงสองชั่วโมง").await;
    api_thread(&app, &token, board.id, "question", "ศูนย์เทคโนโลยีสารสนเทศย้ายห้อง", "ย้ายไปชั้นสาม").await;
    assert_eq!(total(&app, "ไอที").await, 1);

    let browser = app.signed_in(&facilitator).await;
    let page = browser.get("/c/it/search-words").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("พจนานุกรมการค้นหา"), "{}", page.body);
    let saved = browser.submit("/c/it/search-words", &[("entries", "ไอที = เทคโนโลยีสารสนเทศ")]).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let page = browser.get("/c/it/search-words").await;
    assert!(page.body.contains("ไอที = เทคโนโลยีสารสนเทศ"), "{}", page.body);

    assert_eq!(total(&app, "ไอที").await, 2, "the abbreviation finds the full name");
    assert_eq!(total(&app, "เทคโนโลยีสารสนเทศ").await, 2, "and the full name the abbreviation");

    // A facilitator keeps their community's words, not the site's.
    let site = browser.get("/search/words").await;
    assert_eq!(site.status, 403);
    // Exported as a text file and imported again: nothing doubles.
    let file = browser.get("/c/it/search-words?download=1").await;
    assert!(file.body.contains("ไอที = เทคโนโลยีสารสนเทศ"), "{}", file.body);
    let (status, again) = json(
        app.api()
            .post(app.url("/api/v1/search/words/import"))
            .bearer_auth(&token)
            .json(&body!({"community": "it", "file": format!("{}\nสกร.\n", file.body)}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 201, "{again}");
    assert_eq!(again["added"], 1, "only the new line is added: {again}");
}
both_backends!(a_synonym_group_from_a_facilitators_page_finds_either_word);

async fn did_you_mean_corrects_one_letter_in_thai_and_english(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (community, board) = app.community("km");
    let writer = app.user("writer", false);
    app.join(&writer, &community);
    let token = app.token(&writer);
    api_thread(&app, &token, board.id, "question", "ลงทะเบียนหนังสือในระบบสารบรรณ", "ใช้เลขรับอัตโนมัติ").await;
    api_thread(&app, &token, board.id, "question", "ส่งงานผ่าน Moodle ไม่ได้", "ไฟล์ใหญ่เกินไป").await;
    let (_, private_board) = app.private_community("secret");
    let admin = app.user("boss", true);
    api_thread(&app, &app.token(&admin), private_board.id, "question", "แผนควบรวมกิจการลับเฉพาะ", "ห้ามเผยแพร่").await;

    for (typo, meant) in [("สารบรรน", "สารบรรณ"), ("modle", "moodle"), ("ระบบสารบรรน", "ระบบสารบรรณ")]
    {
        let (_, found) =
            json(app.api().get(app.url("/api/v1/search")).query(&[("q", typo)]).send().await.unwrap()).await;
        assert_eq!(found["total"], 0, "{typo}: {found}");
        assert_eq!(found["did_you_mean"], meant, "{typo}: {found}");
    }
    let page = app.browser().get("/search?q=%E0%B8%AA%E0%B8%B2%E0%B8%A3%E0%B8%9A%E0%B8%A3%E0%B8%A3%E0%B8%99").await;
    assert!(page.body.contains("หมายถึง"), "{}", page.body);
    assert!(page.body.contains(">สารบรรณ</a>"), "{}", page.body);
    // A word only a private community holds is never offered to others.
    let (_, found) =
        json(app.api().get(app.url("/api/v1/search")).query(&[("q", "ควบรวมกิจกา")]).send().await.unwrap()).await;
    assert_eq!(found["did_you_mean"], Value::Null, "{found}");
    // A word the index holds is not corrected.
    let (_, found) =
        json(app.api().get(app.url("/api/v1/search")).query(&[("q", "moodle")]).send().await.unwrap()).await;
    assert_eq!(found["did_you_mean"], Value::Null, "{found}");
}
both_backends!(did_you_mean_corrects_one_letter_in_thai_and_english);

/// An index built by older text rules (`rebuild::TEXT_VERSION` moved on) is
/// rebuilt in the background when a server starts on it, and search finds
/// again what it had lost.
async fn a_server_started_on_an_index_of_older_rules_rebuilds_it(backend: Backend) {
    use diesel::prelude::*;
    use sala::db::schema::search_meta;
    use sala::search::{engine, rebuild};
    /// The version of the text rules the index says it was built with.
    const TEXT: &str = "text";
    let app = TestApp::start(backend).await;
    let (community, board) = app.community("km");
    let writer = app.user("writer", false);
    app.join(&writer, &community);
    api_thread(&app, &app.token(&writer), board.id, "question", "ระบบสารบรรณอิเล็กทรอนิกส์ใช้อย่างไร", "ส่งหนังสือเวียน").await;
    assert_eq!(total(&app, "สารบรรณ").await, 1);
    {
        let conn = &mut app.conn();
        sala::db::write_tx(conn, engine::clear).unwrap();
        diesel::update(search_meta::table.filter(search_meta::name.eq(TEXT)))
            .set(search_meta::value.eq(rebuild::TEXT_VERSION - 1))
            .execute(conn)
            .unwrap();
    }
    assert_eq!(total(&app, "สารบรรณ").await, 0, "the old index lost the post");

    let restarted = app.another_instance(|_| {}).await;
    let mut found = 0;
    for _ in 0..100 {
        found = total(&restarted, "สารบรรณ").await;
        if found == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(found, 1, "the rebuild indexed the post again");
    let conn = &mut restarted.conn();
    let built_with: i64 =
        search_meta::table.filter(search_meta::name.eq(TEXT)).select(search_meta::value).first(conn).unwrap();
    assert_eq!(built_with, rebuild::TEXT_VERSION);
    let jobs = rebuild::recent(conn, 5).unwrap();
    assert!(jobs.iter().any(|j| j.words.is_empty() && j.finished && j.done == j.total), "a full rebuild ran: {jobs:?}");
}
both_backends!(a_server_started_on_an_index_of_older_rules_rebuilds_it);

/// A rebuild whose instance died (its lease lapsed) is taken over from the
/// start by the next instance that looks; one still held is left alone.
async fn a_lapsed_rebuild_lease_is_taken_over(backend: Backend) {
    use diesel::prelude::*;
    use sala::db::schema::search_rebuilds;
    use sala::search::{engine, rebuild};
    let app = TestApp::start(backend).await;
    let (community, board) = app.community("km");
    let writer = app.user("writer", false);
    app.join(&writer, &community);
    api_thread(&app, &app.token(&writer), board.id, "question", "ขั้นตอนเบิกจ่ายงบประมาณ", "ต้องใช้เอกสารอะไร").await;
    let (lapsed, held) = {
        let conn = &mut app.conn();
        sala::db::write_tx(conn, engine::clear).unwrap();
        let lapsed = rebuild::enqueue(conn, &[]).unwrap();
        let held = rebuild::enqueue(conn, &[]).unwrap();
        let now = sala::db::now();
        for (id, until) in [(lapsed, now - chrono::Duration::minutes(1)), (held, now + chrono::Duration::hours(1))] {
            diesel::update(search_rebuilds::table.find(id))
                .set((
                    search_rebuilds::claimed_by.eq("an-instance-that-died"),
                    search_rebuilds::lease_until.eq(until),
                    search_rebuilds::done.eq(7),
                ))
                .execute(conn)
                .unwrap();
        }
        (lapsed, held)
    };
    assert_eq!(total(&app, "เบิกจ่าย").await, 0);
    assert_eq!(rebuild::run_pending(&app.state.db).unwrap(), 1, "only the lapsed job is taken");
    assert_eq!(total(&app, "เบิกจ่าย").await, 1, "the job that was taken over indexed the post");
    let conn = &mut app.conn();
    let state = |id: i64| -> (String, Option<chrono::NaiveDateTime>) {
        search_rebuilds::table
            .find(id)
            .select((search_rebuilds::claimed_by.assume_not_null(), search_rebuilds::finished_at))
            .first(&mut app.conn())
            .unwrap()
    };
    let (claimed_by, finished) = state(lapsed);
    assert_ne!(claimed_by, "an-instance-that-died");
    assert!(finished.is_some());
    let jobs = rebuild::recent(conn, 5).unwrap();
    let taken = jobs.iter().find(|j| j.id == lapsed).unwrap();
    assert_eq!(taken.done, taken.total, "counted again from the start");
    let (claimed_by, finished) = state(held);
    assert_eq!((claimed_by.as_str(), finished), ("an-instance-that-died", None), "a live lease is left alone");
}
both_backends!(a_lapsed_rebuild_lease_is_taken_over);
