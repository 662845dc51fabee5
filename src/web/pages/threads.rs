//! Thread pages: reading the tree, starting threads, replying, editing,
//! history, deleting, and facilitators' lock and pin.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;

use super::{form_failure, see_other, thread_page, CsrfOnly, ToggleForm};
use crate::authz::{authorize, Action};
use crate::communities::{self, views as community_views};
use crate::files::upload::Incoming;
use crate::similar::SimilarQuery;
use crate::threads::views;
use crate::threads::{self, NewThread, ThreadFlag};
use crate::throttle::Write;
use crate::web::errors::{AppError, WebResult};
use crate::web::flash::{see_other_with, Flash};
use crate::web::session::{CsrfForm, Session};
use crate::web::uploads::{prepare_body, CsrfUpload, Place};
use crate::web::{AppState, PageQuery};

pub fn routes(cfg: &mut crate::web::routes::Routes) {
    cfg.get("/ask", ask_page)
        .post("/ask", ask)
        .get("/c/{slug}/b/{board}/new", new_thread_page)
        .post("/c/{slug}/b/{board}/new", create_thread)
        .get("/t/{id}", super::thread_page::thread_page)
        .post("/t/{id}/reply", reply)
        .post("/t/{id}/lock", lock)
        .post("/t/{id}/pin", pin)
        .get("/p/{id}", permalink)
        .get("/p/{id}/reply", reply_page)
        .post("/p/{id}/reply", reply_to_post)
        .get("/p/{id}/edit", edit_page)
        .post("/p/{id}/edit", edit)
        .get("/p/{id}/history", history)
        .post("/p/{id}/delete", delete);
}

fn is_preview(action: &Option<String>) -> bool {
    action.as_deref() == Some("preview")
}

#[derive(Deserialize)]
struct ThreadForm {
    /// The board chosen on the "ask" form; the board's own form has it in
    /// its URL instead.
    #[serde(default, deserialize_with = "crate::web::blank_as_none")]
    board_id: Option<i64>,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    /// Comma-separated.
    #[serde(default)]
    tags: String,
    action: Option<String>,
}

/// `/ask?board=…` or `?community=…` preselects where to post; `title`
/// carries a search that found nothing ("ask it as a question").
#[derive(Deserialize, Default)]
struct AskQuery {
    #[serde(default, deserialize_with = "crate::web::blank_as_none")]
    board: Option<i64>,
    community: Option<String>,
    title: Option<String>,
}

/// Whether a form comes back with a preview of its text.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Preview {
    Yes,
    No,
}

/// Adds `preview_html` to a form echo. Only called once the viewer is known
/// to be allowed to write there: an anonymous visitor cannot make the
/// server render anything.
async fn add_preview(state: &AppState, form: &mut serde_json::Value) -> WebResult<()> {
    let body = form["body"].as_str().unwrap_or_default().to_owned();
    form["preview_html"] = json!(state.preview("body", body).await?);
    Ok(())
}

/// The "ask" page: a question or an experience, posted to any board the
/// viewer may start threads in (chosen on the form). Signed-out visitors
/// are sent to log in first.
async fn ask_page(state: web::Data<AppState>, session: Session, q: web::Query<AskQuery>) -> WebResult<HttpResponse> {
    session.require_user()?;
    let q = q.into_inner();
    let form = json!({"board_id": q.board, "community": q.community, "title": q.title.unwrap_or_default()});
    render_ask(&state, &session, form, None, StatusCode::OK, Preview::No).await
}

/// A board's own "new thread" link: the same form, with the board chosen.
async fn new_thread_page(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<(String, String)>,
) -> WebResult<HttpResponse> {
    session.require_user()?;
    let board = board_from_path(&state, path.into_inner()).await?;
    render_ask(&state, &session, json!({"board_id": board}), None, StatusCode::OK, Preview::No).await
}

async fn board_from_path(state: &AppState, (slug, board_slug): (String, String)) -> WebResult<i64> {
    Ok(state
        .db
        .run(move |conn| {
            let community = communities::by_slug(conn, &slug)?;
            Ok(communities::board_by_slug(conn, community.id, &board_slug)?.id)
        })
        .await?)
}

