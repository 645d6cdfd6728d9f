//! Command line and configuration. Every flag is also an `OCOMMS_*` environment variable
//! and a key of the optional TOML file (`--config`); flags and variables win over the file.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use clap::Args;
use serde::Deserialize;

mod command;

pub use command::{AdminCommand, Cli, Command, LogFormat};

/// Global, so that `ocomms admin make-admin --database-url …` works as well as
/// `ocomms admin --database-url … make-admin` (people put flags last).
#[derive(Debug, Clone, Default, Args)]
pub struct DatabaseArgs {
    /// Folder for the SQLite database and other data [default: ./data]
    #[arg(long, env = "OCOMMS_DATA_DIR", global = true)]
    pub data_dir: Option<PathBuf>,
    /// `postgres://…` to use PostgreSQL; default is SQLite at DATA_DIR/ocomms.db
    #[arg(long, env = "OCOMMS_DATABASE_URL", global = true)]
    pub database_url: Option<String>,
}

#[derive(Debug, Clone, Default, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Address to listen on [default: 127.0.0.1:3000]
    #[arg(long, env = "OCOMMS_LISTEN")]
    pub listen: Option<SocketAddr>,
    /// Serve Prometheus metrics at http://ADDR/metrics, apart from the public port (e.g.
    /// 127.0.0.1:9100) [default: off]
    #[arg(long, env = "OCOMMS_METRICS_LISTEN")]
    pub metrics_listen: Option<SocketAddr>,
    /// URL people use to reach the server, for links in emails [default: http://LISTEN]
    #[arg(long, env = "OCOMMS_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// SMTP server for email, e.g. `smtp://user:pass@mail.example.com:587?tls=required`
    #[arg(long, env = "OCOMMS_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// Sender of emails, e.g. `OComms <noreply@example.com>`
    #[arg(long, env = "OCOMMS_SMTP_FROM")]
    pub smtp_from: Option<String>,
    /// Seconds a mention or direct message stays unread before it is emailed about (with
    /// SMTP; people choose how often, or never) [default: 300]
    #[arg(long, env = "OCOMMS_MISSED_EMAIL_DELAY")]
    pub missed_email_delay: Option<u64>,
    /// Take the client address from X-Forwarded-For (only behind a reverse proxy you run)
    #[arg(long, env = "OCOMMS_TRUST_FORWARDED_FOR")]
    pub trust_forwarded_for: bool,
    /// Redis for several nodes on one PostgreSQL database, e.g. `redis://127.0.0.1:6379`
    #[arg(long, env = "OCOMMS_REDIS_URL")]
    pub redis_url: Option<String>,
    /// Turn off the per-address and per-account limits on sign-in, sign-up and password
    /// reset. Only for load tests, or behind a proxy that limits these routes itself.
    #[arg(long, env = "OCOMMS_NO_AUTH_RATE_LIMITS")]
    pub no_auth_rate_limits: bool,
    /// Serve HTTPS with this certificate chain (PEM), for a server without a reverse proxy;
    /// needs --tls-key
    #[arg(long, env = "OCOMMS_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The certificate's private key (PEM)
    #[arg(long, env = "OCOMMS_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Write a backup this often, e.g. `6h`, `30m`, `24h` (off unless set; turn it on for
    /// one node only)
    #[arg(long, env = "OCOMMS_BACKUP_EVERY", value_parser = parse_interval)]
    pub backup_every: Option<std::time::Duration>,
    /// How many scheduled backups to keep; older ones are removed [default: 14]
    #[arg(long, env = "OCOMMS_BACKUP_KEEP", value_parser = clap::value_parser!(u32).range(1..))]
    pub backup_keep: Option<u32>,
    /// Folder for scheduled backups [default: DATA_DIR/backups]
    #[arg(long, env = "OCOMMS_BACKUP_DIR")]
    pub backup_dir: Option<PathBuf>,
}

/// Scheduled backups no closer than this: each one copies the whole database.
const MIN_BACKUP_INTERVAL: std::time::Duration = std::time::Duration::from_secs(60);
const DEFAULT_BACKUP_KEEP: u32 = 14;

