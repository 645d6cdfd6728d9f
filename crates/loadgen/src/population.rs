//! The people and channels a scenario needs, made through the public API like any client
//! would: an administrator (the first account on a fresh server), a workspace, load users
//! who join it through an invitation link, and channels created with their members.
//!
//! Users are named `loadgen-{n}@example.invalid` and reused by later runs against the same
//! server; channels get a fresh run name each time. Creating hundreds of accounts quickly
//! needs the server started with `--no-auth-rate-limits` (sign-up is limited per address).

use std::sync::Arc;

use anyhow::Context as _;
use ocomms_client::{Client, ClientError};
use ocomms_proto::account::SignUpRequest;
use ocomms_proto::conversation::CreateChannel;
use ocomms_proto::realtime::MAX_SOCKETS_PER_SESSION;
use ocomms_proto::workspace::CreateInvitation;
use ocomms_proto::{ConversationId, ErrorCode, UserId, WorkspaceId};
use tokio::sync::Semaphore;

use crate::connection::Connector;

const ADMIN_EMAIL: &str = "loadgen@example.invalid";
/// Every load user's password (the search scenario's people too).
pub const PASSWORD: &str = "loadgen passphrase for benchmarks";
/// Sign-ups at once: each costs the server an argon2 hash (19 MiB, tens of milliseconds).
const SIGNUP_CONCURRENCY: usize = 4;

/// A load user: signed in, with an API client per server node.
pub struct LoadUser {
    pub id: UserId,
    pub token: String,
    clients: Vec<Client>,
    /// `token` and further sessions of the user, so that no session holds more sockets than
    /// the server allows one (`MAX_SOCKETS_PER_SESSION`).
    socket_tokens: Vec<String>,
}

impl LoadUser {
    /// The user's client for `node` (clients of one node share their connection pool).
    pub fn client(&self, node: usize) -> &Client {
        &self.clients[node % self.clients.len()]
    }
}

pub struct Population {
    pub admin: Client,
    pub slug: String,
    pub workspace_id: WorkspaceId,
    pub users: Vec<LoadUser>,
    /// Unique per run: names channels and prefixes the run's message client ids.
    pub run: String,
    /// In a reaction run, the message each numbered reaction goes on: a reaction to message
    /// id `m` is the run's event number `reaction_targets[m]` (set before connecting).
    pub reaction_targets: std::sync::OnceLock<Arc<std::collections::HashMap<i64, u64>>>,
}

impl Population {
    /// The administrator and workspace, plus `users` load users in it, with sessions enough
    /// for `sockets` WebSockets spread over them.
    pub async fn prepare(
        connector: &Connector,
        users: usize,
        sockets: usize,
    ) -> anyhow::Result<Self> {
        let sessions = sockets
            .div_ceil(users.max(1))
            .div_ceil(MAX_SOCKETS_PER_SESSION)
            .max(1);
        let admin = admin(connector.base_url(0)).await?;
        let workspace = match admin.workspaces().await?.into_iter().next() {
            Some(workspace) => workspace,
            None => admin.create_workspace("Load").await?,
        };
        let invitation = admin
            .create_invitation(
                &workspace.slug,
                &CreateInvitation {
                    email: None,
                    role: None,
                    max_uses: None,
                    expires_in_hours: Some(1),
                },
            )
            .await
            .context("creating an invitation link for the load users")?
            .token;
        let nodes: Vec<Client> = (0..connector.nodes())
            .map(|node| Client::new(connector.base_url(node)))
            .collect();
        let nodes = Arc::new(nodes);
        let limit = Arc::new(Semaphore::new(SIGNUP_CONCURRENCY));
        let mut tasks = Vec::with_capacity(users);
        for n in 0..users {
            let (nodes, limit, invitation) = (nodes.clone(), limit.clone(), invitation.clone());
            tasks.push(tokio::spawn(async move {
                let _permit = limit.acquire().await?;
                load_user(&nodes, n, &invitation, sessions).await
            }));
        }
        let mut loaded = Vec::with_capacity(users);
        for task in tasks {
            loaded.push(task.await??);
        }
        Ok(Self {
            admin,
            slug: workspace.slug,
            workspace_id: workspace.id,
            users: loaded,
            run: run_name(),
            reaction_targets: std::sync::OnceLock::new(),
        })
    }

