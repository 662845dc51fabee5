//! The test harness: a real Sala server on a free loopback port, backed by a
//! fresh database of its own (a SQLite file, or a new PostgreSQL database),
//! and HTTP clients that behave like a browser or an API caller.

use std::net::TcpListener;
use std::sync::atomic::{AtomicU64, Ordering};

use actix_web::{web, HttpServer};
use diesel::{Connection, OptionalExtension, QueryDsl, RunQueryDsl};
use sala::accounts::{self, Registration, User};
use sala::authz::Viewer;
use sala::communities::{self, Board, BoardInput, Community, CommunityInput};
use sala::config::Config;
use sala::db::{AnyConnection, Db, PooledConn};
use sala::web::{build_app, AppState};

pub const SECRET: &[u8] = b"test-secret-test-secret-test-secret-0123456789";
pub const PASSWORD: &str = "correct horse battery";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs a test body once per backend: `both_backends!(name, async_fn)`.
#[macro_export]
macro_rules! both_backends {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::harness::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::harness::Backend::Postgres).await
            }
        }
    };
}

pub fn postgres_admin_url() -> String {
    std::env::var("TEST_DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// A database that exists for one test only.
pub struct TestDb {
    pub url: String,
    pub dir: tempfile::TempDir,
    pg_name: Option<String>,
}

impl TestDb {
    /// A SQLite database in `dir` (a folder the test prepared).
    pub fn sqlite_in(dir: tempfile::TempDir) -> TestDb {
        TestDb { url: format!("sqlite://{}", dir.path().join("sala.db").display()), dir, pg_name: None }
    }

    /// The PostgreSQL database's name, if it is one.
    pub fn postgres_name(&self) -> Option<&str> {
        self.pg_name.as_deref()
    }

    pub fn create(backend: Backend) -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        match backend {
            Backend::Sqlite => {
                TestDb { url: format!("sqlite://{}", dir.path().join("sala.db").display()), dir, pg_name: None }
            }
            Backend::Postgres => {
                static COUNTER: AtomicU64 = AtomicU64::new(0);
                let name = format!(
                    "sala_test_{}_{}_{}",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::SeqCst),
                    rand_suffix()
                );
                let admin = postgres_admin_url();
                let mut conn = diesel::PgConnection::establish(&admin).unwrap_or_else(|e| {
                    panic!("PostgreSQL is needed at {admin} (set TEST_DATABASE_URL, or run tests/run): {e}")
                });
                diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut conn).expect("create test database");
                let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
                TestDb { url: format!("{base}/{name}"), dir, pg_name: Some(name) }
            }
        }
    }
}

fn rand_suffix() -> u32 {
    use std::time::{SystemTime, UNIX_EPOCH};
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0)
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(name) = &self.pg_name {
            if let Ok(mut conn) = diesel::PgConnection::establish(&postgres_admin_url()) {
                let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut conn);
            }
        }
    }
}

/// A running Sala with its own database.
pub struct TestApp {
    pub base: String,
    pub state: web::Data<AppState>,
    server: actix_web::dev::ServerHandle,
    // Dropped last: the server must stop before its database goes.
    pub db: TestDb,
}

impl TestApp {
    pub async fn start(backend: Backend) -> TestApp {
        Self::start_with(backend, |_| {}).await
    }

    pub async fn start_with(backend: Backend, tweak: impl FnOnce(&mut Config)) -> TestApp {
        Self::start_on(TestDb::create(backend), tweak).await
    }

