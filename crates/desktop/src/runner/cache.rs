//! The offline cache on the runner's side (docs/adr/0021): one task per server owns its
//! SQLite connection and does that server's reads and writes in order (an edit never lands
//! before its message). What to keep is taken from the answers and events on their way to
//! `update` (`observe`), so `update` stays free of storage.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use ocomms_client::Update;
use ocomms_proto::UserId;
use ocomms_proto::event::EventPayload;
use tokio::sync::{mpsc, oneshot};

use super::{Runner, Session};
use crate::cache::{Cache, Cached, Write, path_for};
use crate::msg::Msg;
use crate::state::AccountKey;

enum Job {
    Write(Write),
    Read(oneshot::Sender<Option<Cached>>),
    /// The server was removed: close the file and delete it.
    Delete,
}

/// The cache thread: one task per server, by address, on a thread of its own. (sqlx's
/// SQLite futures are not `Send` for every lifetime the compiler asks about, so they run
/// on a one-thread runtime instead of the network runtime.)
#[derive(Clone)]
pub(super) struct Caches {
    jobs: mpsc::UnboundedSender<(String, Job)>,
}

impl Caches {
    fn start(dir: PathBuf) -> std::io::Result<Self> {
        let (jobs, mut queue) = mpsc::unbounded_channel::<(String, Job)>();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        std::thread::Builder::new()
            .name("openchat-cache".into())
            .spawn(move || {
                let local = tokio::task::LocalSet::new();
                local.block_on(&runtime, async move {
                    let mut tasks: HashMap<String, mpsc::UnboundedSender<Job>> = HashMap::new();
                    while let Some((url, job)) = queue.recv().await {
                        if matches!(job, Job::Delete) && !tasks.contains_key(&url) {
                            remove_files(&path_for(&dir, &url));
                            continue;
                        }
                        let delete = matches!(job, Job::Delete);
                        let task = tasks.entry(url.clone()).or_insert_with(|| {
                            let (task, queue) = mpsc::unbounded_channel();
                            tokio::task::spawn_local(run(path_for(&dir, &url), queue));
                            task
                        });
                        // Fails only when the task ended (it could not open its file).
                        let _ = task.send(job);
                        if delete {
                            tasks.remove(&url);
                        }
                    }
                });
            })?;
        Ok(Self { jobs })
    }

    fn send(&self, url: &str, job: Job) {
        // Fails only when the cache thread is gone (the application is ending).
        let _ = self.jobs.send((url.to_owned(), job));
    }

    pub(super) fn write(&self, url: &str, write: Write) {
        self.send(url, Job::Write(write));
    }

    pub(super) fn delete(&self, url: &str) {
        self.send(url, Job::Delete);
    }

    /// Whatever `url`'s cache holds (`None` when nothing, or it cannot be read).
    pub(super) async fn read(&self, url: &str) -> Option<Cached> {
        let (reply, answer) = oneshot::channel();
        self.send(url, Job::Read(reply));
        answer.await.ok().flatten()
    }
}

async fn run(path: PathBuf, mut queue: mpsc::UnboundedReceiver<Job>) {
    let mut cache = match Cache::open(&path).await {
        Ok(cache) => cache,
        Err(e) => {
            tracing::warn!(error = %e, path = %path.display(), "no offline cache for this server");
            return;
        }
    };
    while let Some(job) = queue.recv().await {
        match job {
            Job::Write(write) => {
                if let Err(e) = cache.write(write).await {
                    tracing::warn!(error = %e, "cannot update the offline cache");
                }
            }
            Job::Read(reply) => {
                let cached = cache.read().await.unwrap_or_else(|e| {
                    tracing::warn!(error = %e, "cannot read the offline cache");
                    None
                });
                let _ = reply.send(cached);
            }
            Job::Delete => {
                drop(cache);
                remove_files(&path);
                return;
            }
        }
    }
}

fn remove_files(path: &std::path::Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut file = path.as_os_str().to_owned();
        file.push(suffix);
        let _ = std::fs::remove_file(file);
    }
}

impl Runner {
    /// Keeps an offline cache per server in `dir/cache/`. Called before the vault, whose
    /// thread takes its own copy of the sink.
    pub fn with_cache(mut self, dir: PathBuf) -> Self {
        let caches = match Caches::start(dir) {
            Ok(caches) => caches,
            Err(e) => {
                tracing::warn!(error = %e, "cannot start the offline cache: nothing is kept");
                return self;
            }
        };
        let inner = self.sink.clone();
        let sessions = self.sessions.clone();
        let observer = caches.clone();
        self.sink = Arc::new(move |msg| {
            observe(&observer, &sessions, &msg);
            inner(msg);
        });
        self.caches = Some(caches);
        self
    }

