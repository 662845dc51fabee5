//! The KM plan pages: the list of plans (with the KM roles for admins), one
//! plan with everything in it and the forms that change it, and the
//! printable annual report (`?download=csv` for the spreadsheet).

use std::collections::HashMap;

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde::Serialize;

use crate::authz::{can_plan, PlanAction};
use crate::db::AnyConnection;
use crate::error::{Error, FieldError};
use crate::i18n::parse_date_input;
use crate::kmplan::views::{self, PlanView};
use crate::kmplan::{
    self, report, review, roles, ActivityStatus, IndicatorSource, KmStep, NewActivity, NewArea, NewEntry, NewIndicator,
    NewScope, PlanFields, PlanPart, PlanStatus, ScopeCriterion,
};
use crate::vocab::SiteRole;
use crate::web::errors::WebResult;
use crate::web::flash::{see_other_with, Flash};
use crate::web::session::{CsrfForm, Session};
use crate::web::AppState;

pub fn routes(cfg: &mut crate::web::routes::Routes) {
    cfg.get("/km/plans", list_page)
        .post("/km/plans", create)
        .post("/km/roles", grant)
        .post("/km/roles/remove", revoke)
        .get("/km/plans/{id}", plan_page)
        .get("/km/plans/{id}/report", report_page)
        .post("/km/plans/{id}/edit", edit)
        .post("/km/plans/{id}/scopes", add_scope)
        .post("/km/scopes/{id}/areas", add_area)
        .post("/km/scopes/{id}/activities", add_activity)
        .post("/km/activities/{id}/status", activity_status)
        .post("/km/scopes/{id}/indicators", add_indicator)
        .post("/km/indicators/{id}/entries", add_entry)
        .post("/km/plans/{id}/evidence", add_evidence)
        .post("/km/plans/{id}/comments", comment)
        .post("/km/comments/{id}/answer", answer)
        .post("/km/plans/{id}/status", move_plan)
        .post("/km/plans/{id}/rounds", take_round);
}

/// A form's fields by name; every field of these forms is optional text.
type Fields = HashMap<String, String>;

fn field<'a>(form: &'a Fields, name: &str) -> &'a str {
    form.get(name).map(String::as_str).unwrap_or("").trim()
}

fn number(form: &Fields, name: &str) -> Result<f64, Error> {
    field(form, name).replace(',', "").parse().map_err(|_| Error::invalid(name, "error-km-target"))
}

fn date(form: &Fields, name: &str) -> Result<Option<chrono::NaiveDate>, Error> {
    match field(form, name) {
        "" => Ok(None),
        raw => parse_date_input(raw).map(Some).ok_or_else(|| Error::invalid(name, "error-km-date")),
    }
}

fn choice<T>(form: &Fields, name: &str, parse: fn(&str) -> Option<T>) -> Result<T, Error> {
    parse(field(form, name)).ok_or_else(|| Error::invalid(name, "error-invalid-choice"))
}

fn id(form: &Fields, name: &str) -> Result<i64, Error> {
    field(form, name).parse().map_err(|_| Error::invalid(name, "error-invalid-choice"))
}

fn plan_fields(form: &Fields) -> Result<PlanFields, Error> {
    Ok(PlanFields {
        fiscal_year: field(form, "fiscal_year")
            .parse()
            .map_err(|_| Error::invalid("fiscal_year", "error-km-fiscal-year"))?,
        title: field(form, "title").to_owned(),
        unit: field(form, "unit").to_owned(),
        strengths: field(form, "strengths").to_owned(),
        weaknesses: field(form, "weaknesses").to_owned(),
        opportunities: field(form, "opportunities").to_owned(),
        threats: field(form, "threats").to_owned(),
        lessons: field(form, "lessons").to_owned(),
    })
}

