//! A tag's page (its threads and knowledge together), and a community's
//! tags with the facilitators' rename-or-merge form.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::authz::{can, Action};
use crate::communities;
use crate::knowledge::views::{self as knowledge_views, ListFilter};
use crate::threads::views as thread_views;
use crate::web::errors::WebResult;
use crate::web::flash::{see_other_with, Flash};
use crate::web::session::{CsrfForm, Session};
use crate::web::AppState;

/// Threads a tag page lists, at most.
const TAGGED_THREADS: i64 = 50;

pub fn routes(cfg: &mut crate::web::routes::Routes) {
    cfg.get("/tags/{tag}", tag_page).get("/c/{slug}/tags", community_tags).post("/c/{slug}/tags", rename);
}

async fn tag_page(state: web::Data<AppState>, session: Session, path: web::Path<String>) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let tag = crate::tags::normalise(&path.into_inner()).into_iter().next().unwrap_or_default();
    let wanted = tag.clone();
    let (threads, items, watching, experts) = state
        .db
        .run(move |conn| {
            let filter = ListFilter { tag: Some(wanted.clone()), ..ListFilter::default() };
            Ok((
                thread_views::tagged_threads(conn, viewer, &wanted, TAGGED_THREADS)?,
                knowledge_views::list(conn, viewer, &filter)?,
                crate::watching::watches(conn, viewer, "tag", &wanted)?,
                crate::experts::experts(conn, viewer, crate::experts::Subject::Tag(&wanted))?,
            ))
        })
        .await?;
    let mut ctx = tera::Context::new();
    ctx.insert("tag", &tag);
    ctx.insert("threads", &threads);
    ctx.insert("items", &items);
    ctx.insert("watching", &watching);
    ctx.insert("experts", &experts);
    state.render(&session, "tag.html", &mut ctx)
}

async fn community_tags(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let slug = path.into_inner();
    let (community, standing, vocabulary) = state
        .db
        .run(move |conn| {
            let (community, standing) = communities::readable(conn, viewer, &slug)?;
            let vocabulary = crate::tags::vocabulary(conn, community.id)?;
            Ok((community, standing, vocabulary))
        })
        .await?;
    let mut ctx = tera::Context::new();
    ctx.insert("community", &community);
    ctx.insert("vocabulary", &vocabulary);
    ctx.insert("can_rename", &can(viewer, standing, Action::CurateKnowledge));
    ctx.insert("errors", &std::collections::HashMap::<String, String>::new());
    state.render(&session, "community_tags.html", &mut ctx)
}

#[derive(Deserialize)]
struct RenameForm {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

async fn rename(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<RenameForm>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let slug = path.into_inner();
    let back = format!("/c/{slug}/tags");
    state
        .db
        .run(move |conn| {
            let (community, _) = communities::readable(conn, viewer, &slug)?;
            crate::tags::rename(conn, viewer, community.id, &form.from, &form.to)
        })
        .await?;
    Ok(see_other_with(&back, Flash::TagsRenamed))
}
