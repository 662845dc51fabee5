//! Reading a thread: `/t/{id}`.
//!
//! The posts are what every reader shares: they are rendered once per
//! content version and language (`thread_posts.html`, kept in
//! `AppState::thread_posts`) with each reader's buttons behind gates (see
//! `web::fragments`). What is the reader's alone — which gates open, the
//! header's actions, the reply box, the bell — is decided per request from
//! their standing, with no query per post. A reader who may see a hidden
//! post on the page (its author, a facilitator) gets posts rendered for them
//! alone instead, so a hidden body never reaches a shared copy.

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::json;

use crate::authz::{can, Action, Viewer};
use crate::i18n::Lang;
use crate::threads::views::{self, TreeWindow};
use crate::threads::ThreadContext;
use crate::web::errors::WebResult;
use crate::web::fragments::{Gate, Gated, Weighed};
use crate::web::page_cache::{anonymous_key, anonymous_thread_stamp};
use crate::web::session::Session;
use crate::web::{AppState, PageQuery};

/// A page of a thread's posts as every reader without special sight sees
/// it, buttons gated.
pub struct ThreadPosts {
    html: Gated,
    page: usize,
    pages: usize,
    root_post_id: Option<i64>,
    root_parent_id: Option<i64>,
    /// Authors of the hidden posts on this page: whoever may see one of
    /// them needs a rendering of their own.
    hidden_authors: Vec<i64>,
    /// Knowledge items distilled from the thread: (id, title, status).
    knowledge_published: Vec<(i64, String, String)>,
    /// The same with drafts and items in review, for curators.
    knowledge_all: Vec<(i64, String, String)>,
    tags: Vec<String>,
    /// People invited to answer (see `answer_invitations`).
    invited: Vec<crate::answer_invitations::Invited>,
}

impl Weighed for ThreadPosts {
    fn weight(&self) -> usize {
        let titles = |items: &[(i64, String, String)]| items.iter().map(|k| k.1.len() + 24).sum::<usize>();
        let tags = self.tags.iter().map(|t| t.len() + 24).sum::<usize>()
            + self.invited.iter().map(|i| i.username.len() + i.display_name.len() + 48).sum::<usize>();
        self.html.bytes() + titles(&self.knowledge_published) + titles(&self.knowledge_all) + tags
    }
}

/// What one reader's thread page is made of.
pub struct ThreadView {
    ctx: ThreadContext,
    posts: Arc<ThreadPosts>,
    /// The post the reader just flagged, if any.
    pub flagged: Option<i64>,
    /// The title the reader was about to ask, when an earlier answer's
    /// link brought them here (see `pages::similar`).
    pub asked: Option<String>,
    /// Whether the reader watches the thread.
    watching: bool,
    /// Whom to invite to answer, for a reader who may invite (see
    /// `answer_invitations`); `None` for everyone else.
    invite_suggestions: Option<Vec<crate::experts::Expert>>,
}

/// Whose hidden posts a rendering shows: nobody's (the shared one), or
/// those this reader may see.
#[derive(Clone, Copy)]
enum Sight {
    Shared,
    Reader(Viewer),
}

