//! Search: Thai words inside unspaced text, ranking, phrases, filters,
//! highlighting that stays inert, an index that follows every write, and
//! recall on a Thai query set.

use diesel::prelude::*;
use serde_json::{json, Value};

use sala::accounts::User;
use sala::authz::Viewer;
use sala::communities::{Board, Community};
use sala::db::AnyConnection;
use sala::knowledge::{self, DistillInput, Sections};
use sala::threads::{self, NewThread};

use crate::both_backends;
use crate::harness::{json, seed_text, Backend, TestApp};
use crate::search_set::{PRECISION_CASES, SEARCH_DOCS, SEARCH_QUERIES};

/// A community with a member who writes and a facilitator who resolves.
struct Scene {
    app: TestApp,
    community: Community,
    board: Board,
    writer: User,
    facilitator: User,
}

async fn scene(backend: Backend) -> Scene {
    let app = TestApp::start(backend).await;
    let (community, board) = app.community("km");
    let writer = app.user("somchai", false);
    app.join(&writer, &community);
    let facilitator = app.user("facil", false);
    app.make_facilitator(&facilitator, &community);
    Scene { app, community, board, writer, facilitator }
}

fn as_viewer(user: &User) -> Viewer {
    Viewer::user(user.id, user.is_admin)
}

impl Scene {
    /// Starts a thread as `writer` (through the domain, as the API does);
    /// returns (thread id, opening post id).
    fn thread(&self, kind: &str, title: &str, body: &str) -> (i64, i64) {
        let input = NewThread { kind: kind.into(), title: title.into(), body: body.into(), ..Default::default() };
        let (thread, post) =
            threads::create_thread(&mut self.app.conn(), as_viewer(&self.writer), self.board.id, &input).unwrap();
        (thread.id, post.id)
    }

    fn reply(&self, thread_id: i64, body: &str) -> i64 {
        threads::reply(&mut self.app.conn(), as_viewer(&self.writer), thread_id, None, body).unwrap().id
    }

    /// A published knowledge item distilled from a resolved question.
    fn published_item(&self, title: &str, summary: &str) -> i64 {
        let (thread_id, _) = self.thread("question", "คำถามต้นเรื่อง", "ถามไว้ก่อน");
        let answer = self.reply(thread_id, "คำตอบที่ใช้ได้");
        let conn: &mut AnyConnection = &mut self.app.conn();
        let facilitator = as_viewer(&self.facilitator);
        knowledge::resolve(conn, facilitator, thread_id, Some(answer)).unwrap();
        let input = DistillInput {
            sections: Sections {
                title: title.into(),
                summary: summary.into(),
                context: "บริบท".into(),
                solution: "วิธีแก้".into(),
                ..Default::default()
            },
            cite: vec![answer],
        };
        let item = knowledge::distill(conn, facilitator, thread_id, &input).unwrap();
        knowledge::publish(conn, facilitator, item.id).unwrap();
        item.id
    }

    async fn search(&self, params: &[(&str, &str)]) -> Value {
        let (status, body) =
            json(self.app.api().get(self.app.url("/api/v1/search")).query(params).send().await.unwrap()).await;
        assert_eq!(status, 200, "{body}");
        body
    }

    async fn urls(&self, q: &str) -> Vec<String> {
        urls_of(&self.search(&[("q", q)]).await)
    }
}

fn urls_of(results: &Value) -> Vec<String> {
    results["results"].as_array().unwrap().iter().map(|h| h["url"].as_str().unwrap().to_owned()).collect()
}

fn position(urls: &[String], url: &str) -> usize {
    urls.iter().position(|u| u == url).unwrap_or_else(|| panic!("{url} not in {urls:?}"))
}