/// Renders the form. `form.board_id` picks the board (else the first of
/// `form.community`, else the first of all); a fresh form's kind is the
/// board's default. Previewing needs the right to post on the board.
async fn render_ask(
    state: &AppState,
    session: &Session,
    mut form: serde_json::Value,
    errors: Option<std::collections::HashMap<String, String>>,
    status: StatusCode,
    preview: Preview,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let postable = state.db.run(move |conn| community_views::postable_boards(conn, viewer)).await?;
    let boards = || postable.iter().flat_map(|c| c.boards.iter().map(move |b| (c, b)));
    let wanted = form["board_id"].as_i64();
    let in_community = form["community"].as_str().map(str::to_owned);
    let chosen = boards()
        .find(|(_, b)| Some(b.id) == wanted)
        .or_else(|| boards().find(|(c, _)| Some(&c.slug) == in_community.as_ref()))
        .or_else(|| boards().next());
    if let Some((_, board)) = chosen {
        form["board_id"] = json!(board.id);
        if form["kind"].as_str().unwrap_or_default().is_empty() {
            form["kind"] = json!(board.default_kind);
        }
    }
    if preview == Preview::Yes {
        if chosen.is_none_or(|(_, b)| Some(b.id) != wanted) {
            return Err(AppError(crate::error::Error::Forbidden));
        }
        add_preview(state, &mut form).await?;
    }
    let mut ctx = tera::Context::new();
    // Earlier answers and tags for the title, for whoever has no script to
    // fetch them as they type (a title given in the link, or a preview).
    let title = form["title"].as_str().unwrap_or_default().trim().to_owned();
    if !title.is_empty() {
        let community = chosen.map(|(c, _)| c.slug.clone());
        let query = SimilarQuery { title, community };
        ctx.insert("similar_html", &super::similar::similar_html(state, session, query).await?);
    }
    ctx.insert("postable", &postable);
    ctx.insert("form", &form);
    ctx.insert("errors", &errors.unwrap_or_default());
    state.render_with_status(session, "ask.html", &mut ctx, status)
}

async fn ask(
    state: web::Data<AppState>,
    session: Session,
    CsrfUpload(form, files): CsrfUpload<ThreadForm>,
) -> WebResult<HttpResponse> {
    let board_id = form.board_id;
    post_thread(state, session, board_id, form, files).await
}

/// The board form's own submit (`/c/{slug}/b/{board}/new`).
async fn create_thread(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<(String, String)>,
    CsrfUpload(form, files): CsrfUpload<ThreadForm>,
) -> WebResult<HttpResponse> {
    let board_id = match form.board_id {
        Some(id) => Some(id),
        None => Some(board_from_path(&state, path.into_inner()).await?),
    };
    post_thread(state, session, board_id, form, files).await
}

async fn post_thread(
    state: web::Data<AppState>,
    session: Session,
    board_id: Option<i64>,
    mut form: ThreadForm,
    files: Vec<Incoming>,
) -> WebResult<HttpResponse> {
    let attached = match board_id {
        Some(board_id) => prepare_body(&state, session.viewer(), Place::Board(board_id), files, &mut form.body).await,
        None => Ok(()),
    };
    let echo =
        json!({"board_id": board_id, "kind": form.kind, "title": form.title, "body": form.body, "tags": form.tags});
    if let Err(e) = attached {
        let (status, errors) = form_failure(session.lang, e)?;
        return render_ask(&state, &session, echo, Some(errors), status, Preview::No).await;
    }
    if is_preview(&form.action) {
        return render_ask(&state, &session, echo, None, StatusCode::OK, Preview::Yes).await;
    }
    let viewer = session.viewer();
    let Some(board_id) = board_id else {
        let errors = std::collections::HashMap::from([("board_id".to_owned(), session.lang.t("error-required"))]);
        return render_ask(&state, &session, echo, Some(errors), StatusCode::UNPROCESSABLE_ENTITY, Preview::No).await;
    };
    let input = NewThread { kind: form.kind, title: form.title, body: form.body, tags: form.tags };
    let result = state
        .limited_write(viewer, Write::Thread, move |conn| threads::create_thread(conn, viewer, board_id, &input))
        .await;
    match result {
        Ok((thread, post)) => Ok(see_other_with(&format!("/t/{}#p{}", thread.id, post.id), Flash::ThreadPosted)),
        Err(e) => {
            let (status, errors) = form_failure(session.lang, e)?;
            render_ask(&state, &session, echo, Some(errors), status, Preview::No).await
        }
    }
}

#[derive(Deserialize)]
struct ReplyForm {
    #[serde(default, deserialize_with = "crate::web::blank_as_none")]
    parent_id: Option<i64>,
    #[serde(default)]
    body: String,
    action: Option<String>,
}

async fn reply(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<i64>,
    CsrfUpload(form, files): CsrfUpload<ReplyForm>,
) -> WebResult<HttpResponse> {
    post_reply(&state, &session, path.into_inner(), form, files).await
}

