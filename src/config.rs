//! Settings: defaults that work on a laptop, overridden by an optional
//! `sala.toml`, overridden in turn by environment variables.

use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDateTime, Timelike};
use rand::RngCore;
use serde::Deserialize;

use crate::vocab::Frequency;

use crate::error::{Error, Result};

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub bind: String,
    pub base_url: String,
    pub data_dir: PathBuf,
    pub secret: Vec<u8>,
    /// Posts per thread page (the tree is cut between pages, never inside).
    pub page_size: usize,
    /// Threads per board page.
    pub threads_per_page: usize,
    /// Deepest reply shown in place; deeper chains get "continue this thread".
    pub max_visible_depth: usize,
    pub body_limit_bytes: usize,
    pub session_hours: i64,
    /// How long a session started through the organisation's sign-in
    /// (directory, OpenID Connect) lasts: shorter, so that someone the
    /// organisation turned off is out within a working day.
    pub sso_session_hours: i64,
    pub db_pool_size: u32,
    /// Memory for shared renderings (see `web::page_cache`, `web::fragments`).
    pub page_cache_bytes: u64,
    /// `SALA_SMTP_URL`; unset means `.eml` files under the data directory.
    pub smtp_url: Option<String>,
    pub mail_from: String,
    pub digest_schedule: Schedule,
    /// How long a sender holds claimed outbox rows before others may retry them.
    pub outbox_lease_secs: i64,
    /// Run the digest scheduler inside `sala serve`.
    pub scheduler: bool,
    /// One notification email per recipient and thread within this time;
    /// the rest waits for the digest.
    pub notify_coalesce_minutes: i64,
    /// `SALA_INVITE_REMIND_DAYS`: people invited to answer a question still
    /// open after this many days are reminded once.
    pub invite_remind_days: i64,
    pub login_max_failures_per_account: i32,
    pub login_max_failures_per_ip: i32,
    pub login_lockout_minutes: i64,
    /// Accounts created from one client address in an hour (and password
    /// reset requests).
    pub signups_per_hour_per_ip: i32,
    /// New accounts confirm their address before they post
    /// (`SALA_EMAIL_CONFIRMATION=off` skips it, for a deployment without mail).
    pub email_confirmation: bool,
    /// Proxies whose `X-Forwarded-For` is believed (`SALA_TRUSTED_PROXIES`,
    /// comma-separated addresses); from anyone else it is ignored.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Writes per minute per account.
    pub write_limits: WriteLimits,
    /// `/healthz` reports 503 below this much free disk where the data lives.
    pub min_free_bytes: u64,
    /// Distinct members whose flags hide a post pending review.
    pub flags_to_hide: usize,
    /// The organisation's own privacy notice (a Markdown file); without it,
    /// Sala shows its default notice.
    pub privacy_notice: Option<PathBuf>,
    /// Local passwords (`SALA_LOCAL_LOGIN`, on by default). When off, only
    /// admins created on the command line sign in with one, and nobody
    /// signs up here.
    pub local_login: bool,
    /// Sign-in against LDAP / Active Directory, when `SALA_LDAP_URL` is set.
    pub ldap: Option<LdapSettings>,
    /// Sign-in with an OpenID Connect provider, when `SALA_OIDC_ISSUER` is set.
    pub oidc: Option<OidcSettings>,
    /// Groups (of the directory, or of the OpenID Connect provider's groups
    /// claim) that make community members (`[[group]]`).
    pub group_mappings: Vec<GroupMapping>,
    /// Attached files: where they are kept and what is allowed.
    pub files: FileSettings,
    /// `GET /metrics` for Prometheus (`SALA_METRICS=on`, or a token set).
    pub metrics: bool,
    /// The bearer token `/metrics` wants (`SALA_METRICS_TOKEN`); none: open
    /// to anyone who can reach it (keep it behind the proxy then).
    pub metrics_token: Option<String>,
}

