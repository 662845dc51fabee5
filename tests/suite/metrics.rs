//! `/metrics` for operators: off by default, behind a token when one is
//! set, and counting each request under its route.

use crate::both_backends;
use crate::harness::{api_thread, Backend, TestApp};

/// The sum of a counter's lines that carry every one of `labels`.
fn counter(text: &str, name: &str, labels: &[&str]) -> f64 {
    text.lines()
        .filter(|l| l.starts_with(&format!("{name}{{")) && labels.iter().all(|label| l.contains(label)))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

async fn metrics_count_requests_per_route_behind_a_token(backend: Backend) {
    let app = TestApp::start_with(backend, |c| {
        c.metrics = true;
        c.metrics_token = Some("scrape-secret".into());
    })
    .await;
    let (km, board) = app.community("km");
    let somchai = app.user("somchai", false);
    app.join(&somchai, &km);
    let (thread_id, _) = api_thread(&app, &app.token(&somchai), board.id, "question", "ตัวชี้วัด", "นับอย่างไร").await;
    let scrape = |token: &'static str| {
        let req = app.api().get(app.url("/metrics")).bearer_auth(token);
        async move {
            let res = req.send().await.unwrap();
            (res.status().as_u16(), res.text().await.unwrap())
        }
    };
    assert_eq!(app.api().get(app.url("/metrics")).send().await.unwrap().status(), 401, "no token");
    assert_eq!(scrape("wrong").await.0, 401, "a wrong token");
    let (status, before) = scrape("scrape-secret").await;
    assert_eq!(status, 200);
    let labels = [r#"route="/t/{id}""#, r#"method="GET""#, r#"status="200""#];
    let seen_before = counter(&before, "sala_http_requests_total", &labels);
    for _ in 0..2 {
        assert_eq!(app.browser().get(&format!("/t/{thread_id}")).await.status, 200);
    }
    let (_, after) = scrape("scrape-secret").await;
    let seen_after = counter(&after, "sala_http_requests_total", &labels);
    assert!(seen_after >= seen_before + 2.0, "{seen_before} → {seen_after}");
    assert!(!after.contains(&format!("/t/{thread_id}\"")), "routes, never URLs, label the series");
    for series in [
        "sala_http_request_duration_seconds_bucket",
        "sala_db_connections_open",
        "sala_outbox_mail",
        "sala_page_cache_lookups_total",
    ] {
        assert!(after.contains(series), "{series} in:\n{after}");
    }
}
both_backends!(metrics_count_requests_per_route_behind_a_token);

async fn metrics_are_off_unless_asked_for(backend: Backend) {
    let app = TestApp::start(backend).await;
    assert_eq!(app.api().get(app.url("/metrics")).send().await.unwrap().status(), 404);
}
both_backends!(metrics_are_off_unless_asked_for);
