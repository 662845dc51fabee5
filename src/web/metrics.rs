//! Metrics for operators: `GET /metrics` in Prometheus's text format, off
//! unless `SALA_METRICS=on` or `SALA_METRICS_TOKEN` is set (then a bearer
//! token is required). Requests are counted and timed per route pattern
//! (never per URL, so ids do not explode the series); the database pool,
//! the outbox and the page cache are read when scraped. Each instance
//! reports its own numbers; Prometheus adds them up.

use std::sync::OnceLock;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{web, HttpRequest, HttpResponse};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use super::errors::{AppError, WebResult};
use super::AppState;
use crate::error::Error;

/// The process's recorder (one per process, whatever the number of apps).
fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        PrometheusBuilder::new()
            .set_buckets_for_metric(
                Matcher::Suffix("_seconds".into()),
                &[0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0],
            )
            .expect("the bucket list is not empty")
            .install_recorder()
            .expect("no other metrics recorder is installed")
    })
}

/// Counts and times every request by its route's pattern.
pub async fn record_requests(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let enabled = req.app_data::<web::Data<AppState>>().is_some_and(|s| s.config.metrics);
    if !enabled {
        return next.call(req).await;
    }
    handle();
    let started = Instant::now();
    let method = req.method().as_str().to_owned();
    let res = next.call(req).await?;
    let route = res.request().match_pattern().unwrap_or_else(|| "unmatched".to_owned());
    let status = res.status().as_u16().to_string();
    metrics::counter!("sala_http_requests_total", "route" => route.clone(), "method" => method, "status" => status)
        .increment(1);
    metrics::histogram!("sala_http_request_duration_seconds", "route" => route).record(started.elapsed().as_secs_f64());
    Ok(res)
}

/// The metrics, for Prometheus.
pub async fn metrics(state: web::Data<AppState>, req: HttpRequest) -> WebResult<HttpResponse> {
    if !state.config.metrics {
        return Err(AppError(Error::NotFound));
    }
    if let Some(token) = &state.config.metrics_token {
        let given = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        if !crate::accounts::tokens::same_secret(token, given) {
            // Said here, not as an error: a scraper gets 401, never the
            // login page a browser would be sent to.
            return Ok(HttpResponse::Unauthorized()
                .insert_header((header::WWW_AUTHENTICATE, "Bearer"))
                .content_type("text/plain; charset=utf-8")
                .body("401 Unauthorized\n"));
        }
    }
    let (open, in_use, waiting) = state.db.usage();
    metrics::gauge!("sala_db_connections_open").set(f64::from(open));
    metrics::gauge!("sala_db_connections_in_use").set(f64::from(in_use));
    metrics::gauge!("sala_db_requests_waiting").set(waiting as f64);
    let counts = state.db.run(crate::outbox::counts).await?;
    for (status, n) in [("queued", counts.queued), ("sending", counts.sending), ("failed", counts.failed)] {
        metrics::gauge!("sala_outbox_mail", "status" => status).set(n as f64);
    }
    Ok(HttpResponse::Ok().content_type("text/plain; version=0.0.4; charset=utf-8").body(handle().render()))
}
