//! Database access: one connection type for SQLite and PostgreSQL, the pool,
//! the embedded migrations, and the helpers that keep blocking diesel calls
//! off the async workers.

pub mod schema;

use diesel::connection::{AnsiTransactionManager, Connection, SimpleConnection, TransactionManager};
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool, PooledConnection};
use diesel::RunQueryDsl;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::error::Context as _;
use crate::error::{Error, Result};

/// Both backends behind one diesel connection. Queries written against it run
/// on either; backend-specific SQL goes through a `match` on the variant.
#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Postgresql(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

/// Runs `$body` with `$c` bound to the inner connection, whichever backend:
/// written once, type-checked per backend. For what `MultiConnection` does
/// not cover (multi-row inserts) or does more slowly (its queries skip
/// diesel's prepared-statement cache, which matters on hot paths).
#[macro_export]
macro_rules! on_inner {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::AnyConnection::Postgresql($c) => $body,
            $crate::db::AnyConnection::Sqlite($c) => $body,
        }
    };
}
pub use on_inner;

pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");
pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");

pub type DbPool = Pool<ConnectionManager<AnyConnection>>;
pub type PooledConn = PooledConnection<ConnectionManager<AnyConnection>>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendKind {
    Postgres,
    Sqlite,
}

impl BackendKind {
    pub fn of_url(url: &str) -> BackendKind {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            BackendKind::Postgres
        } else {
            BackendKind::Sqlite
        }
    }
}

/// Adds libpq's `connect_timeout` unless the URL sets one.
fn with_connect_timeout(url: &str) -> String {
    if url.contains("connect_timeout=") {
        return url.to_owned();
    }
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}connect_timeout={CONNECT_TIMEOUT_SECS}")
}

/// `host:port` of a PostgreSQL URL, for messages (never the password).
fn postgres_address(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
    let host_port = rest.split(['/', '?']).next().unwrap_or_default();
    let host_port = if host_port.is_empty() { "localhost" } else { host_port };
    let has_port = host_port.rsplit_once(':').is_some_and(|(_, p)| p.chars().all(|c| c.is_ascii_digit()))
        && !host_port.ends_with(']');
    if has_port {
        host_port.to_owned()
    } else {
        format!("{host_port}:5432")
    }
}

/// Turns `sqlite://path` or a bare path into what diesel's SQLite expects.
fn sqlite_path(url: &str) -> &str {
    url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url)
}

#[derive(Debug)]
struct SqlitePragmas;

impl CustomizeConnection<AnyConnection, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut AnyConnection) -> std::result::Result<(), diesel::r2d2::Error> {
        if let AnyConnection::Sqlite(c) = conn {
            // WAL lets readers run beside the one writer; busy_timeout makes a
            // second writer wait instead of failing at once.
            c.batch_execute(
                "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                 PRAGMA foreign_keys = ON;",
            )
            .map_err(diesel::r2d2::Error::QueryError)?;
        }
        Ok(())
    }
}

/// The shared handle: a pool plus which backend it talks to.
#[derive(Clone)]
pub struct Db {
    pool: DbPool,
    /// One permit per pooled connection. Requests wait for a permit on the
    /// async side, so blocking threads never queue on the pool's lock: under
    /// load that queueing cost more than the queries.
    permits: std::sync::Arc<tokio::sync::Semaphore>,
    pub backend: BackendKind,
    sqlite_file: Option<std::path::PathBuf>,
}

/// How long to wait for PostgreSQL to accept a connection: an unreachable
/// server is reported in seconds, not after the pool's default half minute.
const CONNECT_TIMEOUT_SECS: u32 = 5;

