//! The offline cache (docs/adr/0021): one SQLite file per server in the data folder, holding
//! per signed-in account what the window needs to open before the network answers — the
//! server's description, the account, its workspaces, their conversations and people's
//! names, and the newest messages of each conversation seen. Values are the wire types as
//! JSON: a cache needs no schema of its own beyond keys, and a format change only empties
//! it (`SCHEMA`). It is written as answers and events arrive and read once at start; it is
//! never the truth (everything is fetched again once the server answers).

use std::path::{Path, PathBuf};
use std::str::FromStr as _;

use ocomms_proto::account::CurrentUser;
use ocomms_proto::conversation::Conversation;
use ocomms_proto::instance::InstanceInfo;
use ocomms_proto::message::Message;
use ocomms_proto::notification::ConversationNotifications;
use ocomms_proto::workspace::Workspace;
use ocomms_proto::{ConversationId, MessageId, Timestamp, UserId, WorkspaceId};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{Connection as _, SqliteConnection};

/// Bumped when what is stored changes shape: an older cache is emptied, not migrated.
const SCHEMA: &str = "2";
/// Messages kept per conversation (the newest).
const KEPT: i64 = 200;
/// Messages read back per conversation at start (a page, as history loads).
const READ: i64 = 50;

#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("cache database: {0}")]
    Sql(#[from] sqlx::Error),
    #[error("cache contents: {0}")]
    Json(#[from] serde_json::Error),
}

/// What a server's cache holds, as read at start.
#[derive(Debug, Clone, PartialEq)]
pub struct Cached {
    pub info: InstanceInfo,
    pub accounts: Vec<CachedAccount>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CachedAccount {
    pub user: CurrentUser,
    pub workspaces: Vec<Workspace>,
    pub conversations: Vec<(WorkspaceId, Vec<Conversation>)>,
    pub names: Vec<(UserId, String)>,
    /// The newest messages of each conversation, oldest first.
    pub messages: Vec<(ConversationId, Vec<Message>)>,
    /// The conversation last on screen.
    pub place: Option<ConversationId>,
    /// Notification levels, so muted conversations are dimmed offline too.
    pub levels: Vec<(ConversationId, ConversationNotifications)>,
}

/// A change to the cache, in the order things happened.
#[derive(Debug, Clone)]
pub enum Write {
    Instance(InstanceInfo),
    Account(CurrentUser),
    Workspaces {
        user: UserId,
        list: Vec<Workspace>,
    },
    Conversations {
        user: UserId,
        workspace: WorkspaceId,
        list: Vec<Conversation>,
        names: Vec<(UserId, String)>,
    },
    Messages {
        user: UserId,
        messages: Vec<Message>,
    },
    Edited {
        user: UserId,
        message: MessageId,
        body: String,
        html: String,
        edited_at: Timestamp,
    },
    Deleted {
        user: UserId,
        message: MessageId,
    },
    /// Someone (`by`) reacted to a message with `emoji` (`added`) or took it back.
    Reaction {
        user: UserId,
        message: MessageId,
        emoji: String,
        by: UserId,
        added: bool,
    },
    /// The conversation on screen (read there).
    Place {
        user: UserId,
        conversation: ConversationId,
    },
    Levels {
        user: UserId,
        levels: Vec<(ConversationId, ConversationNotifications)>,
    },
    /// Signed out: nothing of the account stays on disk.
    ForgetAccount(UserId),
}

mod reactions;
mod read;
#[cfg(test)]
mod tests;

/// `https://chat.example.com:8443` → `DIR/cache/https_chat.example.com_8443.sqlite`.
pub fn path_for(dir: &Path, url: &str) -> PathBuf {
    let name: String = url
        .replace("://", "_")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    dir.join("cache").join(format!("{name}.sqlite"))
}

pub struct Cache {
    db: SqliteConnection,
}

impl Cache {
    pub async fn open(path: &Path) -> Result<Self, CacheError> {
        if let Some(parent) = path.parent() {
            // A missing folder fails the connect below, with the path in the message.
            let _ = std::fs::create_dir_all(parent);
        }
        let options = SqliteConnectOptions::from_str("sqlite://")?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            // A small page cache: the file is read once at start and appended to after.
            .pragma("cache_size", "-256");
        let mut db = SqliteConnection::connect_with(&options).await?;
        let schema: Option<(String,)> =
            sqlx::query_as("SELECT value FROM meta WHERE key = 'schema'")
                .fetch_optional(&mut db)
                .await
                .unwrap_or(None);
        if schema.as_ref().map(|s| s.0.as_str()) != Some(SCHEMA) {
            for table in ["meta", "accounts", "conversations", "messages", "levels"] {
                sqlx::query(&format!("DROP TABLE IF EXISTS {table}"))
                    .execute(&mut db)
                    .await?;
            }
            sqlx::raw_sql(
                "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                 CREATE TABLE accounts (user_id INTEGER PRIMARY KEY, user TEXT NOT NULL,
                     workspaces TEXT NOT NULL DEFAULT '[]', place INTEGER);
                 CREATE TABLE levels (user_id INTEGER NOT NULL, conversation_id INTEGER NOT NULL,
                     level TEXT NOT NULL, PRIMARY KEY (user_id, conversation_id));
                 CREATE TABLE conversations (user_id INTEGER NOT NULL, workspace_id INTEGER NOT NULL,
                     list TEXT NOT NULL, names TEXT NOT NULL, PRIMARY KEY (user_id, workspace_id));
                 CREATE TABLE messages (user_id INTEGER NOT NULL, conversation_id INTEGER NOT NULL,
                     seq INTEGER NOT NULL, id INTEGER NOT NULL, message TEXT NOT NULL,
                     PRIMARY KEY (user_id, conversation_id, seq));
                 CREATE INDEX messages_by_id ON messages (user_id, id);",
            )
            .execute(&mut db)
            .await?;
            sqlx::query("INSERT INTO meta (key, value) VALUES ('schema', ?)")
                .bind(SCHEMA)
                .execute(&mut db)
                .await?;
        }
        Ok(Self { db })
    }

    pub async fn write(&mut self, write: Write) -> Result<(), CacheError> {
        let db = &mut self.db;
        match write {
            Write::Instance(info) => {
                sqlx::query("INSERT OR REPLACE INTO meta (key, value) VALUES ('instance', ?)")
                    .bind(serde_json::to_string(&info)?)
                    .execute(db)
                    .await?;
            }
            Write::Account(user) => {
                sqlx::query(
                    "INSERT INTO accounts (user_id, user) VALUES (?, ?)
                     ON CONFLICT (user_id) DO UPDATE SET user = excluded.user",
                )
                .bind(user.id.0)
                .bind(serde_json::to_string(&user)?)
                .execute(db)
                .await?;
            }
            Write::Workspaces { user, list } => {
                sqlx::query("UPDATE accounts SET workspaces = ? WHERE user_id = ?")
                    .bind(serde_json::to_string(&list)?)
                    .bind(user.0)
                    .execute(db)
                    .await?;
            }
            Write::Conversations {
                user,
                workspace,
                list,
                names,
            } => {
                sqlx::query(
                    "INSERT OR REPLACE INTO conversations (user_id, workspace_id, list, names)
                     VALUES (?, ?, ?, ?)",
                )
                .bind(user.0)
                .bind(workspace.0)
                .bind(serde_json::to_string(&list)?)
                .bind(serde_json::to_string(&names)?)
                .execute(db)
                .await?;
            }
            Write::Messages { user, messages } => self.messages(user, messages).await?,
            Write::Edited {
                user,
                message,
                body,
                html,
                edited_at,
            } => {
                sqlx::query(
                    "UPDATE messages SET message = json_set(message, '$.body', ?, '$.html', ?,
                     '$.edited_at', ?) WHERE user_id = ? AND id = ?",
                )
                .bind(body)
                .bind(html)
                .bind(edited_at)
                .bind(user.0)
                .bind(message.0)
                .execute(db)
                .await?;
            }
            Write::Deleted { user, message } => {
                sqlx::query(
                    "UPDATE messages SET message = json_set(message, '$.deleted', json('true'),
                     '$.body', '', '$.html', '') WHERE user_id = ? AND id = ?",
                )
                .bind(user.0)
                .bind(message.0)
                .execute(db)
                .await?;
            }
            Write::Reaction {
                user,
                message,
                emoji,
                by,
                added,
            } => self.reaction(user, message, &emoji, by, added).await?,
            Write::Place { user, conversation } => {
                sqlx::query("UPDATE accounts SET place = ? WHERE user_id = ?")
                    .bind(conversation.0)
                    .bind(user.0)
                    .execute(db)
                    .await?;
            }
            Write::Levels { user, levels } => {
                let mut tx = db.begin().await?;
                for (conversation, level) in levels {
                    sqlx::query(
                        "INSERT OR REPLACE INTO levels (user_id, conversation_id, level)
                         VALUES (?, ?, ?)",
                    )
                    .bind(user.0)
                    .bind(conversation.0)
                    .bind(serde_json::to_string(&level)?)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
            }
            Write::ForgetAccount(user) => {
                for table in ["accounts", "conversations", "messages", "levels"] {
                    sqlx::query(&format!("DELETE FROM {table} WHERE user_id = ?"))
                        .bind(user.0)
                        .execute(&mut *db)
                        .await?;
                }
            }
        }
        Ok(())
    }

    /// Keeps messages (a page, or one that arrived), then only the newest `KEPT` of each
    /// conversation touched; in one transaction, so a page costs one sync.
    async fn messages(&mut self, user: UserId, messages: Vec<Message>) -> Result<(), CacheError> {
        let mut tx = self.db.begin().await?;
        let mut touched: Vec<ConversationId> = Vec::new();
        for m in &messages {
            sqlx::query(
                "INSERT OR REPLACE INTO messages (user_id, conversation_id, seq, id, message)
                 VALUES (?, ?, ?, ?, ?)",
            )
            .bind(user.0)
            .bind(m.conversation_id.0)
            .bind(m.seq)
            .bind(m.id.0)
            .bind(serde_json::to_string(m)?)
            .execute(&mut *tx)
            .await?;
            if !touched.contains(&m.conversation_id) {
                touched.push(m.conversation_id);
            }
        }
        for conversation in touched {
            sqlx::query(
                "DELETE FROM messages WHERE user_id = ?1 AND conversation_id = ?2 AND seq <=
                 (SELECT seq FROM messages WHERE user_id = ?1 AND conversation_id = ?2
                  ORDER BY seq DESC LIMIT 1 OFFSET ?3)",
            )
            .bind(user.0)
            .bind(conversation.0)
            .bind(KEPT)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
