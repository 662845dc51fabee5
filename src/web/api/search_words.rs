//! The organisation's search dictionary over the API: the site's entries
//! (admins) or a community's (`?community=`, its facilitators), added one
//! at a time or imported as a text file, removed, exported; and the
//! progress of the index rebuilds they start.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::search::dictionary::{self, Entry, Scope, WordEntry};
use crate::search::rebuild::{self, Progress};
use crate::web::errors::WebResult;
use crate::web::session::ApiUser;
use crate::web::AppState;

/// Rebuilds listed beside the entries.
const RECENT_REBUILDS: usize = 5;

pub fn routes(cfg: &mut crate::web::routes::Routes) {
    cfg.get("/search/words", list_api)
        .post("/search/words", add_api)
        .delete("/search/words/{id}", remove_api)
        .get("/search/words/export", export_api)
        .post("/search/words/import", import_api);
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(list_api, add_api, remove_api, export_api, import_api))]
pub struct Doc;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScopeQuery {
    /// A community's slug; none for the site's own entries.
    community: Option<String>,
}

#[derive(Serialize, ToSchema)]
struct Dictionary {
    entries: Vec<WordEntry>,
    /// The latest index rebuilds, newest first: `done` of `total`
    /// documents, `finished` once every document is indexed again.
    rebuilds: Vec<Progress>,
}

#[derive(Deserialize, ToSchema)]
pub struct NewEntry {
    /// A community's slug; none for the site's own entries.
    community: Option<String>,
    /// `keep`: one word that stays whole; `synonyms`: words (or phrases)
    /// that find each other.
    kind: String,
    words: Vec<String>,
}

#[derive(Serialize, ToSchema)]
struct Added {
    /// Entries added (those already there are skipped).
    added: usize,
    rebuilds: Vec<Progress>,
}

/// The search dictionary of the site or of one community.
#[utoipa::path(get, path = "/search/words", tag = "search", params(ScopeQuery), security(("bearer" = [])),
    responses((status = 200, description = "Entries and rebuilds", body = Dictionary),
        (status = 403, description = "Not an admin, or not a facilitator of the community",
            content_type = "application/problem+json", body = crate::web::errors::Problem)))]
async fn list_api(
    state: web::Data<AppState>,
    caller: ApiUser,
    query: web::Query<ScopeQuery>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let dictionary = state
        .db
        .run(move |conn| {
            let scope = Scope::for_keeper(conn, viewer, query.community.as_deref())?;
            Ok(Dictionary {
                entries: dictionary::list(conn, &scope)?,
                rebuilds: dictionary::rebuilds(conn, &scope, RECENT_REBUILDS)?,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(dictionary))
}

/// Adds a word kept whole or a synonym group.
///
/// A word kept whole makes the documents holding it be indexed again in
/// the background; follow `rebuilds` until it is `finished`.
#[utoipa::path(post, path = "/search/words", tag = "search", request_body = NewEntry, security(("bearer" = [])),
    responses((status = 201, description = "Added", body = Added),
        (status = 422, description = "Not a valid entry", content_type = "application/problem+json",
            body = crate::web::errors::Problem)))]
async fn add_api(state: web::Data<AppState>, caller: ApiUser, body: web::Json<NewEntry>) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let input = body.into_inner();
    let entry = match input.kind.as_str() {
        "keep" if input.words.len() == 1 => Entry::Keep(input.words[0].trim().to_string()),
        "synonyms" => Entry::Synonyms(input.words.iter().map(|w| w.trim().to_string()).collect()),
        _ => {
            return Err(crate::error::Error::Invalid(vec![crate::error::FieldError::new(
                "kind",
                "error-invalid-choice",
            )])
            .into())
        }
    };
    let added = change(&state, viewer, input.community, vec![entry]).await?;
    Ok(HttpResponse::Created().json(added))
}

async fn change(
    state: &AppState,
    viewer: crate::authz::Viewer,
    community: Option<String>,
    entries: Vec<Entry>,
) -> WebResult<Added> {
    let added = state
        .db
        .run(move |conn| {
            let scope = Scope::for_keeper(conn, viewer, community.as_deref())?;
            let added = dictionary::add(conn, viewer, &scope, &entries)?;
            Ok(Added { added, rebuilds: dictionary::rebuilds(conn, &scope, RECENT_REBUILDS)? })
        })
        .await?;
    rebuild::spawn(state.db.clone());
    Ok(added)
}

/// Removes an entry.
#[utoipa::path(delete, path = "/search/words/{id}", tag = "search", params(("id" = i64, Path), ScopeQuery),
    security(("bearer" = [])),
    responses((status = 204, description = "Removed"),
        (status = 404, description = "No such entry in this dictionary", content_type = "application/problem+json",
            body = crate::web::errors::Problem)))]
async fn remove_api(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<i64>,
    query: web::Query<ScopeQuery>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let id = path.into_inner();
    state
        .db
        .run(move |conn| {
            let scope = Scope::for_keeper(conn, viewer, query.community.as_deref())?;
            dictionary::remove(conn, &scope, id)
        })
        .await?;
    rebuild::spawn(state.db.clone());
    Ok(HttpResponse::NoContent().finish())
}

/// The dictionary as a text file: a word kept whole per line, a synonym
/// group as its words joined by ` = `; `#` starts a comment.
#[utoipa::path(get, path = "/search/words/export", tag = "search", params(ScopeQuery), security(("bearer" = [])),
    responses((status = 200, description = "The dictionary file", content_type = "text/plain", body = String)))]
async fn export_api(
    state: web::Data<AppState>,
    caller: ApiUser,
    query: web::Query<ScopeQuery>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let file = state
        .db
        .run(move |conn| {
            let scope = Scope::for_keeper(conn, viewer, query.community.as_deref())?;
            dictionary::export(conn, &scope)
        })
        .await?;
    Ok(dictionary_file(file))
}

/// A dictionary file as a download.
pub fn dictionary_file(file: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .insert_header((header::CONTENT_DISPOSITION, "attachment; filename=\"sala-search-words.txt\""))
        .body(file)
}

#[derive(Deserialize, ToSchema)]
pub struct Import {
    /// A community's slug; none for the site's own entries.
    community: Option<String>,
    /// A dictionary file's text, as `GET /search/words/export` gives it.
    file: String,
}

/// Adds the entries of a dictionary file.
#[utoipa::path(post, path = "/search/words/import", tag = "search", request_body = Import, security(("bearer" = [])),
    responses((status = 201, description = "Added", body = Added),
        (status = 422, description = "A line is not a valid entry", content_type = "application/problem+json",
            body = crate::web::errors::Problem)))]
async fn import_api(state: web::Data<AppState>, caller: ApiUser, body: web::Json<Import>) -> WebResult<HttpResponse> {
    let Import { community, file } = body.into_inner();
    let added = change(&state, caller.viewer(), community, dictionary::parse_file(&file)).await?;
    Ok(HttpResponse::Created().json(added))
}