/// Runs one change to a plan (`work` answers the plan's id) and goes back
/// to the plan's page at `anchor`.
async fn change_then_back<F>(state: &AppState, anchor: String, work: F) -> WebResult<HttpResponse>
where
    F: FnOnce(&mut AnyConnection) -> Result<i64, Error> + Send + 'static,
{
    let plan_id = state.db.run(work).await?;
    Ok(see_other_with(&format!("/km/plans/{plan_id}#{anchor}"), Flash::KmPlanSaved))
}

#[derive(Serialize)]
struct Choice {
    value: &'static str,
    label: String,
}

fn choices<T: Copy>(lang: crate::i18n::Lang, all: &[T], word: fn(T) -> &'static str, prefix: &str) -> Vec<Choice> {
    all.iter().map(|c| Choice { value: word(*c), label: lang.t(&format!("{prefix}{}", word(*c))) }).collect()
}

async fn list_page(state: web::Data<AppState>, session: Session) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let (plans, holders, held) = state
        .db
        .run(move |conn| {
            let plans = kmplan::list(conn, viewer)?;
            Ok((plans, roles::holders(conn)?, roles::of(conn, viewer)?))
        })
        .await?;
    let mut ctx = tera::Context::new();
    ctx.insert("plans", &plans);
    ctx.insert("holders", &holders);
    ctx.insert("may_write", &can_plan(viewer, held, PlanAction::Write));
    ctx.insert("may_grant", &can_plan(viewer, held, PlanAction::GrantRoles));
    ctx.insert("this_year", &crate::insights::period::fiscal_year_of(crate::insights::period::bangkok_today()));
    ctx.insert("roles", &choices(session.lang, SiteRole::ALL, SiteRole::as_str, "km-role-"));
    state.render(&session, "km_plans.html", &mut ctx)
}

async fn create(state: web::Data<AppState>, session: Session, form: CsrfForm<Fields>) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let fields = plan_fields(&form.0)?;
    let plan = state.db.run(move |conn| kmplan::create(conn, viewer, &fields)).await?;
    Ok(see_other_with(&format!("/km/plans/{}", plan.id), Flash::KmPlanSaved))
}

async fn grant(state: web::Data<AppState>, session: Session, form: CsrfForm<Fields>) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let role = choice(&form.0, "role", SiteRole::parse)?;
    let username = field(&form.0, "username").to_owned();
    state.db.run(move |conn| roles::grant(conn, viewer, &username, role)).await?;
    Ok(see_other_with("/km/plans#roles", Flash::KmPlanSaved))
}

async fn revoke(state: web::Data<AppState>, session: Session, form: CsrfForm<Fields>) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let role = choice(&form.0, "role", SiteRole::parse)?;
    let username = field(&form.0, "username").to_owned();
    state.db.run(move |conn| roles::revoke(conn, viewer, &username, role)).await?;
    Ok(see_other_with("/km/plans#roles", Flash::KmPlanSaved))
}

async fn load(state: &AppState, session: &Session, plan_id: i64) -> WebResult<PlanView> {
    let viewer = session.viewer();
    Ok(state.db.run(move |conn| views::plan_view(conn, viewer, plan_id)).await?)
}

fn plan_context(session: &Session, view: &PlanView) -> tera::Context {
    let lang = session.lang;
    let mut ctx = tera::Context::new();
    ctx.insert("plan", view);
    ctx.insert("period_from", &lang.date(view.period.from));
    ctx.insert("period_to", &lang.date(view.period.to));
    ctx.insert("steps", &choices(lang, KmStep::ALL, KmStep::as_str, "km-step-"));
    ctx.insert("criteria", &choices(lang, ScopeCriterion::ALL, ScopeCriterion::as_str, "km-criterion-"));
    ctx.insert("sources", &choices(lang, IndicatorSource::ALL, IndicatorSource::as_str, "km-source-"));
    ctx.insert("activity_statuses", &choices(lang, ActivityStatus::ALL, ActivityStatus::as_str, "km-activity-"));
    ctx
}

