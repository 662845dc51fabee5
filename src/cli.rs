//! The `sala` command: serve, migrate, manage users, load demo content.

use std::io::BufRead;
use std::process::ExitCode;

use actix_web::{web, HttpServer};
use clap::{Parser, Subcommand};

use crate::accounts::{self, Registration};
use crate::config::Config;
use crate::db::Db;
use crate::error::{Context, Error, Result};
use crate::web::{build_app, AppState};

#[derive(Parser)]
#[command(
    name = "sala",
    version,
    about = "Sala: a community-of-practice webboard that turns discussion into knowledge"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web interface and API (the default).
    Serve {
        /// Load the Thai demo content first if the database has no communities.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Print the API's OpenAPI 3.1 description (as `GET /api/v1/openapi.json`
    /// serves it), to generate a client without a running server.
    Openapi,
    /// Copy the SQLite database to FILE, consistently, while Sala runs
    /// (PostgreSQL: use pg_dump, see the README).
    Backup {
        /// Where to write the copy; it must not exist yet.
        file: std::path::PathBuf,
    },
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Email digests.
    Digest {
        #[command(subcommand)]
        command: DigestCommand,
    },
    /// The search index.
    Search {
        #[command(subcommand)]
        command: SearchCommand,
    },
    /// Attached files' storage (the data directory, or SALA_STORAGE_URL).
    Storage {
        #[command(subcommand)]
        command: StorageCommand,
    },
    /// Load the Thai demo content (communities, boards, threads, users).
    Demo {
        /// Instead, generate this many posts of realistic data (for benchmarks;
        /// needs an empty database).
        #[arg(long)]
        scale: Option<usize>,
        /// Seed for --scale: the same seed gives the same data.
        #[arg(long, default_value_t = 2569)]
        seed: u64,
        /// Write a JSON report of --scale (ids of notable threads) here.
        #[arg(long)]
        report: Option<std::path::PathBuf>,
        /// With --scale: this many users (default: one per 100 posts).
        #[arg(long)]
        users: Option<usize>,
    },
}

#[derive(Subcommand)]
enum DigestCommand {
    /// One pass: plan the digests that are due, send what is queued (for cron).
    Run {
        /// Treat every subscription as due now.
        #[arg(long)]
        now: bool,
    },
    /// Print what a user would get now, without queueing anything.
    Preview {
        #[arg(long)]
        user: String,
        #[arg(long, default_value = "daily")]
        frequency: String,
    },
}

#[derive(Subcommand)]
enum StorageCommand {
    /// Report uploads whose bytes are missing from the store, and bytes in
    /// the store that no upload names; exits with 1 when any are missing.
    Check,
    /// Remove uploads nothing used within a day, and bytes nobody names
    /// (the server does this every hour).
    Cleanup,
}

#[derive(Subcommand)]
enum SearchCommand {
    /// Rebuild the index from all posts and knowledge items, with progress.
    Reindex,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account; the password is read from standard input.
    Create {
        #[arg(long)]
        username: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        display_name: Option<String>,
        /// Make the account a site admin.
        #[arg(long)]
        admin: bool,
    },
    /// Confirm an account's email address without a link (an admin's waiver).
    ConfirmEmail {
        #[arg(long)]
        username: String,
    },
    /// Turn an account off: no sign-in, and its sessions end at once.
    Deactivate {
        #[arg(long)]
        username: String,
    },
    /// Turn a deactivated account back on.
    Reactivate {
        #[arg(long)]
        username: String,
    },
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    // Logs go to stderr: stdout is for what a command prints as its answer
    // (the JSON of `demo --scale`, `openapi`), which a log line would spoil.
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if std::env::var("SALA_LOG_FORMAT").as_deref() == Ok("json") {
        builder.json().init();
    } else {
        builder.init();
    }
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sala: {}", crate::error::chain(&e));
            ExitCode::FAILURE
        }
    }
}

fn open_database(config: &Config) -> Result<Db> {
    // The data directory is Sala's own: created on first run. Any other
    // directory named by DATABASE_URL must already exist (see Db::connect).
    std::fs::create_dir_all(&config.data_dir)
        .map_err(|e| Error::setup(format!("cannot create the data directory {}: {e}", config.data_dir.display())))?;
    let db = Db::connect(&config.database_url, config.db_pool_size)?;
    let applied = db.migrate()?;
    // Before any command indexes text: Sala's default search dictionary.
    crate::search::dictionary::install_defaults(&mut *db.conn()?)?;
    if applied > 0 {
        tracing::info!(applied, "applied database migrations");
        let filled = crate::threads::backfill_revision_html(&mut *db.conn()?)?;
        if filled > 0 {
            tracing::info!(filled, "rendered the HTML of older post revisions");
        }
    }
    Ok(db)
}

