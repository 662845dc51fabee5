//! Atom feeds: what feed readers and intranet portals follow. Parsed with
//! Python's feedparser, as a reader would.

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::{json, Value};

use crate::both_backends;
use crate::harness::{api_thread, json, Backend, TestApp};

/// feedparser's reading of a feed: whether it was well-formed (`bozo` 0),
/// the feed's title and its entries' titles and links.
fn parse_feed(xml: &str) -> Value {
    let script = r#"
import feedparser, json, sys
d = feedparser.parse(sys.stdin.buffer.read())
print(json.dumps({"bozo": d.bozo, "version": d.version, "title": d.feed.get("title"),
                  "entries": [{"title": e.title, "link": e.link, "updated": e.get("updated")} for e in d.entries]}))
"#;
    let mut child = Command::new("/usr/bin/python3")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3-feedparser is needed (tests/run installs it)");
    child.stdin.take().unwrap().write_all(xml.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "feedparser failed");
    serde_json::from_slice(&out.stdout).unwrap()
}

async fn get_feed(app: &TestApp, path: &str) -> (u16, String) {
    let res = app.api().get(app.url(path)).send().await.unwrap();
    let status = res.status().as_u16();
    if status == 200 {
        assert_eq!(res.headers()["content-type"], "application/atom+xml; charset=utf-8");
    }
    (status, res.text().await.unwrap())
}

fn titles(feed: &Value) -> Vec<String> {
    feed["entries"].as_array().unwrap().iter().map(|e| e["title"].as_str().unwrap().to_owned()).collect()
}

