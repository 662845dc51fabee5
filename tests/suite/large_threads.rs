//! Very deep and very long threads render, paginated and capped, without
//! crashing.

use diesel::prelude::*;
use sala::db::schema::{posts, threads};

use crate::both_backends;
use crate::harness::{json, Backend, TestApp};

/// Appends `count` posts to a thread in one transaction; each one answers
/// the post `parent_of(i, previous_ids)` picks. Test data only: it skips
/// the per-post checks `threads::reply` makes.
fn bulk_replies(app: &TestApp, thread_id: i64, author_id: i64, count: usize, parent_of: impl Fn(usize, &[i64]) -> i64) {
    let mut conn = app.conn();
    let opening = sala::threads::opening_post(&mut conn, thread_id).unwrap();
    conn.transaction::<_, diesel::result::Error, _>(|conn| {
        let mut ids = vec![opening.id];
        let mut depths = std::collections::HashMap::from([(opening.id, 0)]);
        let now = chrono::Utc::now().naive_utc();
        for i in 0..count {
            let parent = parent_of(i, &ids);
            let depth = depths[&parent] + 1;
            let body = format!("ข้อความที่ {i}");
            let id: i64 = diesel::insert_into(posts::table)
                .values((
                    posts::thread_id.eq(thread_id),
                    posts::parent_id.eq(Some(parent)),
                    posts::author_id.eq(author_id),
                    posts::depth.eq(depth),
                    posts::body_md.eq(&body),
                    posts::body_html.eq(format!("<p>{body}</p>")),
                    posts::is_deleted.eq(false),
                    posts::edit_count.eq(0),
                    posts::created_at.eq(now),
                    posts::updated_at.eq(now),
                ))
                .returning(posts::id)
                .get_result(conn)?;
            ids.push(id);
            depths.insert(id, depth);
        }
        diesel::update(threads::table.find(thread_id)).set(threads::reply_count.eq(count as i32)).execute(conn)?;
        Ok(())
    })
    .unwrap();
}

fn new_thread(app: &TestApp, title: &str) -> (i64, i64) {
    let (community, board) = app.community("big");
    let author = app.user("writer", false);
    app.join(&author, &community);
    let viewer = sala::authz::Viewer::user(author.id, false);
    let (thread, _) = sala::threads::create_thread(
        &mut app.conn(),
        viewer,
        board.id,
        &sala::threads::NewThread {
            kind: "experience".into(),
            title: title.into(),
            body: "เริ่ม".into(),
            ..Default::default()
        },
    )
    .unwrap();
    (thread.id, author.id)
}

async fn a_ten_thousand_level_chain_renders_capped(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (thread_id, author_id) = new_thread(&app, "สายยาวมาก");
    bulk_replies(&app, thread_id, author_id, 10_000, |_, ids| *ids.last().unwrap());
    let max_depth = app.state.config.max_visible_depth;

    let browser = app.browser();
    let page = browser.get(&format!("/t/{thread_id}")).await;
    assert_eq!(page.status, 200);
    let doc = scraper::Html::parse_document(&page.body);
    let shown = doc.select(&scraper::Selector::parse("li.post").unwrap()).count();
    assert_eq!(shown, max_depth + 1, "the chain is cut at the depth cap");
    let cont = scraper::Selector::parse(".continue a").unwrap();
    let link = doc.select(&cont).next().expect("continue this thread").value().attr("href").unwrap().to_owned();

    // Following "continue" goes deeper, again capped.
    let deeper = browser.get(&link).await;
    assert_eq!(deeper.status, 200);
    let doc = scraper::Html::parse_document(&deeper.body);
    assert_eq!(doc.select(&scraper::Selector::parse("li.post").unwrap()).count(), max_depth + 1);
    let depths: Vec<i64> = doc
        .select(&scraper::Selector::parse("li.post").unwrap())
        .map(|li| li.value().attr("data-depth").unwrap().parse().unwrap())
        .collect();
    assert_eq!(depths[0], max_depth as i64);

    // The deepest post's permalink leads to a page that shows it.
    let deepest: i64 = posts::table
        .filter(posts::thread_id.eq(thread_id))
        .select(diesel::dsl::max(posts::id))
        .first::<Option<i64>>(&mut app.conn())
        .unwrap()
        .unwrap();
    let redirect = browser.get(&format!("/p/{deepest}")).await;
    assert_eq!(redirect.status, 303);
    let target = redirect.location.unwrap();
    let shown = browser.get(&target).await;
    assert!(shown.body.contains(&format!("id=\"p{deepest}\"")), "{target}");
    assert!(shown.body.contains("ข้อความที่ 9999"));

    let (status, api_page) =
        json(app.api().get(app.url(&format!("/api/v1/threads/{thread_id}"))).send().await.unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(api_page["posts"].as_array().unwrap().len(), max_depth + 1);
    assert_eq!(api_page["posts"][max_depth]["continues"], true);
}
both_backends!(a_ten_thousand_level_chain_renders_capped);

async fn a_five_thousand_post_thread_paginates(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (thread_id, author_id) = new_thread(&app, "กระทู้ยาว");
    // Mostly direct replies, some replies to earlier replies: a bushy tree.
    bulk_replies(&app, thread_id, author_id, 4_999, |i, ids| if i % 3 == 2 { ids[ids.len() - 1] } else { ids[0] });
    let page_size = app.state.config.page_size;
    let expected_pages = 5_000usize.div_ceil(page_size);

    let api = app.api();
    let (status, first) = json(api.get(app.url(&format!("/api/v1/threads/{thread_id}"))).send().await.unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(first["posts"].as_array().unwrap().len(), page_size);
    assert_eq!(first["pages"], expected_pages);
    assert_eq!(first["total"], 5_000);
    let (_, last) =
        json(api.get(app.url(&format!("/api/v1/threads/{thread_id}?page={expected_pages}"))).send().await.unwrap())
            .await;
    assert_eq!(last["posts"].as_array().unwrap().len(), 5_000 - (expected_pages - 1) * page_size);

    // Across all pages every post appears once, parents before children.
    let mut seen = std::collections::HashSet::new();
    for page in 1..=expected_pages {
        let (_, body) =
            json(api.get(app.url(&format!("/api/v1/threads/{thread_id}?page={page}"))).send().await.unwrap()).await;
        for post in body["posts"].as_array().unwrap() {
            if let Some(parent) = post["parent_id"].as_i64() {
                assert!(seen.contains(&parent), "parent {parent} comes first");
            }
            assert!(seen.insert(post["id"].as_i64().unwrap()));
        }
    }
    assert_eq!(seen.len(), 5_000);

    let html = app.browser().get(&format!("/t/{thread_id}?page=2")).await;
    assert_eq!(html.status, 200);
    let doc = scraper::Html::parse_document(&html.body);
    assert_eq!(doc.select(&scraper::Selector::parse("li.post").unwrap()).count(), page_size);
    let next = doc.select(&scraper::Selector::parse("a[rel=next]").unwrap()).next().expect("a link to the next page");
    assert_eq!(next.value().attr("href"), Some(format!("/t/{thread_id}?page=3").as_str()));
}
both_backends!(a_five_thousand_post_thread_paginates);