pub async fn load(state: &AppState, session: &Session, thread_id: i64, q: &PageQuery) -> WebResult<ThreadView> {
    let viewer = session.viewer();
    let (ctx, watching, invite_suggestions) = state
        .db
        .run(move |conn| {
            let shown = views::shown(conn, viewer, thread_id)?;
            let watching = crate::watching::watches(conn, viewer, "thread", thread_id)?;
            let thread = &shown.thread;
            let may_invite = thread.kind == crate::threads::ThreadKind::Question
                && !crate::knowledge::is_resolved(thread)
                && can(viewer, shown.standing, Action::InviteToAnswer { asker_id: thread.author_id });
            let suggestions = match may_invite {
                true => {
                    let asker = crate::accounts::find(conn, thread.author_id)?.username;
                    let invited: Vec<String> = crate::answer_invitations::invited_to(conn, thread_id)?
                        .into_iter()
                        .map(|i| i.username)
                        .collect();
                    let subject = crate::experts::Subject::Community(shown.community.id);
                    let found = crate::experts::experts(conn, viewer, subject)?.experts;
                    Some(
                        found
                            .into_iter()
                            .filter(|e| e.username != asker && !invited.contains(&e.username))
                            .take(5)
                            .collect(),
                    )
                }
                false => None,
            };
            Ok((shown, watching, suggestions))
        })
        .await?;
    let window = q.tree_window(&state.config);
    let key = format!(
        "thread-posts|{}|{thread_id}|{}|{:?}|{}",
        session.lang.code(),
        window.page,
        window.root,
        ctx.stamp().key()
    );
    let shared = match state.thread_posts.get(&key) {
        Some(posts) => posts,
        None => {
            let posts = render_posts(state, session.lang, ctx.clone(), window.clone(), Sight::Shared).await?;
            state.thread_posts.put(key, posts)
        }
    };
    let posts = if views::sees_any_hidden(viewer, ctx.standing, &shared.hidden_authors) {
        Arc::new(render_posts(state, session.lang, ctx.clone(), window, Sight::Reader(viewer)).await?)
    } else {
        shared
    };
    Ok(ThreadView { ctx, posts, flagged: None, asked: None, watching, invite_suggestions })
}

async fn render_posts(
    state: &AppState,
    lang: Lang,
    ctx: ThreadContext,
    window: TreeWindow,
    sight: Sight,
) -> WebResult<ThreadPosts> {
    let thread_id = ctx.thread.id;
    let standing = ctx.standing;
    let (page, accepted, knowledge_published, knowledge_all, tags, invited) = state
        .db
        .run(move |conn| {
            let sees_hidden = |author_id| match sight {
                Sight::Shared => false,
                Sight::Reader(viewer) => can(viewer, standing, Action::SeeHidden { author_id }),
            };
            let page = views::thread_page_in(conn, ctx, &window, &sees_hidden)?;
            let accepted = match page.thread.accepted_post_id {
                Some(id) => views::post_view(conn, id)?.filter(|p| !p.is_deleted && !p.is_hidden),
                None => None,
            };
            let published = crate::knowledge::views::for_thread(conn, thread_id, false)?;
            let all = crate::knowledge::views::for_thread(conn, thread_id, true)?;
            let tags = crate::tags::of_thread(conn, thread_id)?;
            let invited = crate::answer_invitations::invited_to(conn, thread_id)?;
            Ok((page, accepted, published, all, tags, invited))
        })
        .await?;
    let hole = state.page_cache.hole();
    let mut tera_ctx = tera::Context::new();
    tera_ctx.insert("lang", &lang);
    tera_ctx.insert("gate", hole);
    tera_ctx.insert("csrf", hole);
    tera_ctx.insert("thread", &page.thread);
    tera_ctx.insert("posts", &page.posts);
    tera_ctx.insert("accepted", &accepted);
    let html = state.render_fragment("thread_posts.html", &tera_ctx)?;
    Ok(ThreadPosts {
        html: Gated::parse(&html, hole)?,
        page: page.page,
        pages: page.pages,
        root_post_id: page.root_post_id,
        root_parent_id: page.root_parent_id,
        hidden_authors: page.posts.iter().filter(|p| p.is_hidden).map(|p| p.author.id).collect(),
        knowledge_published,
        knowledge_all,
        tags,
        invited,
    })
}

pub async fn thread_page(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    path: web::Path<i64>,
    q: web::Query<PageQuery>,
) -> WebResult<HttpResponse> {
    let thread_id = path.into_inner();
    let stamp = anonymous_thread_stamp(&state, session.reads_shared_pages(), thread_id).await?;
    match anonymous_key(&session, "thread", stamp) {
        Some(key) => {
            let csrf = session.csrf_token(&state.config.secret);
            let render = async {
                let view = load(&state, &session, thread_id, &q).await?;
                thread_html(&state, &session, view, json!({}), None, state.page_cache.hole())
            };
            state.page_cache.serve(&req, &key, "text/html; charset=utf-8", &csrf, render).await
        }
        None => {
            let mut view = load(&state, &session, thread_id, &q).await?;
            view.flagged = q.flagged;
            view.asked = q.asked.clone();
            render(&state, &session, view, json!({}), None, StatusCode::OK)
        }
    }
}