/// Attached files (`SALA_STORAGE_URL`, `SALA_S3_*`, `SALA_MAX_FILE_MB`,
/// `SALA_UPLOAD_MB_PER_DAY`, `SALA_FILE_TYPES`).
#[derive(Debug, Clone)]
pub struct FileSettings {
    /// `s3://bucket/prefix` for an S3-compatible store shared by every
    /// instance; none keeps files under the data directory's `files/`.
    pub storage_url: Option<String>,
    /// The store's address, for stores other than AWS (`SALA_S3_ENDPOINT`).
    pub s3_endpoint: Option<String>,
    pub s3_region: String,
    /// `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`.
    pub s3_access_key: Option<String>,
    pub s3_secret_key: Option<String>,
    /// The largest file one may attach.
    pub max_file_bytes: u64,
    /// What one account may upload in 24 hours, all files together.
    pub daily_quota_bytes: u64,
    /// The kinds of file allowed, by their usual extension (`jpg`, `pdf`…).
    pub allowed_types: Vec<String>,
    /// Hosts (`name` or `name:port`) whose pictures are fetched even though
    /// they are on a private or loopback address (`SALA_FETCH_ALLOWED_HOSTS`):
    /// an intranet server the admin vouches for.
    pub fetch_allowed_hosts: Vec<String>,
}

/// Pictures, office documents, PDF, plain text and ZIP: what staff attach.
pub const DEFAULT_FILE_TYPES: &str = "jpg,png,gif,webp,pdf,doc,docx,xls,xlsx,ppt,pptx,odt,ods,odp,txt,csv,zip";

/// The organisation's OpenID Connect provider (`SALA_OIDC_*`).
#[derive(Debug, Clone)]
pub struct OidcSettings {
    /// Its issuer URL; the rest is discovered from it (`SALA_OIDC_ISSUER`).
    pub issuer: String,
    /// Sala's client there (`SALA_OIDC_CLIENT_ID`, `SALA_OIDC_CLIENT_SECRET`),
    /// registered with the redirect URI `<base URL>/auth/oidc/callback`.
    pub client_id: String,
    pub client_secret: String,
    /// The button's name for it: "Sign in with <label>" (`SALA_OIDC_LABEL`).
    pub label: String,
    /// Link a first sign-in to an existing account with the same address,
    /// when the provider says the address is verified (`SALA_OIDC_LINK_BY_EMAIL=on`).
    pub link_by_email: bool,
    /// Scopes asked for beyond `openid email profile`, space-separated
    /// (`SALA_OIDC_SCOPES`; `groups` where the provider has such a scope).
    pub extra_scopes: Vec<String>,
    /// The claim that lists a person's groups (`SALA_OIDC_GROUPS_CLAIM`,
    /// `groups` by default), matched against `[[group]]` and the admin group.
    pub groups_claim: String,
    /// Members of this group are site admins (`SALA_OIDC_ADMIN_GROUP`).
    pub admin_group: Option<String>,
}

/// How to reach the organisation's directory (`SALA_LDAP_*`).
#[derive(Debug, Clone)]
pub struct LdapSettings {
    /// `ldap://host` or `ldaps://host` (`SALA_LDAP_URL`).
    pub url: String,
    /// Upgrade an `ldap://` connection with StartTLS (`SALA_LDAP_STARTTLS=on`).
    pub starttls: bool,
    /// A PEM file of the certificate authority that signed the directory's
    /// certificate, trusted besides the system's (`SALA_LDAP_CA_FILE`):
    /// directories are often signed by the organisation's own CA.
    pub ca_file: Option<PathBuf>,
    /// The service account that searches (`SALA_LDAP_BIND_DN`, `SALA_LDAP_BIND_PASSWORD`).
    pub bind_dn: String,
    pub bind_password: String,
    /// Where people are searched (`SALA_LDAP_BASE_DN`).
    pub base_dn: String,
    /// How a login finds its person, `{login}` standing for what was typed
    /// (`SALA_LDAP_USER_FILTER`; OpenLDAP `(|(uid={login})(mail={login}))`,
    /// Active Directory `(|(sAMAccountName={login})(userPrincipalName={login}))`).
    pub user_filter: String,
    /// Members of this group (a DN, or a `cn`) are site admins (`SALA_LDAP_ADMIN_GROUP`).
    pub admin_group: Option<String>,
}