/// `6h`, `90m`, `1h 30m`, `PT6H`: jiff's friendly or ISO 8601 durations (hours at most: a day is
/// not always 24 hours), a minute or more.
pub fn parse_interval(text: &str) -> Result<std::time::Duration, String> {
    let parsed: jiff::SignedDuration = text
        .trim()
        .parse()
        .map_err(|e| format!("{text:?} is not a duration like 6h, 30m or 24h ({e})"))?;
    let interval =
        std::time::Duration::try_from(parsed).map_err(|_| format!("{text:?} must be positive"))?;
    if interval < MIN_BACKUP_INTERVAL {
        return Err(format!("{text:?} is too short: one minute at least"));
    }
    Ok(interval)
}

/// The TOML file: every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    listen: Option<SocketAddr>,
    metrics_listen: Option<SocketAddr>,
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    public_url: Option<String>,
    smtp_url: Option<String>,
    smtp_from: Option<String>,
    missed_email_delay: Option<u64>,
    trust_forwarded_for: Option<bool>,
    redis_url: Option<String>,
    auth_rate_limits: Option<bool>,
    tls_cert: Option<PathBuf>,
    tls_key: Option<PathBuf>,
    /// Like `--backup-every`: `"6h"`.
    backup_every: Option<String>,
    backup_keep: Option<u32>,
    backup_dir: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {0}: {1}")]
    Read(PathBuf, std::io::Error),
    #[error("invalid config file {0}: {1}")]
    Parse(PathBuf, toml::de::Error),
    #[error("--smtp-from is required when --smtp-url is set")]
    SmtpFromMissing,
    #[error("--public-url must start with http:// or https://, got {0:?}")]
    PublicUrl(String),
    #[error("--tls-cert and --tls-key go together: give both or neither")]
    TlsHalf,
    #[error("backup_every in the config file: {0}")]
    BackupEvery(String),
    #[error("backup_keep must be 1 or more")]
    BackupKeep,
}

/// Settings `serve` runs with, after merging flags, environment and file.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    pub listen: SocketAddr,
    /// Where `/metrics` is served, if anywhere.
    pub metrics_listen: Option<SocketAddr>,
    pub database_url: String,
    /// `None` until the listener is bound, then `http://{bound address}`.
    pub public_url: Option<String>,
    pub smtp: Option<SmtpConfig>,
    pub missed_email: MissedEmail,
    pub trust_forwarded_for: bool,
    pub redis_url: Option<String>,
    /// How often realtime feeds poll the database without a notification.
    pub realtime_poll: std::time::Duration,
    /// How often, at most, a feed tells its connections how far it has got (a `position`
    /// frame, when events they did not receive moved it on).
    pub realtime_position_every: std::time::Duration,
    /// Rate limits on sign-in, sign-up and password reset (on unless turned off).
    pub auth_rate_limits: bool,
    /// Serve HTTPS with these files instead of plain HTTP.
    pub tls: Option<crate::tls::TlsFiles>,
    /// Scheduled backups (`--backup-every`), off by default.
    pub backup: Option<ocomms_app::backup::Schedule>,
}

/// Email about missed mentions and direct messages (with SMTP only).
#[derive(Debug, Clone, Copy)]
pub struct MissedEmail {
    /// Unread this long, a message is emailed about.
    pub delay: std::time::Duration,
    /// How often the server looks for what to email.
    pub every: std::time::Duration,
}

impl Default for MissedEmail {
    fn default() -> Self {
        Self {
            delay: ocomms_app::DEFAULT_MISSED_EMAIL_DELAY,
            every: std::time::Duration::from_secs(30),
        }
    }
}

#[derive(Debug, Clone)]
pub struct SmtpConfig {
    pub url: String,
    pub from: String,
}

fn load_file(path: Option<&Path>) -> Result<FileConfig, ConfigError> {
    let Some(path) = path else {
        return Ok(FileConfig::default());
    };
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read(path.into(), e))?;
    toml::from_str(&text).map_err(|e| ConfigError::Parse(path.into(), e))
}