fn run(cli: Cli) -> Result<()> {
    let config = Config::load()?;
    match cli.command.unwrap_or(Command::Serve { demo: false }) {
        Command::Serve { demo } => {
            let db = open_database(&config)?;
            if demo {
                let mut conn = db.conn()?;
                if crate::demo::load_if_empty(&mut conn)? {
                    println!("{}", crate::demo::CREDENTIALS_NOTE);
                }
            }
            serve(db, config)
        }
        Command::Backup { file } => {
            let bytes = crate::db::backup(&open_database(&config)?, &file)?;
            println!("backed up the database to {} ({bytes} bytes)", file.display());
            Ok(())
        }
        Command::Openapi => {
            let document = crate::web::api::openapi::document();
            println!("{}", serde_json::to_string_pretty(document).context("cannot write the OpenAPI document")?);
            Ok(())
        }
        Command::Migrate => {
            open_database(&config)?;
            println!("database is up to date");
            Ok(())
        }
        Command::User { command } => user_command(&open_database(&config)?, command),
        Command::Digest { command } => digest_command(&open_database(&config)?, &config, command),
        Command::Search { command: SearchCommand::Reindex } => {
            let (done, seconds) = reindex(&open_database(&config)?)?;
            println!("search index rebuilt: {done} documents in {seconds:.1} s");
            Ok(())
        }
        Command::Storage { command } => storage_command(&open_database(&config)?, &config, command),
        Command::Demo { scale: None, .. } => {
            crate::demo::load(&mut *open_database(&config)?.conn()?)?;
            println!("{}", crate::demo::CREDENTIALS_NOTE);
            Ok(())
        }
        Command::Demo { scale: Some(posts), seed, report, users } => {
            demo_scale(&open_database(&config)?, posts, seed, users, report)
        }
    }
}

/// `sala user create` (the password read from standard input) and
/// `sala user confirm-email`.
fn user_command(db: &Db, command: UserCommand) -> Result<()> {
    let mut conn = db.conn()?;
    match command {
        UserCommand::Create { username, email, display_name, admin } => {
            let mut password = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut password)
                .map_err(|e| Error::setup(format!("cannot read the password from standard input: {e}")))?;
            let reg = Registration {
                display_name: display_name.unwrap_or_else(|| username.clone()),
                username,
                email,
                password: password.trim_end_matches(['\r', '\n']).to_owned(),
            };
            // The admin vouches for the address by typing it.
            let user = accounts::register(&mut conn, &reg, admin)
                .and_then(|user| accounts::confirm_email_directly(&mut conn, user.id))
                .map_err(describe_invalid)?;
            if admin {
                // The way in when the organisation's sign-in is down or
                // misconfigured (SALA_LOCAL_LOGIN=off).
                accounts::set_break_glass(&mut conn, user.id)?;
            }
            println!("created user {} (id {}){}", user.username, user.id, if admin { " as admin" } else { "" });
        }
        UserCommand::ConfirmEmail { username } => {
            let user = accounts::find_by_username(&mut conn, &username)?;
            accounts::confirm_email_directly(&mut conn, user.id)?;
            println!("confirmed the email address of {}", user.username);
        }
        UserCommand::Deactivate { username } => {
            let user = accounts::find_by_username(&mut conn, &username)?;
            accounts::apply_active(&mut conn, user.id, false)?;
            println!("deactivated {}", user.username);
        }
        UserCommand::Reactivate { username } => {
            let user = accounts::find_by_username(&mut conn, &username)?;
            accounts::apply_active(&mut conn, user.id, true)?;
            println!("reactivated {}", user.username);
        }
    }
    Ok(())
}