/// How many writes of each kind one account may make in a minute
/// (`SALA_LIMIT_<KIND>_PER_MINUTE`). Every account, admins too: a stuck
/// script or a stolen token cannot flood a community.
#[derive(Debug, Clone, Copy)]
pub struct WriteLimits {
    pub threads: i32,
    pub posts: i32,
    pub edits: i32,
    pub flags: i32,
    pub invitations: i32,
    /// Accounts younger than this many days (`SALA_NEW_MEMBER_DAYS`)…
    pub new_member_days: i64,
    /// …start threads and reply at most this often an hour
    /// (`SALA_NEW_MEMBER_POSTS_PER_HOUR`).
    pub new_member_posts_per_hour: i32,
}

/// Below this much free space where the data lives, `/healthz` reports the
/// instance unhealthy before writes start failing (`SALA_MIN_FREE_MB`).
pub const DEFAULT_MIN_FREE_MB: u64 = 64;

/// Replies nested deeper than this are behind "continue this thread": on a
/// phone, eight indents still leave room for the words.
pub const DEFAULT_VISIBLE_DEPTH: usize = 8;

/// The shape of `sala.toml`; every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    database_url: Option<String>,
    bind: Option<String>,
    base_url: Option<String>,
    data_dir: Option<PathBuf>,
    secret: Option<String>,
    page_size: Option<usize>,
    threads_per_page: Option<usize>,
    max_visible_depth: Option<usize>,
    body_limit_bytes: Option<usize>,
    session_hours: Option<i64>,
    db_pool_size: Option<u32>,
    page_cache_mb: Option<u64>,
    /// `[[group]]` tables: directory groups that bring their members into
    /// a community.
    #[serde(default)]
    group: Vec<GroupMapping>,
}

/// A group whose members belong to a community (`[[group]]` in
/// `sala.toml`): a directory group, or a name in the OpenID Connect
/// provider's groups claim; applied at each sign-in: members of the group are made
/// members (or facilitators) there; people no mapped group names are taken
/// out of a mapped community.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupMapping {
    /// The group: for the directory a DN, or its `cn`; for the provider a
    /// name as its groups claim lists it.
    pub group: String,
    /// The community's slug.
    pub community: String,
    /// `member` (the default) or `facilitator`.
    #[serde(default = "member_role")]
    pub role: crate::vocab::Role,
}

fn member_role() -> crate::vocab::Role {
    crate::vocab::Role::Member
}

