//! What a digest says, and planning it into the outbox.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;

use super::{Frequency, Subscription};
use crate::accounts::{self, User};
use crate::communities::{self, Community};
use crate::db::schema::{boards, knowledge_items, posts, subscriptions, threads};
use crate::db::{now, on_inner, write_tx, AnyConnection};
use crate::error::Context as _;
use crate::error::Result;
use crate::i18n::Lang;
use crate::notifications;
use crate::outbox::{self, NewMail};

/// Items of one kind shown per community; the rest is "and N more".
const CAP: usize = 5;

pub use crate::outbox::MailContext;

#[derive(Debug, Clone, Default, Serialize)]
pub struct Entry {
    pub title: String,
    pub url: String,
    pub detail: String,
    /// New threads: the files their opening post attaches.
    pub files: Vec<crate::files::Mention>,
    /// Watched events: the link that stops the watch that brought it.
    pub stop_url: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Section {
    pub entries: Vec<Entry>,
    pub more: usize,
}

impl Section {
    pub fn of(mut all: Vec<Entry>) -> Section {
        let more = all.len().saturating_sub(CAP);
        all.truncate(CAP);
        Section { entries: all, more }
    }
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CommunityDigest {
    pub name: String,
    pub url: String,
    pub knowledge_url: String,
    pub unsubscribe_url: String,
    /// Newest knowledge first: it is what the digest is most for.
    pub knowledge: Section,
    pub resolved: Section,
    pub new_threads: Section,
    pub active: Section,
}

#[derive(Debug, Serialize)]
pub struct Digest {
    pub frequency: Frequency,
    pub communities: Vec<CommunityDigest>,
    /// "In what you watch" (see `digests::watched`).
    pub watched: Section,
}

fn thread_url(base: &str, id: i64) -> String {
    format!("{base}/t/{id}")
}

/// What is new in one community since `since`.
/// Community sections already built in this pass. Subscribers of a
/// frequency mostly share a watermark (the last pass set it), so each
/// community's sections are built once per pass, not once per subscriber:
/// a pass's cost grows with subscribers only by the mail each one gets.
///
/// A pass covers activity up to the moment it started (`until`), and moves
/// watermarks exactly there, so what happens during the pass belongs to the
/// next one and nothing falls between two digests.
pub struct PassCache {
    until: NaiveDateTime,
    sections: std::collections::HashMap<(i64, NaiveDateTime, Lang), Option<CommunityDigest>>,
}

impl PassCache {
    pub fn new() -> PassCache {
        PassCache { until: now(), sections: Default::default() }
    }
}

impl Default for PassCache {
    fn default() -> Self {
        Self::new()
    }
}

fn community_digest(
    conn: &mut AnyConnection,
    ctx: &MailContext,
    cache: &mut PassCache,
    user: &User,
    community: &Community,
    since: NaiveDateTime,
    lang: Lang,
) -> Result<Option<CommunityDigest>> {
    let key = (community.id, since, lang);
    if !cache.sections.contains_key(&key) {
        let built = build_community_digest(conn, ctx, community, since, cache.until, lang)?;
        cache.sections.insert(key, built);
    }
    Ok(cache.sections[&key].clone().map(|mut d| {
        d.unsubscribe_url = unsubscribe_url(ctx, user.id, &[community.id]);
        d
    }))
}

/// The stretch of time a digest covers, in one community.
struct Window<'a> {
    community: &'a Community,
    since: NaiveDateTime,
    until: NaiveDateTime,
}

/// Knowledge published in the window: `(id, title, summary)`, newest first.
fn published_knowledge(conn: &mut AnyConnection, w: &Window) -> Result<Vec<(i64, String, String)>> {
    Ok(knowledge_items::table
        .filter(knowledge_items::community_id.eq(w.community.id))
        .filter(knowledge_items::status.eq(crate::vocab::ItemStatus::Published))
        .filter(knowledge_items::published_at.gt(w.since))
        .filter(knowledge_items::published_at.le(w.until))
        .order(knowledge_items::published_at.desc())
        .select((knowledge_items::id, knowledge_items::title, knowledge_items::summary))
        .load(conn)?)
}

/// Questions that got an accepted answer in the window: `(id, title)`.
fn resolved_threads(conn: &mut AnyConnection, w: &Window) -> Result<Vec<(i64, String)>> {
    Ok(threads::table
        .inner_join(boards::table)
        .filter(boards::community_id.eq(w.community.id))
        .filter(threads::is_hidden.eq(false))
        .filter(threads::accepted_post_id.is_not_null())
        .filter(threads::resolved_at.gt(w.since))
        .filter(threads::resolved_at.le(w.until))
        .order(threads::resolved_at.desc())
        .select((threads::id, threads::title))
        .load(conn)?)
}

/// Threads started in the window: `(id, title, replies)`, newest first.
fn new_threads(conn: &mut AnyConnection, w: &Window) -> Result<Vec<(i64, String, i32)>> {
    Ok(threads::table
        .inner_join(boards::table)
        .filter(boards::community_id.eq(w.community.id))
        .filter(threads::is_hidden.eq(false))
        .filter(threads::created_at.gt(w.since))
        .filter(threads::created_at.le(w.until))
        .order(threads::created_at.desc())
        .select((threads::id, threads::title, threads::reply_count))
        .load(conn)?)
}

/// Threads with replies in the window: `(id, title, new replies)`, busiest first.
fn active_threads(conn: &mut AnyConnection, w: &Window) -> Result<Vec<(i64, String, usize)>> {
    let recent_posts: Vec<(i64, String)> = posts::table
        .inner_join(threads::table.inner_join(boards::table))
        .filter(boards::community_id.eq(w.community.id))
        .filter(posts::created_at.gt(w.since))
        .filter(posts::created_at.le(w.until))
        .filter(posts::parent_id.is_not_null())
        .filter(posts::hidden_at.is_null())
        .filter(threads::is_hidden.eq(false))
        .select((threads::id, threads::title))
        .load(conn)?;
    let mut active: Vec<(i64, String, usize)> = Vec::new();
    for (id, title) in recent_posts {
        match active.iter_mut().find(|a| a.0 == id) {
            Some(a) => a.2 += 1,
            None => active.push((id, title, 1)),
        }
    }
    active.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
    Ok(active)
}

fn build_community_digest(
    conn: &mut AnyConnection,
    ctx: &MailContext,
    community: &Community,
    since: NaiveDateTime,
    until: NaiveDateTime,
    lang: Lang,
) -> Result<Option<CommunityDigest>> {
    let base = ctx.base_url;
    let window = Window { community, since, until };
    let thread_entry = |(id, title): (i64, String), detail: String| Entry {
        title,
        url: thread_url(base, id),
        detail,
        ..Entry::default()
    };
    let started = new_threads(conn, &window)?;
    let thread_ids: Vec<i64> = started.iter().map(|t| t.0).collect();
    let mut files = crate::files::for_opening_posts(conn, &thread_ids)?;
    let digest = CommunityDigest {
        name: community.name.clone(),
        url: format!("{base}/c/{}", community.slug),
        knowledge_url: format!("{base}/c/{}/knowledge", community.slug),
        unsubscribe_url: String::new(),
        knowledge: Section::of(
            published_knowledge(conn, &window)?
                .into_iter()
                .map(|(id, title, summary)| Entry {
                    title,
                    url: format!("{base}/k/{id}"),
                    detail: summary,
                    ..Entry::default()
                })
                .collect(),
        ),
        resolved: Section::of(
            resolved_threads(conn, &window)?.into_iter().map(|t| thread_entry(t, String::new())).collect(),
        ),
        new_threads: Section::of(
            started
                .into_iter()
                .map(|(id, title, replies)| {
                    let detail = lang.t_args("count-replies", &[("count", i64::from(replies).into())]);
                    let attached = files.remove(&id).unwrap_or_default();
                    Entry {
                        files: attached.iter().map(|f| f.mention(base)).collect(),
                        ..thread_entry((id, title), detail)
                    }
                })
                .collect(),
        ),
        active: Section::of(
            active_threads(conn, &window)?
                .into_iter()
                .map(|(id, title, n)| {
                    let detail = lang.t_args("digest-new-replies", &[("count", (n as i64).into())]);
                    thread_entry((id, title), detail)
                })
                .collect(),
        ),
    };
    let empty = digest.knowledge.is_empty()
        && digest.resolved.is_empty()
        && digest.new_threads.is_empty()
        && digest.active.is_empty();
    Ok((!empty).then_some(digest))
}

/// The user's digest for one frequency, or `None` when nothing is new.
pub fn gather(
    conn: &mut AnyConnection,
    ctx: &MailContext,
    cache: &mut PassCache,
    user: &User,
    subs: &[Subscription],
    frequency: Frequency,
) -> Result<Option<Digest>> {
    let lang = user.locale.as_deref().and_then(Lang::parse).unwrap_or_default();
    let mut communities = Vec::new();
    for sub in subs {
        let community = communities::by_id(conn, sub.community_id)?;
        // A member who left a private community hears nothing more from it.
        if !communities::may_read(conn, crate::authz::Viewer::user(user.id, user.is_admin), &community)? {
            continue;
        }
        if let Some(d) = community_digest(conn, ctx, cache, user, &community, sub.watermark, lang)? {
            communities.push(d);
        }
    }
    Ok((!communities.is_empty()).then_some(Digest { frequency, communities, watched: Section::default() }))
}

pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
    pub unsubscribe_url: String,
}