/// The feed link a page advertises in its head.
fn alternate_link(html: &str) -> Option<String> {
    let doc = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse(r#"link[rel="alternate"][type="application/atom+xml"]"#).unwrap();
    doc.select(&selector).next().and_then(|l| l.value().attr("href")).map(str::to_owned)
}

async fn public_feeds_are_valid_atom_with_thai_titles(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (community, board) = app.community("km");
    let member = app.user("somchai", false);
    let facilitator = app.user("malee", false);
    app.join(&member, &community);
    app.make_facilitator(&facilitator, &community);
    let token = app.token(&member);
    let (thread, _) = api_thread(&app, &token, board.id, "question", "การถอดบทเรียนหลังจบโครงการ", "ทำอย่างไรดี").await;
    api_thread(&app, &token, board.id, "experience", "เล่าเรื่องวงแลกเปลี่ยนเรียนรู้ครั้งแรก", "ได้ผลดี").await;

    let (status, xml) = get_feed(&app, &format!("/c/{}/feed.atom", community.slug)).await;
    assert_eq!(status, 200);
    let feed = parse_feed(&xml);
    assert_eq!((feed["bozo"].as_bool(), feed["version"].as_str()), (Some(false), Some("atom10")), "{xml}");
    assert_eq!(feed["title"], "ชุมชน km");
    let got = titles(&feed);
    assert!(got.contains(&"การถอดบทเรียนหลังจบโครงการ".to_owned()) && got.len() == 2, "{got:?}");
    let entry = feed["entries"].as_array().unwrap().iter().find(|e| e["title"] == "การถอดบทเรียนหลังจบโครงการ").unwrap();
    assert_eq!(entry["link"].as_str().unwrap(), app.url(&format!("/t/{thread}")));

    let (status, xml) = get_feed(&app, &format!("/c/{}/b/{}/feed.atom", community.slug, board.slug)).await;
    assert_eq!(status, 200);
    assert_eq!(titles(&parse_feed(&xml)).len(), 2);

    // The knowledge base and a tag: a published item.
    let facil = app.token(&facilitator);
    let (_, reply) = crate::harness::api_reply(&app, &token, thread, "ทบทวนหลังปฏิบัติงานทุกครั้ง").await;
    let resolve = app
        .api()
        .post(app.url(&format!("/api/v1/threads/{thread}/resolve")))
        .bearer_auth(&facil)
        .json(&json!({"post_id": reply["id"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(resolve.status(), 200);
    let (status, item) = json(
        app.api()
            .post(app.url(&format!("/api/v1/threads/{thread}/distill")))
            .bearer_auth(&facil)
            .json(&json!({"title": "ถอดบทเรียนด้วย AAR", "summary": "ทบทวนหลังปฏิบัติงาน", "context": "จบโครงการ",
                           "solution": "ถามสี่คำถาม", "lessons": "", "tags": "ถอดบทเรียน", "cite": []}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 201, "{item}");
    let item_id = item["id"].as_i64().unwrap();
    let res = app.api().post(app.url(&format!("/api/v1/knowledge/{item_id}/publish"))).bearer_auth(&facil).send().await;
    assert_eq!(res.unwrap().status(), 200);
    for path in [format!("/c/{}/knowledge/feed.atom", community.slug), "/knowledge/tags/ถอดบทเรียน/feed.atom".to_owned()]
    {
        let (status, xml) = get_feed(&app, &path).await;
        assert_eq!(status, 200, "{path}");
        let feed = parse_feed(&xml);
        assert_eq!(feed["bozo"], false, "{path}: {xml}");
        assert_eq!(titles(&feed), vec!["ถอดบทเรียนด้วย AAR"], "{path}");
    }

    // Pages point feed readers at their feeds.
    let page = app.browser().get(&format!("/c/{}", community.slug)).await.body;
    assert_eq!(alternate_link(&page).as_deref(), Some("/c/km/feed.atom"));
    let page = app.browser().get(&format!("/c/{}/b/{}", community.slug, board.slug)).await.body;
    assert_eq!(alternate_link(&page).as_deref(), Some("/c/km/b/qa/feed.atom"));
    let page = app.browser().get(&format!("/c/{}/knowledge", community.slug)).await.body;
    assert_eq!(alternate_link(&page).as_deref(), Some("/c/km/knowledge/feed.atom"));
}
both_backends!(public_feeds_are_valid_atom_with_thai_titles);

async fn a_private_communitys_feed_needs_its_readers_secret(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (private, board) = app.private_community("hr");
    let member = app.user("nipa", false);
    app.make_facilitator(&member, &private);
    api_thread(&app, &app.token(&member), board.id, "question", "ระเบียบการลาฉบับใหม่", "อ่านแล้วหรือยัง").await;
    let path = format!("/c/{}/feed.atom", private.slug);

    // Without the secret, or with a wrong one, there is nothing there.
    assert_eq!(get_feed(&app, &path).await.0, 404);
    assert_eq!(get_feed(&app, &format!("{path}?key=0123")).await.0, 404);
    // The member's pages link the feed with their secret, and it works.
    let browser = app.browser();
    browser.login("nipa").await;
    let page = browser.get(&format!("/c/{}", private.slug)).await.body;
    let link = alternate_link(&page).unwrap();
    assert!(link.starts_with(&format!("{path}?key=")), "{link}");
    let res = app.api().get(app.url(&link)).send().await.unwrap();
    assert_eq!(res.headers()["cache-control"], "private, no-store");
    let feed = parse_feed(&res.text().await.unwrap());
    assert_eq!(titles(&feed), vec!["ระเบียบการลาฉบับใหม่"]);
    // Someone outside the community gets nothing with their own secret.
    let outsider = app.user("outsider", false);
    let outsider_key = sala::accounts::find(&mut app.conn(), outsider.id).unwrap().feed_token.unwrap();
    assert_eq!(get_feed(&app, &format!("{path}?key={outsider_key}")).await.0, 404);

    // A new secret cuts off copies of the old link.
    assert_eq!(browser.submit("/settings/feed-key", &[]).await.status, 303);
    assert_eq!(get_feed(&app, &link).await.0, 404);
    let fresh = alternate_link(&browser.get(&format!("/c/{}", private.slug)).await.body).unwrap();
    assert_ne!(fresh, link);
    assert_eq!(get_feed(&app, &fresh).await.0, 200);
}
both_backends!(a_private_communitys_feed_needs_its_readers_secret);