    /// A server on a database made beforehand (a SQLite file in a folder of
    /// the test's choosing, say).
    pub async fn start_on(db: TestDb, tweak: impl FnOnce(&mut Config)) -> TestApp {
        let listener = TcpListener::bind("127.0.0.1:0").expect("free port");
        let port = listener.local_addr().expect("port").port();
        let mut config = Config::for_database(&db.url, db.dir.path(), SECRET);
        config.base_url = format!("http://127.0.0.1:{port}");
        // Tests write faster than people; the tests of the limits set their own.
        config.write_limits = sala::config::WriteLimits {
            threads: 1000,
            posts: 1000,
            edits: 1000,
            flags: 1000,
            invitations: 1000,
            new_member_days: 1,
            new_member_posts_per_hour: 1000,
        };
        config.signups_per_hour_per_ip = 1000;
        tweak(&mut config);
        let pool = Db::connect(&config.database_url, 6).expect("connect");
        pool.migrate().expect("migrate");
        let state = web::Data::new(AppState::new(pool, config).expect("app state"));
        let (tx, rx) = std::sync::mpsc::channel();
        let server_state = state.clone();
        std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let server = HttpServer::new(move || build_app(server_state.clone()))
                    .workers(2)
                    .disable_signals()
                    .listen(listener)
                    .expect("listen")
                    .run();
                tx.send(server.handle()).expect("hand over the server handle");
                server.await
            })
        });
        let server = rx.recv().expect("server started");
        TestApp { base: format!("http://127.0.0.1:{port}"), state, server, db }
    }

    /// A second instance on the same database, as behind a load balancer,
    /// with a data directory of its own.
    pub async fn another_instance(&self, tweak: impl FnOnce(&mut Config)) -> TestApp {
        let shared = TestDb { url: self.db.url.clone(), dir: tempfile::tempdir().expect("temp dir"), pg_name: None };
        Self::start_on(shared, tweak).await
    }

    pub fn conn(&self) -> PooledConn {
        self.state.db.conn().expect("database connection")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn user(&self, username: &str, admin: bool) -> User {
        let reg = Registration {
            username: username.into(),
            display_name: format!("{username} display"),
            email: format!("{username}@example.org"),
            password: PASSWORD.into(),
        };
        let mut conn = self.conn();
        let user = accounts::register(&mut conn, &reg, admin).expect("register user");
        accounts::confirm_email_directly(&mut conn, user.id).expect("confirm email")
    }

    /// A new API session for `user` (as `POST /api/v1/auth/login` gives).
    pub fn token(&self, user: &User) -> String {
        let mut conn = self.conn();
        let fresh = accounts::find(&mut conn, user.id).expect("user");
        accounts::sessions::start(&mut conn, SECRET, &fresh, 1).expect("token")
    }

    /// A public community with one board, created by a fresh admin.
    pub fn community(&self, slug: &str) -> (Community, Board) {
        self.community_with(slug, true)
    }

    /// A private community with one board: members join by appointment
    /// (`make_facilitator`), and outsiders cannot see it.
    pub fn private_community(&self, slug: &str) -> (Community, Board) {
        self.community_with(slug, false)
    }

    fn community_with(&self, slug: &str, is_public: bool) -> (Community, Board) {
        let admin = self.user(&format!("admin-{slug}"), true);
        let viewer = Viewer::user(admin.id, true);
        let conn: &mut AnyConnection = &mut self.conn();
        let community = communities::create(
            conn,
            viewer,
            &CommunityInput {
                slug: slug.into(),
                name: format!("ชุมชน {slug}"),
                description: String::new(),
                is_public,
                review_months: None,
            },
        )
        .expect("community");
        let board = communities::create_board(
            conn,
            viewer,
            community.id,
            &BoardInput {
                slug: "qa".into(),
                name: "ถาม-ตอบ".into(),
                description: String::new(),
                position: 0,
                default_kind: None,
            },
        )
        .expect("board");
        (community, board)
    }

    /// A second board in `community` (made by `community`), whose threads
    /// start as experiences.
    pub fn experience_board(&self, community: &Community, slug: &str) -> Board {
        let admin = accounts::find_by_username(&mut self.conn(), &format!("admin-{}", community.slug)).expect("admin");
        let input = BoardInput {
            slug: slug.into(),
            name: format!("เล่าประสบการณ์ {slug}"),
            description: String::new(),
            position: 1,
            default_kind: Some(sala::threads::ThreadKind::Experience),
        };
        communities::create_board(&mut self.conn(), Viewer::user(admin.id, true), community.id, &input).expect("board")
    }

    /// Makes `user` a member of `community` as its admin would (the way
    /// into a private community besides an invitation).
    pub fn join_by_appointment(&self, user: &User, community: &Community) {
        let admin = accounts::find_by_username(&mut self.conn(), &format!("admin-{}", community.slug)).expect("admin");
        communities::invitations::add_member(
            &mut self.conn(),
            Viewer::user(admin.id, true),
            &community.slug,
            &user.username,
        )
        .expect("add member");
    }

    /// `user_id`'s role in `community`, if a member.
    pub fn role_in(&self, community: &Community, user_id: i64) -> Option<sala::vocab::Role> {
        use sala::db::schema::memberships;
        memberships::table
            .find((community.id, user_id))
            .select(memberships::role)
            .first(&mut self.conn())
            .optional()
            .expect("read a membership")
    }

    pub fn join(&self, user: &User, community: &Community) {
        communities::join(&mut self.conn(), Viewer::user(user.id, user.is_admin), community.id).expect("join");
    }

    pub fn make_facilitator(&self, user: &User, community: &Community) {
        let admin = self.user(&format!("appointer-{}", user.username), true);
        communities::set_facilitator(&mut self.conn(), Viewer::user(admin.id, true), community.id, user.id, true)
            .expect("appoint");
    }

    /// A browser signed in as `user` through the login form.
    pub async fn signed_in(&self, user: &User) -> Browser {
        let browser = self.browser();
        browser.login(&user.username).await;
        browser
    }

    /// A new member of `community`, logged in through the login form.
    pub async fn member_browser(&self, username: &str, community: &Community) -> Browser {
        let user = self.user(username, false);
        self.join(&user, community);
        let browser = self.browser();
        browser.login(username).await;
        browser
    }

    pub fn browser(&self) -> Browser {
        let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
        Browser {
            base: self.base.clone(),
            client: reqwest::Client::builder()
                .cookie_provider(jar.clone())
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            jar,
        }
    }

    pub fn api(&self) -> reqwest::Client {
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Stop accepting and close the pool's users before the database goes.
        drop(self.server.stop(false));
    }
}

