//! The `sala` command: serve, migrate, manage users, load demo content.

use std::io::BufRead;
use std::process::ExitCode;

use actix_web::{web, HttpServer};
use clap::{Parser, Subcommand};

use crate::accounts::{self, Registration};
use crate::config::Config;
use crate::db::Db;
use crate::error::{Error, Result};
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
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
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
    },
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
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
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
            eprintln!("sala: {e}");
            ExitCode::FAILURE
        }
    }
}

fn open_database(config: &Config) -> Result<Db> {
    let db = Db::connect(&config.database_url, config.db_pool_size)?;
    let applied = db.migrate()?;
    if applied > 0 {
        tracing::info!(applied, "applied database migrations");
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
        Command::Migrate => {
            open_database(&config)?;
            println!("database is up to date");
            Ok(())
        }
        Command::User { command: UserCommand::Create { username, email, display_name, admin } } => {
            let db = open_database(&config)?;
            let mut password = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut password)
                .map_err(|e| Error::Internal(format!("cannot read the password from stdin: {e}")))?;
            let reg = Registration {
                display_name: display_name.unwrap_or_else(|| username.clone()),
                username,
                email,
                password: password.trim_end_matches(['\r', '\n']).to_owned(),
            };
            let user = accounts::register(&mut *db.conn()?, &reg, admin).map_err(describe_invalid)?;
            println!("created user {} (id {}){}", user.username, user.id, if admin { " as admin" } else { "" });
            Ok(())
        }
        Command::Demo { scale: None, .. } => {
            let db = open_database(&config)?;
            crate::demo::load(&mut *db.conn()?)?;
            println!("{}", crate::demo::CREDENTIALS_NOTE);
            Ok(())
        }
        Command::Demo { scale: Some(posts), seed, report } => {
            let db = open_database(&config)?;
            let summary = crate::demo::scale::generate(&db, posts, seed)?;
            let json = serde_json::to_string_pretty(&summary).map_err(|e| Error::Internal(e.to_string()))?;
            if let Some(path) = report {
                std::fs::write(&path, &json)
                    .map_err(|e| Error::Internal(format!("cannot write {}: {e}", path.display())))?;
            }
            println!("{json}");
            Ok(())
        }
    }
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
            Error::Internal(text.join("; "))
        }
        other => other,
    }
}

fn serve(db: Db, config: Config) -> Result<()> {
    let bind = config.bind.clone();
    let state = web::Data::new(AppState::new(db, config)?);
    tracing::info!(%bind, base_url = %state.config.base_url, "Sala is listening");
    actix_web::rt::System::new().block_on(async move {
        HttpServer::new(move || build_app(state.clone()))
            .bind(&bind)
            .map_err(|e| Error::Internal(format!("cannot listen on {bind}: {e}")))?
            .shutdown_timeout(30)
            .run()
            .await
            .map_err(|e| Error::Internal(format!("server stopped: {e}")))
    })
}
