//! Generates realistic data at scale for benchmarks: `sala demo --scale N`.
//! Deterministic for a seed. Rows go in with explicit ids, in multi-row
//! batches inside large transactions, so a million posts take minutes.
//!
//! Shape: a few communities with boards; users who belong to one to three
//! communities; threads whose sizes have a long tail (most have a handful of
//! posts, a few have thousands), reply trees that are mostly shallow with
//! some long chains; Thai and English Markdown bodies of varied length.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;

use crate::db::schema::{boards, communities, memberships, post_revisions, posts, subscriptions, threads, users};
use crate::db::{on_inner, AnyConnection, Db};
use crate::error::{Error, Result};
use crate::vocab::{Role, ThreadKind};

/// Bench targets look these up in the report.
#[derive(Debug, Serialize)]
pub struct ScaleReport {
    pub posts: usize,
    pub threads: usize,
    pub users: usize,
    pub communities: usize,
    /// A thread with exactly 100 posts.
    pub thread_100: i64,
    /// A thread with 1,000 posts (or as many as the scale allows).
    pub thread_1000: i64,
    /// A thread that is one long reply chain.
    pub deep_thread: i64,
    /// A busy board's path, e.g. `/c/cop-1/b/qa`.
    pub board_path: String,
    /// A published knowledge item distilled from `thread_100`.
    pub knowledge_item: i64,
    pub seconds: f64,
    /// Building the search index afterwards (filled in by the CLI).
    pub index_seconds: f64,
}

const BATCH: usize = 1_000;
const TX_ROWS: usize = 50_000;

const COMMUNITY_NAMES: &[&str] = &[
    "ชุมชนนักปฏิบัติการจัดการความรู้",
    "ชุมชนงานบริการสารสนเทศ",
    "ชุมชนการเรียนการสอน",
    "ชุมชนงานพัสดุและจัดซื้อ",
    "ชุมชนงานบุคคล",
    "ชุมชนวิจัยและนวัตกรรม",
    "ชุมชนงานการเงินและบัญชี",
    "ชุมชนบริการประชาชน",
];
const BOARD_NAMES: &[(&str, &str)] = &[("qa", "ถาม-ตอบ"), ("stories", "เล่าประสบการณ์"), ("tools", "เครื่องมือและเทคนิค")];
const FIRST_NAMES: &[&str] =
    &["สมชาย", "มาลี", "วิชัย", "นิภา", "กัญญา", "ประเสริฐ", "สุดา", "อนันต์", "พิมพ์", "ธนา", "John", "Mary"];
const LAST_NAMES: &[&str] = &["ใจดี", "รักเรียน", "ช่างคิด", "ศรีสุข", "ใฝ่รู้", "มั่นคง", "แก้วกาญจนา", "Carter", "Smith"];
const THAI_SENTENCES: &[&str] = &[
    "การจัดการความรู้เริ่มจากการบ่งชี้ว่าองค์กรต้องรู้อะไรจึงจะบรรลุเป้าหมาย",
    "ความรู้ฝังลึกอยู่ในตัวคน ต้องอาศัยการเล่าเรื่องและการแลกเปลี่ยนในชุมชนนักปฏิบัติ",
    "ทีมของเราทดลองจัดวงแลกเปลี่ยนเรียนรู้ทุกเดือน แล้วบันทึกบทเรียนไว้ในคลังความรู้",
    "ปัญหาที่เจอบ่อยคือเอกสารกระจัดกระจาย ค้นหาไม่เจอเมื่อต้องการใช้งาน",
    "ผู้อำนวยความสะดวกควรสรุปประเด็นสำคัญให้สั้นและนำไปใช้ได้ทันที",
    "การถอดบทเรียนจากผู้เกษียณอายุราชการช่วยให้น้องใหม่ทำงานแทนได้เร็วขึ้น",
    "ลองใช้แบบฟอร์มสามข้อ ปัญหาคืออะไร ทำอย่างไร และได้บทเรียนอะไร",
    "เครื่องพิมพ์ส่วนกลางพิมพ์ภาษาไทยไม่ออก ต้องฝังฟอนต์ก่อนส่งออกเป็นไฟล์",
    "ขั้นตอนการจัดซื้อจัดจ้างเปลี่ยนไป ใครมีตัวอย่างเอกสารล่าสุดบ้างครับ",
    "ผู้บริหารสนับสนุนให้ใช้เวลาช่วงบ่ายวันศุกร์สำหรับการแบ่งปันความรู้",
];
const ENGLISH_SENTENCES: &[&str] = &[
    "We tried a monthly knowledge-sharing circle and kept the lessons in the knowledge base.",
    "The hardest part is turning tacit know-how into something a newcomer can follow.",
    "A short template helped: what was the problem, what did we do, what did we learn.",
    "Has anyone automated the monthly report export? Our macro broke after the update.",
];