/// A cookie-keeping client that submits forms as a browser would.
pub struct Browser {
    pub base: String,
    pub client: reqwest::Client,
    jar: std::sync::Arc<reqwest::cookie::Jar>,
}

pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub body: String,
}

impl Page {
    /// Where the redirect leads, without the `#p…` that points at a post.
    pub fn redirect_path(&self) -> Option<String> {
        self.location.as_deref().map(|l| l.split('#').next().unwrap_or(l).to_owned())
    }

    pub fn csrf(&self) -> String {
        let re = regex::Regex::new(r#"name="csrf" value="([0-9a-f]+)""#).unwrap();
        re.captures(&self.body).map(|c| c[1].to_owned()).expect("page has a CSRF token")
    }
}

impl Browser {
    /// The value of one of the browser's cookies for this site.
    pub fn cookie(&self, name: &str) -> Option<String> {
        use reqwest::cookie::CookieStore;
        let header = self.jar.cookies(&self.base.parse().ok()?)?;
        header.to_str().ok()?.split("; ").find_map(|pair| pair.strip_prefix(&format!("{name}=")).map(str::to_owned))
    }

    pub async fn get(&self, path: &str) -> Page {
        let res = self.client.get(format!("{}{}", self.base, path)).send().await.expect("GET");
        Self::page(res).await
    }

    async fn page(res: reqwest::Response) -> Page {
        let status = res.status().as_u16();
        let location = res.headers().get("location").and_then(|v| v.to_str().ok()).map(str::to_owned);
        let body = res.text().await.expect("body");
        Page { status, location, body }
    }