/// Whether the engine's own tokenizer, given the raw text, finds `word`.
fn plain_engine_finds(conn: &mut AnyConnection, text: &str, word: &str) -> bool {
    #[derive(QueryableByName)]
    struct Found {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        found: bool,
    }
    match conn {
        AnyConnection::Sqlite(c) => {
            diesel::sql_query("CREATE VIRTUAL TABLE plain_fts USING fts5(body)").execute(c).unwrap();
            diesel::sql_query("INSERT INTO plain_fts (body) VALUES (?)")
                .bind::<diesel::sql_types::Text, _>(text)
                .execute(c)
                .unwrap();
            let found: Found = diesel::sql_query(
                "SELECT EXISTS (SELECT 1 FROM plain_fts WHERE plain_fts MATCH '\"' || ? || '\"') AS found",
            )
            .bind::<diesel::sql_types::Text, _>(word)
            .get_result(c)
            .unwrap();
            found.found
        }
        AnyConnection::Postgresql(c) => {
            let found: Found =
                diesel::sql_query("SELECT to_tsvector('simple', $1) @@ plainto_tsquery('simple', $2) AS found")
                    .bind::<diesel::sql_types::Text, _>(text)
                    .bind::<diesel::sql_types::Text, _>(word)
                    .get_result(c)
                    .unwrap();
            found.found
        }
    }
}

async fn a_thai_word_inside_an_unspaced_sentence_is_found(backend: Backend) {
    let s = scene(backend).await;
    let body = "เมื่อต้องซื้อกระดาษและหมึกพิมพ์เกินห้าพันบาทต้องทำบันทึกขออนุมัติก่อนทุกครั้ง";
    let (thread_id, _) = s.thread("question", "ขั้นตอนจัดซื้อวัสดุสำนักงาน", body);
    assert_eq!(s.urls("หมึกพิมพ์").await, vec![format!("/t/{thread_id}")]);
    assert_eq!(s.urls("บันทึกขออนุมัติ").await, vec![format!("/t/{thread_id}")]);
    // The engine's own tokenizer sees the whole sentence as one word.
    assert!(!plain_engine_finds(&mut s.app.conn(), body, "หมึกพิมพ์"));
    // A word the post does not contain finds nothing.
    assert!(s.urls("ตะไคร้").await.is_empty());
}
both_backends!(a_thai_word_inside_an_unspaced_sentence_is_found);

async fn two_thai_words_rank_titles_and_knowledge_first(backend: Backend) {
    let s = scene(backend).await;
    let (in_body, _) = s.thread("experience", "บันทึกจากการลงพื้นที่", "ชาวนาในตำบลหันมาใช้ปุ๋ยอินทรีย์ที่หมักเองแทนปุ๋ยเคมี");
    let (in_title, _) = s.thread("experience", "ชาวนากับปุ๋ยอินทรีย์", "เล่าประสบการณ์จากหมู่บ้านของเรา");
    let (one_word, _) = s.thread("experience", "ชาวนารุ่นใหม่", "เรื่องการตลาดออนไลน์ของสินค้าเกษตร");
    let urls = s.urls("ชาวนา ปุ๋ยอินทรีย์").await;
    assert!(position(&urls, &format!("/t/{in_title}")) < position(&urls, &format!("/t/{in_body}")), "{urls:?}");
    assert!(!urls.contains(&format!("/t/{one_word}")), "both words are required: {urls:?}");

    // The same sentence in a plain reply and in a published item's summary.
    let sentence = "แยกคิวผู้สูงอายุและให้พยาบาลคัดกรองอาการก่อนพบแพทย์";
    let (thread_id, _) = s.thread("question", "ลดเวลารอคอย", "ทำอย่างไรดี");
    let reply = s.reply(thread_id, sentence);
    let item = s.published_item("แนวทางลดเวลารอคอยที่แผนกผู้ป่วยนอก", sentence);
    let urls = s.urls("พยาบาล คัดกรอง").await;
    assert!(position(&urls, &format!("/k/{item}")) < position(&urls, &format!("/p/{reply}")), "{urls:?}");
    let hit = &s.search(&[("q", "พยาบาล คัดกรอง")]).await["results"][0];
    assert_eq!(hit["type"], "knowledge");
    assert_eq!(hit["id"], item);
    assert!(hit["snippet_html"].as_str().unwrap().contains("<mark>พยาบาล"), "{hit}");
}
both_backends!(two_thai_words_rank_titles_and_knowledge_first);

