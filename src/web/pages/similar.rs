//! The "ask once" prompt: earlier answers listed while a title is typed
//! (`/ask/similar`, fetched by the ask form's script; without a script the
//! preview shows the same list), and "this answered my question" on the
//! page one of them leads to.

use actix_web::{web, HttpResponse};

use crate::similar::{self, AnsweredInput, SimilarQuery};
use crate::web::errors::WebResult;
use crate::web::flash::{see_other_with, Flash};
use crate::web::session::{CsrfForm, Session};
use crate::web::AppState;

pub fn routes(cfg: &mut crate::web::routes::Routes) {
    cfg.get("/ask/similar", similar_list).post("/ask/answered", answered);
}

/// The earlier answers to a title, as the ask form shows them.
pub async fn similar_html(state: &AppState, session: &Session, query: SimilarQuery) -> WebResult<String> {
    let viewer = session.viewer();
    let title = query.title.clone();
    let (found, tags) = state
        .db
        .run(move |conn| {
            let found = similar::similar(conn, viewer, &query)?;
            // Tags of the community being asked in that the title contains.
            let tags = match query.community.as_deref().filter(|s| !s.is_empty()) {
                Some(slug) => {
                    let (community, _) = crate::communities::readable(conn, viewer, slug)?;
                    crate::tags::suggest_for_title(conn, community.id, &query.title)?
                }
                None => Vec::new(),
            };
            Ok((found, tags))
        })
        .await?;
    let mut ctx = tera::Context::new();
    ctx.insert("lang", &session.lang);
    ctx.insert("suggested_tags", &tags);
    ctx.insert("similar", &found);
    ctx.insert("asked", &title);
    state.render_fragment("similar.html", &ctx)
}

async fn similar_list(
    state: web::Data<AppState>,
    session: Session,
    q: web::Query<SimilarQuery>,
) -> WebResult<HttpResponse> {
    session.require_user()?;
    let html = similar_html(&state, &session, q.into_inner()).await?;
    Ok(HttpResponse::Ok().content_type("text/html; charset=utf-8").body(html))
}

async fn answered(
    state: web::Data<AppState>,
    session: Session,
    CsrfForm(form): CsrfForm<AnsweredInput>,
) -> WebResult<HttpResponse> {
    session.require_user()?;
    let viewer = session.viewer();
    let back = match form.kind.as_str() {
        "knowledge" => format!("/k/{}", form.id),
        _ => format!("/t/{}", form.id),
    };
    state.db.run(move |conn| similar::record_answered(conn, viewer, &form)).await?;
    Ok(see_other_with(&back, Flash::SparedAQuestion))
}