fn bodies(rng: &mut StdRng, count: usize) -> Vec<(String, String)> {
    (0..count)
        .map(|i| {
            let paragraphs = match i % 10 {
                0..=5 => 1,
                6..=8 => 2,
                _ => 5,
            };
            let mut md = String::new();
            for p in 0..paragraphs {
                if p > 0 {
                    md.push_str("\n\n");
                }
                let sentences = rng.gen_range(1..=4);
                for s in 0..sentences {
                    if s > 0 {
                        md.push(' ');
                    }
                    let english = rng.gen_bool(0.2);
                    let pool = if english { ENGLISH_SENTENCES } else { THAI_SENTENCES };
                    md.push_str(pool[rng.gen_range(0..pool.len())]);
                }
                match rng.gen_range(0..12) {
                    0 => md.push_str("\n\n- ข้อแรก\n- ข้อสอง\n- **ข้อสาม**"),
                    1 => md.push_str("\n\n| ขั้นตอน | ผู้รับผิดชอบ |\n|---|---|\n| วางแผน | ทีม KM |\n| ทบทวน | หัวหน้างาน |"),
                    2 => md.push_str("\n\n> ความรู้ที่ไม่ได้แบ่งปัน คือความรู้ที่รอวันสูญหาย"),
                    3 => md.push_str(" ดูเพิ่มเติมที่ https://example.org/km"),
                    _ => {}
                }
            }
            let html = crate::markdown::render(&md);
            (md, html)
        })
        .collect()
}

/// How many posts each thread gets: a long tail.
fn thread_sizes(rng: &mut StdRng, total: usize) -> Vec<(usize, Shape)> {
    fn take(n: usize, shape: Shape, left: &mut usize, sizes: &mut Vec<(usize, Shape)>) {
        let n = n.min(*left);
        if n > 0 {
            sizes.push((n, shape));
            *left -= n;
        }
    }
    let mut sizes = Vec::new();
    let mut left = total;
    take(100, Shape::Bushy, &mut left, &mut sizes);
    take(if total >= 5_000 { 1_000 } else { total / 5 }, Shape::Bushy, &mut left, &mut sizes);
    take(if total >= 10_000 { 500 } else { 20 }, Shape::Chain, &mut left, &mut sizes);
    while left > 0 {
        let n = match rng.gen_range(0..1000) {
            0..=599 => rng.gen_range(1..=5),
            600..=849 => rng.gen_range(6..=20),
            850..=969 => rng.gen_range(21..=100),
            970..=994 => rng.gen_range(101..=1000),
            _ => rng.gen_range(1001..=3000),
        };
        take(n, Shape::Bushy, &mut left, &mut sizes);
    }
    sizes
}

#[derive(Clone, Copy)]
enum Shape {
    Bushy,
    Chain,
}

#[derive(Insertable)]
#[diesel(table_name = posts)]
struct PostRow<'a> {
    id: i64,
    thread_id: i64,
    parent_id: Option<i64>,
    author_id: i64,
    depth: i32,
    body_md: &'a str,
    body_html: &'a str,
    is_deleted: bool,
    edit_count: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = post_revisions)]