    /// Posts a form with the CSRF token a fresh page view would give it.
    pub async fn submit(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let token = self.get("/").await.csrf();
        let mut all: Vec<(&str, &str)> = vec![("csrf", token.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &all).await
    }

    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let res = self.client.post(format!("{}{}", self.base, path)).form(fields).send().await.expect("POST");
        Self::page(res).await
    }

    pub async fn login(&self, username: &str) -> Page {
        let page = self.submit("/login", &[("login", username), ("password", PASSWORD), ("next", "/")]).await;
        assert_eq!(page.status, 303, "login should redirect: {}", page.body);
        page
    }
}

/// Thai prose for tests: paragraphs written for Sala
/// (`tests/fixtures/thai-km-prose.txt`), followed by the KM seed article
/// when a `../shared` folder beside the repository has it (an extra corpus,
/// never required).
pub fn seed_text() -> String {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let own = std::fs::read_to_string(root.join("tests/fixtures/thai-km-prose.txt")).expect("the Thai fixture");
    let mut text: String = own.lines().filter(|l| !l.starts_with('#')).collect::<Vec<_>>().join("\n");
    if let Ok(extra) = std::fs::read_to_string(root.join("../shared/seed/km-thai-2013.txt")) {
        text.push('\n');
        text.push_str(&extra);
    }
    text
}

/// The single-use token in the link of the newest mail to `address` that
/// has one under `path` (`/confirm-email/`, `/password/reset/`).
pub fn mailed_token(smtp: &crate::smtp::SmtpSink, address: &str, path: &str) -> Option<String> {
    let pattern = regex::Regex::new(&format!("{}([0-9a-f]{{64}})", regex::escape(path))).unwrap();
    crate::smtp::texts(smtp, address).iter().rev().find_map(|t| pattern.captures(t).map(|c| c[1].to_owned()))
}

/// Starts a thread through the API; returns `(thread_id, opening_post_id)`.
pub async fn api_thread(app: &TestApp, token: &str, board_id: i64, kind: &str, title: &str, body: &str) -> (i64, i64) {
    let (status, created) = json(
        app.api()
            .post(app.url(&format!("/api/v1/boards/{board_id}/threads")))
            .bearer_auth(token)
            .json(&serde_json::json!({"kind": kind, "title": title, "body": body}))
            .send()
            .await
            .expect("POST thread"),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    (created["thread"]["id"].as_i64().unwrap(), created["post"]["id"].as_i64().unwrap())
}

/// Replies to a thread's opening post through the API: `(status, body)`.
pub async fn api_reply(app: &TestApp, token: &str, thread_id: i64, body: &str) -> (u16, serde_json::Value) {
    json(
        app.api()
            .post(app.url(&format!("/api/v1/threads/{thread_id}/posts")))
            .bearer_auth(token)
            .json(&serde_json::json!({"body": body}))
            .send()
            .await
            .expect("POST reply"),
    )
    .await
}

pub async fn json(res: reqwest::Response) -> (u16, serde_json::Value) {
    let status = res.status().as_u16();
    let value = res.json().await.unwrap_or(serde_json::Value::Null);
    (status, value)
}

/// A small knowledge base to look at, as a Thai facilitator sees it: a
/// question resolved and distilled into a published, revised item with a
/// review date, a second resolved question waiting in the distill queue,
/// an experience, and notifications.
pub struct KmFixture {
    pub community: Community,
    pub board: Board,
    pub facilitator: User,
    pub thread_id: i64,
    pub item_id: i64,
    /// A KM plan the facilitator (also a KM officer) wrote.
    pub plan_id: i64,
}

pub fn km_fixture(app: &TestApp) -> KmFixture {
    use sala::knowledge::{self, DistillInput, Sections};
    use sala::threads::{self, NewThread};
    let (community, board) = app.community("km");
    let stories = app.experience_board(&community, "stories");
    let asker = app.user("asker", false);
    let helper = app.user("helper", false);
    let facilitator = app.user("facil", false);
    for u in [&asker, &helper] {
        app.join(u, &community);
    }
    app.make_facilitator(&facilitator, &community);
    accounts::set_locale(&mut app.conn(), facilitator.id, "th").expect("locale");
    let conn: &mut AnyConnection = &mut app.conn();
    let ask = |conn: &mut AnyConnection, board_id: i64, kind: &str, title: &str, body: &str| {
        let input = NewThread { kind: kind.into(), title: title.into(), body: body.into(), ..Default::default() };
        threads::create_thread(conn, asker.viewer(), board_id, &input).expect("thread").0.id
    };
    let thread_id = ask(conn, board.id, "question", "ทำแผนที่ความรู้ของกองอย่างไร", "เริ่ม**ตรงไหน**ดีครับ");
    let answer =
        threads::reply(conn, helper.viewer(), thread_id, None, "เริ่มจากยุทธศาสตร์ แล้วไล่ว่าความรู้อยู่กับใคร").expect("reply").id;
    threads::reply(conn, asker.viewer(), thread_id, Some(answer), "ขอบคุณครับ").expect("nested reply");
    knowledge::resolve(conn, asker.viewer(), thread_id, Some(answer)).expect("resolve");
    let review_on = chrono::Utc::now().date_naive() + chrono::Duration::days(90);
    let sections = Sections {
        title: "แผนที่ความรู้ฉบับย่อ".into(),
        summary: "เริ่มจากยุทธศาสตร์ แล้วทำตารางผู้รู้".into(),
        context: "หน่วยงานไม่รู้จะเริ่มตรงไหน".into(),
        solution: "1. ไล่จากยุทธศาสตร์\n2. ทำตารางผู้รู้".into(),
        lessons: "ถามผู้รู้ก่อนเขียนเอกสาร".into(),
        tags: "แผนที่ความรู้".into(),
        review_on: Some(review_on),
    };
    let input = DistillInput { sections: sections.clone(), cite: vec![answer] };
    let item = knowledge::distill(conn, facilitator.viewer(), thread_id, &input).expect("distill");
    knowledge::publish(conn, facilitator.viewer(), item.id).expect("publish");
    let revised = Sections { review_on: Some(review_on + chrono::Duration::days(30)), ..sections };
    knowledge::revise(conn, facilitator.viewer(), item.id, &revised, "เลื่อนวันทบทวน").expect("revise");
    let waiting = ask(conn, board.id, "question", "ส่งรายงานผลการดำเนินงานรายไตรมาสที่ไหน", "ต้องส่งภายในวันที่เท่าไร");
    let answer = threads::reply(conn, helper.viewer(), waiting, None, "ส่งผ่านระบบสารบรรณภายในวันที่ห้า").expect("reply").id;
    knowledge::resolve(conn, asker.viewer(), waiting, Some(answer)).expect("resolve");
    ask(conn, stories.id, "experience", "บทเรียนจากการทำ AAR ครั้งแรก", "ทีมได้เรียนรู้ว่าต้องตั้งคำถามให้ชัด");
    threads::reply(conn, helper.viewer(), thread_id, None, "เพิ่มเติม: ทำแบบสำรวจก่อนก็ได้").expect("reply");
    let plan_id = km_plan_fixture(conn, &facilitator);
    KmFixture { community, board, facilitator, thread_id, item_id: item.id, plan_id }
}

/// The facilitator, made a KM officer, writes a plan for fiscal year 2570
/// with a scope, an area tied to the fixture item's tag, an activity and
/// indicators.
fn km_plan_fixture(conn: &mut AnyConnection, officer: &User) -> i64 {
    use diesel::ExpressionMethods;
    use sala::db::schema::site_roles;
    use sala::kmplan::{self, IndicatorSource, KmStep, NewActivity, NewArea, NewIndicator, NewScope, PlanFields};
    diesel::insert_into(site_roles::table)
        .values((
            site_roles::user_id.eq(officer.id),
            site_roles::role.eq(sala::vocab::SiteRole::KmOfficer),
            site_roles::granted_at.eq(sala::db::now()),
        ))
        .execute(conn)
        .expect("appoint a KM officer");
    let viewer = officer.viewer();
    let fields =
        PlanFields {
            fiscal_year: 2570, title: "แผนการจัดการความรู้ ปีงบประมาณ 2570".into(), ..Default::default()
        };
    let plan = kmplan::create(conn, viewer, &fields).expect("plan");
    let scope = NewScope {
        title: "แผนที่ความรู้".into(), reason: "ความรู้อยู่กับคนไม่กี่คน".into(), ..Default::default()
    };
    let scope = kmplan::add_scope(conn, viewer, plan.id, &scope).expect("scope");
    let area = NewArea {
        title: "การทำแผนที่ความรู้".into(), tags: vec!["แผนที่ความรู้".into()], community: None
    };
    kmplan::add_area(conn, viewer, scope, &area).expect("area");
    let activity = NewActivity {
        title: "เวทีแลกเปลี่ยนเรียนรู้".into(),
        step: KmStep::Share,
        owner: Some(officer.username.clone()),
        starts_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 15),
        ends_on: chrono::NaiveDate::from_ymd_opt(2027, 2, 1),
        status: sala::kmplan::ActivityStatus::Planned,
        link: Some("tag:แผนที่ความรู้".into()),
    };
    kmplan::add_activity(conn, viewer, scope, &activity).expect("activity");
    for (title, source) in [("ความรู้ที่เผยแพร่", IndicatorSource::PublishedItems), ("ความพึงพอใจ", IndicatorSource::Manual)]
    {
        let indicator =
            NewIndicator { title: title.into(), source, area_id: None, target: 3.0, unit: "เรื่อง".into() };
        kmplan::add_indicator(conn, viewer, scope, &indicator).expect("indicator");
    }
    plan.id
}

impl KmFixture {
    /// The pages a facilitator moves through, relative to the site.
    pub fn pages(&self) -> Vec<String> {
        let (c, b, t, k) = (&self.community.slug, &self.board.slug, self.thread_id, self.item_id);
        vec![
            "/".into(),
            format!("/c/{c}"),
            format!("/c/{c}/b/{b}"),
            format!("/t/{t}"),
            "/ask".into(),
            "/search?q=แผนที่ความรู้".into(),
            "/search?q=ไม่มีคำนี้แน่นอน".into(),
            "/knowledge".into(),
            format!("/k/{k}"),
            format!("/k/{k}/revisions"),
            format!("/k/{k}/diff?from=1&to=2"),
            format!("/k/{k}/edit"),
            format!("/t/{t}/distill"),
            format!("/c/{c}/review"),
            format!("/c/{c}/distill"),
            format!("/c/{c}/insights"),
            format!("/c/{c}/recognition"),
            format!("/c/{c}/search-words"),
            "/km/plans".into(),
            format!("/km/plans/{}", self.plan_id),
            format!("/km/plans/{}/report", self.plan_id),
            "/settings".into(),
            "/settings/subscriptions".into(),
            "/notifications".into(),
            "/u/helper".into(),
            "/privacy".into(),
        ]
    }
}

/// `POST /api/v1/auth/login`: the status and the answer.
pub async fn api_login(app: &TestApp, login: &str, password: &str) -> (u16, serde_json::Value) {
    json(
        app.api()
            .post(app.url("/api/v1/auth/login"))
            .json(&serde_json::json!({"login": login, "password": password}))
            .send()
            .await
            .unwrap(),
    )
    .await
}