pub fn render(ctx: &MailContext, user: &User, digest: &Digest, subs: &[Subscription]) -> Result<Rendered> {
    let lang = user.locale.as_deref().and_then(Lang::parse).unwrap_or_default();
    let first = digest.communities.first().map(|c| c.name.clone());
    let others = digest.communities.len() as i64 - 1;
    let subject = match first {
        Some(first) => lang.t_args(
            &format!("digest-subject-{}", digest.frequency.as_str()),
            &[("community", first.into()), ("others", others.into())],
        ),
        None => lang.t("digest-subject-watched"),
    };
    let ids: Vec<i64> = subs.iter().map(|s| s.community_id).collect();
    // Without a subscription, what the mail is from is what they watch.
    let unsubscribe = match ids.is_empty() {
        true => super::watched::stop_url(ctx, user.id, "all", "-"),
        false => unsubscribe_url(ctx, user.id, &ids),
    };
    let mut t = tera::Context::new();
    t.insert("lang", &lang);
    t.insert("user", user);
    t.insert("digest", digest);
    t.insert("subject", &subject);
    t.insert("base_url", ctx.base_url);
    t.insert("unsubscribe_url", &unsubscribe);
    t.insert("settings_url", &format!("{}/settings/subscriptions", ctx.base_url));
    let render = |name: &str| ctx.templates.render(name, &t).with_context(|| format!("cannot render {name}"));
    Ok(Rendered {
        subject,
        text: render("email/digest.txt")?,
        html: render("email/digest.html")?,
        unsubscribe_url: unsubscribe,
    })
}