struct RevisionRow<'a> {
    post_id: i64,
    editor_id: i64,
    body_md: &'a str,
    body_html: &'a str,
    created_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = threads)]
struct ThreadRow {
    id: i64,
    board_id: i64,
    author_id: i64,
    kind: ThreadKind,
    title: String,
    is_locked: bool,
    is_pinned: bool,
    reply_count: i32,
    created_at: NaiveDateTime,
    last_activity_at: NaiveDateTime,
}

pub fn generate(db: &Db, total_posts: usize, seed: u64, users_wanted: Option<usize>) -> Result<ScaleReport> {
    let started = std::time::Instant::now();
    let mut conn = db.conn()?;
    let conn: &mut AnyConnection = &mut conn;
    let existing: i64 = posts::table.count().get_result(conn)?;
    let existing_users: i64 = users::table.count().get_result(conn)?;
    if existing > 0 || existing_users > 0 {
        return Err(Error::setup("--scale needs an empty database (it writes rows with fixed ids)"));
    }
    let mut rng = StdRng::seed_from_u64(seed);
    let pool = bodies(&mut rng, 3_000);
    let epoch = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).and_then(|d| d.and_hms_opt(8, 0, 0)).expect("valid date");
    let user_count = users_wanted.unwrap_or(total_posts / 100).max(50);
    insert_users(conn, user_count, epoch)?;
    let community_count = COMMUNITY_NAMES.len().min((total_posts / 1_000).max(3));
    let board_ids = insert_communities(conn, community_count, epoch)?;
    let member_pairs = insert_memberships(conn, &mut rng, user_count, community_count, epoch)?;
    let sizes = thread_sizes(&mut rng, total_posts);
    let written = insert_threads(conn, &mut rng, &pool, &sizes, &board_ids, user_count, epoch)?;
    // Every member follows the weekly digest; the last week is news to them.
    subscribe_weekly(conn, &member_pairs, written.last_post_at - Duration::days(7))?;
    refresh_counters_and_statistics(conn)?;
    let knowledge_item = distill_sample(conn, written.thread_100)?;
    Ok(ScaleReport {
        knowledge_item,
        posts: written.posts,
        threads: sizes.len(),
        users: user_count,
        communities: community_count,
        thread_100: written.thread_100,
        thread_1000: written.thread_1000,
        deep_thread: written.deep_thread,
        board_path: "/c/cop-1/b/qa".to_owned(),
        seconds: started.elapsed().as_secs_f64(),
        index_seconds: 0.0,
    })
}

/// `count` users (`user1` … `userN`, `user1` an admin), all with the demo password.
fn insert_users(conn: &mut AnyConnection, count: usize, epoch: NaiveDateTime) -> Result<()> {
    let password_hash = crate::accounts::hash_password(super::DEMO_PASSWORD)?;
    for chunk_start in (1..=count).step_by(BATCH) {
        let rows: Vec<_> = (chunk_start..(chunk_start + BATCH).min(count + 1))
            .map(|i| {
                let name = format!(
                    "{} {}",
                    FIRST_NAMES[i % FIRST_NAMES.len()],
                    LAST_NAMES[(i / FIRST_NAMES.len()) % LAST_NAMES.len()]
                );
                (
                    users::id.eq(i as i64),
                    users::username.eq(format!("user{i}")),
                    users::display_name.eq(name),
                    users::email.eq(format!("user{i}@bench.sala.local")),
                    users::password_hash.eq(password_hash.clone()),
                    users::is_admin.eq(i == 1),
                    users::token_version.eq(0),
                    users::created_at.eq(epoch),
                    users::email_confirmed_at.eq(Some(epoch)),
                )
            })
            .collect();
        on_inner!(&mut *conn, |c| diesel::insert_into(users::table).values(&rows).execute(c))?;
    }
    Ok(())
}