impl Config {
    /// Reads `SALA_CONFIG` (or `./sala.toml` when present) and the environment.
    pub fn load() -> Result<Config> {
        let path = std::env::var("SALA_CONFIG").ok().map(PathBuf::from).unwrap_or_else(|| PathBuf::from("sala.toml"));
        let file = if path.exists() {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| Error::setup(format!("cannot read {}: {e}", path.display())))?;
            toml::from_str::<FileConfig>(&text)
                .map_err(|e| Error::setup(format!("{} is not valid: {e}", path.display())))?
        } else {
            FileConfig::default()
        };
        Self::from_sources(file, |key| std::env::var(key).ok().filter(|v| !v.is_empty()))
    }

    fn from_sources(file: FileConfig, env: impl Fn(&str) -> Option<String>) -> Result<Config> {
        let data_dir =
            env("SALA_DATA_DIR").map(PathBuf::from).or(file.data_dir).unwrap_or_else(|| PathBuf::from("data"));
        let database_url = env("DATABASE_URL")
            .or(file.database_url)
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("sala.db").display()));
        let bind = env("SALA_BIND").or(file.bind).unwrap_or_else(|| "127.0.0.1:8080".to_owned());
        let base_url = match env("SALA_BASE_URL").or(file.base_url) {
            Some(url) => url,
            // Links in emails must reach people: "http://0.0.0.0:8080" does not.
            None if binds_all_interfaces(&bind) => {
                return Err(Error::setup(format!(
                    "SALA_BIND={bind} listens on every interface, so Sala cannot guess the address people use: \
                     set SALA_BASE_URL (for example https://sala.example.go.th)"
                )))
            }
            None => format!("http://{bind}"),
        };
        let secret = match env("SALA_SECRET").or(file.secret) {
            Some(s) if s.len() >= 32 => s.into_bytes(),
            Some(_) => return Err(Error::setup("SALA_SECRET must be at least 32 characters")),
            None => load_or_create_secret(&data_dir)?,
        };
        let parse = |key: &str| -> Result<Option<usize>> {
            env(key)
                .map(|v| v.parse::<usize>().map_err(|_| Error::setup(format!("{key} must be a whole number"))))
                .transpose()
        };
        let host = base_url
            .split("://")
            .nth(1)
            .and_then(|rest| rest.split(['/', ':']).next())
            .filter(|h| !h.is_empty())
            .unwrap_or("localhost")
            .to_owned();
        let mut schedule = Schedule::default();
        if let Some(hour) = parse("SALA_DIGEST_HOUR")? {
            schedule.hour = (hour as u32).min(23);
        }
        if let Some(day) = parse("SALA_DIGEST_WEEKDAY")? {
            schedule.weekday = (day as u32).clamp(1, 7);
        }
        Ok(Config {
            smtp_url: env("SALA_SMTP_URL"),
            mail_from: env("SALA_MAIL_FROM").unwrap_or_else(|| format!("Sala <no-reply@{host}>")),
            digest_schedule: schedule,
            outbox_lease_secs: parse("SALA_OUTBOX_LEASE_SECS")?.map(|v| v as i64).unwrap_or(120).max(1),
            scheduler: env("SALA_SCHEDULER").as_deref() != Some("off"),
            database_url,
            bind,
            base_url: base_url.trim_end_matches('/').to_owned(),
            data_dir,
            secret,
            page_size: parse("SALA_PAGE_SIZE")?.or(file.page_size).unwrap_or(50).max(5),
            threads_per_page: file.threads_per_page.unwrap_or(30).max(5),
            max_visible_depth: parse("SALA_MAX_VISIBLE_DEPTH")?
                .or(file.max_visible_depth)
                .unwrap_or(DEFAULT_VISIBLE_DEPTH)
                .max(2),
            body_limit_bytes: parse("SALA_BODY_LIMIT")?.or(file.body_limit_bytes).unwrap_or(256 * 1024),
            session_hours: parse("SALA_SESSION_HOURS")?
                .map(|v| v as i64)
                .or(file.session_hours)
                .unwrap_or(24 * 14)
                .max(1),
            sso_session_hours: parse("SALA_SSO_SESSION_HOURS")?.map(|v| v as i64).unwrap_or(8).max(1),
            db_pool_size: file.db_pool_size.unwrap_or(10),
            page_cache_bytes: parse("SALA_PAGE_CACHE_MB")?.map(|v| v as u64).or(file.page_cache_mb).unwrap_or(32)
                * 1024
                * 1024,
            notify_coalesce_minutes: parse("SALA_NOTIFY_COALESCE_MINUTES")?.map(|v| v as i64).unwrap_or(60),
            invite_remind_days: parse("SALA_INVITE_REMIND_DAYS")?.map(|v| v as i64).unwrap_or(3).max(0),
            login_max_failures_per_account: 5,
            login_max_failures_per_ip: 30,
            login_lockout_minutes: 15,
            signups_per_hour_per_ip: parse("SALA_SIGNUPS_PER_HOUR")?.map(|v| v as i32).unwrap_or(10),
            email_confirmation: env("SALA_EMAIL_CONFIRMATION").as_deref() != Some("off"),
            trusted_proxies: parse_addresses("SALA_TRUSTED_PROXIES", env("SALA_TRUSTED_PROXIES"))?,
            min_free_bytes: parse("SALA_MIN_FREE_MB")?.map_or(DEFAULT_MIN_FREE_MB, |v| v as u64) * 1024 * 1024,
            write_limits: WriteLimits {
                threads: parse("SALA_LIMIT_THREADS_PER_MINUTE")?.map(|v| v as i32).unwrap_or(3),
                posts: parse("SALA_LIMIT_POSTS_PER_MINUTE")?.map(|v| v as i32).unwrap_or(10),
                edits: parse("SALA_LIMIT_EDITS_PER_MINUTE")?.map(|v| v as i32).unwrap_or(20),
                flags: parse("SALA_LIMIT_FLAGS_PER_MINUTE")?.map(|v| v as i32).unwrap_or(10),
                invitations: parse("SALA_LIMIT_INVITATIONS_PER_MINUTE")?.map(|v| v as i32).unwrap_or(20),
                new_member_days: parse("SALA_NEW_MEMBER_DAYS")?.map(|v| v as i64).unwrap_or(1),
                new_member_posts_per_hour: parse("SALA_NEW_MEMBER_POSTS_PER_HOUR")?.map(|v| v as i32).unwrap_or(10),
            },
            flags_to_hide: parse("SALA_FLAGS_TO_HIDE")?.unwrap_or(3).max(1),
            privacy_notice: env("SALA_PRIVACY_NOTICE").filter(|p| !p.trim().is_empty()).map(PathBuf::from),
            local_login: env("SALA_LOCAL_LOGIN").as_deref() != Some("off"),
            group_mappings: file.group.clone(),
            metrics: env("SALA_METRICS").as_deref() == Some("on") || env("SALA_METRICS_TOKEN").is_some(),
            metrics_token: env("SALA_METRICS_TOKEN"),
            files: FileSettings {
                storage_url: env("SALA_STORAGE_URL"),
                s3_endpoint: env("SALA_S3_ENDPOINT"),
                s3_region: env("SALA_S3_REGION").unwrap_or_else(|| "us-east-1".to_owned()),
                s3_access_key: env("AWS_ACCESS_KEY_ID"),
                s3_secret_key: env("AWS_SECRET_ACCESS_KEY"),
                max_file_bytes: parse("SALA_MAX_FILE_MB")?.unwrap_or(20) as u64 * 1024 * 1024,
                daily_quota_bytes: parse("SALA_UPLOAD_MB_PER_DAY")?.unwrap_or(200) as u64 * 1024 * 1024,
                allowed_types: env("SALA_FILE_TYPES")
                    .unwrap_or_else(|| DEFAULT_FILE_TYPES.to_owned())
                    .split(',')
                    .map(|t| t.trim().trim_start_matches('.').to_lowercase())
                    .filter(|t| !t.is_empty())
                    .collect(),
                fetch_allowed_hosts: env("SALA_FETCH_ALLOWED_HOSTS")
                    .unwrap_or_default()
                    .split(',')
                    .map(|h| h.trim().to_lowercase())
                    .filter(|h| !h.is_empty())
                    .collect(),
            },
            oidc: env("SALA_OIDC_ISSUER").filter(|u| !u.trim().is_empty()).map(|issuer| OidcSettings {
                client_id: env("SALA_OIDC_CLIENT_ID").unwrap_or_default(),
                client_secret: env("SALA_OIDC_CLIENT_SECRET").unwrap_or_default(),
                label: env("SALA_OIDC_LABEL").unwrap_or_else(|| "SSO".to_owned()),
                link_by_email: env("SALA_OIDC_LINK_BY_EMAIL").as_deref() == Some("on"),
                extra_scopes: env("SALA_OIDC_SCOPES")
                    .unwrap_or_default()
                    .split_whitespace()
                    .map(str::to_owned)
                    .collect(),
                groups_claim: env("SALA_OIDC_GROUPS_CLAIM").unwrap_or_else(|| "groups".to_owned()),
                admin_group: env("SALA_OIDC_ADMIN_GROUP").filter(|g| !g.trim().is_empty()),
                issuer,
            }),
            ldap: env("SALA_LDAP_URL").filter(|u| !u.trim().is_empty()).map(|url| LdapSettings {
                starttls: env("SALA_LDAP_STARTTLS").as_deref() == Some("on"),
                ca_file: env("SALA_LDAP_CA_FILE").map(PathBuf::from),
                bind_dn: env("SALA_LDAP_BIND_DN").unwrap_or_default(),
                bind_password: env("SALA_LDAP_BIND_PASSWORD").unwrap_or_default(),
                base_dn: env("SALA_LDAP_BASE_DN").unwrap_or_default(),
                user_filter: env("SALA_LDAP_USER_FILTER")
                    .unwrap_or_else(|| "(|(uid={login})(mail={login}))".to_owned()),
                admin_group: env("SALA_LDAP_ADMIN_GROUP").filter(|g| !g.trim().is_empty()),
                url,
            }),
        })
    }

    /// A config for tests and tools: everything default but the database and
    /// data directory, with a given secret.
    pub fn for_database(database_url: &str, data_dir: &Path, secret: &[u8]) -> Config {
        let mut config = Self::from_sources(FileConfig::default(), |key| match key {
            "DATABASE_URL" => Some(database_url.to_owned()),
            "SALA_DATA_DIR" => Some(data_dir.display().to_string()),
            "SALA_SECRET" => Some(String::from_utf8_lossy(secret).into_owned()),
            _ => None,
        })
        .expect("static test config is valid");
        config.secret = secret.to_vec();
        // Tools and tests run digest passes themselves.
        config.scheduler = false;
        config
    }

    pub fn secure_cookies(&self) -> bool {
        self.base_url.starts_with("https://")
    }
}

