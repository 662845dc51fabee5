//! Home, community, member and board pages, and their admin forms.

use crate::web::flash::{see_other_with, Flash};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::json;

use super::{form_failure, see_other, CsrfOnly};
use crate::accounts;
use crate::authz::{can, Action, Standing, Viewer};
use crate::communities::{self, views, BoardInput, Community, CommunityInput};
use crate::moderation;
use crate::threads::views as thread_views;
use crate::web::errors::WebResult;
use crate::web::page_cache::{anonymous_key, shared_page_key};
use crate::web::session::{CsrfForm, Session};
use crate::web::{AppState, PageQuery};

pub fn routes(cfg: &mut crate::web::routes::Routes) {
    cfg.get("/", home)
        .get("/c/new", new_community_page)
        .post("/c/new", create_community)
        .get("/c/{slug}", community_page)
        .get("/c/{slug}/edit", edit_community_page)
        .post("/c/{slug}/edit", update_community)
        .post("/c/{slug}/join", join)
        .post("/c/{slug}/leave", leave)
        .get("/c/{slug}/members", members_page)
        .post("/c/{slug}/facilitators", set_facilitator)
        .get("/c/{slug}/boards/new", new_board_page)
        .post("/c/{slug}/boards/new", create_board)
        .get("/c/{slug}/b/{board}", board_page)
        .get("/c/{slug}/b/{board}/edit", edit_board_page)
        .post("/c/{slug}/b/{board}/edit", update_board);
}

/// What the viewer may do here, for showing or hiding buttons. The domain
/// checks again on every write.
fn permissions(viewer: Viewer, standing: Standing, community: &Community) -> serde_json::Value {
    json!({
        "edit": can(viewer, standing, Action::EditCommunity),
        "appoint": can(viewer, standing, Action::AppointFacilitator),
        "manage_boards": can(viewer, standing, Action::ManageBoards),
        "start_thread": can(viewer, standing, Action::StartThread),
        "manage_members": can(viewer, standing, Action::ManageMembers),
        "join": viewer.user_id.is_some() && can(viewer, standing, Action::JoinCommunity { is_public: community.is_public }),
        "leave": can(viewer, standing, Action::LeaveCommunity),
        "members": can(viewer, standing, Action::ViewMembers { is_public: community.is_public }),
        "moderate": can(viewer, standing, Action::Moderate),
    })
}

async fn home(state: web::Data<AppState>, session: Session, req: HttpRequest) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let (stamp, audience) =
        state.db.run(move |conn| Ok((views::site_stamp(conn)?, views::audience(conn, viewer)?))).await?;
    let key = shared_page_key(&session, "home", &stamp);
    if let Some(hit) = state.cached_page(&req, &session, key.as_deref()) {
        return Ok(hit);
    }
    let columns = home_columns(&state, session.lang, viewer, &audience, &stamp).await?;
    let mut ctx = tera::Context::new();
    ctx.insert("columns_html", columns.as_str());
    state.render_shared(&req, &session, key, "home.html", &mut ctx)
}

/// The home page's communities, knowledge and recent threads, rendered once
/// per site stamp for every reader with the same audience (the lists depend
/// on nothing else about the reader; admins are an audience of their own,
/// and the only one that may create communities).
async fn home_columns(
    state: &AppState,
    lang: crate::i18n::Lang,
    viewer: Viewer,
    audience: &str,
    stamp: &str,
) -> WebResult<std::sync::Arc<String>> {
    let key = format!("home|{}|{audience}|{stamp}", lang.code());
    if let Some(hit) = state.listings.get(&key) {
        return Ok(hit);
    }
    let (list, recent, knowledge) = state
        .db
        .run(move |conn| {
            Ok((
                views::list_communities(conn, viewer)?,
                thread_views::recent_threads(conn, viewer, None, 15)?,
                crate::knowledge::views::recently_published(conn, viewer, 5)?,
            ))
        })
        .await?;
    let mut ctx = tera::Context::new();
    ctx.insert("lang", &lang);
    ctx.insert("communities", &list);
    ctx.insert("recent", &recent);
    ctx.insert("knowledge", &knowledge);
    ctx.insert("can_create", &can(viewer, Standing::Outsider, Action::CreateCommunity));
    let html = state.render_fragment("home_columns.html", &ctx)?;
    Ok(state.listings.put(key, html))
}