fn unsubscribe_signature(secret: &[u8], user_id: i64, communities: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(format!("unsubscribe\0{user_id}\0{communities}").as_bytes());
    hex::encode(&mac.finalize().into_bytes()[..16])
}

/// A link that unsubscribes one user from the listed communities, signed
/// so that it cannot be changed to another user or community.
pub fn unsubscribe_url(ctx: &MailContext, user_id: i64, communities: &[i64]) -> String {
    let list: Vec<String> = communities.iter().map(i64::to_string).collect();
    let list = list.join("-");
    format!("{}/unsubscribe/{user_id}/{list}/{}", ctx.base_url, unsubscribe_signature(ctx.secret, user_id, &list))
}

/// Checks an unsubscribe link's parts; returns the user and communities.
pub fn verify_unsubscribe(secret: &[u8], user_id: i64, communities: &str, signature: &str) -> Option<Vec<i64>> {
    if !crate::accounts::tokens::same_secret(&unsubscribe_signature(secret, user_id, communities), signature) {
        return None;
    }
    communities.split('-').map(|c| c.parse().ok()).collect()
}

fn locked_subscriptions(conn: &mut AnyConnection, user_id: i64, frequency: Frequency) -> Result<Vec<Subscription>> {
    macro_rules! query {
        () => {
            subscriptions::table
                .filter(subscriptions::user_id.eq(user_id))
                .filter(subscriptions::frequency.eq(frequency))
                .order(subscriptions::community_id.asc())
                .select(Subscription::as_select())
        };
    }
    Ok(match conn {
        // Row locks serialise planners on other instances; SQLite's
        // BEGIN IMMEDIATE already did.
        AnyConnection::Postgresql(pg) => query!().for_update().load(pg)?,
        AnyConnection::Sqlite(lite) => query!().load(lite)?,
    })
}

