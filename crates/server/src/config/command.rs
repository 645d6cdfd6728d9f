//! The command line: `ocomms` and its subcommands, each with its own flags.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use super::{DatabaseArgs, ServeArgs};

#[derive(Debug, Parser)]
#[command(
    name = "ocomms",
    version,
    about = "Self-hosted team chat: server, web UI and admin CLI"
)]
pub struct Cli {
    /// TOML configuration file with the same keys as the flags (e.g. `listen = "0.0.0.0:3000"`).
    #[arg(long, env = "OCOMMS_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    /// Log lines as readable text, or as one JSON object each (for log collectors)
    #[arg(long, env = "OCOMMS_LOG_FORMAT", global = true, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server (migrates the database first).
    Serve(ServeArgs),
    /// Apply database migrations and exit.
    Migrate(DatabaseArgs),
    /// Write a backup of the database to FILE while servers keep running (SQLite copy or
    /// pg_dump, checksummed, with its schema version).
    Backup {
        #[command(flatten)]
        database: DatabaseArgs,
        /// The backup file to create (never overwritten), e.g. `ocomms-2026-01-31.ocbackup`
        file: PathBuf,
    },
    /// Restore the database from a backup FILE, after checking all of it. Stop the servers
    /// using the database first.
    Restore {
        #[command(flatten)]
        database: DatabaseArgs,
        /// Replace the database if it already holds OComms data
        #[arg(long)]
        force: bool,
        /// A file written by `ocomms backup` or `serve --backup-every`
        file: PathBuf,
    },
    /// Write the whole server's data, or one workspace's, to FILE as documented JSON Lines
    /// (docs/export-format.md), while servers keep running. Import it into either backend.
    Export {
        #[command(flatten)]
        database: DatabaseArgs,
        /// Only this workspace (its address, e.g. `acme`) and the accounts in it
        #[arg(long, value_name = "SLUG")]
        workspace: Option<String>,
        /// Only this person's own data, for a GDPR request: a JSON document of their profile,
        /// memberships, messages and reactions (no password hash); not importable
        #[arg(long, value_name = "EMAIL", conflicts_with = "workspace")]
        user: Option<String>,
        /// The export file to create (never overwritten), e.g. `ocomms.ocexport`
        file: PathBuf,
    },
    /// Load an export FILE into an empty database of either backend (moves a server from
    /// SQLite to PostgreSQL). Checks all of it first; the same file twice changes nothing.
    Import {
        #[command(flatten)]
        database: DatabaseArgs,
        /// Check the file and the target, say what would happen, write nothing
        #[arg(long)]
        dry_run: bool,
        /// Replace everything in a target that already holds a server's data
        #[arg(long)]
        force: bool,
        /// A file written by `ocomms export`
        file: PathBuf,
    },
    /// Import a Slack export ZIP as a new workspace: people (matched to accounts by email,
    /// else new accounts), channels, messages with threads and edits, reactions.
    ImportSlack {
        #[command(flatten)]
        database: DatabaseArgs,
        /// The new workspace's name
        #[arg(long, value_name = "NAME")]
        workspace_name: String,
        /// The email of an existing account that will own the workspace
        #[arg(long, value_name = "EMAIL")]
        owner: String,
        /// Read and check the export, report what it holds, write nothing
        #[arg(long)]
        dry_run: bool,
        /// The ZIP file from Slack's "Export data"
        file: PathBuf,
    },
    /// Administer accounts from the command line.
    Admin {
        #[command(flatten)]
        database: DatabaseArgs,
        #[command(subcommand)]
        action: AdminCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create an account (verified), optionally as server administrator.
    CreateUser {
        #[arg(long)]
        email: String,
        #[arg(long, env = "OCOMMS_ADMIN_PASSWORD")]
        password: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        admin: bool,
    },
    /// Set a new password and sign the account out everywhere.
    ResetPassword {
        #[arg(long)]
        email: String,
        #[arg(long, env = "OCOMMS_ADMIN_PASSWORD")]
        password: String,
    },
    /// Make an account a server administrator.
    MakeAdmin {
        #[arg(long)]
        email: String,
    },
}
