//! Signing in and out, and the list of one's sessions.

use ocomms_domain::{password, validation};
use ocomms_proto::account::{SessionInfo, SessionKind};
use ocomms_proto::{SessionId, UserId};
use ocomms_store::{SessionRecord, UserRecord};

use crate::{Actor, App, AppError, AppResult, token};

/// Where a request comes from, for rate limits and session labels.
#[derive(Debug, Clone, Default)]
pub struct ClientContext {
    pub ip: String,
    pub user_agent: String,
}

impl ClientContext {
    /// "Firefox on Linux"-style label from the User-Agent, for the session list.
    pub(crate) fn label(&self) -> String {
        let ua = &self.user_agent;
        let browser = ["Edg/", "OPR/", "Firefox/", "Chrome/", "Safari/"]
            .iter()
            .find(|b| ua.contains(*b))
            .map(|b| match *b {
                "Edg/" => "Edge",
                "OPR/" => "Opera",
                other => other.trim_end_matches('/'),
            });
        let os = ["Windows", "Mac OS X", "Android", "iPhone", "Linux"]
            .iter()
            .find(|o| ua.contains(*o))
            .map(|o| if *o == "Mac OS X" { "macOS" } else { o });
        match (browser, os) {
            (Some(b), Some(o)) => format!("{b} on {o}"),
            (Some(b), None) => b.to_owned(),
            _ if ua.is_empty() => "Unknown client".to_owned(),
            _ => ua.chars().take(60).collect(),
        }
    }
}

/// A freshly created session: the token is shown to the client once.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub token: String,
    pub session: SessionRecord,
    pub user: UserRecord,
}

impl NewSession {
    /// The person this session signs in, as the next request will see them.
    pub fn actor(&self) -> Actor {
        Actor {
            user: self.user.clone(),
            session: self.session.clone(),
        }
    }
}

impl App {
    /// Checks email and password and opens a session. Unknown emails cost the same argon2
    /// verification as known ones, and both failures give the same error.
    pub async fn sign_in(
        &self,
        email: &str,
        password_attempt: &str,
        kind: SessionKind,
        client: &ClientContext,
        client_name: Option<&str>,
    ) -> AppResult<NewSession> {
        let Ok(email) = validation::email(email) else {
            // Not an address: no account to guess at, but the address pays for the try.
            drop(self.limits().sign_in.begin(Some(&client.ip), None)?);
            return Err(AppError::InvalidCredentials);
        };
        // Dropped on any failure below, this counts against both the account and the address.
        let counted = self
            .limits()
            .sign_in
            .begin(Some(&client.ip), Some(&email))?;
        let user = self.store().user_by_email(&email).await?;
        let phc = user
            .as_ref()
            .map_or(password::dummy_hash(), |u| u.password_hash.as_str())
            .to_owned();
        let attempt = password_attempt.to_owned();
        let matches = self.passwords().verify(attempt, phc).await?;
        // While addresses must be confirmed, an unconfirmed account cannot sign in, and says
        // so no differently from a wrong password: otherwise signing up an address and then
        // signing in would tell whether it already had an account (docs/adr/0008).
        let confirmed = |u: &UserRecord| u.email_verified || !self.email_verification_required();
        match user {
            Some(user) if matches && confirmed(&user) => {
                counted.succeeded();
                let label = client_name
                    .map(|n| n.trim().chars().take(60).collect::<String>())
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| client.label());
                self.open_session(user, kind, label).await
            }
            Some(user) if matches => {
                // The right password for an unconfirmed address: the answer stays the plain
                // refusal, and a fresh link goes to the mailbox, the one place that may learn
                // the account exists (an account made before the server had SMTP gets in so).
                self.resend_verification_later(user);
                Err(AppError::InvalidCredentials)
            }
            _ => Err(AppError::InvalidCredentials),
        }
    }

    pub(crate) async fn open_session(
        &self,
        user: UserRecord,
        kind: SessionKind,
        label: String,
    ) -> AppResult<NewSession> {
        let token = token::generate();
        let session = self
            .store()
            .create_session(&ocomms_store::NewSession {
                user_id: user.id,
                token_hash: token::hash(&token),
                kind,
                label,
                csrf_token: token::generate(),
                now: super::now(),
            })
            .await?;
        Ok(NewSession {
            token,
            session,
            user,
        })
    }

    /// The signed-in user behind a cookie or bearer token, if it is a live session.
    pub async fn authenticate(&self, token: &str) -> AppResult<Option<Actor>> {
        if token.is_empty() || token.len() > 128 {
            return Ok(None);
        }
        let hash = token::hash(token);
        let miss = match self.inner.sessions.get(&hash) {
            Ok(actor) => return Ok(Some(actor)),
            Err(miss) => miss,
        };
        let found = self.store().session_by_token(&hash, super::now()).await?;
        Ok(found.map(|(session, user)| {
            let actor = Actor { user, session };
            self.inner.sessions.insert(miss, hash, actor.clone());
            actor
        }))
    }

    /// The user's record changed: sessions cached with the old one, on every node, are
    /// read again.
    pub(crate) fn user_changed(&self, user: UserId) {
        self.inner.sessions.forget_user(user);
        self.publisher().user_changed(user);
    }

    pub async fn sign_out(&self, actor: &Actor) -> AppResult<()> {
        self.store()
            .delete_session(actor.user.id, actor.session.id)
            .await?;
        self.end_sessions(&[actor.session.id]);
        Ok(())
    }

    pub async fn sessions(&self, actor: &Actor) -> AppResult<Vec<SessionInfo>> {
        let sessions = self.store().sessions_of(actor.user.id).await?;
        Ok(sessions
            .into_iter()
            .map(|s| SessionInfo {
                current: s.id == actor.session.id,
                id: s.id,
                kind: s.kind,
                label: s.label,
                created_at: s.created_at,
                last_seen_at: s.last_seen_at,
            })
            .collect())
    }

    /// Revokes one of the actor's own sessions (possibly the current one).
    pub async fn revoke_session(&self, actor: &Actor, session: SessionId) -> AppResult<()> {
        self.store()
            .delete_session(actor.user.id, session)
            .await
            .map_err(|e| match e {
                ocomms_store::StoreError::NotFound => AppError::NotFound("Session"),
                other => other.into(),
            })?;
        self.end_sessions(&[session]);
        Ok(())
    }

    /// Signs out everywhere else.
    pub async fn revoke_other_sessions(&self, actor: &Actor) -> AppResult<u64> {
        let ended = self
            .store()
            .delete_sessions_except(actor.user.id, Some(actor.session.id))
            .await?;
        self.end_sessions(&ended);
        Ok(ended.len() as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::ClientContext;

    #[test]
    fn session_labels_name_browser_and_system() {
        let ua = |s: &str| ClientContext {
            ip: String::new(),
            user_agent: s.to_owned(),
        };
        let chrome =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36";
        assert_eq!(ua(chrome).label(), "Chrome on Linux");
        assert_eq!(ua("").label(), "Unknown client");
        assert_eq!(ua("curl/8.0").label(), "curl/8.0");
    }
}