    /// The user read this conversation: it is where the account opens next time.
    pub(super) fn remember_place(
        &self,
        account: AccountKey,
        conversation: ocomms_proto::ConversationId,
    ) {
        let Some(caches) = &self.caches else { return };
        let place = self
            .sessions()
            .get(&account)
            .map(|s| (s.client.base_url().to_owned(), s.user));
        if let Some((url, user)) = place {
            caches.write(&url, Write::Place { user, conversation });
        }
    }

    /// Reads a server's cache and says what it holds (`None`: nothing, or no cache).
    pub(super) fn read_cache(&self, url: String) {
        let caches = self.caches.clone();
        self.spawn(async move {
            let cached = match &caches {
                Some(caches) => caches.read(&url).await,
                None => None,
            };
            Msg::CacheRead {
                url,
                cached: cached.map(Box::new),
            }
        });
    }
}

/// Keeps what an answer or event brings that the window needs to open offline.
fn observe(caches: &Caches, sessions: &Mutex<HashMap<AccountKey, Session>>, msg: &Msg) {
    if let Msg::Probed {
        url,
        result: Ok(info),
    } = msg
    {
        return caches.write(url, Write::Instance(info.clone()));
    }
    let Some(account) = account_of(msg) else {
        return;
    };
    let Some((url, user)) = sessions
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get(&account)
        .map(|s| (s.client.base_url().to_owned(), s.user))
    else {
        return;
    };
    if let Some(write) = write_for(user, msg) {
        caches.write(&url, write);
    }
}

fn account_of(msg: &Msg) -> Option<AccountKey> {
    match msg {
        Msg::SignedIn { account, .. }
        | Msg::Resumed { account, .. }
        | Msg::WorkspacesLoaded { account, .. }
        | Msg::ConversationsLoaded { account, .. }
        | Msg::HistoryLoaded { account, .. }
        | Msg::Posted { account, .. }
        | Msg::Edited { account, .. }
        | Msg::LevelsLoaded { account, .. }
        | Msg::LevelSet { account, .. }
        | Msg::Realtime { account, .. } => Some(*account),
        _ => None,
    }
}

fn write_for(user: UserId, msg: &Msg) -> Option<Write> {
    Some(match msg {
        Msg::SignedIn {
            result: Ok(token), ..
        } => Write::Account(token.user.clone()),
        Msg::Resumed { result: Ok(me), .. } => Write::Account(me.clone()),
        Msg::WorkspacesLoaded {
            result: Ok(list), ..
        } => Write::Workspaces {
            user,
            list: list.clone(),
        },
        Msg::ConversationsLoaded {
            workspace,
            result: Ok((list, names, _)),
            ..
        } => Write::Conversations {
            user,
            workspace: *workspace,
            list: list.clone(),
            names: names.clone(),
        },
        Msg::HistoryLoaded {
            result: Ok(page), ..
        } => Write::Messages {
            user,
            messages: page.messages.clone(),
        },
        Msg::Posted {
            result: Ok(message),
            ..
        }
        | Msg::Edited {
            result: Ok(message),
            ..
        } => Write::Messages {
            user,
            messages: vec![message.clone()],
        },
        Msg::LevelsLoaded {
            result: Ok(levels), ..
        } => Write::Levels {
            user,
            levels: levels.clone(),
        },
        Msg::LevelSet {
            conversation,
            result: Ok(level),
            ..
        } => Write::Levels {
            user,
            levels: vec![(*conversation, *level)],
        },
        Msg::Realtime {
            update: Update::Event(event),
            ..
        } => match &event.payload {
            // Thread replies only: the timeline does not show them.
            EventPayload::MessagePosted { message, .. } if message.in_timeline() => {
                Write::Messages {
                    user,
                    messages: vec![message.clone()],
                }
            }
            EventPayload::MessageEdited {
                message_id,
                body,
                html,
                edited_at,
                ..
            } => Write::Edited {
                user,
                message: *message_id,
                body: body.clone(),
                html: html.clone(),
                edited_at: *edited_at,
            },
            EventPayload::MessageDeleted { message_id, .. } => Write::Deleted {
                user,
                message: *message_id,
            },
            EventPayload::ReactionAdded {
                message_id,
                user_id,
                emoji,
            } => Write::Reaction {
                user,
                message: *message_id,
                emoji: emoji.clone(),
                by: *user_id,
                added: true,
            },
            EventPayload::ReactionRemoved {
                message_id,
                user_id,
                emoji,
            } => Write::Reaction {
                user,
                message: *message_id,
                emoji: emoji.clone(),
                by: *user_id,
                added: false,
            },
            _ => return None,
        },
        _ => return None,
    })
}
