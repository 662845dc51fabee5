//! Communities, boards, threads and posts as JSON.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::authz::{can, Action, Standing};
use crate::communities::views::{self as community_views, MemberRow};
use crate::communities::{self, Board, BoardInput, Community, CommunityInput};
use crate::error::Context as _;
use crate::threads::views::{self as thread_views, ThreadPage, ThreadRow, TreeWindow};
use crate::threads::{self, NewThread, Post, PostRevision, Thread};
use crate::throttle::Write;
use crate::vocab::Frequency;
use crate::web::errors::WebResult;
use crate::web::fragments::{Gated, Weighed};
use crate::web::page_cache::anonymous_thread_stamp;
use crate::web::session::{ApiUser, MaybeApiUser};
use crate::web::uploads::{prepare_body, Place};
use crate::web::{AppState, PageQuery};

pub fn routes(cfg: &mut crate::web::routes::Routes) {
    cfg.get("/communities", list_communities)
        .post("/communities", create_community)
        .get("/communities/{slug}", get_community)
        .patch("/communities/{slug}", update_community)
        .post("/communities/{slug}/join", join)
        .post("/communities/{slug}/leave", leave)
        .get("/communities/{slug}/members", members)
        .put("/communities/{slug}/facilitators/{username}", appoint_facilitator)
        .delete("/communities/{slug}/facilitators/{username}", remove_facilitator)
        .get("/communities/{slug}/subscription", get_subscription)
        .put("/communities/{slug}/subscription", put_subscription)
        .get("/communities/{slug}/boards", list_boards)
        .post("/communities/{slug}/boards", create_board)
        .patch("/boards/{id}", update_board)
        .get("/boards/{id}/threads", list_threads)
        .post("/boards/{id}/threads", create_thread)
        .get("/threads/{id}", get_thread)
        .post("/threads/{id}/lock", lock)
        .delete("/threads/{id}/lock", unlock)
        .post("/threads/{id}/pin", pin)
        .delete("/threads/{id}/pin", unpin)
        .post("/threads/{id}/posts", create_post)
        .patch("/posts/{id}", edit_post)
        .delete("/posts/{id}", delete_post)
        .get("/posts/{id}/revisions", post_revisions);
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list_communities,
    create_community,
    get_community,
    update_community,
    join,
    leave,
    members,
    appoint_facilitator,
    remove_facilitator,
    get_subscription,
    put_subscription,
    list_boards,
    create_board,
    update_board,
    list_threads,
    create_thread,
    get_thread,
    lock,
    unlock,
    pin,
    unpin,
    create_post,
    edit_post,
    delete_post,
    post_revisions,
))]
pub struct Doc;

#[derive(Serialize, ToSchema)]
struct Communities {
    /// By name; public ones and those the caller belongs to.
    communities: Vec<Community>,
}

/// A community's front: itself, the caller's place in it, its boards.
#[derive(Serialize, ToSchema)]
struct CommunityFront {
    community: Community,
    standing: Standing,
    boards: Vec<Board>,
    member_count: i64,
}

/// The caller's (or an appointee's) place in a community.
#[derive(Serialize, ToSchema)]
struct StandingBody {
    standing: Standing,
}

#[derive(Serialize, ToSchema)]
struct Members {
    members: Vec<MemberRow>,
}

#[derive(Serialize, ToSchema)]
struct Boards {
    /// In their set order.
    boards: Vec<Board>,
}

/// One page of a board's threads, pinned first, then by latest activity.
#[derive(Serialize, ToSchema)]
struct ThreadListing {
    threads: Vec<ThreadRow>,
    page: usize,
    per_page: usize,
    /// Threads on the board, on all pages.
    total: i64,
    pages: usize,
}

/// A new thread and its opening post.
#[derive(Serialize, ToSchema)]
struct NewThreadCreated {
    thread: Thread,
    post: Post,
}

