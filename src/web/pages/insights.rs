//! The insights pages (a community's for its facilitators, the site's for
//! admins), the recognition pages, a person's certificate, and their CSV
//! downloads. Periods come as `?fy=&quarter=&month=&from=&to=` (see
//! `insights::period`); `?download=<table>` answers with that table as CSV.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use chrono::Datelike;
use serde::{Deserialize, Serialize};

use crate::i18n::Lang;
use crate::insights::export;
use crate::insights::period::{bangkok_today, fiscal_year_of};
use crate::insights::recognition::{self, Contribution, BADGES};
use crate::insights::{self, FigureRow, Insights, Period, PeriodQuery, Scope};
use crate::web::errors::{AppError, WebResult};
use crate::web::flash::{see_other_with, Flash};
use crate::web::session::{CsrfForm, Session};
use crate::web::AppState;

pub fn routes(cfg: &mut crate::web::routes::Routes) {
    cfg.get("/insights", site_insights)
        .get("/c/{slug}/insights", community_insights)
        .get("/recognition", site_recognition)
        .get("/c/{slug}/recognition", community_recognition)
        .get("/u/{username}/certificate", certificate)
        .post("/settings/rankings", save_rankings);
}

#[derive(Deserialize)]
struct Download {
    download: Option<String>,
}

/// Fiscal years offered in the period picker: this one and four before.
fn fiscal_years() -> Vec<i32> {
    let this = fiscal_year_of(bangkok_today());
    (0..5).map(|back| this - back).collect()
}

/// A period's name: the fiscal year when it is one, else its first and last day.
fn period_label(lang: Lang, period: &Period) -> String {
    match period.is_fiscal_year() {
        Some(fy) => format!("{} {fy}", lang.t("insights-fiscal-year")),
        None => format!("{} – {}", lang.date(period.from), lang.date(period.to)),
    }
}

fn number(value: Option<f64>, name: &str) -> String {
    match value {
        None => "–".to_owned(),
        Some(v) if name == "answer_rate" => format!("{:.0}%", v * 100.0),
        Some(v) if v.fract() != 0.0 => format!("{v:.1}"),
        Some(v) => format!("{v:.0}"),
    }
}

fn change(row: &FigureRow) -> String {
    match (row.current, row.previous) {
        (Some(now), Some(before)) if before != 0.0 => format!("{:+.0}%", (now - before) / before * 100.0),
        (Some(now), Some(_)) if now != 0.0 => "+".to_owned(),
        _ => String::new(),
    }
}

#[derive(Serialize)]
struct Figure {
    level: &'static str,
    label: String,
    current: String,
    previous: String,
    change: String,
}

fn figures(lang: Lang, found: &Insights) -> Vec<Figure> {
    insights::figure_rows(found)
        .iter()
        .map(|row| Figure {
            level: row.level,
            label: lang.t(&format!("insights-figure-{}", row.name)),
            current: number(row.current, row.name),
            previous: number(row.previous, row.name),
            change: change(row),
        })
        .collect()
}

fn csv_response(name: &str, header: &[&str], rows: Vec<Vec<String>>, lang: Lang) -> WebResult<HttpResponse> {
    let header: Vec<String> = header.iter().map(|key| lang.t(key)).collect();
    let bytes = export::csv(&header, &rows)?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}.csv\"")))
        .body(bytes))
}

/// The tables of the insights page, as CSV.
fn insights_csv(table: &str, found: &Insights, lang: Lang) -> WebResult<HttpResponse> {
    let gaps = &found.gaps;
    match table {
        "figures" => {
            let rows = figures(lang, found)
                .into_iter()
                .map(|f| vec![lang.t(&format!("insights-level-{}", f.level)), f.label, f.current, f.previous])
                .collect();
            let header = ["insights-col-level", "insights-col-figure", "insights-col-this", "insights-col-previous"];
            csv_response("insights-figures", &header, rows, lang)
        }
        "searches" => {
            let rows = gaps.no_result_searches.iter().map(|s| vec![s.query.clone(), s.count.to_string()]).collect();
            csv_response("no-result-searches", &["insights-col-query", "insights-col-count"], rows, lang)
        }
        "unanswered" => {
            let rows = gaps
                .unanswered_questions
                .iter()
                .map(|q| vec![q.title.clone(), q.url.clone(), lang.datetime(q.asked_at), q.replies.to_string()])
                .collect();
            let header = ["insights-col-title", "insights-col-link", "insights-col-asked", "insights-col-replies"];
            csv_response("unanswered", &header, rows, lang)
        }
        "overdue" => {
            let rows = gaps
                .overdue_reviews
                .iter()
                .map(|r| vec![r.title.clone(), r.url.clone(), lang.date(r.review_on)])
                .collect();
            csv_response(
                "overdue-reviews",
                &["insights-col-title", "insights-col-link", "insights-col-review-on"],
                rows,
                lang,
            )
        }
        "at_risk" => {
            let rows = gaps
                .knowledge_at_risk
                .iter()
                .map(|r| {
                    vec![
                        r.tag.clone(),
                        r.username.clone(),
                        r.display_name.clone(),
                        r.theirs.to_string(),
                        r.total.to_string(),
                    ]
                })
                .collect();
            let header = [
                "insights-col-tag",
                "insights-col-username",
                "insights-col-name",
                "insights-col-theirs",
                "insights-col-total",
            ];
            csv_response("knowledge-at-risk", &header, rows, lang)
        }
        _ => Err(AppError(crate::error::Error::NotFound)),
    }
}

