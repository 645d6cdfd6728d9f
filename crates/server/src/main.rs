//! `ocomms`: serve, migrate, backup, restore, export, import, import-slack, admin.

use clap::Parser as _;
use ocomms_app::export::{self, ExportScope, ImportOptions, ImportOutcome, ImportReport};
use ocomms_app::mail::Mailer;
use ocomms_app::slack::{SlackOptions, SlackOutcome, SlackReport};
use ocomms_app::{Database, backup};
use ocomms_server::config::{self, AdminCommand, Cli, Command, LogFormat, ServeConfig};
use ocomms_server::{App, server};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    match cli.log_format {
        LogFormat::Text => tracing_subscriber::fmt().with_env_filter(filter).init(),
        LogFormat::Json => tracing_subscriber::fmt()
            .json()
            .with_current_span(true)
            .with_env_filter(filter)
            .init(),
    }
    let config_file = cli.config.as_deref();
    match cli.command {
        Command::Serve(args) => {
            let config = ServeConfig::resolve(&args, config_file)?;
            let running = server::start(config).await?;
            tracing::info!(listen = %running.url(), "OComms is ready at {}", running.app.public_url());
            // A line for people; with JSON logs every line of the output must be JSON, and
            // the log line above says the same.
            if cli.log_format == LogFormat::Text {
                println!("OComms is running at {}", running.url());
            }
            running.run_until_signal().await
        }
        Command::Migrate(args) => {
            let url = config::database_url(&args, config_file)?;
            Database::open(&url).await?;
            println!("migrated {}", server::redact(&url));
            Ok(())
        }
        Command::Backup { database, file } => {
            let url = config::database_url(&database, config_file)?;
            let manifest = backup::write(&url, &file).await?;
            println!(
                "backup written to {} ({} database, schema {}, {} bytes, sha256 {})",
                file.display(),
                manifest.backend_name(),
                manifest.schema_version,
                manifest.payload.bytes,
                manifest.payload.sha256
            );
            Ok(())
        }
        Command::Restore {
            database,
            force,
            file,
        } => {
            let url = config::database_url(&database, config_file)?;
            let manifest = backup::restore(&file, &url, force).await?;
            println!(
                "restored {} into {} (backup of {}, schema {}; migrated to this version)",
                file.display(),
                server::redact(&url),
                manifest.created_at,
                manifest.schema_version
            );
            Ok(())
        }
        Command::Export {
            database,
            workspace: _, // clap refuses --workspace with --user
            user: Some(email),
            file,
        } => {
            let url = config::database_url(&database, config_file)?;
            let bytes = export::personal::write_for(&url, &email, &file).await?;
            println!(
                "exported the data of {email} to {} ({bytes} bytes)",
                file.display()
            );
            Ok(())
        }
        Command::Export {
            database,
            workspace,
            user: None,
            file,
        } => {
            let url = config::database_url(&database, config_file)?;
            let scope = workspace.map_or(ExportScope::All, ExportScope::Workspace);
            let report = export::export(&url, &scope, &file).await?;
            let what = match scope {
                ExportScope::All => "the whole server".to_owned(),
                ExportScope::Workspace(slug) => format!("workspace {slug}"),
            };
            println!(
                "exported {what} to {} ({} tables, {} rows, schema {}, sha256 {})",
                file.display(),
                report.end.tables,
                report.end.rows,
                report.header.schema_version,
                report.end.sha256
            );
            Ok(())
        }
        Command::Import {
            database,
            dry_run,
            force,
            file,
        } => {
            let url = config::database_url(&database, config_file)?;
            let options = ImportOptions { dry_run, force };
            let report = export::import(&file, &url, options).await?;
            print!("{}", import_report(&report, &server::redact(&url)));
            Ok(())
        }
        Command::ImportSlack {
            database,
            workspace_name,
            owner,
            dry_run,
            file,
        } => {
            let url = config::database_url(&database, config_file)?;
            let app = App::offline(Database::open(&url).await?, Mailer::Log);
            let options = SlackOptions {
                workspace_name,
                owner_email: owner,
                dry_run,
            };
            let report = app.import_slack(&file, &options).await?;
            print!("{}", slack_report(&report));
            Ok(())
        }
        Command::Admin { database, action } => {
            let url = config::database_url(&database, config_file)?;
            let app = App::offline(Database::open(&url).await?, Mailer::Log);
            admin(&app, action).await
        }
    }
}