#[derive(Serialize, Deserialize, ToSchema)]
struct SubscriptionBody {
    frequency: Frequency,
}

#[derive(Serialize, ToSchema)]
struct PostRevisions {
    /// Oldest first, each with its stored HTML.
    revisions: Vec<PostRevision>,
}

/// Communities the caller can see: public ones and those they belong to.
#[utoipa::path(get, path = "/communities", tag = "forum",
    responses((status = 200, description = "The communities", body = Communities)))]
async fn list_communities(state: web::Data<AppState>, caller: MaybeApiUser) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let list = state.db.run(move |conn| community_views::list_communities(conn, viewer)).await?;
    Ok(HttpResponse::Ok().json(Communities { communities: list }))
}

/// Creates a community of practice (admins).
#[utoipa::path(post, path = "/communities", tag = "forum", security(("bearer" = [])), request_body = CommunityInput,
    responses((status = 201, description = "The new community", body = Community)))]
async fn create_community(
    state: web::Data<AppState>,
    caller: ApiUser,
    body: web::Json<CommunityInput>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let input = body.into_inner();
    let community = state.db.run(move |conn| communities::create(conn, viewer, &input)).await?;
    Ok(HttpResponse::Created().json(community))
}

/// A community, the caller's standing in it, its boards and member count.
#[utoipa::path(
    get, path = "/communities/{slug}", tag = "forum",
    params(("slug" = String, Path, description = "The community's slug")),
    responses((status = 200, description = "The community", body = CommunityFront)),
)]
async fn get_community(
    state: web::Data<AppState>,
    caller: MaybeApiUser,
    path: web::Path<String>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let slug = path.into_inner();
    let (community, standing, boards, count) = state
        .db
        .run(move |conn| {
            let (community, standing) = communities::readable(conn, viewer, &slug)?;
            let boards = community_views::boards_of(conn, community.id)?;
            let count = community_views::member_count(conn, community.id)?;
            Ok((community, standing, boards, count))
        })
        .await?;
    Ok(HttpResponse::Ok().json(CommunityFront { community, standing, boards, member_count: count }))
}

/// Changes a community's name, description or visibility (facilitators).
#[utoipa::path(
    patch, path = "/communities/{slug}", tag = "forum",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The community's slug")),
    request_body = CommunityInput,
    responses((status = 200, description = "The community as saved", body = Community)),
)]
async fn update_community(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<String>,
    body: web::Json<CommunityInput>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let slug = path.into_inner();
    let input = body.into_inner();
    let community = state
        .db
        .run(move |conn| {
            let current = communities::by_slug(conn, &slug)?;
            communities::update(conn, viewer, current.id, &input)
        })
        .await?;
    Ok(HttpResponse::Ok().json(community))
}

/// Joins a public community as a member.
#[utoipa::path(
    post, path = "/communities/{slug}/join", tag = "forum",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The community's slug")),
    responses((status = 200, description = "The caller's standing now", body = StandingBody)),
)]
async fn join(state: web::Data<AppState>, caller: ApiUser, path: web::Path<String>) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let slug = path.into_inner();
    let standing = state
        .db
        .run(move |conn| {
            let (community, _) = communities::readable(conn, viewer, &slug)?;
            communities::join(conn, viewer, community.id)?;
            communities::standing(conn, viewer, community.id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(StandingBody { standing }))
}

/// Leaves a community.
#[utoipa::path(
    post, path = "/communities/{slug}/leave", tag = "forum",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The community's slug")),
    responses((status = 204, description = "Left")),
)]
async fn leave(state: web::Data<AppState>, caller: ApiUser, path: web::Path<String>) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let slug = path.into_inner();
    state
        .db
        .run(move |conn| {
            let community = communities::by_slug(conn, &slug)?;
            communities::leave(conn, viewer, community.id)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A community's members and facilitators.
#[utoipa::path(
    get, path = "/communities/{slug}/members", tag = "forum",
    params(("slug" = String, Path, description = "The community's slug")),
    responses((status = 200, description = "The members", body = Members)),
)]
async fn members(state: web::Data<AppState>, caller: MaybeApiUser, path: web::Path<String>) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let slug = path.into_inner();
    let (_, _, list) = state.db.run(move |conn| community_views::members_list(conn, viewer, &slug)).await?;
    Ok(HttpResponse::Ok().json(Members { members: list }))
}