/// The database URL: explicit, else SQLite in the data folder (created if missing).
pub fn database_url(args: &DatabaseArgs, config: Option<&Path>) -> Result<String, ConfigError> {
    let file = load_file(config)?;
    Ok(resolve_database(args, &file))
}

fn resolve_database(args: &DatabaseArgs, file: &FileConfig) -> String {
    if let Some(url) = args
        .database_url
        .clone()
        .or_else(|| file.database_url.clone())
    {
        return url;
    }
    format!(
        "sqlite://{}",
        resolve_data_dir(args, file).join("ocomms.db").display()
    )
}

fn resolve_data_dir(args: &DatabaseArgs, file: &FileConfig) -> PathBuf {
    args.data_dir
        .clone()
        .or_else(|| file.data_dir.clone())
        .unwrap_or_else(|| PathBuf::from("data"))
}

/// `--backup-every` and its companions, from flags or the file; `None` when off.
fn resolve_backup(
    args: &ServeArgs,
    file: &FileConfig,
) -> Result<Option<ocomms_app::backup::Schedule>, ConfigError> {
    let every = match (args.backup_every, &file.backup_every) {
        (Some(every), _) => every,
        (None, Some(text)) => parse_interval(text).map_err(ConfigError::BackupEvery)?,
        (None, None) => return Ok(None),
    };
    let keep = args
        .backup_keep
        .or(file.backup_keep)
        .unwrap_or(DEFAULT_BACKUP_KEEP);
    if keep == 0 {
        return Err(ConfigError::BackupKeep);
    }
    let dir = args
        .backup_dir
        .clone()
        .or_else(|| file.backup_dir.clone())
        .unwrap_or_else(|| resolve_data_dir(&args.database, file).join("backups"));
    Ok(Some(ocomms_app::backup::Schedule {
        dir,
        every,
        keep: keep as usize,
    }))
}