impl Db {
    /// Opens a pool. A SQLite file's directory must exist (a typo in
    /// `DATABASE_URL` must not quietly start an empty database somewhere
    /// new); an unreachable PostgreSQL is reported naming its host and port.
    pub fn connect(url: &str, max_connections: u32) -> Result<Db> {
        let backend = BackendKind::of_url(url);
        let (url, sqlite_file) = match backend {
            BackendKind::Postgres => {
                let url = with_connect_timeout(url);
                diesel::PgConnection::establish(&url).map_err(|e| {
                    Error::setup(format!(
                        "cannot reach PostgreSQL at {}: {}",
                        postgres_address(&url),
                        e.to_string().trim()
                    ))
                })?;
                (url, None)
            }
            BackendKind::Sqlite => {
                let path = std::path::PathBuf::from(sqlite_path(url));
                if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                    if !parent.is_dir() {
                        return Err(Error::setup(format!(
                            "the directory {} for the SQLite database does not exist: create it, or fix DATABASE_URL",
                            parent.display()
                        )));
                    }
                }
                (path.display().to_string(), Some(path))
            }
        };
        let manager = ConnectionManager::<AnyConnection>::new(url);
        let pool = Pool::builder()
            .max_size(max_connections)
            .connection_timeout(std::time::Duration::from_secs(u64::from(CONNECT_TIMEOUT_SECS) * 2))
            .connection_customizer(Box::new(SqlitePragmas))
            .build(manager)
            .map_err(|e| Error::setup(format!("cannot open the database: {e}")))?;
        let permits = std::sync::Arc::new(tokio::sync::Semaphore::new(max_connections as usize));
        Ok(Db { pool, permits, backend, sqlite_file })
    }

    pub fn conn(&self) -> Result<PooledConn> {
        Ok(self.pool.get()?)
    }

    /// Connections open, in use, and requests waiting for one (for `/metrics`).
    pub fn usage(&self) -> (u32, u32, usize) {
        let state = self.pool.state();
        let size = self.pool.max_size() as usize;
        // Requests hold a permit while they wait and while they work.
        let taken = size.saturating_sub(self.permits.available_permits());
        let in_use = state.connections - state.idle_connections;
        (state.connections, in_use, taken.saturating_sub(in_use as usize))
    }

    /// A connection, or an error once `wait` has passed (a health check
    /// must answer even when the database does not).
    pub fn conn_within(&self, wait: std::time::Duration) -> Result<PooledConn> {
        Ok(self.pool.get_timeout(wait)?)
    }

    /// The SQLite file this pool opens, if it is SQLite.
    pub fn sqlite_file(&self) -> Option<std::path::PathBuf> {
        self.sqlite_file.clone()
    }

    /// Applies any pending migrations of this backend's set.
    pub fn migrate(&self) -> Result<usize> {
        let mut conn = self.conn()?;
        let applied = match &mut *conn {
            AnyConnection::Postgresql(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS).map(|v| v.len()),
            AnyConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
        }
        .map_err(|source| Error::Internal { context: "migration failed".into(), source: Some(source) })?;
        Ok(applied)
    }

    /// Runs blocking database work on actix's blocking thread pool, never on
    /// an async worker.
    pub async fn run<T, F>(&self, work: F) -> Result<T>
    where
        F: FnOnce(&mut AnyConnection) -> Result<T> + Send + 'static,
        T: Send + 'static,
    {
        let _permit = self.permits.acquire().await.context("database permits closed")?;
        let pool = self.pool.clone();
        actix_web::web::block(move || {
            let mut conn = pool.get()?;
            work(&mut conn)
        })
        .await
        .context("blocking task failed")?
    }
}

/// Writes a consistent copy of a SQLite database to `file` while other
/// connections go on writing: `VACUUM INTO` reads one snapshot and writes
/// a fresh, compact file that needs no WAL beside it. (Copying the database
/// file and its WAL under load gave 13 corrupt copies in 40.) Returns the
/// copy's size. PostgreSQL has pg_dump for this.
pub fn backup(db: &Db, file: &std::path::Path) -> Result<u64> {
    if db.backend != BackendKind::Sqlite {
        return Err(Error::setup("sala backup copies SQLite databases; for PostgreSQL use pg_dump (see the README)"));
    }
    if file.exists() {
        return Err(Error::setup(format!("{} exists already: choose a new file", file.display())));
    }
    let target = file.to_str().ok_or_else(|| Error::setup(format!("{} is not a UTF-8 path", file.display())))?;
    let mut conn = db.conn()?;
    diesel::sql_query("VACUUM INTO ?")
        .bind::<diesel::sql_types::Text, _>(target)
        .execute(&mut *conn)
        .with_context(|| format!("backup to {} failed", file.display()))?;
    std::fs::metadata(file).map(|m| m.len()).with_context(|| format!("cannot read the size of {}", file.display()))
}

