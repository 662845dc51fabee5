//! Communities, boards, threads and posts as JSON.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::json;

use crate::communities::{self, views as community_views, BoardInput, CommunityInput};
use crate::error::Context as _;
use crate::threads::views::{self as thread_views, TreeWindow};
use crate::threads::{self, NewThread};
use crate::throttle::Write;
use crate::web::errors::WebResult;
use crate::web::page_cache::anonymous_thread_stamp;
use crate::web::session::{ApiUser, MaybeApiUser};
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

async fn list_communities(state: web::Data<AppState>, caller: MaybeApiUser) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let list = state.db.run(move |conn| community_views::list_communities(conn, viewer)).await?;
    Ok(HttpResponse::Ok().json(json!({"communities": list})))
}

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
    Ok(HttpResponse::Ok()
        .json(json!({"community": community, "standing": standing, "boards": boards, "member_count": count})))
}

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
    Ok(HttpResponse::Ok().json(json!({"standing": standing})))
}

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

async fn members(state: web::Data<AppState>, caller: MaybeApiUser, path: web::Path<String>) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let slug = path.into_inner();
    let (_, _, list) = state.db.run(move |conn| community_views::members_list(conn, viewer, &slug)).await?;
    Ok(HttpResponse::Ok().json(json!({"members": list})))
}

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
    Ok(HttpResponse::Ok().json(json!({"boards": boards})))
}

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
    Ok(HttpResponse::Ok().json(json!({
        "threads": threads,
        "page": page,
        "per_page": per_page,
        "total": total,
        "pages": (total as usize).div_ceil(per_page).max(1),
    })))
}

async fn create_thread(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<i64>,
    body: web::Json<NewThread>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let board_id = path.into_inner();
    let input = body.into_inner();
    let (thread, post) = state
        .limited_write(viewer, Write::Thread, move |conn| threads::create_thread(conn, viewer, board_id, &input))
        .await?;
    Ok(HttpResponse::Created().json(json!({"thread": thread, "post": post})))
}

async fn get_thread(
    state: web::Data<AppState>,
    caller: MaybeApiUser,
    req: HttpRequest,
    path: web::Path<i64>,
    q: web::Query<PageQuery>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let thread_id = path.into_inner();
    let window = TreeWindow {
        page: q.page(),
        page_size: state.config.page_size,
        max_depth: state.config.max_visible_depth,
        root: q.root,
    };
    let load =
        |window: TreeWindow| state.db.run(move |conn| thread_views::thread_page(conn, viewer, thread_id, &window));
    // Anonymous reads of public threads share one rendering (see web::page_cache).
    let stamp = anonymous_thread_stamp(&state, caller.0.is_none(), thread_id).await?;
    match stamp.filter(|s| s.is_public) {
        Some(stamp) => {
            let key = format!("api-thread|{}|{}", req.uri(), stamp.key());
            let render =
                async { Ok(serde_json::to_string(&load(window).await?).context("cannot write the thread as JSON")?) };
            state.page_cache.serve(&req, &key, "application/json", "", render).await
        }
        None => Ok(HttpResponse::Ok().json(load(window).await?)),
    }
}

#[derive(Deserialize)]
struct NewPost {
    parent_id: Option<i64>,
    body: String,
}

async fn create_post(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<i64>,
    body: web::Json<NewPost>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let thread_id = path.into_inner();
    let NewPost { parent_id, body } = body.into_inner();
    let post = state
        .limited_write(viewer, Write::Post, move |conn| threads::reply(conn, viewer, thread_id, parent_id, &body))
        .await?;
    Ok(HttpResponse::Created().json(post))
}

#[derive(Deserialize)]
struct PostEdit {
    body: String,
    title: Option<String>,
}

async fn edit_post(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<i64>,
    body: web::Json<PostEdit>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let post_id = path.into_inner();
    let PostEdit { body, title } = body.into_inner();
    let post = state
        .limited_write(viewer, Write::Edit, move |conn| {
            threads::edit_post(conn, viewer, post_id, &body, title.as_deref())
        })
        .await?;
    Ok(HttpResponse::Ok().json(post))
}

async fn delete_post(state: web::Data<AppState>, caller: ApiUser, path: web::Path<i64>) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let post_id = path.into_inner();
    state.db.run(move |conn| threads::delete_post(conn, viewer, post_id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

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
    Ok(HttpResponse::Ok().json(json!({"frequency": frequency})))
}

#[derive(Deserialize)]
struct SubscriptionBody {
    frequency: crate::digests::Frequency,
}

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
    Ok(HttpResponse::Ok().json(json!({"frequency": saved})))
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
    Ok(HttpResponse::Ok().json(json!({"standing": standing})))
}

/// Appoints a facilitator (admins), making them a member if needed.
async fn appoint_facilitator(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<(String, String)>,
) -> WebResult<HttpResponse> {
    set_facilitator(state, caller, path, true).await
}

/// Makes a facilitator a plain member again (admins).
async fn remove_facilitator(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<(String, String)>,
) -> WebResult<HttpResponse> {
    set_facilitator(state, caller, path, false).await
}

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
async fn lock(state: web::Data<AppState>, caller: ApiUser, path: web::Path<i64>) -> WebResult<HttpResponse> {
    set_thread_flag(state, caller, path, threads::ThreadFlag::Locked, true).await
}

async fn unlock(state: web::Data<AppState>, caller: ApiUser, path: web::Path<i64>) -> WebResult<HttpResponse> {
    set_thread_flag(state, caller, path, threads::ThreadFlag::Locked, false).await
}

/// Pins a thread first in its board (facilitators).
async fn pin(state: web::Data<AppState>, caller: ApiUser, path: web::Path<i64>) -> WebResult<HttpResponse> {
    set_thread_flag(state, caller, path, threads::ThreadFlag::Pinned, true).await
}

async fn unpin(state: web::Data<AppState>, caller: ApiUser, path: web::Path<i64>) -> WebResult<HttpResponse> {
    set_thread_flag(state, caller, path, threads::ThreadFlag::Pinned, false).await
}

/// A post's versions, oldest first, each with its stored HTML.
async fn post_revisions(
    state: web::Data<AppState>,
    caller: MaybeApiUser,
    path: web::Path<i64>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let post_id = path.into_inner();
    let (_, revisions) = state.db.run(move |conn| threads::revisions(conn, viewer, post_id)).await?;
    Ok(HttpResponse::Ok().json(json!({"revisions": revisions})))
}