/// `0.0.0.0:port`, `[::]:port` and the like.
fn binds_all_interfaces(bind: &str) -> bool {
    let host = bind.rsplit_once(':').map_or(bind, |(host, _)| host).trim_matches(['[', ']']);
    host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_unspecified())
}

/// A comma-separated list of IP addresses.
fn parse_addresses(key: &str, raw: Option<String>) -> Result<Vec<std::net::IpAddr>> {
    raw.unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().map_err(|_| Error::setup(format!("{key}: {s} is not an IP address"))))
        .collect()
}

/// The signing secret is generated on first run and kept in the data
/// directory, so restarts keep sessions and nothing secret lives in the code.
fn load_or_create_secret(data_dir: &Path) -> Result<Vec<u8>> {
    let path = data_dir.join("secret.key");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let decoded =
            hex::decode(existing.trim()).map_err(|_| Error::setup(format!("{} is corrupt", path.display())))?;
        if decoded.len() >= 32 {
            return Ok(decoded);
        }
    }
    std::fs::create_dir_all(data_dir)
        .map_err(|e| Error::setup(format!("cannot create the data directory {}: {e}", data_dir.display())))?;
    let mut secret = vec![0u8; 64];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    write_private(&path, hex::encode(&secret).as_bytes())?;
    Ok(secret)
}