    /// A public channel with these load users (by index) as members, named for the run.
    pub async fn channel(&self, label: &str, members: &[usize]) -> anyhow::Result<ConversationId> {
        let request = CreateChannel {
            name: format!("{}-{label}", self.run),
            private: false,
            topic: None,
            description: None,
            members: members.iter().map(|&m| self.users[m].id).collect(),
        };
        let channel = self
            .admin
            .create_channel(&self.slug, &request)
            .await
            .with_context(|| format!("creating channel {}", request.name))?;
        Ok(channel.id)
    }

    /// The bearer token for socket `c` of a fleet: users in turn, and each user's sockets
    /// spread over their sessions, at most `MAX_SOCKETS_PER_SESSION` to one.
    pub fn socket_token(&self, c: usize) -> String {
        let user = &self.users[c % self.users.len()];
        let session = (c / self.users.len()) / MAX_SOCKETS_PER_SESSION;
        user.socket_tokens[session % user.socket_tokens.len()].clone()
    }

    /// The `client_id` prefix of this run's messages: message `n` is `{prefix}{n}`.
    pub fn message_prefix(&self) -> Arc<str> {
        format!("{}-", self.run).into()
    }
}

/// Signs in the administrator, creating the account on a fresh server.
pub async fn admin(url: &str) -> anyhow::Result<Client> {
    let mut client = Client::new(url);
    if client.sign_in(ADMIN_EMAIL, PASSWORD).await.is_err() {
        client
            .sign_up(&SignUpRequest {
                email: ADMIN_EMAIL.into(),
                password: PASSWORD.into(),
                display_name: "Load Generator".into(),
                invitation_token: None,
            })
            .await
            .context(
                "signing up the load administrator (use a fresh server, or one where \
                 loadgen@example.invalid exists)",
            )?;
    }
    Ok(client)
}

/// Load user number `n`: signed up through the invitation, or signed in when it exists.
async fn load_user(
    nodes: &[Client],
    n: usize,
    invitation: &str,
    sessions: usize,
) -> anyhow::Result<LoadUser> {
    let email = format!("loadgen-{n}@example.invalid");
    let mut client = nodes[0].clone();
    let signed_up = client
        .sign_up(&SignUpRequest {
            email: email.clone(),
            password: PASSWORD.into(),
            display_name: format!("Load {n}"),
            invitation_token: Some(invitation.to_owned()),
        })
        .await;
    let session = match signed_up.map(ocomms_client::SignedUp::session) {
        Ok(Some(session)) => session,
        Ok(None) => anyhow::bail!(
            "{email} must confirm its address: run load tests against a server without SMTP"
        ),
        Err(e) if e.code() == Some(ErrorCode::EmailTaken) => {
            let session = client.sign_in(&email, PASSWORD).await.map_err(hint)?;
            // Already a member after an earlier run; a refusal here is harmless.
            let _ = client.accept_invitation(invitation).await;
            session
        }
        Err(e) => return Err(hint(e)).with_context(|| format!("signing up {email}")),
    };
    let token = session.token;
    let mut socket_tokens = vec![token.clone()];
    while socket_tokens.len() < sessions {
        let mut extra = Client::new(nodes[0].base_url());
        let signed_in = extra.sign_in(&email, PASSWORD).await.map_err(hint)?;
        socket_tokens.push(signed_in.token);
    }
    Ok(LoadUser {
        id: session.user.id,
        clients: nodes
            .iter()
            .map(|node| node.clone().with_token(token.clone()))
            .collect(),
        token,
        socket_tokens,
    })
}

fn hint(error: ClientError) -> anyhow::Error {
    if error.code() == Some(ErrorCode::RateLimited) {
        anyhow::anyhow!(
            "{error}: the server limits sign-ups and sign-ins per address; start it with \
             --no-auth-rate-limits for load tests"
        )
    } else {
        error.into()
    }
}

/// A short name no earlier run used: seconds and nanoseconds of now, in base 36.
fn run_name() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let mut n = now.as_secs() % 1_000_000 * 1_000 + u64::from(now.subsec_millis());
    let mut name = String::new();
    while n > 0 {
        let digit = u32::try_from(n % 36).unwrap_or(0);
        name.insert(0, char::from_digit(digit, 36).unwrap_or('0'));
        n /= 36;
    }
    format!("lg{name}")
}