/// A community's boards, in their set order.
#[utoipa::path(
    get, path = "/communities/{slug}/boards", tag = "forum",
    params(("slug" = String, Path, description = "The community's slug")),
    responses((status = 200, description = "The boards", body = Boards)),
)]
async fn list_boards(
    state: web::Data<AppState>,
    caller: MaybeApiUser,
    path: web::Path<String>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let slug = path.into_inner();
    let boards = state
        .db
        .run(move |conn| {
            let (community, _) = communities::readable(conn, viewer, &slug)?;
            community_views::boards_of(conn, community.id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Boards { boards }))
}

/// Adds a board to a community (facilitators).
#[utoipa::path(
    post, path = "/communities/{slug}/boards", tag = "forum",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The community's slug")),
    request_body = BoardInput,
    responses((status = 201, description = "The new board", body = Board)),
)]
async fn create_board(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<String>,
    body: web::Json<BoardInput>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let slug = path.into_inner();
    let input = body.into_inner();
    let board = state
        .db
        .run(move |conn| {
            let (community, _) = communities::readable(conn, viewer, &slug)?;
            communities::create_board(conn, viewer, community.id, &input)
        })
        .await?;
    Ok(HttpResponse::Created().json(board))
}

/// One page of a board's threads: pinned first, then by latest activity.
#[utoipa::path(get, path = "/boards/{id}/threads", tag = "forum",
    params(("id" = i64, Path, description = "The board's id"), ("page" = Option<usize>, Query, description = "From 1")),
    responses((status = 200, description = "The threads", body = ThreadListing)))]
async fn list_threads(
    state: web::Data<AppState>,
    caller: MaybeApiUser,
    path: web::Path<i64>,
    q: web::Query<PageQuery>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let board_id = path.into_inner();
    let page = q.page();
    let per_page = state.config.threads_per_page;
    let (threads, total) = state
        .db
        .run(move |conn| {
            let board = communities::board_by_id(conn, board_id)?;
            let community = communities::by_id(conn, board.community_id)?;
            communities::readable(conn, viewer, &community.slug)?;
            thread_views::board_threads(conn, board_id, page, per_page)
        })
        .await?;
    Ok(HttpResponse::Ok().json(ThreadListing {
        threads,
        page,
        per_page,
        total,
        pages: (total as usize).div_ceil(per_page).max(1),
    }))
}

/// Starts a thread: a question or an experience, with its opening post.
#[utoipa::path(post, path = "/boards/{id}/threads", tag = "forum", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The board's id")), request_body = NewThread,
    responses((status = 201, description = "The thread and its opening post", body = NewThreadCreated)))]
async fn create_thread(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<i64>,
    body: web::Json<NewThread>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let board_id = path.into_inner();
    let mut input = body.into_inner();
    prepare_body(&state, viewer, Place::Board(board_id), Vec::new(), &mut input.body).await?;
    let (thread, post) = state
        .limited_write(viewer, Write::Thread, move |conn| threads::create_thread(conn, viewer, board_id, &input))
        .await?;
    Ok(HttpResponse::Created().json(NewThreadCreated { thread, post }))
}

/// A thread with one page of its reply tree, laid out in order with depths.
///
/// Deep branches are cut at the configured depth; `root` shows the subtree
/// under one post ("continue this thread").
#[utoipa::path(get, path = "/threads/{id}", tag = "forum",
    params(("id" = i64, Path, description = "The thread's id"), ("page" = Option<usize>, Query, description = "From 1"),
        ("root" = Option<i64>, Query, description = "Show only the subtree under this post")),
    responses((status = 200, description = "The thread page", body = ThreadPage)))]