async fn community_page(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let slug = path.into_inner();
    let (community, standing, boards, recent, members, member_count, moderation, watching, experts) = state
        .db
        .run(move |conn| {
            let (community, standing) = communities::readable(conn, viewer, &slug)?;
            let boards = views::boards_of(conn, community.id)?;
            let recent = thread_views::recent_threads(conn, viewer, Some(community.id), 10)?;
            let members = views::members_of(conn, community.id, 12)?;
            let count = views::member_count(conn, community.id)?;
            // Facilitators see how much waits in the queue; a muted member
            // sees why and until when.
            let moderation = match (standing, viewer.user_id) {
                (Standing::Muted, Some(uid)) => {
                    json!({"mute": moderation::active(conn, uid, moderation::Scope::Community(community.id))?})
                }
                _ if can(viewer, standing, Action::Moderate) => {
                    json!({"open_flags": moderation::views::open_count(conn, community.id)?})
                }
                _ => json!({}),
            };
            let watching = crate::watching::watches(conn, viewer, "community", community.id)?;
            let experts = crate::experts::experts(conn, viewer, crate::experts::Subject::Community(community.id))?;
            Ok((community, standing, boards, recent, members, count, moderation, watching, experts))
        })
        .await?;
    let mut ctx = tera::Context::new();
    let feed = format!("/c/{}/feed.atom", community.slug);
    ctx.insert("feed_url", &crate::web::feeds::feed_url(&feed, !community.is_public, session.user.as_ref()));
    ctx.insert("feed_title", &community.name);
    ctx.insert("moderation", &moderation);
    ctx.insert("can", &permissions(viewer, standing, &community));
    ctx.insert("community", &community);
    ctx.insert("standing", &standing);
    ctx.insert("boards", &boards);
    ctx.insert("recent", &recent);
    ctx.insert("members", &members);
    ctx.insert("member_count", &member_count);
    ctx.insert("watching", &watching);
    ctx.insert("experts", &experts);
    state.render(&session, "community.html", &mut ctx)
}

#[derive(Deserialize)]
struct CommunityForm {
    #[serde(default)]
    slug: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
    /// A checkbox: present ("on") when ticked.
    is_public: Option<String>,
    #[serde(default)]
    review_months: String,
}

impl CommunityForm {
    fn input(&self) -> CommunityInput {
        CommunityInput {
            slug: self.slug.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
            is_public: self.is_public.is_some(),
            // Not a number is out of range: the domain says so beside the field.
            review_months: match self.review_months.trim() {
                "" => None,
                typed => Some(typed.parse().unwrap_or(0)),
            },
        }
    }
}

fn community_form_ctx(form: serde_json::Value, action: &str) -> tera::Context {
    let mut ctx = tera::Context::new();
    ctx.insert("form", &form);
    ctx.insert("action", action);
    ctx
}

async fn new_community_page(state: web::Data<AppState>, session: Session) -> WebResult<HttpResponse> {
    crate::authz::authorize(session.viewer(), Standing::Outsider, Action::CreateCommunity)?;
    let mut ctx =
        community_form_ctx(json!({"is_public": true, "review_months": communities::DEFAULT_REVIEW_MONTHS}), "/c/new");
    state.render(&session, "community_form.html", &mut ctx)
}

async fn save_community(
    state: web::Data<AppState>,
    session: Session,
    form: CommunityForm,
    existing: Option<String>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let input = form.input();
    let target = existing.clone();
    let result = state
        .db
        .run(move |conn| match target {
            Some(slug) => {
                let current = communities::by_slug(conn, &slug)?;
                communities::update(conn, viewer, current.id, &input)
            }
            None => communities::create(conn, viewer, &input),
        })
        .await;
    match result {
        Ok(c) => Ok(see_other(&format!("/c/{}", c.slug))),
        Err(e) => {
            let (status, errors) = form_failure(session.lang, e)?;
            let action = existing.map_or_else(|| "/c/new".to_owned(), |s| format!("/c/{s}/edit"));
            let mut ctx = community_form_ctx(
                json!({"slug": form.slug, "name": form.name, "description": form.description, "is_public": form.is_public.is_some(), "review_months": form.review_months}),
                &action,
            );
            ctx.insert("errors", &errors);
            state.render_with_status(&session, "community_form.html", &mut ctx, status)
        }
    }
}

async fn create_community(
    state: web::Data<AppState>,
    session: Session,
    CsrfForm(form): CsrfForm<CommunityForm>,
) -> WebResult<HttpResponse> {
    save_community(state, session, form, None).await
}

async fn edit_community_page(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let slug = path.into_inner();
    let community = state
        .db
        .run(move |conn| {
            let (community, standing) = communities::readable(conn, viewer, &slug)?;
            crate::authz::authorize(viewer, standing, Action::EditCommunity)?;
            Ok(community)
        })
        .await?;
    let mut ctx = community_form_ctx(
        json!({"slug": community.slug, "name": community.name, "description": community.description_md, "is_public": community.is_public, "review_months": community.review_months}),
        &format!("/c/{}/edit", community.slug),
    );
    ctx.insert("editing", &true);
    state.render(&session, "community_form.html", &mut ctx)
}