async fn english_mixed_and_phrase_queries(backend: Backend) {
    let s = scene(backend).await;
    let (vpn, _) = s.thread("question", "ตั้งค่า VPN ไม่ได้บนโน้ตบุ๊ก", "ลองติดตั้งใหม่ด้วยสิทธิ์ผู้ดูแลระบบ");
    let (aar, _) = s.thread("experience", "After Action Review หลังจบโครงการ", "ทีมนั่งล้อมวงทบทวนงาน");
    let (other_order, _) = s.thread("experience", "Review the action plan after the audit", "ข้อสังเกตจากการตรวจ");
    assert_eq!(s.urls("vpn").await, vec![format!("/t/{vpn}")]);
    assert_eq!(s.urls("VPN โน้ตบุ๊ก").await, vec![format!("/t/{vpn}")]);
    assert_eq!(s.urls("\"after action review\"").await, vec![format!("/t/{aar}")]);
    let unquoted = s.urls("after action review").await;
    assert!(unquoted.contains(&format!("/t/{aar}")) && unquoted.contains(&format!("/t/{other_order}")));

    for q in ["", "   ", "?!…", "\"\"", "***"] {
        let answer = s.search(&[("q", q)]).await;
        assert_eq!(answer["notice"], "search-empty-query", "{q:?}: {answer}");
        assert_eq!(answer["total"], 0);
        assert!(answer["message"].as_str().is_some_and(|m| !m.is_empty()), "{answer}");
    }
    let page = s.app.browser().get("/search?q=%3F%21").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("เครื่องหมายวรรคตอนอย่างเดียวค้นหาไม่ได้"), "{}", page.body);

    // Every page carries the search box; the results page shows counts and marks.
    let home = s.app.browser().get("/").await;
    assert!(home.body.contains("action=\"/search\""));
    let page = s.app.browser().get("/search?q=VPN").await;
    assert!(page.body.contains("พบ 1 รายการ"), "{}", page.body);
    assert!(page.body.contains("<mark>VPN</mark>"), "{}", page.body);
    // Bad filter values are explained, not a crash.
    let bad = s.app.browser().get("/search?q=vpn&from=yesterday").await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("YYYY-MM-DD") || bad.body.contains("วันที่"), "{}", bad.body);
    let (status, problem) =
        json(s.app.api().get(s.app.url("/api/v1/search?q=vpn&type=nonsense")).send().await.unwrap()).await;
    assert_eq!(status, 422, "{problem}");
}
both_backends!(english_mixed_and_phrase_queries);

async fn highlighting_never_lets_html_through(backend: Backend) {
    let s = scene(backend).await;
    let title = "<img src=x onerror=alert(1)> ช่องโหว่";
    let body = "ตัวอย่างช่องโหว่ `<script>alert('xss')</script>` และ <b onmouseover=alert(2)>ช่องโหว่</b>";
    s.thread("question", title, body);
    let page =
        s.app.browser().get("/search?q=%E0%B8%8A%E0%B9%88%E0%B8%AD%E0%B8%87%E0%B9%82%E0%B8%AB%E0%B8%A7%E0%B9%88").await;
    assert_eq!(page.status, 200);
    let results = &page.body[page.body.find("search-results").expect("results listed")..];
    assert!(!results.contains("<img") && !results.contains("<script") && !results.contains("<b "), "{results}");
    assert!(results.contains("&lt;img src=x onerror=alert(1)&gt;"), "{results}");
    assert!(results.contains("&lt;script&gt;"), "{results}");
    assert!(results.contains("<mark>ช่องโหว่</mark>"), "{results}");
    let api = s.search(&[("q", "script")]).await;
    let snippet = api["results"][0]["snippet_html"].as_str().unwrap();
    assert!(snippet.contains("&lt;<mark>script</mark>&gt;") && !snippet.contains("<script"), "{snippet}");
}
both_backends!(highlighting_never_lets_html_through);