/// How many times a PostgreSQL write transaction is tried when it loses a
/// race (see [`write_tx`]); a third loss in a row is reported.
const WRITE_ATTEMPTS: u32 = 3;

/// A transaction for work that writes. On SQLite it starts with
/// `BEGIN IMMEDIATE`, so a transaction that reads before it writes waits for
/// the write lock up front (honouring busy_timeout) instead of failing with
/// SQLITE_BUSY when it later tries to upgrade; writers never overlap.
///
/// On PostgreSQL writers do overlap: two requests that each read "no row yet"
/// and insert one (two PUTs of one subscription, two joins) meet at a unique
/// index, and the loser's transaction fails. The work is then run again
/// from the start, and sees the winner's row. `work` must therefore be safe
/// to repeat: everything it does is inside the transaction that rolled back.
///
/// Inside a transaction already, `work` simply joins it.
pub fn write_tx<T, F>(conn: &mut AnyConnection, mut work: F) -> Result<T>
where
    F: FnMut(&mut AnyConnection) -> Result<T>,
{
    if in_transaction(conn) {
        return work(conn);
    }
    type Manager = <AnyConnection as Connection>::TransactionManager;
    let mut attempt = 1;
    loop {
        match conn {
            AnyConnection::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?,
            AnyConnection::Postgresql(c) => AnsiTransactionManager::begin_transaction(c)?,
        }
        let outcome =
            work(conn).and_then(|value| Manager::commit_transaction(conn).map(|()| value).map_err(Error::from));
        match outcome {
            Ok(value) => return Ok(value),
            Err(e) => {
                if in_transaction(conn) {
                    if let Err(rollback) = Manager::rollback_transaction(conn) {
                        tracing::error!(error = %rollback, "rollback failed");
                    }
                }
                let retry = matches!(conn, AnyConnection::Postgresql(_)) && lost_a_race(&e) && attempt < WRITE_ATTEMPTS;
                if !retry {
                    return Err(e);
                }
                attempt += 1;
            }
        }
    }
}

fn in_transaction(conn: &mut AnyConnection) -> bool {
    on_inner!(conn, |c| matches!(
        AnsiTransactionManager::transaction_manager_status_mut(c).transaction_depth(),
        Ok(Some(_))
    ))
}

/// A concurrent transaction got there first: a unique row it inserted, or
/// a serialisation conflict. Running the work again resolves both.
fn lost_a_race(e: &Error) -> bool {
    use diesel::result::DatabaseErrorKind::{SerializationFailure, UniqueViolation};
    matches!(e, Error::Database(diesel::result::Error::DatabaseError(UniqueViolation | SerializationFailure, _)))
}

/// Maps a unique-constraint violation to a conflict on `field`.
pub fn unique_violation_as(field: &'static str) -> impl Fn(diesel::result::Error) -> Error {
    move |e| match e {
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _) => {
            Error::Conflict(field)
        }
        other => Error::from(other),
    }
}

pub fn now() -> chrono::NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

#[cfg(test)]
mod tests {
    use super::postgres_address;

    #[test]
    fn messages_name_the_host_and_port_but_not_the_password() {
        assert_eq!(postgres_address("postgres://sala:secret@db.example:6543/sala"), "db.example:6543");
        assert_eq!(postgres_address("postgresql://db.example/sala?sslmode=require"), "db.example:5432");
        assert_eq!(postgres_address("postgres://u@[::1]/sala"), "[::1]:5432");
        assert_eq!(postgres_address("postgres:///sala"), "localhost:5432");
    }
}