/// Plans one user's digest for a period: renders it into the outbox and
/// moves the watermarks, in one transaction. Returns whether a mail was queued.
pub fn plan_user(
    conn: &mut AnyConnection,
    ctx: &MailContext,
    cache: &mut PassCache,
    user_id: i64,
    frequency: Frequency,
    period: &str,
) -> Result<bool> {
    Ok(plan_users(conn, ctx, cache, &[user_id], frequency, period)? > 0)
}

/// Plans several users' digests in one transaction: one durable commit for
/// the group instead of one per subscriber (what a pass costs on PostgreSQL
/// is mostly commits). Returns how many mails were queued.
pub fn plan_users(
    conn: &mut AnyConnection,
    ctx: &MailContext,
    cache: &mut PassCache,
    user_ids: &[i64],
    frequency: Frequency,
    period: &str,
) -> Result<usize> {
    write_tx(conn, |conn| {
        let mut queued = 0;
        for &user_id in user_ids {
            let subs = locked_subscriptions(conn, user_id, frequency)?;
            let key = format!("digest:{period}:{user_id}");
            if outbox::exists(conn, &key)? {
                continue;
            }
            let user = accounts::find(conn, user_id)?;
            let cutoff = cache.until;
            let lang = user.locale.as_deref().and_then(Lang::parse).unwrap_or_default();
            let watched = super::watched::section(conn, ctx, user_id, cutoff, lang)?;
            let digest = match gather(conn, ctx, cache, &user, &subs, frequency)? {
                Some(digest) => Digest { watched, ..digest },
                None if !watched.is_empty() => Digest { frequency, communities: Vec::new(), watched },
                None => continue,
            };
            let rendered = render(ctx, &user, &digest, &subs)?;
            outbox::enqueue(
                conn,
                &NewMail {
                    dedupe_key: &key,
                    kind: "digest",
                    user_id,
                    to_address: &user.email,
                    subject: &rendered.subject,
                    body_text: &rendered.text,
                    body_html: &rendered.html,
                    unsubscribe_url: Some(&rendered.unsubscribe_url),
                    community_id: None,
                },
            )?;
            let ids: Vec<i64> = subs.iter().map(|s| s.community_id).collect();
            diesel::update(
                subscriptions::table
                    .filter(subscriptions::user_id.eq(user_id))
                    .filter(subscriptions::community_id.eq_any(ids)),
            )
            .set(subscriptions::watermark.eq(cutoff))
            .execute(conn)?;
            queued += 1;
        }
        Ok(queued)
    })
}

/// The users with at least one subscription of this frequency.
/// The daily pass also has those who subscribe to nothing but watch
/// something that happened.
pub fn subscribers(conn: &mut AnyConnection, frequency: Frequency) -> Result<Vec<i64>> {
    let query = subscriptions::table
        .filter(subscriptions::frequency.eq(frequency))
        .select(subscriptions::user_id)
        .distinct()
        .order(subscriptions::user_id.asc());
    let mut users: Vec<i64> = on_inner!(conn, |c| query.load(c))?;
    if frequency == Frequency::Daily {
        users.extend(notifications::waiting_for_a_digest(conn)?);
        users.sort_unstable();
        users.dedup();
    }
    Ok(users)
}

/// What `user_id` would get now (nothing is queued or moved).
pub fn preview(
    conn: &mut AnyConnection,
    ctx: &MailContext,
    user_id: i64,
    frequency: Frequency,
) -> Result<Option<Rendered>> {
    let user = accounts::find(conn, user_id)?;
    let subs: Vec<Subscription> = subscriptions::table
        .filter(subscriptions::user_id.eq(user_id))
        .filter(subscriptions::frequency.eq(frequency))
        .select(Subscription::as_select())
        .load(conn)?;
    match gather(conn, ctx, &mut PassCache::default(), &user, &subs, frequency)? {
        Some(d) => Ok(Some(render(ctx, &user, &d, &subs)?)),
        None => Ok(None),
    }
}

/// Queues notification emails: at most one per recipient and thread within
/// `MailContext::coalesce` (the rest waits for the digest), only for kinds the
/// recipient wants, and only about communities they may still read. Each
/// notification is decided once (`notifications::decide`), and the outbox key
/// (`notify:<first id>`) makes a repeat or a second planner harmless.
pub fn plan_notifications(conn: &mut AnyConnection, ctx: &MailContext) -> Result<usize> {
    let mut queued = 0;
    for group in notifications::undecided_mail(conn)? {
        queued += write_tx(conn, |conn| plan_notification_group(conn, ctx, &group))?;
    }
    Ok(queued)
}