async fn the_index_follows_edits_and_deletes(backend: Backend) {
    let s = scene(backend).await;
    let token = s.app.token(&s.writer);
    let (thread_id, opening) = s.thread("question", "ปลูกสมุนไพรในโรงเรียน", "ครูกับนักเรียนปลูกตะไคร้");
    let reply = s.reply(thread_id, "เราปลูกฟ้าทะลายโจรไว้ทำยา");
    assert_eq!(s.urls("ฟ้าทะลายโจร").await, vec![format!("/p/{reply}")]);

    let patch = |post: i64, body: Value| {
        s.app.api().patch(s.app.url(&format!("/api/v1/posts/{post}"))).bearer_auth(&token).json(&body).send()
    };
    assert_eq!(patch(reply, json!({"body": "เราปลูกขมิ้นชันแทน"})).await.unwrap().status(), 200);
    assert!(s.urls("ฟ้าทะลายโจร").await.is_empty(), "old words leave the index at once");
    assert_eq!(s.urls("ขมิ้นชัน").await, vec![format!("/p/{reply}")]);

    // A new title replaces the old one, on the thread and on its replies.
    let edited = patch(opening, json!({"body": "ครูกับนักเรียนปลูกตะไคร้", "title": "แปลงผักสวนครัวของโรงเรียน"}));
    assert_eq!(edited.await.unwrap().status(), 200);
    assert!(s.urls("สมุนไพร").await.is_empty());
    assert_eq!(s.urls("สวนครัว").await, vec![format!("/t/{thread_id}")]);
    assert_eq!(s.search(&[("q", "ขมิ้นชัน")]).await["results"][0]["title"], "แปลงผักสวนครัวของโรงเรียน");

    let deleted =
        s.app.api().delete(s.app.url(&format!("/api/v1/posts/{reply}"))).bearer_auth(&token).send().await.unwrap();
    assert!(deleted.status().is_success());
    assert!(s.urls("ขมิ้นชัน").await.is_empty(), "a deleted post is not found");
}
both_backends!(the_index_follows_edits_and_deletes);