/// `sala digest run` (one pass, for cron) and `sala digest preview`.
fn digest_command(db: &Db, config: &Config, command: DigestCommand) -> Result<()> {
    let templates = crate::web::assets::load_templates()?;
    let ctx = crate::outbox::MailContext {
        base_url: &config.base_url,
        secret: &config.secret,
        templates: &templates,
        coalesce: chrono::Duration::minutes(config.notify_coalesce_minutes),
        invite_remind_after: chrono::Duration::days(config.invite_remind_days),
    };
    match command {
        DigestCommand::Run { now } => {
            let mailer = crate::digests::mail::Mailer::new(config.smtp_url.as_deref(), &config.data_dir.join("mail"))?;
            let settings = crate::web::mail_settings(config);
            let (planned, sent) =
                crate::digests::mail::run_pass(db, &ctx, &config.digest_schedule, &mailer, &settings, now)?;
            println!("planned {planned} digests, sent {sent} emails");
        }
        DigestCommand::Preview { user, frequency } => {
            let frequency = crate::digests::Frequency::parse(&frequency)
                .ok_or_else(|| Error::setup("--frequency is daily or weekly"))?;
            let mut conn = db.conn()?;
            let person = accounts::find_by_username(&mut conn, &user)?;
            match crate::digests::content::preview(&mut conn, &ctx, person.id, frequency)? {
                Some(r) => println!("Subject: {}\n\n{}", r.subject, r.text),
                None => println!("nothing new for {user}"),
            }
        }
    }
    Ok(())
}

/// `sala demo --scale N`: generated data for benchmarks, indexed, with a
/// JSON report of what the benchmarks should visit.
fn demo_scale(
    db: &Db,
    posts: usize,
    seed: u64,
    users: Option<usize>,
    report: Option<std::path::PathBuf>,
) -> Result<()> {
    let mut summary = crate::demo::scale::generate(db, posts, seed, users)?;
    // Generated rows bypass the domain's writes, so index them now.
    summary.index_seconds = reindex(db)?.1;
    let json = serde_json::to_string_pretty(&summary).context("cannot write the report as JSON")?;
    if let Some(path) = report {
        std::fs::write(&path, &json).map_err(|e| Error::setup(format!("cannot write {}: {e}", path.display())))?;
    }
    println!("{json}");
    Ok(())
}

/// Rebuilds the search index, reporting progress on standard error;
/// returns how many documents it indexed, and how many seconds it took.
fn reindex(db: &crate::db::Db) -> Result<(u64, f64)> {
    let started = std::time::Instant::now();
    let mut reported = 0u64;
    let done = crate::search::index::reindex(&mut *db.conn()?, |done| {
        if done >= reported + 50_000 {
            reported = done;
            let rate = done as f64 / started.elapsed().as_secs_f64().max(0.001);
            eprintln!("indexed {done} documents ({rate:.0}/s)");
        }
    })?;
    Ok((done, started.elapsed().as_secs_f64()))
}

/// Field errors in words for the terminal (English: the CLI is the admin's).
fn describe_invalid(e: Error) -> Error {
    match e {
        Error::Invalid(fields) => {
            let lang = crate::i18n::Lang::En;
            let text: Vec<String> = crate::web::errors::field_messages(lang, &fields)
                .into_iter()
                .map(|m| format!("{}: {}", m.field, m.message))
                .collect();
            Error::setup(text.join("; "))
        }
        other => other,
    }
}

fn serve(db: Db, config: Config) -> Result<()> {
    let bind = config.bind.clone();
    let state = web::Data::new(AppState::new(db, config)?);
    if state.config.scheduler {
        start_scheduler(state.clone())?;
    }
    if let Some(ldap) = &state.config.ldap {
        // Said at once, but not fatal: local admins must still get in to
        // fix it, and /healthz keeps saying it.
        match crate::accounts::directory::probe(ldap) {
            Ok(()) => tracing::info!(url = %ldap.url, "the directory answers"),
            Err(e) => tracing::error!(error = %e, "directory sign-in will fail until this is fixed"),
        }
    }
    if let Some(oidc) = &state.config.oidc {
        match crate::accounts::oidc::probe(oidc) {
            Ok(()) => tracing::info!(issuer = %oidc.issuer, "the OpenID Connect provider answers"),
            Err(e) => tracing::error!(error = %e, "OpenID Connect sign-in will fail until this is fixed"),
        }
    }
    tracing::info!(%bind, base_url = %state.config.base_url, "Sala is listening");
    actix_web::rt::System::new().block_on(async move {
        HttpServer::new(move || build_app(state.clone()))
            .bind(&bind)
            .map_err(|e| Error::setup(format!("cannot listen on {bind}: {e}")))?
            .shutdown_timeout(30)
            .run()
            .await
            .context("server stopped")
    })
}

