//! Which tables an export holds, in an order that inserts without breaking a foreign key, and
//! which of their rows belong to one workspace.

/// One table of the schema as `ocomms export` sees it.
#[derive(Debug)]
pub(crate) struct Table {
    pub name: &'static str,
    /// Rows in this order: stable across backends, and parents (a thread's root) first.
    pub order_by: &'static str,
    /// `WHERE` condition choosing the rows of workspace `$1`; `None` leaves the table out of
    /// a workspace export (sessions, server settings, the import log).
    pub of_workspace: Option<&'static str>,
    /// Has a PostgreSQL `GENERATED ALWAYS AS IDENTITY` column `id`: inserted with
    /// `OVERRIDING SYSTEM VALUE`, and its sequence moved past the largest id after.
    pub identity: bool,
}

/// The conversations of workspace `$1`.
macro_rules! conversations {
    () => {
        "(SELECT id FROM conversations WHERE workspace_id = $1)"
    };
}

/// The messages of workspace `$1`.
macro_rules! messages {
    () => {
        "(SELECT m.id FROM messages m JOIN conversations c ON c.id = m.conversation_id \
         WHERE c.workspace_id = $1)"
    };
}

/// Every account a row of workspace `$1` names: members, and those who left but wrote,
/// reacted, created or invited there (their rows must keep pointing at someone).
macro_rules! people {
    () => {
        concat!(
            "(SELECT user_id FROM members WHERE workspace_id = $1 ",
            "UNION SELECT created_by FROM workspaces WHERE id = $1 ",
            "UNION SELECT created_by FROM invitations WHERE workspace_id = $1 ",
            "UNION SELECT created_by FROM conversations WHERE workspace_id = $1 ",
            "UNION SELECT actor FROM conversation_events WHERE workspace_id = $1 ",
            "UNION SELECT user_id FROM conversation_members WHERE conversation_id IN ",
            conversations!(),
            " UNION SELECT author_id FROM messages WHERE conversation_id IN ",
            conversations!(),
            " UNION SELECT pinned_by FROM messages WHERE pinned_by IS NOT NULL AND conversation_id IN ",
            conversations!(),
            " UNION SELECT user_id FROM message_reactions WHERE message_id IN ",
            messages!(),
            " UNION SELECT user_id FROM thread_follows WHERE workspace_id = $1",
            " UNION SELECT user_id FROM mentions WHERE conversation_id IN ",
            conversations!(),
            " UNION SELECT user_id FROM email_pending WHERE message_id IN ",
            messages!(),
            ")"
        )
    };
}

const fn table(
    name: &'static str,
    order_by: &'static str,
    of_workspace: Option<&'static str>,
) -> Table {
    Table {
        name,
        order_by,
        of_workspace,
        identity: false,
    }
}

const fn with_identity(mut table: Table) -> Table {
    table.identity = true;
    table
}

/// Every table of the schema but the migrations' own and SQLite's search index (rebuilt from
/// `messages` by its triggers); a test checks none is missing.
pub(crate) const TABLES: &[Table] = &[
    table("instance", "id", None),
    with_identity(table("users", "id", Some(concat!("id IN ", people!())))),
    table(
        "avatars",
        "user_id",
        Some(concat!("user_id IN ", people!())),
    ),
    // Sign-ins stay with the server: a moved workspace's people sign in again.
    with_identity(table("sessions", "id", None)),
    table("auth_tokens", "token_hash", None),
    with_identity(table("workspaces", "id", Some("id = $1"))),
    table(
        "members",
        "workspace_id, user_id",
        Some("workspace_id = $1"),
    ),
    with_identity(table("invitations", "id", Some("workspace_id = $1"))),
    with_identity(table("conversations", "id", Some("workspace_id = $1"))),
    table(
        "conversation_members",
        "conversation_id, user_id",
        Some(concat!("conversation_id IN ", conversations!())),
    ),
    table(
        "conversation_events",
        "conversation_id, seq",
        Some("workspace_id = $1"),
    ),
    with_identity(table(
        "messages",
        "id",
        Some(concat!("conversation_id IN ", conversations!())),
    )),
    table(
        "message_reactions",
        "message_id, user_id, emoji",
        Some(concat!("message_id IN ", messages!())),
    ),
    table(
        "thread_follows",
        "user_id, root_id",
        Some("workspace_id = $1"),
    ),
    table(
        "mentions",
        "user_id, conversation_id, seq",
        Some(concat!("conversation_id IN ", conversations!())),
    ),
    table(
        "email_pending",
        "user_id, message_id",
        Some(concat!("message_id IN ", messages!())),
    ),
    table("email_sweep", "id", None),
    // Prepared downloads of a person's own data: they go with the whole server.
    with_identity(table("personal_exports", "id", None)),
    table("imports", "sha256", None),
];

/// The table named `name`, if it is one an export may hold.
pub(crate) fn find(name: &str) -> Option<&'static Table> {
    TABLES.iter().find(|t| t.name == name)
}