fn write_private(path: &Path, contents: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let cannot_write = |e: std::io::Error| Error::setup(format!("cannot write {}: {e}", path.display()));
    let mut file = options.open(path).map_err(cannot_write)?;
    file.write_all(contents).map_err(cannot_write)
}

/// When digests go out: a local hour every day, and a weekday for weekly ones.
#[derive(Debug, Clone, Copy)]
pub struct Schedule {
    /// Hours east of UTC (Asia/Bangkok: 7; Thailand has no daylight saving).
    pub utc_offset_hours: i32,
    pub hour: u32,
    /// 1 = Monday … 7 = Sunday.
    pub weekday: u32,
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule { utc_offset_hours: 7, hour: 7, weekday: 1 }
    }
}

impl Schedule {
    /// The period key of each frequency that is due at `at` (UTC), e.g.
    /// `daily:2026-11-25`, `weekly:2026-W48`; none before the hour.
    pub fn due(&self, at: NaiveDateTime) -> Vec<(Frequency, String)> {
        let local = at + chrono::Duration::hours(self.utc_offset_hours.into());
        if local.hour() < self.hour {
            return Vec::new();
        }
        let mut due = vec![(Frequency::Daily, format!("daily:{}", local.date()))];
        if local.weekday().number_from_monday() == self.weekday {
            let week = local.iso_week();
            due.push((Frequency::Weekly, format!("weekly:{}-W{:02}", week.year(), week.week())));
        }
        due
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_fall_due_at_the_local_hour_and_weekday() {
        let schedule = Schedule::default();
        let at = |s: &str| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        // 23:30 UTC on Sunday is 06:30 Monday in Bangkok: not yet.
        assert!(schedule.due(at("2026-11-22 23:30")).is_empty());
        // 00:10 UTC Monday is 07:10 in Bangkok: daily and weekly.
        let due = schedule.due(at("2026-11-23 00:10"));
        assert_eq!(
            due,
            vec![(Frequency::Daily, "daily:2026-11-23".into()), (Frequency::Weekly, "weekly:2026-W48".into())]
        );
        // Tuesday: daily only.
        assert_eq!(schedule.due(at("2026-11-24 03:00")), vec![(Frequency::Daily, "daily:2026-11-24".into())]);
    }
}