async fn filters_and_privacy(backend: Backend) {
    let s = scene(backend).await;
    let (question, _) = s.thread("question", "ขอคำแนะนำเรื่องใบเสร็จ", "เก็บใบเสร็จอย่างไร");
    let answer = s.reply(question, "สแกนใบเสร็จเป็นไฟล์ทุกสิ้นเดือน");
    let (open, _) = s.thread("question", "ใบเสร็จหาย", "ทำอย่างไรเมื่อใบเสร็จหาย");
    knowledge::resolve(&mut s.app.conn(), as_viewer(&s.facilitator), question, Some(answer)).unwrap();
    let other = s.app.user("nida", false);
    s.app.join(&other, &s.community);
    let (by_other, _) = threads::create_thread(
        &mut s.app.conn(),
        as_viewer(&other),
        s.board.id,
        &NewThread {
            kind: "experience".into(),
            title: "ใบเสร็จกับการตรวจสอบ".into(),
            body: "เล่าให้ฟัง".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let all = s.urls("ใบเสร็จ").await;
    assert_eq!(all.len(), 4, "{all:?}");
    // Resolved only: the resolved question and its answer, nothing open.
    let resolved = urls_of(&s.search(&[("q", "ใบเสร็จ"), ("resolved", "1")]).await);
    assert_eq!(resolved.len(), 2, "{resolved:?}");
    assert!(resolved.contains(&format!("/t/{question}")) && resolved.contains(&format!("/p/{answer}")));
    assert!(!resolved.contains(&format!("/t/{open}")));
    let replies = urls_of(&s.search(&[("q", "ใบเสร็จ"), ("type", "reply")]).await);
    assert_eq!(replies, vec![format!("/p/{answer}")]);
    let by_author = urls_of(&s.search(&[("q", "ใบเสร็จ"), ("author", "nida")]).await);
    assert_eq!(by_author, vec![format!("/t/{}", by_other.id)]);
    let today = chrono::Utc::now().date_naive();
    let yesterday = (today - chrono::Duration::days(1)).to_string();
    assert_eq!(urls_of(&s.search(&[("q", "ใบเสร็จ"), ("from", &today.to_string())]).await).len(), 4);
    assert!(urls_of(&s.search(&[("q", "ใบเสร็จ"), ("to", &yesterday)]).await).is_empty());
    assert!(urls_of(&s.search(&[("q", "ใบเสร็จ"), ("community", "elsewhere")]).await).is_empty());
    assert_eq!(urls_of(&s.search(&[("q", "ใบเสร็จ"), ("community", "km")]).await).len(), 4);

    // A private community's posts are found by its members only.
    let (private, board) = s.app.private_community("hr-private");
    // A private community takes no joins: its facilitator is appointed.
    let insider = s.app.user("insider", false);
    s.app.make_facilitator(&insider, &private);
    threads::create_thread(
        &mut s.app.conn(),
        as_viewer(&insider),
        board.id,
        &NewThread {
            kind: "question".into(),
            title: "เงินเดือนใบเสร็จลับ".into(),
            body: "เงินเดือนลับเฉพาะ".into(),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(s.urls("เงินเดือน").await.is_empty(), "outsiders do not see private posts");
    let (_, mine) = json(
        s.app
            .api()
            .get(s.app.url(
                "/api/v1/search?q=%E0%B9%80%E0%B8%87%E0%B8%B4%E0%B8%99%E0%B9%80%E0%B8%94%E0%B8%B7%E0%B8%AD%E0%B8%99",
            ))
            .bearer_auth(s.app.token(&insider))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(mine["total"], 1, "{mine}");
}
both_backends!(filters_and_privacy);

async fn thai_query_set_recall_at_10(backend: Backend) {
    let s = scene(backend).await;
    let mut url_of = std::collections::HashMap::new();
    for (key, title, body) in SEARCH_DOCS {
        let (thread_id, _) = s.thread("question", title, body);
        url_of.insert(*key, format!("/t/{thread_id}"));
    }
    // Real Thai prose around them: the seed article's paragraphs as replies.
    let (distractors, _) = s.thread("experience", "บทความการจัดการความรู้", "ตัดตอนจากบทความ");
    for paragraph in seed_text().lines().map(str::trim).filter(|l| l.chars().count() > 80).take(60) {
        s.reply(distractors, paragraph);
    }
    let mut recall_sum = 0.0;
    let mut misses = Vec::new();
    for (query, expected) in SEARCH_QUERIES {
        let top = s.urls(query).await;
        let top: Vec<&String> = top.iter().take(10).collect();
        let found = expected.iter().filter(|key| top.contains(&&url_of[*key])).count();
        recall_sum += found as f64 / expected.len() as f64;
        if found < expected.len() {
            misses.push(*query);
        }
    }
    let recall = recall_sum / SEARCH_QUERIES.len() as f64;
    assert!(SEARCH_QUERIES.len() >= 70);
    eprintln!("recall@10 = {recall:.3} over {} queries; missed: {misses:?}", SEARCH_QUERIES.len());
    let mut misranked = Vec::new();
    for (query, first) in PRECISION_CASES {
        let top = s.urls(query).await;
        if top.first() != Some(&url_of[*first]) {
            misranked.push((*query, top.iter().take(3).cloned().collect::<Vec<_>>()));
        }
    }
    assert!(recall >= 0.97, "recall@10 = {recall:.3}; missed: {misses:?}");
    assert!(misranked.is_empty(), "not ranked first: {misranked:?}");
}
both_backends!(thai_query_set_recall_at_10);

async fn reindex_rebuilds_from_the_source_tables(backend: Backend) {
    let s = scene(backend).await;
    let (thread_id, _) = s.thread("question", "ซ้อมอพยพหนีไฟ", "กำหนดจุดรวมพลหน้าอาคาร");
    s.reply(thread_id, "แต่งตั้งหัวหน้าชั้นคอยนับจำนวนคน");
    sala::db::write_tx(&mut s.app.conn(), sala::search::engine::clear).unwrap();
    assert!(s.urls("จุดรวมพล").await.is_empty());
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_sala"))
        .args(["search", "reindex"])
        .env("DATABASE_URL", &s.app.state.config.database_url)
        .env("SALA_DATA_DIR", &s.app.state.config.data_dir)
        .env("SALA_SECRET", String::from_utf8_lossy(&s.app.state.config.secret).to_string())
        .env("SALA_CONFIG", "/nonexistent/sala.toml")
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("search index rebuilt: 2 documents"), "{stdout}");
    assert_eq!(s.urls("จุดรวมพล").await, vec![format!("/t/{thread_id}")]);
    assert_eq!(s.search(&[("q", "หัวหน้าชั้น")]).await["total"], 1);
}
both_backends!(reindex_rebuilds_from_the_source_tables);

async fn a_common_word_counts_to_the_cap_and_keeps_old_knowledge(backend: Backend) {
    let s = scene(backend).await;
    // An old published item, then more than a thousand newer replies.
    let item = s.published_item("สรุปแนวทางสำรองข้อมูล", "สำรองข้อมูลนอกสถานที่ทุกสัปดาห์");
    let (thread_id, _) = s.thread("experience", "บันทึกประจำวัน", "เริ่มบันทึก");
    for n in 0..sala::search::engine::CANDIDATES {
        s.reply(thread_id, &format!("วันที่ {n} ตรวจการสำรองข้อมูลแล้ว"));
    }
    // With statistics, PostgreSQL knows the word is common and walks the
    // newest rows instead of the index (search::engine::dense).
    diesel::connection::SimpleConnection::batch_execute(&mut *s.app.conn(), "ANALYZE").unwrap();
    let answer = s.search(&[("q", "สำรองข้อมูล")]).await;
    assert_eq!(answer["more"], true, "{}", answer["total"]);
    assert!(answer["total"].as_i64().unwrap() >= sala::search::engine::CANDIDATES);
    assert_eq!(answer["results"][0]["url"], format!("/k/{item}"), "old knowledge is still ranked");
    let page = s.app.browser().get("/search?q=%E0%B8%AA%E0%B8%B3%E0%B8%A3%E0%B8%AD%E0%B8%87%E0%B8%82%E0%B9%89%E0%B8%AD%E0%B8%A1%E0%B8%B9%E0%B8%A5").await;
    assert!(page.body.contains("พบมากกว่า"), "{}", page.body);
    assert!(page.body.contains("rel=\"next\""), "pages on");
}
both_backends!(a_common_word_counts_to_the_cap_and_keeps_old_knowledge);

/// Thai marks that belong to the consonant before them, and vowels written
/// before their consonant: a snippet must not open on the first or close
/// on the second (a stray mark or vowel on screen).
fn follows_its_consonant(c: char) -> bool {
    matches!(c, '\u{0E30}'..='\u{0E3A}' | '\u{0E45}' | '\u{0E47}'..='\u{0E4E}')
}

/// Over the Thai test corpus, searching for words that sit right after a
/// tone mark or vowel: no snippet starts or ends inside a character cluster.
async fn snippets_never_cut_a_thai_cluster(backend: Backend) {
    let s = scene(backend).await;
    let corpus = seed_text();
    // Posts of three paragraphs each: longer than a snippet, so that
    // snippets are cut out of them.
    let lines: Vec<&str> = corpus.lines().map(str::trim).filter(|p| !p.is_empty()).collect();
    let joined: Vec<String> = lines.chunks(3).map(|c| c.join("\n\n")).take(25).collect();
    let paragraphs: Vec<&str> = joined.iter().map(String::as_str).filter(|p| p.chars().count() > 400).collect();
    assert!(paragraphs.len() >= 10, "the corpus makes long posts");
    for (n, p) in paragraphs.iter().enumerate() {
        s.thread("experience", &format!("บันทึกที่ {}", n + 1), p);
    }
    // Words whose occurrence follows a mark or a following vowel directly:
    // the snippet's lead-in then ends on a cluster.
    let mut queries: Vec<String> = Vec::new();
    for p in &paragraphs {
        for range in sala::search::text::word_ranges(p) {
            let word = &p[range.clone()];
            let after_mark = p[..range.start].chars().next_back().is_some_and(follows_its_consonant);
            if after_mark && word.chars().count() >= 3 && !queries.iter().any(|q| q == word) {
                queries.push(word.to_owned());
            }
        }
    }
    assert!(queries.len() >= 20, "{queries:?}");
    let tag = regex::Regex::new("</?mark>").unwrap();
    let mut checked = 0;
    for q in queries.iter().take(40) {
        let found = s.search(&[("q", q.as_str())]).await;
        for hit in found["results"].as_array().unwrap() {
            let snippet = tag.replace_all(hit["snippet_html"].as_str().unwrap(), "").into_owned();
            let inner = snippet.trim_start_matches('…').trim_end_matches('…');
            let (Some(first), Some(last)) = (inner.chars().next(), inner.chars().next_back()) else { continue };
            assert!(!follows_its_consonant(first), "{q}: the snippet opens on a mark: {snippet}");
            assert!(!matches!(last, '\u{0E40}'..='\u{0E44}'), "{q}: the snippet ends on a leading vowel: {snippet}");
            checked += 1;
        }
    }
    assert!(checked >= 20, "snippets were checked: {checked}");
}
both_backends!(snippets_never_cut_a_thai_cluster);