async fn update_community(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<CommunityForm>,
) -> WebResult<HttpResponse> {
    save_community(state, session, form, Some(path.into_inner())).await
}

async fn join(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
    _: CsrfForm<CsrfOnly>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let slug = path.into_inner();
    let target = slug.clone();
    state
        .db
        .run(move |conn| {
            let (community, _) = communities::readable(conn, viewer, &target)?;
            communities::join(conn, viewer, community.id)
        })
        .await?;
    Ok(see_other_with(&format!("/c/{slug}"), Flash::Joined))
}

async fn leave(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
    _: CsrfForm<CsrfOnly>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let slug = path.into_inner();
    let target = slug.clone();
    state
        .db
        .run(move |conn| {
            let community = communities::by_slug(conn, &target)?;
            communities::leave(conn, viewer, community.id)
        })
        .await?;
    Ok(see_other_with(&format!("/c/{slug}"), Flash::Left))
}

#[derive(Deserialize)]
struct MembersQuery {
    /// What went wrong with the last invitation or change, in words.
    problem: Option<String>,
}

async fn members_page(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
    q: web::Query<MembersQuery>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let slug = path.into_inner();
    let (community, standing, members, pending) = state
        .db
        .run(move |conn| {
            let (community, standing, members) = views::members_list(conn, viewer, &slug)?;
            let pending = if can(viewer, standing, Action::ManageMembers) {
                communities::invitations::pending_in(conn, community.id)?
            } else {
                Vec::new()
            };
            Ok((community, standing, members, pending))
        })
        .await?;
    let mut ctx = tera::Context::new();
    ctx.insert("pending", &pending);
    ctx.insert("problem", &q.into_inner().problem);
    ctx.insert("can", &permissions(viewer, standing, &community));
    ctx.insert("community", &community);
    ctx.insert("members", &members);
    state.render(&session, "members.html", &mut ctx)
}

#[derive(Deserialize)]
struct FacilitatorForm {
    username: String,
    /// "appoint" or "remove".
    action: String,
}

async fn set_facilitator(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<FacilitatorForm>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let slug = path.into_inner();
    let target = slug.clone();
    state
        .db
        .run(move |conn| {
            let community = communities::by_slug(conn, &target)?;
            let person = accounts::find_by_username(conn, &form.username)
                .map_err(|_| crate::error::Error::invalid("username", "error-no-such-user"))?;
            communities::set_facilitator(conn, viewer, community.id, person.id, form.action == "appoint")
        })
        .await?;
    Ok(see_other(&format!("/c/{slug}/members")))
}

#[derive(Deserialize)]
struct BoardForm {
    #[serde(default)]
    slug: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default, deserialize_with = "crate::web::blank_as_none")]
    position: Option<i32>,
    #[serde(default)]
    default_kind: String,
}

impl BoardForm {
    fn input(&self) -> BoardInput {
        BoardInput {
            slug: self.slug.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
            position: self.position.unwrap_or(0),
            default_kind: crate::vocab::ThreadKind::parse(&self.default_kind),
        }
    }
}

async fn new_board_page(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let slug = path.into_inner();
    let community = state
        .db
        .run(move |conn| {
            let (community, standing) = communities::readable(conn, viewer, &slug)?;
            crate::authz::authorize(viewer, standing, Action::ManageBoards)?;
            Ok(community)
        })
        .await?;
    let mut ctx = tera::Context::new();
    ctx.insert("action", &format!("/c/{}/boards/new", community.slug));
    ctx.insert("community", &community);
    ctx.insert("form", &json!({"position": 0}));
    state.render(&session, "board_form.html", &mut ctx)
}

async fn save_board(
    state: web::Data<AppState>,
    session: Session,
    slug: String,
    board_slug: Option<String>,
    form: BoardForm,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let input = form.input();
    let (cslug, bslug) = (slug.clone(), board_slug.clone());
    let result = state
        .db
        .run(move |conn| {
            let community = communities::by_slug(conn, &cslug)?;
            let board = match bslug {
                Some(b) => {
                    let board = communities::board_by_slug(conn, community.id, &b)?;
                    communities::update_board(conn, viewer, board.id, &input)?
                }
                None => communities::create_board(conn, viewer, community.id, &input)?,
            };
            Ok((community, board))
        })
        .await;
    match result {
        Ok((c, b)) => Ok(see_other(&format!("/c/{}/b/{}", c.slug, b.slug))),
        Err(e) => {
            let (status, errors) = form_failure(session.lang, e)?;
            let community = {
                let s = slug.clone();
                state.db.run(move |conn| communities::by_slug(conn, &s)).await?
            };
            let mut ctx = tera::Context::new();
            let action = match &board_slug {
                Some(b) => format!("/c/{slug}/b/{b}/edit"),
                None => format!("/c/{slug}/boards/new"),
            };
            ctx.insert("action", &action);
            ctx.insert("community", &community);
            ctx.insert(
                "form",
                &json!({
                    "slug": form.slug, "name": form.name, "description": form.description,
                    "position": form.position, "default_kind": form.default_kind,
                }),
            );
            ctx.insert("errors", &errors);
            state.render_with_status(&session, "board_form.html", &mut ctx, status)
        }
    }
}