/// The thread page for this reader, with `reply_form` in the reply box and
/// `errors` beside its fields.
pub fn render(
    state: &AppState,
    session: &Session,
    view: ThreadView,
    reply_form: serde_json::Value,
    errors: Option<std::collections::HashMap<String, String>>,
    status: StatusCode,
) -> WebResult<HttpResponse> {
    let html = thread_html(state, session, view, reply_form, errors, &session.csrf_token(&state.config.secret))?;
    Ok(HttpResponse::build(status).content_type("text/html; charset=utf-8").body(html))
}

fn thread_html(
    state: &AppState,
    session: &Session,
    view: ThreadView,
    reply_form: serde_json::Value,
    errors: Option<std::collections::HashMap<String, String>>,
    csrf: &str,
) -> WebResult<String> {
    let viewer = session.viewer();
    let ThreadView { ctx: thread_ctx, posts, flagged, asked, watching, invite_suggestions } = view;
    let thread = &thread_ctx.thread;
    let standing = thread_ctx.standing;
    let is_question = thread.kind == crate::threads::ThreadKind::Question;
    let can_resolve = is_question && can(viewer, standing, Action::ResolveThread { asker_id: thread.author_id });
    let can_reply = can(viewer, standing, Action::Reply { thread_locked: thread.is_locked });
    let passes = |gate| match gate {
        Gate::Reply => can_reply,
        Gate::Resolve => can_resolve,
        Gate::Edit { author_id } => can(viewer, standing, Action::EditPost { author_id }),
        Gate::Flag { author_id } => can(viewer, standing, Action::FlagPost { author_id }),
        Gate::Delete { author_id } => can(viewer, standing, Action::DeletePost { author_id }),
        Gate::Flagged { post_id } => flagged == Some(post_id),
    };
    let curator = can(viewer, standing, Action::CurateKnowledge);
    let mut ctx = tera::Context::new();
    ctx.insert("can_mark_ready", &(!is_question && can(viewer, standing, Action::MarkReady)));
    ctx.insert("can_distill", &(crate::knowledge::is_resolved(thread) && can(viewer, standing, Action::Distill)));
    ctx.insert("knowledge", if curator { &posts.knowledge_all } else { &posts.knowledge_published });
    // The posts (most of the page) are spliced in afterwards rather than
    // copied through the template engine.
    let slot = format!("{}[posts]", state.page_cache.hole());
    ctx.insert("posts_html", &slot);
    ctx.insert("can_reply", &can_reply);
    ctx.insert("can_moderate", &can(viewer, standing, Action::ModerateThread));
    ctx.insert("is_member", &(standing >= crate::authz::Standing::Muted));
    ctx.insert(
        "page",
        &json!({
            "thread": thread,
            "board": thread_ctx.board,
            "community": thread_ctx.community,
            "page": posts.page,
            "pages": posts.pages,
            "root_post_id": posts.root_post_id,
            "root_parent_id": posts.root_parent_id,
            "tags": posts.tags,
            "invited": posts.invited,
        }),
    );
    ctx.insert("reply_form", &reply_form);
    ctx.insert("errors", &errors.unwrap_or_default());
    ctx.insert("asked", &asked);
    ctx.insert("watching", &watching);
    ctx.insert("can_invite", &invite_suggestions.is_some());
    ctx.insert("invite_suggestions", &invite_suggestions.unwrap_or_default());
    let shell = state.render_html(session, "thread.html", &mut ctx, csrf)?;
    let (before, after) = shell
        .split_once(&slot)
        .ok_or_else(|| crate::error::Error::internal("thread.html has no place for the posts"))?;
    let mut html = String::with_capacity(shell.len() + posts.html.bytes());
    html.push_str(before);
    posts.html.fill_into(&mut html, csrf, passes);
    html.push_str(after);
    Ok(html)
}