/// `count` public communities with the standard boards; returns the boards' ids.
fn insert_communities(conn: &mut AnyConnection, count: usize, epoch: NaiveDateTime) -> Result<Vec<i64>> {
    let mut board_ids = Vec::new();
    for (ci, name) in COMMUNITY_NAMES.iter().take(count).enumerate() {
        let cid = ci as i64 + 1;
        let description = format!("{name}: พื้นที่แลกเปลี่ยนเรียนรู้ของสมาชิก");
        diesel::insert_into(communities::table)
            .values((
                communities::id.eq(cid),
                communities::slug.eq(format!("cop-{cid}")),
                communities::name.eq(*name),
                communities::description_html.eq(crate::markdown::render(&description)),
                communities::description_md.eq(description),
                communities::is_public.eq(true),
                communities::created_at.eq(epoch),
            ))
            .execute(conn)?;
        for (bi, (slug, bname)) in BOARD_NAMES.iter().enumerate() {
            let bid = (ci * BOARD_NAMES.len() + bi) as i64 + 1;
            diesel::insert_into(boards::table)
                .values((
                    boards::id.eq(bid),
                    boards::community_id.eq(cid),
                    boards::slug.eq(*slug),
                    boards::name.eq(*bname),
                    boards::description.eq(""),
                    boards::position.eq(bi as i32),
                    boards::created_at.eq(epoch),
                ))
                .execute(conn)?;
            board_ids.push(bid);
        }
    }
    Ok(board_ids)
}

/// Each user joins one to three neighbouring communities; the first users
/// facilitate their own. Returns `(community, user)` pairs.
fn insert_memberships(
    conn: &mut AnyConnection,
    rng: &mut StdRng,
    user_count: usize,
    community_count: usize,
    epoch: NaiveDateTime,
) -> Result<Vec<(i64, i64)>> {
    let mut member_rows = Vec::new();
    let mut member_pairs: Vec<(i64, i64)> = Vec::new();
    for uid in 1..=user_count as i64 {
        let first = rng.gen_range(0..community_count) as i64 + 1;
        let count = rng.gen_range(1..=3.min(community_count));
        for k in 0..count as i64 {
            let cid = (first - 1 + k) % community_count as i64 + 1;
            let role = if uid as usize <= community_count && cid == uid { Role::Facilitator } else { Role::Member };
            member_pairs.push((cid, uid));
            member_rows.push((
                memberships::community_id.eq(cid),
                memberships::user_id.eq(uid),
                memberships::role.eq(role),
                memberships::joined_at.eq(epoch),
            ));
        }
    }
    for chunk in member_rows.chunks(BATCH) {
        on_inner!(&mut *conn, |c| diesel::insert_into(memberships::table).values(chunk).execute(c))?;
    }
    Ok(member_pairs)
}

/// What writing the threads produced: how many posts, the threads the
/// benchmarks visit, and the last post's time.
struct Written {
    posts: usize,
    thread_100: i64,
    thread_1000: i64,
    deep_thread: i64,
    last_post_at: NaiveDateTime,
}