async fn plan_page(state: web::Data<AppState>, session: Session, path: web::Path<i64>) -> WebResult<HttpResponse> {
    let view = load(&state, &session, path.into_inner()).await?;
    let mut ctx = plan_context(&session, &view);
    state.render(&session, "km_plan.html", &mut ctx)
}

#[derive(serde::Deserialize)]
struct ReportQuery {
    download: Option<String>,
}

async fn report_page(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<i64>,
    query: web::Query<ReportQuery>,
) -> WebResult<HttpResponse> {
    let plan_id = path.into_inner();
    let view = load(&state, &session, plan_id).await?;
    if query.download.as_deref() == Some("csv") {
        let bytes = report::csv(session.lang, &view)?;
        return Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"km-plan-{}-{plan_id}.csv\"", view.plan.fiscal_year),
            ))
            .body(bytes));
    }
    let mut ctx = plan_context(&session, &view);
    ctx.insert("chart", &report::chart(session.lang, &view)?);
    let done: Vec<_> = view
        .scopes
        .iter()
        .flat_map(|s| &s.activities)
        .filter(|a| a.progress == ActivityStatus::Done)
        .map(|a| &a.title)
        .collect();
    ctx.insert("activities_done", &done);
    state.render(&session, "km_report.html", &mut ctx)
}

async fn edit(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<i64>,
    form: CsrfForm<Fields>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let plan_id = path.into_inner();
    let fields = plan_fields(&form.0)?;
    change_then_back(&state, "swot".into(), move |conn| Ok(kmplan::update(conn, viewer, plan_id, &fields)?.id)).await
}

async fn add_scope(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<i64>,
    form: CsrfForm<Fields>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let plan_id = path.into_inner();
    let form = form.0;
    let input = NewScope {
        title: field(&form, "title").to_owned(),
        reason: field(&form, "reason").to_owned(),
        criteria: ScopeCriterion::ALL
            .iter()
            .copied()
            .filter(|c| form.contains_key(&format!("criterion_{}", c.as_str())))
            .collect(),
        desired_state: field(&form, "desired_state").to_owned(),
    };
    change_then_back(&state, "new-scope".into(), move |conn| {
        kmplan::add_scope(conn, viewer, plan_id, &input)?;
        Ok(plan_id)
    })
    .await
}

/// [`change_then_back`] for a change to one scope (`work` answers the new
/// part's id), back at that scope.
async fn change_scope<F>(state: &AppState, scope_id: i64, work: F) -> WebResult<HttpResponse>
where
    F: FnOnce(&mut AnyConnection) -> Result<i64, Error> + Send + 'static,
{
    change_then_back(state, format!("scope-{scope_id}"), move |conn| {
        work(conn)?;
        kmplan::scope_plan(conn, scope_id)
    })
    .await
}

async fn add_area(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<i64>,
    form: CsrfForm<Fields>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let scope_id = path.into_inner();
    let form = form.0;
    let community = Some(field(&form, "community").to_owned()).filter(|c| !c.is_empty());
    let input = NewArea {
        title: field(&form, "title").to_owned(),
        tags: field(&form, "tags").split([',', '\n']).map(str::to_owned).collect(),
        community,
    };
    change_scope(&state, scope_id, move |conn| kmplan::add_area(conn, viewer, scope_id, &input)).await
}

async fn add_activity(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<i64>,
    form: CsrfForm<Fields>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let scope_id = path.into_inner();
    let form = form.0;
    let input = NewActivity {
        title: field(&form, "title").to_owned(),
        step: choice(&form, "step", KmStep::parse)?,
        owner: Some(field(&form, "owner").to_owned()),
        starts_on: date(&form, "starts_on")?,
        ends_on: date(&form, "ends_on")?,
        status: ActivityStatus::Planned,
        link: Some(field(&form, "link").to_owned()),
    };
    change_scope(&state, scope_id, move |conn| kmplan::add_activity(conn, viewer, scope_id, &input)).await
}