/// What `ocomms import` tells: the file, each table's rows, and what was done.
fn import_report(report: &ImportReport, target: &str) -> String {
    let header = &report.header;
    let mut text = format!(
        "{} rows in {} tables, exported {} from {} ({} schema {}), sha256 {}\n",
        report.rows,
        report.tables.len(),
        header.created_at,
        if header.scope == "all" {
            "a whole server".to_owned()
        } else {
            format!("workspace {}", header.scope)
        },
        header.backend,
        header.schema_version,
        report.sha256
    );
    for (table, rows) in &report.tables {
        text.push_str(&format!("  {table:<22} {rows:>10}\n"));
    }
    let replaced = if report.replaced_data {
        " (its data replaced)"
    } else {
        ""
    };
    text.push_str(&match report.outcome {
        ImportOutcome::Imported => format!("imported into {target}{replaced}\n"),
        ImportOutcome::WouldImport => format!(
            "dry run: the file is sound and {target} can take it{replaced}; nothing written\n"
        ),
        ImportOutcome::AlreadyImported => {
            format!("this file was already imported into {target}; nothing written\n")
        }
    });
    text
}

/// What `ocomms import-slack` tells: who and what the export holds, what was left out, and
/// what was done.
fn slack_report(report: &SlackReport) -> String {
    let people = report.matched_accounts + report.new_accounts;
    let mut text = format!(
        "{people} people ({} matched to accounts here, {} new, {} of them without an email), \
         {} channels, {} messages ({} thread replies), {} reactions\n",
        report.matched_accounts,
        report.new_accounts,
        report.without_email,
        report.channels.len(),
        report.messages,
        report.replies,
        report.reactions,
    );
    for (name, private, messages) in &report.channels {
        let private = if *private { " (private)" } else { "" };
        text.push_str(&format!("  #{name}{private}: {messages} messages\n"));
    }
    for (what, count) in &report.skipped {
        text.push_str(&format!("  not imported: {count} {what}\n"));
    }
    text.push_str(&match (report.outcome, &report.workspace) {
        (Some(SlackOutcome::Imported), Some(slug)) => format!(
            "imported as workspace {slug}. New accounts have no password yet: they use \
             \"Forgot password\" on the sign-in page, or an administrator runs \
             `ocomms admin reset-password`.\n"
        ),
        (Some(SlackOutcome::AlreadyImported), _) => {
            "this export was already imported; nothing written\n".to_owned()
        }
        _ => "dry run: the export is readable; nothing written\n".to_owned(),
    });
    text
}

async fn admin(app: &App, action: AdminCommand) -> anyhow::Result<()> {
    match action {
        AdminCommand::CreateUser {
            email,
            password,
            name,
            admin,
        } => {
            let user = app
                .admin_create_user(&email, &password, &name, admin)
                .await?;
            let role = if user.is_instance_admin {
                " (server administrator)"
            } else {
                ""
            };
            println!("created account {} <{}>{role}", user.id, user.email);
        }
        AdminCommand::ResetPassword { email, password } => {
            app.admin_reset_password(&email, &password).await?;
            println!("password changed for {email}; all of its sessions were signed out");
        }
        AdminCommand::MakeAdmin { email } => {
            app.admin_make_admin(&email).await?;
            println!("{email} is now a server administrator");
        }
    }
    Ok(())
}