/// Threads of the given sizes and shapes, their posts and revisions, over
/// two years from `epoch`, streamed in batches.
fn insert_threads(
    conn: &mut AnyConnection,
    rng: &mut StdRng,
    pool: &[(String, String)],
    sizes: &[(usize, Shape)],
    board_ids: &[i64],
    user_count: usize,
    epoch: NaiveDateTime,
) -> Result<Written> {
    let total_posts: usize = sizes.iter().map(|(size, _)| size).sum();
    let minutes_span = 2 * 365 * 24 * 60;
    let step = (minutes_span / total_posts.max(1)).max(1) as i64;
    let mut clock = epoch;
    let mut post_id = 0i64;
    let mut posts_buf = Vec::with_capacity(BATCH);
    let mut revs_buf = Vec::with_capacity(BATCH);
    let mut threads_buf = Vec::new();
    let mut in_tx = 0usize;
    let (mut thread_100, mut thread_1000, mut deep_thread) = (0, 0, 0);
    crate::db::write_tx(conn, |conn| {
        for (ti, (size, shape)) in sizes.iter().enumerate() {
            let thread_id = ti as i64 + 1;
            match (ti, shape) {
                (0, _) => thread_100 = thread_id,
                (1, _) => thread_1000 = thread_id,
                (_, Shape::Chain) => deep_thread = thread_id,
                _ => {}
            }
            // The first busy board gets a share of every thread, so its
            // listing is deep; the rest spread over all boards.
            let board_id = if rng.gen_bool(0.2) { board_ids[0] } else { board_ids[rng.gen_range(0..board_ids.len())] };
            let author = rng.gen_range(1..=user_count) as i64;
            let times: Vec<NaiveDateTime> = (0..*size)
                .map(|_| {
                    clock += Duration::minutes(rng.gen_range(1..=step * 2));
                    clock
                })
                .collect();
            let title_source = &pool[(thread_id as usize * 7) % pool.len()].0;
            let title: String = title_source.lines().next().unwrap_or("").chars().take(80).collect();
            // The thread row goes in before its posts, which refer to it.
            threads_buf.push(ThreadRow {
                id: thread_id,
                board_id,
                author_id: author,
                kind: if ti % 3 == 1 { ThreadKind::Experience } else { ThreadKind::Question },
                title: format!("{title} #{thread_id}"),
                is_locked: false,
                is_pinned: ti < 2,
                reply_count: *size as i32 - 1,
                created_at: times[0],
                last_activity_at: times[times.len() - 1],
            });
            let mut ids: Vec<(i64, i32)> = Vec::with_capacity(*size);
            for (i, at) in times.iter().enumerate() {
                post_id += 1;
                let (parent, depth) = if i == 0 {
                    (None, 0)
                } else {
                    let pick = match shape {
                        Shape::Chain => ids.len() - 1,
                        Shape::Bushy => match rng.gen_range(0..100) {
                            0..=49 => 0,
                            50..=84 => ids.len() - 1 - rng.gen_range(0..ids.len().min(10)),
                            _ => ids.len() - 1,
                        },
                    };
                    let (pid, pdepth) = ids[pick];
                    (Some(pid), pdepth + 1)
                };
                let body = &pool[rng.gen_range(0..pool.len())];
                let by = if i == 0 { author } else { rng.gen_range(1..=user_count) as i64 };
                posts_buf.push(PostRow {
                    id: post_id,
                    thread_id,
                    parent_id: parent,
                    author_id: by,
                    depth,
                    body_md: &body.0,
                    body_html: &body.1,
                    is_deleted: false,
                    edit_count: 0,
                    created_at: *at,
                    updated_at: *at,
                });
                revs_buf.push(RevisionRow {
                    post_id,
                    editor_id: by,
                    body_md: &body.0,
                    body_html: &body.1,
                    created_at: *at,
                });
                ids.push((post_id, depth));
                if posts_buf.len() >= BATCH {
                    flush_batch(conn, &mut threads_buf, &mut posts_buf, &mut revs_buf, &mut in_tx)?;
                }
            }
        }
        flush_batch(conn, &mut threads_buf, &mut posts_buf, &mut revs_buf, &mut in_tx)
    })?;
    Ok(Written { posts: post_id as usize, thread_100, thread_1000, deep_thread, last_post_at: clock })
}

/// Every membership follows the weekly digest, from `since`.
fn subscribe_weekly(conn: &mut AnyConnection, member_pairs: &[(i64, i64)], since: NaiveDateTime) -> Result<()> {
    let subscription_rows: Vec<_> = member_pairs
        .iter()
        .map(|(cid, uid)| {
            (
                subscriptions::community_id.eq(*cid),
                subscriptions::user_id.eq(*uid),
                subscriptions::frequency.eq(crate::vocab::Frequency::Weekly),
                subscriptions::watermark.eq(since),
            )
        })
        .collect();
    for chunk in subscription_rows.chunks(BATCH) {
        on_inner!(&mut *conn, |c| diesel::insert_into(subscriptions::table).values(chunk).execute(c))?;
    }
    Ok(())
}