async fn activity_status(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<i64>,
    form: CsrfForm<Fields>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let activity_id = path.into_inner();
    let status = choice(&form.0, "status", ActivityStatus::parse)?;
    change_then_back(&state, format!("activity-{activity_id}"), move |conn| {
        kmplan::set_activity_status(conn, viewer, activity_id, status)?;
        kmplan::activity_plan(conn, activity_id)
    })
    .await
}

async fn add_indicator(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<i64>,
    form: CsrfForm<Fields>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let scope_id = path.into_inner();
    let form = form.0;
    let area_id = match field(&form, "area_id") {
        "" => None,
        _ => Some(id(&form, "area_id")?),
    };
    let input = NewIndicator {
        title: field(&form, "title").to_owned(),
        source: choice(&form, "source", IndicatorSource::parse)?,
        area_id,
        target: number(&form, "target")?,
        unit: field(&form, "unit").to_owned(),
    };
    change_scope(&state, scope_id, move |conn| kmplan::add_indicator(conn, viewer, scope_id, &input)).await
}

async fn add_entry(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<i64>,
    form: CsrfForm<Fields>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let indicator_id = path.into_inner();
    let form = form.0;
    let input = NewEntry {
        value: number(&form, "value")?,
        note: field(&form, "note").to_owned(),
        evidence_url: Some(field(&form, "evidence_url").to_owned()),
    };
    change_then_back(&state, format!("indicator-{indicator_id}"), move |conn| {
        kmplan::add_entry(conn, viewer, indicator_id, &input)?;
        kmplan::part_plan(conn, PlanPart::Indicator, indicator_id)
    })
    .await
}

async fn add_evidence(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<i64>,
    form: CsrfForm<Fields>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let plan_id = path.into_inner();
    let form = form.0;
    let part = choice(&form, "subject", PlanPart::parse)?;
    let part_id = id(&form, "subject_id")?;
    let (url, note) = (field(&form, "url").to_owned(), field(&form, "note").to_owned());
    change_then_back(&state, format!("{}-{part_id}", part.as_str()), move |conn| {
        if kmplan::part_plan(conn, part, part_id)? != plan_id {
            return Err(Error::Invalid(vec![FieldError::new("subject", "error-km-not-in-plan")]));
        }
        kmplan::add_evidence(conn, viewer, part, part_id, &url, &note)?;
        Ok(plan_id)
    })
    .await
}

async fn comment(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<i64>,
    form: CsrfForm<Fields>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let plan_id = path.into_inner();
    let form = form.0;
    // One select names the part as "kind:id".
    let (kind, part_id) = field(&form, "subject").split_once(':').unwrap_or(("", ""));
    let part = PlanPart::parse(kind).ok_or_else(|| Error::invalid("subject", "error-invalid-choice"))?;
    let part_id: i64 = part_id.parse().map_err(|_| Error::invalid("subject", "error-invalid-choice"))?;
    let body = field(&form, "body").to_owned();
    change_then_back(&state, "review".into(), move |conn| {
        review::comment(conn, viewer, plan_id, part, part_id, &body)?;
        Ok(plan_id)
    })
    .await
}

async fn answer(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<i64>,
    form: CsrfForm<Fields>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let comment_id = path.into_inner();
    let text = field(&form.0, "answer").to_owned();
    change_then_back(&state, format!("comment-{comment_id}"), move |conn| {
        review::answer(conn, viewer, comment_id, &text)
    })
    .await
}

async fn move_plan(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<i64>,
    form: CsrfForm<Fields>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let plan_id = path.into_inner();
    let to = choice(&form.0, "to", PlanStatus::parse)?;
    change_then_back(&state, "review".into(), move |conn| {
        review::move_to(conn, viewer, plan_id, to)?;
        Ok(plan_id)
    })
    .await
}

async fn take_round(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<i64>,
    form: CsrfForm<Fields>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let plan_id = path.into_inner();
    let label = field(&form.0, "label").to_owned();
    change_then_back(&state, "rounds".into(), move |conn| {
        review::take_round(conn, viewer, plan_id, &label)?;
        Ok(plan_id)
    })
    .await
}