async fn get_thread(
    state: web::Data<AppState>,
    caller: MaybeApiUser,
    req: HttpRequest,
    path: web::Path<i64>,
    q: web::Query<PageQuery>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let thread_id = path.into_inner();
    let window = q.tree_window(&state.config);
    // Anonymous reads of public threads share one rendering (see web::page_cache).
    let stamp = anonymous_thread_stamp(&state, caller.0.is_none(), thread_id).await?;
    if let Some(stamp) = stamp.filter(|s| s.is_public) {
        let key = format!("api-thread|{}|{}", req.uri(), stamp.key());
        let load = state.db.run(move |conn| thread_views::thread_page(conn, viewer, thread_id, &window));
        let render = async { Ok(serde_json::to_string(&load.await?).context("cannot write the thread as JSON")?) };
        return state.page_cache.serve(&req, &key, "application/json", "", render).await;
    }
    // Signed-in readers share one rendering too, with their standing filled
    // in, unless they may see a hidden post on the page (see web::fragments).
    let ctx = state.db.run(move |conn| thread_views::shown(conn, viewer, thread_id)).await?;
    let standing = ctx.standing;
    let key = format!("api-thread|{}|{}", req.uri(), ctx.stamp().key());
    let shared = match state.thread_json.get(&key) {
        Some(shared) => shared,
        None => state.thread_json.put(key, shared_thread_json(&state, ctx.clone(), window.clone()).await?),
    };
    if thread_views::sees_any_hidden(viewer, standing, &shared.hidden_authors) {
        let sees_hidden = move |author_id| can(viewer, standing, Action::SeeHidden { author_id });
        let page = state.db.run(move |conn| thread_views::thread_page_in(conn, ctx, &window, &sees_hidden)).await?;
        return Ok(HttpResponse::Ok().json(page));
    }
    let standing = serde_json::to_value(standing).context("cannot write a standing")?;
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .body(shared.json.fill(standing.as_str().unwrap_or(""), |_| true)))
}

/// A thread page's JSON as readers who see no hidden post get it, with a
/// hole for the reader's standing.
pub struct SharedThreadJson {
    json: Gated,
    hidden_authors: Vec<i64>,
}

impl Weighed for SharedThreadJson {
    fn weight(&self) -> usize {
        self.json.bytes()
    }
}

async fn shared_thread_json(
    state: &AppState,
    ctx: threads::ThreadContext,
    window: TreeWindow,
) -> WebResult<SharedThreadJson> {
    let page = state.db.run(move |conn| thread_views::thread_page_in(conn, ctx, &window, &|_| false)).await?;
    let hidden_authors = page.posts.iter().filter(|p| p.is_hidden).map(|p| p.author.id).collect();
    let hole = state.page_cache.hole();
    let mut value = serde_json::to_value(&page).context("cannot write the thread as JSON")?;
    value["standing"] = serde_json::Value::String(hole.to_owned());
    let json = serde_json::to_string(&value).context("cannot write the thread as JSON")?;
    Ok(SharedThreadJson { json: Gated::parse(&json, hole)?, hidden_authors })
}

#[derive(Deserialize, ToSchema)]
struct NewPost {
    /// The post replied to; absent for a reply to the thread itself.
    parent_id: Option<i64>,
    /// Markdown.
    body: String,
}

/// Replies to a thread, or to one post of it.
#[utoipa::path(post, path = "/threads/{id}/posts", tag = "forum", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The thread's id")), request_body = NewPost,
    responses((status = 201, description = "The reply", body = Post)))]
async fn create_post(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<i64>,
    body: web::Json<NewPost>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let thread_id = path.into_inner();
    let NewPost { parent_id, mut body } = body.into_inner();
    prepare_body(&state, viewer, Place::Thread(thread_id), Vec::new(), &mut body).await?;
    let post = state
        .limited_write(viewer, Write::Post, move |conn| threads::reply(conn, viewer, thread_id, parent_id, &body))
        .await?;
    Ok(HttpResponse::Created().json(post))
}