impl ServeConfig {
    pub fn resolve(args: &ServeArgs, config: Option<&Path>) -> Result<Self, ConfigError> {
        let file = load_file(config)?;
        let backup = resolve_backup(args, &file)?;
        let smtp_url = args.smtp_url.clone().or(file.smtp_url);
        let smtp_from = args.smtp_from.clone().or(file.smtp_from);
        let smtp = match (smtp_url, smtp_from) {
            (Some(url), Some(from)) => Some(SmtpConfig { url, from }),
            (Some(_), None) => return Err(ConfigError::SmtpFromMissing),
            (None, _) => None,
        };
        let public_url = args.public_url.clone().or(file.public_url);
        if let Some(url) = &public_url
            && !url.starts_with("http://")
            && !url.starts_with("https://")
        {
            return Err(ConfigError::PublicUrl(url.clone()));
        }
        Ok(Self {
            listen: args
                .listen
                .or(file.listen)
                .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 3000))),
            metrics_listen: args.metrics_listen.or(file.metrics_listen),
            database_url: resolve_database(
                &args.database,
                &FileConfig {
                    data_dir: file.data_dir,
                    database_url: file.database_url,
                    ..FileConfig::default()
                },
            ),
            public_url,
            smtp,
            missed_email: match args.missed_email_delay.or(file.missed_email_delay) {
                Some(seconds) => MissedEmail {
                    delay: std::time::Duration::from_secs(seconds),
                    ..MissedEmail::default()
                },
                None => MissedEmail::default(),
            },
            trust_forwarded_for: args.trust_forwarded_for
                || file.trust_forwarded_for.unwrap_or(false),
            redis_url: args.redis_url.clone().or(file.redis_url),
            realtime_poll: std::time::Duration::from_secs(1),
            realtime_position_every: crate::realtime::POSITION_EVERY,
            auth_rate_limits: !args.no_auth_rate_limits && file.auth_rate_limits.unwrap_or(true),
            tls: match (
                args.tls_cert.clone().or(file.tls_cert),
                args.tls_key.clone().or(file.tls_key),
            ) {
                (Some(cert), Some(key)) => Some(crate::tls::TlsFiles { cert, key }),
                (None, None) => None,
                _ => return Err(ConfigError::TlsHalf),
            },
            backup,
        })
    }

    /// A configuration for tests and embedding: the given database, any free port.
    pub fn for_database(database_url: &str) -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            metrics_listen: None,
            database_url: database_url.to_owned(),
            public_url: None,
            smtp: None,
            missed_email: MissedEmail::default(),
            trust_forwarded_for: false,
            redis_url: None,
            realtime_poll: std::time::Duration::from_secs(1),
            realtime_position_every: crate::realtime::POSITION_EVERY,
            auth_rate_limits: true,
            tls: None,
            backup: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_over_the_file_and_defaults_fill_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ocomms.toml");
        std::fs::write(
            &path,
            "listen = \"0.0.0.0:4000\"\ndata_dir = \"/srv/ocomms\"\npublic_url = \"https://chat.example.com\"\n",
        )
        .unwrap();
        let from_file = ServeConfig::resolve(&ServeArgs::default(), Some(&path)).unwrap();
        assert_eq!(from_file.listen.to_string(), "0.0.0.0:4000");
        assert_eq!(from_file.database_url, "sqlite:///srv/ocomms/ocomms.db");
        assert_eq!(
            from_file.public_url.as_deref(),
            Some("https://chat.example.com")
        );
        let args = ServeArgs {
            listen: Some("127.0.0.1:5000".parse().unwrap()),
            database: DatabaseArgs {
                database_url: Some("postgres://db/x".into()),
                ..DatabaseArgs::default()
            },
            ..ServeArgs::default()
        };
        let flagged = ServeConfig::resolve(&args, Some(&path)).unwrap();
        assert_eq!(flagged.listen.to_string(), "127.0.0.1:5000");
        assert_eq!(flagged.database_url, "postgres://db/x");
        let defaults = ServeConfig::resolve(&ServeArgs::default(), None).unwrap();
        assert_eq!(defaults.listen.to_string(), "127.0.0.1:3000");
        assert_eq!(defaults.database_url, "sqlite://data/ocomms.db");
    }

    #[test]
    fn backup_schedules_read_friendly_durations_and_default_beside_the_data() {
        assert_eq!(
            parse_interval("6h"),
            Ok(std::time::Duration::from_secs(6 * 3600))
        );
        assert_eq!(
            parse_interval("1h 30m"),
            Ok(std::time::Duration::from_secs(90 * 60))
        );
        assert!(parse_interval("10s").unwrap_err().contains("too short"));
        assert!(parse_interval("-6h").is_err());
        assert!(
            parse_interval("often")
                .unwrap_err()
                .contains("not a duration")
        );

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ocomms.toml");
        std::fs::write(
            &path,
            "data_dir = \"/srv/ocomms\"\nbackup_every = \"12h\"\n",
        )
        .unwrap();
        let config = ServeConfig::resolve(&ServeArgs::default(), Some(&path)).unwrap();
        let schedule = config.backup.unwrap();
        assert_eq!(schedule.dir, PathBuf::from("/srv/ocomms/backups"));
        assert_eq!(schedule.every, std::time::Duration::from_secs(12 * 3600));
        assert_eq!(schedule.keep, 14);
        assert!(
            ServeConfig::resolve(&ServeArgs::default(), None)
                .unwrap()
                .backup
                .is_none()
        );
        std::fs::write(&path, "backup_every = \"soon\"\n").unwrap();
        assert!(matches!(
            ServeConfig::resolve(&ServeArgs::default(), Some(&path)),
            Err(ConfigError::BackupEvery(_))
        ));
    }

    #[test]
    fn bad_files_and_half_smtp_settings_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.toml");
        std::fs::write(&path, "lisen = 1\n").unwrap();
        assert!(matches!(
            ServeConfig::resolve(&ServeArgs::default(), Some(&path)),
            Err(ConfigError::Parse(..))
        ));
        let args = ServeArgs {
            smtp_url: Some("smtp://localhost".into()),
            ..ServeArgs::default()
        };
        assert!(matches!(
            ServeConfig::resolve(&args, None),
            Err(ConfigError::SmtpFromMissing)
        ));
    }
}