/// The reply page's own address, so that its preview and its errors keep
/// the URL the person is on (the in-thread reply form posts here too).
async fn reply_to_post(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<i64>,
    CsrfUpload(mut form, files): CsrfUpload<ReplyForm>,
) -> WebResult<HttpResponse> {
    let parent_id = path.into_inner();
    let thread_id = state.db.run(move |conn| threads::post_by_id(conn, parent_id)).await?.thread_id;
    form.parent_id = Some(parent_id);
    post_reply(&state, &session, thread_id, form, files).await
}

async fn post_reply(
    state: &AppState,
    session: &Session,
    thread_id: i64,
    mut form: ReplyForm,
    files: Vec<Incoming>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let attached = prepare_body(state, viewer, Place::Thread(thread_id), files, &mut form.body).await;
    let echo = json!({"parent_id": form.parent_id, "body": form.body});
    if let Err(e) = attached {
        return reply_failed(state, session, thread_id, &form, echo, e).await;
    }
    if is_preview(&form.action) || form.parent_id.is_some() && form.body.trim().is_empty() {
        if let Some(parent_id) = form.parent_id {
            return render_reply_page(state, session, parent_id, echo, None, StatusCode::OK, Preview::Yes).await;
        }
        // Allowed to reply here, or no preview.
        state
            .db
            .run(move |conn| {
                let ctx = threads::readable(conn, viewer, thread_id)?;
                authorize(viewer, ctx.standing, Action::Reply { thread_locked: ctx.thread.is_locked })
            })
            .await?;
        let mut echo = echo;
        add_preview(state, &mut echo).await?;
        let view = thread_page::load(state, session, thread_id, &PageQuery::default()).await?;
        return thread_page::render(state, session, view, echo, None, StatusCode::OK);
    }
    let body = form.body.clone();
    let parent = form.parent_id;
    let result = state
        .limited_write(viewer, Write::Post, move |conn| threads::reply(conn, viewer, thread_id, parent, &body))
        .await;
    match result {
        Ok(post) => Ok(see_other_with(&format!("/p/{}", post.id), Flash::ReplyPosted)),
        Err(e) => reply_failed(state, session, thread_id, &form, echo, e).await,
    }
}

/// The reply form again, with what went wrong beside its fields.
async fn reply_failed(
    state: &AppState,
    session: &Session,
    thread_id: i64,
    form: &ReplyForm,
    echo: serde_json::Value,
    e: crate::error::Error,
) -> WebResult<HttpResponse> {
    let (status, errors) = form_failure(session.lang, e)?;
    match form.parent_id {
        Some(parent_id) => render_reply_page(state, session, parent_id, echo, Some(errors), status, Preview::No).await,
        None => {
            let view = thread_page::load(state, session, thread_id, &PageQuery::default()).await?;
            thread_page::render(state, session, view, echo, Some(errors), status)
        }
    }
}

async fn render_reply_page(
    state: &AppState,
    session: &Session,
    parent_id: i64,
    form: serde_json::Value,
    errors: Option<std::collections::HashMap<String, String>>,
    status: StatusCode,
    preview: Preview,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let (parent, ctx_thread, author) = state
        .db
        .run(move |conn| {
            let parent = threads::post_by_id(conn, parent_id)?;
            let ctx = threads::readable(conn, viewer, parent.thread_id)?;
            authorize(viewer, ctx.standing, Action::Reply { thread_locked: ctx.thread.is_locked })?;
            let author = crate::accounts::find(conn, parent.author_id)?;
            Ok((parent, ctx.thread, author))
        })
        .await?;
    let mut form = form;
    if preview == Preview::Yes {
        add_preview(state, &mut form).await?;
    }
    let mut ctx = tera::Context::new();
    ctx.insert("parent", &parent);
    ctx.insert("parent_author", &author);
    ctx.insert("thread", &ctx_thread);
    ctx.insert("form", &form);
    ctx.insert("errors", &errors.unwrap_or_default());
    state.render_with_status(session, "reply.html", &mut ctx, status)
}

async fn reply_page(state: web::Data<AppState>, session: Session, path: web::Path<i64>) -> WebResult<HttpResponse> {
    let parent_id = path.into_inner();
    let form = json!({"parent_id": parent_id});
    render_reply_page(&state, &session, parent_id, form, None, StatusCode::OK, Preview::No).await
}

async fn permalink(state: web::Data<AppState>, session: Session, path: web::Path<i64>) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let post_id = path.into_inner();
    let (page_size, max_depth) = (state.config.page_size, state.config.max_visible_depth);
    let loc = state.db.run(move |conn| views::locate_post(conn, viewer, post_id, page_size, max_depth)).await?;
    let mut url = format!("/t/{}?page={}", loc.thread_id, loc.page);
    if let Some(root) = loc.root {
        url.push_str(&format!("&root={root}"));
    }
    url.push_str(&format!("#p{post_id}"));
    Ok(see_other(&url))
}