#[derive(Deserialize, ToSchema)]
struct PostEdit {
    /// Markdown.
    body: String,
    /// A new title, when the post opens its thread.
    title: Option<String>,
}

/// Edits a post (its author, or facilitators); the old text is kept as a revision.
#[utoipa::path(patch, path = "/posts/{id}", tag = "forum", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The post's id")), request_body = PostEdit,
    responses((status = 200, description = "The post as saved", body = Post)))]
async fn edit_post(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<i64>,
    body: web::Json<PostEdit>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let post_id = path.into_inner();
    let PostEdit { mut body, title } = body.into_inner();
    prepare_body(&state, viewer, Place::Post(post_id), Vec::new(), &mut body).await?;
    let post = state
        .limited_write(viewer, Write::Edit, move |conn| {
            threads::edit_post(conn, viewer, post_id, &body, title.as_deref())
        })
        .await?;
    Ok(HttpResponse::Ok().json(post))
}

/// Deletes a post (its author, or facilitators); replies under it stay.
#[utoipa::path(
    delete, path = "/posts/{id}", tag = "forum",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The post's id")),
    responses((status = 204, description = "Deleted")),
)]
async fn delete_post(state: web::Data<AppState>, caller: ApiUser, path: web::Path<i64>) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let post_id = path.into_inner();
    state.db.run(move |conn| threads::delete_post(conn, viewer, post_id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// How often the caller gets a digest of this community.
#[utoipa::path(get, path = "/communities/{slug}/subscription", tag = "forum", security(("bearer" = [])),
    params(("slug" = String, Path, description = "The community's slug")),
    responses((status = 200, description = "The caller's digest frequency", body = SubscriptionBody)))]
async fn get_subscription(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<String>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let user_id = caller.user().id;
    let slug = path.into_inner();
    let frequency = state
        .db
        .run(move |conn| {
            let (community, _) = communities::readable(conn, viewer, &slug)?;
            crate::digests::frequency_of(conn, user_id, community.id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(SubscriptionBody { frequency }))
}

/// Sets how often the caller gets a digest of this community (`off` stops it).
#[utoipa::path(put, path = "/communities/{slug}/subscription", tag = "forum", security(("bearer" = [])),
    params(("slug" = String, Path, description = "The community's slug")), request_body = SubscriptionBody,
    responses((status = 200, description = "The frequency saved", body = SubscriptionBody)))]
async fn put_subscription(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<String>,
    body: web::Json<SubscriptionBody>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let slug = path.into_inner();
    let frequency = body.frequency;
    let saved = state
        .db
        .run(move |conn| {
            let (community, _) = communities::readable(conn, viewer, &slug)?;
            crate::digests::set_frequency(conn, viewer, community.id, frequency)
        })
        .await?;
    Ok(HttpResponse::Ok().json(SubscriptionBody { frequency: saved }))
}

async fn set_facilitator(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<(String, String)>,
    facilitator: bool,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let (slug, username) = path.into_inner();
    let standing = state
        .db
        .run(move |conn| {
            let community = communities::by_slug(conn, &slug)?;
            let person = crate::accounts::find_by_username(conn, &username)?;
            communities::set_facilitator(conn, viewer, community.id, person.id, facilitator)?;
            communities::standing(conn, crate::authz::Viewer::user(person.id, person.is_admin), community.id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(StandingBody { standing }))
}

/// Appoints a facilitator (admins), making them a member if needed.
#[utoipa::path(
    put, path = "/communities/{slug}/facilitators/{username}", tag = "forum",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "The community's slug"),
        ("username" = String, Path, description = "Who"),
    ),
    responses((status = 200, description = "Their standing now", body = StandingBody)),
)]
async fn appoint_facilitator(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<(String, String)>,
) -> WebResult<HttpResponse> {
    set_facilitator(state, caller, path, true).await
}