/// The charts of the period, month by month.
fn charts(lang: Lang, monthly: &[(Period, insights::Levels)]) -> WebResult<Vec<String>> {
    if monthly.is_empty() {
        return Ok(Vec::new());
    }
    let labels: Vec<String> = monthly
        .iter()
        .map(|(month, _)| {
            format!(
                "{} {:02}",
                lang.t(&format!("month-short-{}", month.from.month())),
                lang.year(month.from.year()) % 100
            )
        })
        .collect();
    type Pick = fn(&insights::Levels) -> i64;
    let series: [(&str, Pick); 3] = [
        ("insights-chart-questions", |l| l.output.questions_asked),
        ("insights-chart-published", |l| l.output.knowledge_published),
        ("insights-chart-applied", |l| l.outcome.applied_reports),
    ];
    series
        .iter()
        .map(|(key, pick)| {
            let values: Vec<i64> = monthly.iter().map(|(_, levels)| pick(levels)).collect();
            Ok(export::bar_chart(&lang.t(key), &labels, &values)?)
        })
        .collect()
}

async fn render_insights(
    state: &AppState,
    session: &Session,
    slug: Option<String>,
    query: PeriodQuery,
    download: Option<String>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let period = Period::from_query(&query)?;
    let wants_charts = download.is_none();
    let (scope, found, monthly) = state
        .db
        .run(move |conn| {
            let scope = Scope::for_viewer(conn, viewer, slug.as_deref())?;
            let found = insights::insights(conn, &scope, period)?;
            let monthly = if wants_charts { insights::monthly(conn, &scope, period)? } else { Vec::new() };
            Ok((scope, found, monthly))
        })
        .await?;
    let lang = session.lang;
    if let Some(table) = download {
        return insights_csv(&table, &found, lang);
    }
    let mut ctx = period_context(&scope, &query);
    ctx.insert("period_label", &period_label(lang, &found.period));
    ctx.insert("previous_label", &period_label(lang, &found.previous_period));
    ctx.insert("figures", &figures(lang, &found));
    ctx.insert("gaps", &found.gaps);
    ctx.insert("charts", &charts(lang, &monthly)?);
    ctx.insert("unanswered_days", &insights::gaps::UNANSWERED_AFTER_DAYS);
    state.render(session, "insights.html", &mut ctx)
}

/// What the insights and recognition pages share: whose they are, and the
/// period picker with the period asked for (kept for the download links).
fn period_context(scope: &Scope, query: &PeriodQuery) -> tera::Context {
    let mut ctx = tera::Context::new();
    if let Scope::Community(community) = scope {
        ctx.insert("community", community);
    }
    ctx.insert("fiscal_years", &fiscal_years());
    ctx.insert("query", &PeriodForm::from(query));
    ctx.insert("download_query", &serde_urlencoded::to_string(PeriodForm::from(query)).unwrap_or_default());
    ctx
}

/// The period picker's fields as they came, to keep them filled in and to
/// carry them into the download links.
#[derive(Serialize, Default)]
struct PeriodForm {
    #[serde(skip_serializing_if = "String::is_empty")]
    fy: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    quarter: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    month: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    from: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    to: String,
}

impl From<&PeriodQuery> for PeriodForm {
    fn from(q: &PeriodQuery) -> PeriodForm {
        let field = |v: &Option<String>| v.as_deref().unwrap_or_default().trim().to_owned();
        PeriodForm {
            fy: field(&q.fy),
            quarter: field(&q.quarter),
            month: field(&q.month),
            from: field(&q.from),
            to: field(&q.to),
        }
    }
}

async fn site_insights(
    state: web::Data<AppState>,
    session: Session,
    query: web::Query<PeriodQuery>,
    download: web::Query<Download>,
) -> WebResult<HttpResponse> {
    render_insights(&state, &session, None, query.into_inner(), download.into_inner().download).await
}

