//! The search dictionary pages: the site's (`/search/words`, admins) and a
//! community's (`/c/{slug}/search-words`, its facilitators). Entries are
//! added as lines of a dictionary file, typed or uploaded; `?download=1`
//! exports them; the progress of the rebuilds they start is shown.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::EmptyForm;
use crate::error::Error;
use crate::search::dictionary::{self, Scope};
use crate::search::rebuild;
use crate::web::errors::WebResult;
use crate::web::flash::{see_other_with, Flash};
use crate::web::session::{CsrfForm, Session};
use crate::web::uploads::CsrfUpload;
use crate::web::AppState;

/// A dictionary file read from an upload, at most this many bytes.
const MAX_FILE_BYTES: u64 = 1024 * 1024;

pub fn routes(cfg: &mut crate::web::routes::Routes) {
    cfg.get("/search/words", site_page)
        .post("/search/words", site_add)
        .post("/search/words/{id}/remove", site_remove)
        .get("/c/{slug}/search-words", community_page)
        .post("/c/{slug}/search-words", community_add)
        .post("/c/{slug}/search-words/{id}/remove", community_remove);
}

#[derive(Deserialize)]
struct Download {
    download: Option<String>,
}

#[derive(Deserialize)]
struct AddForm {
    #[serde(default)]
    entries: String,
}

fn page_of(slug: Option<&str>) -> String {
    match slug {
        Some(slug) => format!("/c/{slug}/search-words"),
        None => "/search/words".to_owned(),
    }
}

async fn site_page(state: web::Data<AppState>, session: Session, q: web::Query<Download>) -> WebResult<HttpResponse> {
    render(&state, &session, None, q.into_inner().download.is_some()).await
}

async fn community_page(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
    q: web::Query<Download>,
) -> WebResult<HttpResponse> {
    render(&state, &session, Some(path.into_inner()), q.into_inner().download.is_some()).await
}

async fn render(state: &AppState, session: &Session, slug: Option<String>, download: bool) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let (scope, entries, rebuilds, file) = state
        .db
        .run(move |conn| {
            let scope = Scope::for_keeper(conn, viewer, slug.as_deref())?;
            let file = if download { Some(dictionary::export(conn, &scope)?) } else { None };
            let entries = dictionary::list(conn, &scope)?;
            let rebuilds = dictionary::rebuilds(conn, &scope, 5)?;
            Ok((scope, entries, rebuilds, file))
        })
        .await?;
    if let Some(file) = file {
        return Ok(crate::web::api::search_words::dictionary_file(file));
    }
    let mut ctx = tera::Context::new();
    let community = match &scope {
        Scope::Community(c) => Some(c),
        Scope::Site => None,
    };
    ctx.insert("community", &community);
    ctx.insert("action", &page_of(community.map(|c| c.slug.as_str())));
    ctx.insert("running", &rebuilds.iter().any(|r| !r.finished));
    ctx.insert("entries", &entries);
    ctx.insert("rebuilds", &rebuilds);
    state.render(session, "search_words.html", &mut ctx)
}

async fn site_add(state: web::Data<AppState>, session: Session, form: CsrfUpload<AddForm>) -> WebResult<HttpResponse> {
    add(&state, &session, None, form).await
}

async fn community_add(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
    form: CsrfUpload<AddForm>,
) -> WebResult<HttpResponse> {
    add(&state, &session, Some(path.into_inner()), form).await
}

/// Typed lines and an uploaded file's lines, added together.
async fn add(
    state: &AppState,
    session: &Session,
    slug: Option<String>,
    CsrfUpload(form, files): CsrfUpload<AddForm>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let mut text = form.entries;
    for file in files {
        if file.size > MAX_FILE_BYTES {
            return Err(Error::invalid("file", "error-search-words-file").into());
        }
        let content =
            std::fs::read_to_string(&file.path).map_err(|_| Error::invalid("file", "error-search-words-file"))?;
        text.push('\n');
        text.push_str(content.trim_start_matches('\u{FEFF}'));
    }
    let back = page_of(slug.as_deref());
    state
        .db
        .run(move |conn| {
            let scope = Scope::for_keeper(conn, viewer, slug.as_deref())?;
            dictionary::add(conn, viewer, &scope, &dictionary::parse_file(&text))
        })
        .await?;
    rebuild::spawn(state.db.clone());
    Ok(see_other_with(&back, Flash::SearchWordsChanged))
}

async fn site_remove(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<i64>,
    _form: CsrfForm<EmptyForm>,
) -> WebResult<HttpResponse> {
    remove(&state, &session, None, path.into_inner()).await
}

async fn community_remove(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<(String, i64)>,
    _form: CsrfForm<EmptyForm>,
) -> WebResult<HttpResponse> {
    let (slug, id) = path.into_inner();
    remove(&state, &session, Some(slug), id).await
}

async fn remove(state: &AppState, session: &Session, slug: Option<String>, id: i64) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let back = page_of(slug.as_deref());
    state
        .db
        .run(move |conn| {
            let scope = Scope::for_keeper(conn, viewer, slug.as_deref())?;
            dictionary::remove(conn, &scope, id)
        })
        .await?;
    rebuild::spawn(state.db.clone());
    Ok(see_other_with(&back, Flash::SearchWordsChanged))
}