/// Makes a facilitator a plain member again (admins).
#[utoipa::path(
    delete, path = "/communities/{slug}/facilitators/{username}", tag = "forum",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "The community's slug"),
        ("username" = String, Path, description = "Who"),
    ),
    responses((status = 200, description = "Their standing now", body = StandingBody)),
)]
async fn remove_facilitator(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<(String, String)>,
) -> WebResult<HttpResponse> {
    set_facilitator(state, caller, path, false).await
}

/// Changes a board's name, description or place (facilitators).
#[utoipa::path(
    patch, path = "/boards/{id}", tag = "forum",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The board's id")),
    request_body = BoardInput,
    responses((status = 200, description = "The board as saved", body = Board)),
)]
async fn update_board(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<i64>,
    body: web::Json<BoardInput>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let board_id = path.into_inner();
    let input = body.into_inner();
    let board = state.db.run(move |conn| communities::update_board(conn, viewer, board_id, &input)).await?;
    Ok(HttpResponse::Ok().json(board))
}

async fn set_thread_flag(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<i64>,
    flag: threads::ThreadFlag,
    on: bool,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let thread_id = path.into_inner();
    let thread = state.db.run(move |conn| threads::set_flag(conn, viewer, thread_id, flag, on)).await?;
    Ok(HttpResponse::Ok().json(thread))
}

/// Locks a thread: no more replies (facilitators).
#[utoipa::path(
    post, path = "/threads/{id}/lock", tag = "forum",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The thread's id")),
    responses((status = 200, description = "The thread", body = Thread)),
)]
async fn lock(state: web::Data<AppState>, caller: ApiUser, path: web::Path<i64>) -> WebResult<HttpResponse> {
    set_thread_flag(state, caller, path, threads::ThreadFlag::Locked, true).await
}

/// Unlocks a thread (facilitators).
#[utoipa::path(
    delete, path = "/threads/{id}/lock", tag = "forum",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The thread's id")),
    responses((status = 200, description = "The thread", body = Thread)),
)]
async fn unlock(state: web::Data<AppState>, caller: ApiUser, path: web::Path<i64>) -> WebResult<HttpResponse> {
    set_thread_flag(state, caller, path, threads::ThreadFlag::Locked, false).await
}

/// Pins a thread first in its board (facilitators).
#[utoipa::path(
    post, path = "/threads/{id}/pin", tag = "forum",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The thread's id")),
    responses((status = 200, description = "The thread", body = Thread)),
)]
async fn pin(state: web::Data<AppState>, caller: ApiUser, path: web::Path<i64>) -> WebResult<HttpResponse> {
    set_thread_flag(state, caller, path, threads::ThreadFlag::Pinned, true).await
}

/// Unpins a thread (facilitators).
#[utoipa::path(
    delete, path = "/threads/{id}/pin", tag = "forum",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The thread's id")),
    responses((status = 200, description = "The thread", body = Thread)),
)]
async fn unpin(state: web::Data<AppState>, caller: ApiUser, path: web::Path<i64>) -> WebResult<HttpResponse> {
    set_thread_flag(state, caller, path, threads::ThreadFlag::Pinned, false).await
}

/// A post's versions, oldest first, each with its stored HTML.
#[utoipa::path(
    get, path = "/posts/{id}/revisions", tag = "forum",
    params(("id" = i64, Path, description = "The post's id")),
    responses((status = 200, description = "The revisions", body = PostRevisions)),
)]
async fn post_revisions(
    state: web::Data<AppState>,
    caller: MaybeApiUser,
    path: web::Path<i64>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let post_id = path.into_inner();
    let (_, revisions) = state.db.run(move |conn| threads::revisions(conn, viewer, post_id)).await?;
    Ok(HttpResponse::Ok().json(PostRevisions { revisions }))
}