fn plan_notification_group(
    conn: &mut AnyConnection,
    ctx: &MailContext,
    group: &notifications::MailGroup,
) -> Result<usize> {
    notifications::decide(conn, &group.unwanted, notifications::MAIL_SKIPPED)?;
    let ids: Vec<i64> = group.events.iter().map(|e| e.id).collect();
    if notifications::mailed_about_since(conn, group.user_id, group.thread_id, now() - ctx.coalesce)? {
        notifications::decide(conn, &ids, notifications::MAIL_SKIPPED)?;
        return Ok(0);
    }
    let claimed = notifications::decide(conn, &ids, notifications::MAIL_SENT)?;
    let events: Vec<&notifications::Event> = group.events.iter().filter(|e| claimed.contains(&e.id)).collect();
    let Some(first) = events.first() else { return Ok(0) };
    let user = accounts::find(conn, group.user_id)?;
    let lang = user.locale.as_deref().and_then(Lang::parse).unwrap_or_default();
    let thread = crate::threads::by_id(conn, group.thread_id)?;
    let link = match first.post_id {
        Some(p) => format!("{}/p/{p}", ctx.base_url),
        None => thread_url(ctx.base_url, group.thread_id),
    };
    let subject = if events.len() == 1 {
        lang.t_args(
            &format!("notify-subject-{}", first.kind),
            &[("name", first.actor_name.clone().into()), ("title", thread.title.clone().into())],
        )
    } else {
        lang.t_args(
            "notify-subject-several",
            &[("count", (events.len() as i64).into()), ("title", thread.title.clone().into())],
        )
    };
    let lines: Vec<String> = events
        .iter()
        .map(|e| {
            lang.t_args(
                &format!("notify-body-{}", e.kind),
                &[("name", e.actor_name.clone().into()), ("title", thread.title.clone().into())],
            )
        })
        .collect();
    let post_ids: Vec<i64> = events.iter().filter_map(|e| e.post_id).collect();
    let files: Vec<crate::files::Mention> =
        crate::files::for_posts(conn, &post_ids)?.into_values().flatten().map(|f| f.mention(ctx.base_url)).collect();
    let unsubscribe = notifications_unsubscribe_url(ctx, user.id);
    let mut t = tera::Context::new();
    t.insert("files", &files);
    t.insert("lang", &lang);
    t.insert("user", &user);
    t.insert("subject", &subject);
    t.insert("lines", &lines);
    t.insert("title", &thread.title);
    t.insert("link", &link);
    t.insert("settings_url", &format!("{}/settings", ctx.base_url));
    t.insert("unsubscribe_url", &unsubscribe);
    let render = |name: &str| ctx.templates.render(name, &t).with_context(|| format!("cannot render {name}"));
    let (text, html) = (render("email/notification.txt")?, render("email/notification.html")?);
    let done = outbox::enqueue(
        conn,
        &NewMail {
            dedupe_key: &format!("notify:{}", first.id),
            kind: &first.kind,
            user_id: user.id,
            to_address: &user.email,
            subject: &subject,
            body_text: &text,
            body_html: &html,
            unsubscribe_url: Some(&unsubscribe),
            community_id: Some(group.community_id),
        },
    )?;
    Ok(usize::from(done))
}

/// The signature of a notifications unsubscribe link.
fn notifications_signature(secret: &[u8], user_id: i64) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(format!("unsubscribe-notifications\0{user_id}").as_bytes());
    hex::encode(&mac.finalize().into_bytes()[..16])
}

/// A link that turns off one user's notification emails (RFC 8058
/// one-click, like digests), signed so it works for no one else.
pub fn notifications_unsubscribe_url(ctx: &MailContext, user_id: i64) -> String {
    format!("{}/notifications/unsubscribe/{user_id}/{}", ctx.base_url, notifications_signature(ctx.secret, user_id))
}

pub fn verify_notifications_unsubscribe(secret: &[u8], user_id: i64, signature: &str) -> bool {
    crate::accounts::tokens::same_secret(&notifications_signature(secret, user_id), signature)
}