#[derive(Deserialize)]
struct EditForm {
    #[serde(default)]
    body: String,
    title: Option<String>,
    action: Option<String>,
}

async fn render_edit(
    state: &AppState,
    session: &Session,
    post_id: i64,
    form: Option<serde_json::Value>,
    errors: Option<std::collections::HashMap<String, String>>,
    status: StatusCode,
    preview: Preview,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let (post, thread) = state
        .db
        .run(move |conn| {
            let post = threads::post_by_id(conn, post_id)?;
            let ctx = threads::readable(conn, viewer, post.thread_id)?;
            authorize(viewer, ctx.standing, Action::EditPost { author_id: post.author_id })?;
            Ok((post, ctx.thread))
        })
        .await?;
    let mut form = form.unwrap_or_else(|| json!({"body": post.body_md, "title": thread.title}));
    if preview == Preview::Yes {
        add_preview(state, &mut form).await?;
    }
    let mut ctx = tera::Context::new();
    ctx.insert("post", &post);
    ctx.insert("thread", &thread);
    ctx.insert("is_opening", &post.parent_id.is_none());
    ctx.insert("form", &form);
    ctx.insert("errors", &errors.unwrap_or_default());
    state.render_with_status(session, "post_edit.html", &mut ctx, status)
}

async fn edit_page(state: web::Data<AppState>, session: Session, path: web::Path<i64>) -> WebResult<HttpResponse> {
    render_edit(&state, &session, path.into_inner(), None, None, StatusCode::OK, Preview::No).await
}

async fn edit(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<i64>,
    CsrfUpload(mut form, files): CsrfUpload<EditForm>,
) -> WebResult<HttpResponse> {
    let post_id = path.into_inner();
    let attached = prepare_body(&state, session.viewer(), Place::Post(post_id), files, &mut form.body).await;
    let echo = json!({"body": form.body, "title": form.title});
    if let Err(e) = attached {
        let (status, errors) = form_failure(session.lang, e)?;
        return render_edit(&state, &session, post_id, Some(echo), Some(errors), status, Preview::No).await;
    }
    if is_preview(&form.action) {
        return render_edit(&state, &session, post_id, Some(echo), None, StatusCode::OK, Preview::Yes).await;
    }
    let viewer = session.viewer();
    let (body, title) = (form.body, form.title);
    let result = state
        .limited_write(viewer, Write::Edit, move |conn| {
            threads::edit_post(conn, viewer, post_id, &body, title.as_deref())
        })
        .await;
    match result {
        Ok(post) => Ok(see_other_with(&format!("/p/{}", post.id), Flash::PostEdited)),
        Err(e) => {
            let (status, errors) = form_failure(session.lang, e)?;
            render_edit(&state, &session, post_id, Some(echo), Some(errors), status, Preview::No).await
        }
    }
}

async fn history(state: web::Data<AppState>, session: Session, path: web::Path<i64>) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let post_id = path.into_inner();
    let (post, revisions, thread) = state
        .db
        .run(move |conn| {
            let (post, revisions) = threads::revisions(conn, viewer, post_id)?;
            let thread = threads::by_id(conn, post.thread_id)?;
            Ok((post, revisions, thread))
        })
        .await?;
    let revisions: Vec<_> = revisions
        .iter()
        .enumerate()
        .map(|(i, r)| json!({"number": i + 1, "created_at": r.created_at, "body_html": r.body_html, "body_md": r.body_md}))
        .rev()
        .collect();
    let mut ctx = tera::Context::new();
    ctx.insert("post", &post);
    ctx.insert("thread", &thread);
    ctx.insert("revisions", &revisions);
    state.render(&session, "post_history.html", &mut ctx)
}

async fn delete(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<i64>,
    _: CsrfForm<CsrfOnly>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let post_id = path.into_inner();
    let post = state.db.run(move |conn| threads::delete_post(conn, viewer, post_id)).await?;
    Ok(see_other(&format!("/p/{}", post.id)))
}

async fn lock(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<ToggleForm>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let thread_id = path.into_inner();
    state.db.run(move |conn| threads::set_flag(conn, viewer, thread_id, ThreadFlag::Locked, form.on())).await?;
    Ok(see_other(&format!("/t/{thread_id}")))
}

async fn pin(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<ToggleForm>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let thread_id = path.into_inner();
    state.db.run(move |conn| threads::set_flag(conn, viewer, thread_id, ThreadFlag::Pinned, form.on())).await?;
    Ok(see_other(&format!("/t/{thread_id}")))
}