async fn create_board(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<BoardForm>,
) -> WebResult<HttpResponse> {
    save_board(state, session, path.into_inner(), None, form).await
}

async fn edit_board_page(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<(String, String)>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let (slug, board_slug) = path.into_inner();
    let (community, board) = state
        .db
        .run(move |conn| {
            let (community, standing) = communities::readable(conn, viewer, &slug)?;
            crate::authz::authorize(viewer, standing, Action::ManageBoards)?;
            let board = communities::board_by_slug(conn, community.id, &board_slug)?;
            Ok((community, board))
        })
        .await?;
    let mut ctx = tera::Context::new();
    ctx.insert("action", &format!("/c/{}/b/{}/edit", community.slug, board.slug));
    ctx.insert("community", &community);
    ctx.insert("editing", &true);
    ctx.insert(
        "form",
        &json!({
            "slug": board.slug, "name": board.name, "description": board.description,
            "position": board.position, "default_kind": board.default_kind,
        }),
    );
    state.render(&session, "board_form.html", &mut ctx)
}

async fn update_board(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<(String, String)>,
    CsrfForm(form): CsrfForm<BoardForm>,
) -> WebResult<HttpResponse> {
    let (slug, board_slug) = path.into_inner();
    save_board(state, session, slug, Some(board_slug), form).await
}

async fn board_page(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    q: web::Query<PageQuery>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let (slug, board_slug) = path.into_inner();
    let stamp = match session.user {
        None => {
            let (s, b) = (slug.clone(), board_slug.clone());
            state.db.run(move |conn| thread_views::board_stamp(conn, &s, &b)).await?
        }
        Some(_) => None,
    };
    let key = anonymous_key(&session, "board", stamp);
    if let Some(hit) = state.cached_page(&req, &session, key.as_deref()) {
        return Ok(hit);
    }
    let (community, standing, board, watching) = state
        .db
        .run(move |conn| {
            let (community, standing) = communities::readable(conn, viewer, &slug)?;
            let board = communities::board_by_slug(conn, community.id, &board_slug)?;
            let watching = crate::watching::watches(conn, viewer, "board", board.id)?;
            Ok((community, standing, board, watching))
        })
        .await?;
    let listing = board_listing(&state, session.lang, &community, &board, q.page()).await?;
    let mut ctx = tera::Context::new();
    let feed = format!("/c/{}/b/{}/feed.atom", community.slug, board.slug);
    ctx.insert("feed_url", &crate::web::feeds::feed_url(&feed, !community.is_public, session.user.as_ref()));
    ctx.insert("feed_title", &board.name);
    ctx.insert("can", &permissions(viewer, standing, &community));
    ctx.insert("community", &community);
    ctx.insert("board", &board);
    ctx.insert("listing_html", listing.as_str());
    ctx.insert("watching", &watching);
    state.render_shared(&req, &session, key, "board.html", &mut ctx)
}

/// A page of a board's threads as every reader sees it (the listing has
/// nothing per reader), rendered once per version of the board and its
/// community (see `web::fragments`).
async fn board_listing(
    state: &AppState,
    lang: crate::i18n::Lang,
    community: &communities::Community,
    board: &communities::Board,
    page: usize,
) -> WebResult<std::sync::Arc<String>> {
    let key = format!("board-threads|{}|{}|{}|{}|{page}", lang.code(), board.id, board.version, community.version);
    if let Some(hit) = state.listings.get(&key) {
        return Ok(hit);
    }
    let per_page = state.config.threads_per_page;
    let board_id = board.id;
    let (threads, total) =
        state.db.run(move |conn| thread_views::board_threads(conn, board_id, page, per_page)).await?;
    let mut ctx = tera::Context::new();
    ctx.insert("lang", &lang);
    ctx.insert("community", community);
    ctx.insert("board", board);
    ctx.insert("threads", &threads);
    ctx.insert("page", &page);
    ctx.insert("pages", &(total as usize).div_ceil(per_page).max(1));
    ctx.insert("total", &total);
    let html = state.render_fragment("board_threads.html", &ctx)?;
    Ok(state.listings.put(key, html))
}