async fn community_insights(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
    query: web::Query<PeriodQuery>,
    download: web::Query<Download>,
) -> WebResult<HttpResponse> {
    render_insights(&state, &session, Some(path.into_inner()), query.into_inner(), download.into_inner().download).await
}

fn recognition_csv(people: &[Contribution], lang: Lang) -> WebResult<HttpResponse> {
    let rows = people
        .iter()
        .map(|p| {
            let badges: Vec<String> = p.badges.iter().map(|b| lang.t(&format!("badge-{b}"))).collect();
            vec![
                p.username.clone(),
                p.display_name.clone(),
                p.points.to_string(),
                p.accepted_answers.to_string(),
                p.cited_in.to_string(),
                p.applied_by_others.to_string(),
                p.replies.to_string(),
                p.reviews.to_string(),
                badges.join(", "),
            ]
        })
        .collect();
    let header = [
        "insights-col-username",
        "insights-col-name",
        "recognition-points",
        "recognition-accepted",
        "recognition-cited",
        "recognition-applied",
        "recognition-replies",
        "recognition-reviews",
        "recognition-badges",
    ];
    csv_response("recognition", &header, rows, lang)
}

async fn render_recognition(
    state: &AppState,
    session: &Session,
    slug: Option<String>,
    query: PeriodQuery,
    download: Option<String>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let period = Period::from_query(&query)?;
    // The appraisal export an admin downloads lists everyone; rankings
    // shown to people leave out those who asked to stay out.
    let public = !(viewer.is_admin && download.is_some());
    let (scope, people) = state
        .db
        .run(move |conn| {
            let scope = Scope::for_reader(conn, viewer, slug.as_deref())?;
            let people = recognition::recognition(conn, &scope, period, public)?;
            Ok((scope, people))
        })
        .await?;
    let lang = session.lang;
    if download.is_some() {
        return recognition_csv(&people, lang);
    }
    let mut ctx = period_context(&scope, &query);
    ctx.insert("period_label", &period_label(lang, &period));
    ctx.insert("people", &people);
    ctx.insert("badges", BADGES);
    ctx.insert("fiscal_year", &period.within_fiscal_year());
    state.render(session, "recognition.html", &mut ctx)
}

async fn site_recognition(
    state: web::Data<AppState>,
    session: Session,
    query: web::Query<PeriodQuery>,
    download: web::Query<Download>,
) -> WebResult<HttpResponse> {
    render_recognition(&state, &session, None, query.into_inner(), download.into_inner().download).await
}

async fn community_recognition(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
    query: web::Query<PeriodQuery>,
    download: web::Query<Download>,
) -> WebResult<HttpResponse> {
    render_recognition(&state, &session, Some(path.into_inner()), query.into_inner(), download.into_inner().download)
        .await
}

#[derive(Deserialize)]
struct CertificateQuery {
    fy: Option<i32>,
}

/// A printable certificate of a person's contributions in a fiscal year,
/// in Thai and English on one page: for the person and for admins.
async fn certificate(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
    query: web::Query<CertificateQuery>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let username = path.into_inner();
    let fy = query.into_inner().fy.unwrap_or_else(|| fiscal_year_of(bangkok_today()));
    let period = Period::fiscal_year(fy);
    let found = state
        .db
        .run(move |conn| {
            let person = crate::accounts::find_by_username(conn, &username)?;
            match viewer.user_id {
                None => return Err(crate::error::Error::Unauthenticated),
                Some(id) if id != person.id && !viewer.is_admin => return Err(crate::error::Error::Forbidden),
                Some(_) => {}
            }
            let people = recognition::recognition(conn, &Scope::Site, period, false)?;
            let mine = people.into_iter().find(|p| p.username == person.username);
            Ok((person, mine))
        })
        .await?;
    let (person, contribution) = found;
    let mut ctx = tera::Context::new();
    ctx.insert("person", &person);
    ctx.insert("contribution", &contribution);
    ctx.insert("fy", &fy);
    ctx.insert("fy_western", &(fy - crate::i18n::BUDDHIST_ERA_OFFSET));
    state.render(&session, "certificate.html", &mut ctx)
}

#[derive(Deserialize)]
struct RankingsForm {
    /// A checkbox: present when ticked.
    hide_from_rankings: Option<String>,
}

async fn save_rankings(
    state: web::Data<AppState>,
    session: Session,
    CsrfForm(form): CsrfForm<RankingsForm>,
) -> WebResult<HttpResponse> {
    let user_id = session.require_user()?.id;
    let hide = form.hide_from_rankings.is_some();
    state.db.run(move |conn| crate::accounts::profile::set_hide_from_rankings(conn, user_id, hide)).await?;
    Ok(see_other_with("/settings#rankings", Flash::SettingsSaved))
}