/// How often queued mail is looked for: a password reset link should not
/// wait for the next digest pass.
const SEND_EVERY: std::time::Duration = std::time::Duration::from_secs(5);
/// How often digests and notification emails are planned (and expired
/// sessions swept).
const PLAN_EVERY: std::time::Duration = std::time::Duration::from_secs(60);
/// Unused uploads are looked for hourly (they wait a day anyway).
const CLEAN_FILES_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

/// Async work (the file store) from the command line or the scheduler's thread.
fn block_on<T>(work: impl std::future::Future<Output = Result<T>>) -> Result<T> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start an async runtime")?
        .block_on(work)
}

fn storage_command(db: &Db, config: &Config, command: StorageCommand) -> Result<()> {
    let store = crate::files::store::Store::open(&config.files, &config.data_dir)?;
    match command {
        StorageCommand::Check => {
            let report = block_on(crate::files::lifecycle::check(db, &store))?;
            for (id, sha) in &report.missing {
                println!("missing: attachment {id} ({sha})");
            }
            for sha in &report.orphaned {
                println!("orphaned: {sha}");
            }
            println!("{} missing, {} orphaned", report.missing.len(), report.orphaned.len());
            if !report.missing.is_empty() {
                std::process::exit(1);
            }
            Ok(())
        }
        StorageCommand::Cleanup => {
            let before = crate::db::now() - crate::files::lifecycle::grace();
            let cleaned = block_on(crate::files::lifecycle::cleanup(db, &store, before))?;
            println!("removed {} unused uploads and {} unnamed files", cleaned.uploads, cleaned.blobs);
            Ok(())
        }
    }
}

/// Mail in the background: queued mail sent every few seconds, a full pass
/// (digests, notifications) every minute. Every instance may run this:
/// planning and sending are safe to run concurrently (see `digests`).
fn start_scheduler(state: web::Data<AppState>) -> Result<()> {
    let mailer =
        crate::digests::mail::Mailer::new(state.config.smtp_url.as_deref(), &state.config.data_dir.join("mail"))?;
    std::thread::Builder::new()
        .name("mail".into())
        .spawn(move || {
            let mut last_pass: Option<std::time::Instant> = None;
            let mut last_cleanup: Option<std::time::Instant> = None;
            loop {
                let settings = state.mail_settings();
                if last_pass.is_none_or(|at| at.elapsed() >= PLAN_EVERY) {
                    last_pass = Some(std::time::Instant::now());
                    let result = crate::digests::mail::run_pass(
                        &state.db,
                        &state.mail_context(),
                        &state.config.digest_schedule,
                        &mailer,
                        &settings,
                        false,
                    );
                    match result {
                        Ok((planned, sent)) if planned + sent > 0 => tracing::info!(planned, sent, "digest pass"),
                        Ok(_) => {}
                        Err(e) => tracing::error!(error = %e, "digest pass failed"),
                    }
                    if let Err(e) = crate::search::rebuild::run_pending(&state.db) {
                        tracing::error!(error = %e, "search index rebuild failed");
                    }
                    if let Err(e) = state.db.conn().and_then(|mut c| accounts::sessions::prune(&mut c)) {
                        tracing::error!(error = %e, "pruning sessions failed");
                    }
                    if last_cleanup.is_none_or(|at| at.elapsed() >= CLEAN_FILES_EVERY) {
                        last_cleanup = Some(std::time::Instant::now());
                        let before = crate::db::now() - crate::files::lifecycle::grace();
                        match block_on(crate::files::lifecycle::cleanup(&state.db, &state.store, before)) {
                            Ok(c) if c.uploads + c.blobs > 0 => {
                                tracing::info!(uploads = c.uploads, blobs = c.blobs, "unused files removed")
                            }
                            Ok(_) => {}
                            Err(e) => tracing::error!(error = %e, "cleaning up files failed"),
                        }
                    }
                } else {
                    match crate::digests::mail::send_pending(&state.db, &mailer, &settings) {
                        Ok(sent) if sent > 0 => tracing::info!(sent, "mail sent"),
                        Ok(_) => {}
                        Err(e) => tracing::error!(error = %e, "sending mail failed"),
                    }
                }
                std::thread::sleep(SEND_EVERY);
            }
        })
        .context("cannot start the mail scheduler")?;
    Ok(())
}