/// The counters the pages show (as the migration computes them), the id
/// sequences past the fixed ids, and fresh planner statistics.
fn refresh_counters_and_statistics(conn: &mut AnyConnection) -> Result<()> {
    diesel::sql_query(
        "UPDATE boards SET thread_count = (SELECT COUNT(*) FROM threads WHERE threads.board_id = boards.id)",
    )
    .execute(conn)?;
    diesel::sql_query(
        "UPDATE communities SET \
         thread_count = (SELECT COALESCE(SUM(boards.thread_count), 0) FROM boards WHERE boards.community_id = communities.id), \
         member_count = (SELECT COUNT(*) FROM memberships WHERE memberships.community_id = communities.id)",
    )
    .execute(conn)?;
    if let AnyConnection::Postgresql(pg) = conn {
        for table in ["users", "communities", "boards", "threads", "posts"] {
            diesel::sql_query(format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))"
            ))
            .execute(pg)?;
        }
        diesel::sql_query("ANALYZE").execute(pg)?;
    } else if let AnyConnection::Sqlite(lite) = conn {
        diesel::sql_query("ANALYZE").execute(lite)?;
    }
    Ok(())
}

/// Writes the buffered threads, then their posts and revisions; every
/// `TX_ROWS` posts, commits and begins again so that no transaction grows
/// without bound.
fn flush_batch(
    conn: &mut AnyConnection,
    threads_buf: &mut Vec<ThreadRow>,
    posts_buf: &mut Vec<PostRow<'_>>,
    revs: &mut Vec<RevisionRow<'_>>,
    in_tx: &mut usize,
) -> Result<()> {
    if !threads_buf.is_empty() {
        on_inner!(&mut *conn, |c| diesel::insert_into(threads::table).values(&*threads_buf).execute(c))?;
        threads_buf.clear();
    }
    if !posts_buf.is_empty() {
        on_inner!(&mut *conn, |c| diesel::insert_into(posts::table).values(&*posts_buf).execute(c))?;
        on_inner!(&mut *conn, |c| diesel::insert_into(post_revisions::table).values(&*revs).execute(c))?;
        *in_tx += posts_buf.len();
        posts_buf.clear();
        revs.clear();
    }
    if *in_tx >= TX_ROWS {
        *in_tx = 0;
        type Manager = <AnyConnection as diesel::Connection>::TransactionManager;
        use diesel::connection::TransactionManager;
        Manager::commit_transaction(conn)?;
        Manager::begin_transaction(conn)?;
    }
    Ok(())
}

/// Resolves the 100-post thread and distills it (citing five replies) into a
/// published item, through the domain's own functions, as a facilitator would.
fn distill_sample(conn: &mut AnyConnection, thread_id: i64) -> Result<i64> {
    use crate::authz::Viewer;
    let admin = Viewer::user(1, true);
    let replies: Vec<i64> = posts::table
        .filter(posts::thread_id.eq(thread_id))
        .filter(posts::parent_id.is_not_null())
        .order(posts::id.asc())
        .limit(5)
        .select(posts::id)
        .load(conn)?;
    let Some(&answer) = replies.first() else { return Ok(0) };
    let thread = crate::threads::by_id(conn, thread_id)?;
    if thread.kind != crate::threads::ThreadKind::Question {
        return Ok(0);
    }
    crate::knowledge::resolve(conn, admin, thread_id, Some(answer))?;
    let mut draft = crate::knowledge::distill_draft(conn, admin, thread_id)?.sections;
    draft.summary = "สรุปแนวปฏิบัติจากการแลกเปลี่ยนในชุมชน".into();
    draft.lessons = "- เริ่มจากยุทธศาสตร์\n- ถามผู้รู้ก่อน".into();
    draft.tags = "km, แผนที่ความรู้".into();
    let item = crate::knowledge::distill(
        conn,
        admin,
        thread_id,
        &crate::knowledge::DistillInput { sections: draft, cite: replies },
    )?;
    crate::knowledge::publish(conn, admin, item.id)?;
    Ok(item.id)
}
