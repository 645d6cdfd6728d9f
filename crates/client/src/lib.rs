//! Rust SDK for the OComms JSON API: typed calls over HTTP, errors with the server's
//! machine-readable code. Used by the server's integration tests, the load generator and
//! the desktop client. No GUI, no server internals: only `ocomms-proto` types cross here.

mod error;
pub mod realtime;

use ocomms_proto::account::{
    ChangePasswordRequest, CurrentUser, EmailVerification, PasswordResetConfirm,
    PasswordResetRequest, Profile, ProfileUpdate, SessionInfo, SessionToken, SignInRequest,
    SignUpPending, SignUpRequest,
};
use ocomms_proto::conversation::{
    ChannelQuery, Conversation, ConversationMember, ConversationRole, ConversationUpdate,
    CreateChannel, MembershipChange, OpenDirect,
};
use ocomms_proto::event::Event;
use ocomms_proto::instance::{InstanceInfo, InstanceSettingsUpdate};
use ocomms_proto::message::{EditMessage, HistoryQuery, Message, MessagePage, PostMessage};
use ocomms_proto::workspace::{
    CreateInvitation, CreateWorkspace, CreatedInvitation, Invitation, InvitationPreview, Member,
    MemberUpdate, Role, Workspace,
};
use ocomms_proto::{ConversationId, InvitationId, MessageId, SessionId, UserId};
use reqwest::{Method, RequestBuilder};
use serde::Serialize;
use serde::de::DeserializeOwned;

pub use error::ClientError;
pub use realtime::{Realtime, Update};

pub type Result<T> = std::result::Result<T, ClientError>;

/// The answer to a sign-up.
#[derive(Debug, Clone)]
pub enum SignedUp {
    /// The account exists and this client is signed in to it.
    SignedIn(SessionToken),
    /// Nothing to use yet: the emailed link confirms the address, then sign in.
    CheckEmail(SignUpPending),
}

impl SignedUp {
    /// The new session, when the server signed the account in at once.
    pub fn session(self) -> Option<SessionToken> {
        match self {
            Self::SignedIn(token) => Some(token),
            Self::CheckEmail(_) => None,
        }
    }
}

/// A connection to one OComms server, optionally signed in. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    token: Option<String>,
}

impl Client {
    /// `base_url` like `https://chat.example.com` (no `/api/v1`).
    pub fn new(base_url: &str) -> Self {
        Self {
            http: reqwest::Client::new(),
            base: base_url.trim_end_matches('/').to_owned(),
            token: None,
        }
    }

    /// A client that authenticates with an existing bearer token.
    pub fn with_token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let builder = self
            .http
            .request(method, format!("{}/api/v1{path}", self.base));
        match &self.token {
            Some(token) => builder.bearer_auth(token),
            None => builder,
        }
    }

    async fn call<T: DeserializeOwned>(&self, builder: RequestBuilder) -> Result<T> {
        let response = builder.send().await?;
        let response = error::check(response).await?;
        response.json().await.map_err(ClientError::from)
    }

    async fn call_empty(&self, builder: RequestBuilder) -> Result<()> {
        error::check(builder.send().await?).await.map(drop)
    }

    async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T> {
        self.call(self.request(Method::GET, path)).await
    }

    async fn send<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: &B,
    ) -> Result<T> {
        self.call(self.request(method, path).json(body)).await
    }

    // --- instance ---

    pub async fn instance(&self) -> Result<InstanceInfo> {
        self.get("/instance").await
    }

    pub async fn update_instance(&self, update: &InstanceSettingsUpdate) -> Result<InstanceInfo> {
        self.send(Method::PATCH, "/instance", update).await
    }

    // --- accounts and sessions ---

    /// Creates an account. Signed in (the client keeps the token), or, on a server that
    /// confirms addresses by email, told to check the inbox.
    pub async fn sign_up(&mut self, request: &SignUpRequest) -> Result<SignedUp> {
        let builder = self.request(Method::POST, "/accounts").json(request);
        let response = error::check(builder.send().await?).await?;
        if response.status() == reqwest::StatusCode::ACCEPTED {
            return Ok(SignedUp::CheckEmail(response.json().await?));
        }
        let token: SessionToken = response.json().await?;
        self.token = Some(token.token.clone());
        Ok(SignedUp::SignedIn(token))
    }

    /// Signs in; the client keeps the returned token.
    pub async fn sign_in(&mut self, email: &str, password: &str) -> Result<SessionToken> {
        let request = SignInRequest {
            email: email.to_owned(),
            password: password.to_owned(),
            client_name: Some("ocomms-client".to_owned()),
        };
        let token: SessionToken = self.send(Method::POST, "/sessions", &request).await?;
        self.token = Some(token.token.clone());
        Ok(token)
    }

    /// Revokes the current session and forgets the token.
    pub async fn sign_out(&mut self) -> Result<()> {
        self.call_empty(self.request(Method::DELETE, "/sessions/current"))
            .await?;
        self.token = None;
        Ok(())
    }

    pub async fn me(&self) -> Result<CurrentUser> {
        self.get("/me").await
    }

    pub async fn sessions(&self) -> Result<Vec<SessionInfo>> {
        self.get("/sessions").await
    }

    pub async fn revoke_session(&self, id: SessionId) -> Result<()> {
        self.call_empty(self.request(Method::DELETE, &format!("/sessions/{id}")))
            .await
    }

    pub async fn change_password(&self, current: &str, new: &str) -> Result<()> {
        let body = ChangePasswordRequest {
            current_password: current.to_owned(),
            new_password: new.to_owned(),
        };
        self.call_empty(self.request(Method::PUT, "/me/password").json(&body))
            .await
    }

    pub async fn resend_verification(&self) -> Result<()> {
        self.call_empty(self.request(Method::POST, "/me/email-verification"))
            .await
    }

    pub async fn verify_email(&self, token: &str) -> Result<()> {
        let body = EmailVerification {
            token: token.to_owned(),
        };
        self.call_empty(
            self.request(Method::POST, "/email-verifications")
                .json(&body),
        )
        .await
    }

    pub async fn request_password_reset(&self, email: &str) -> Result<()> {
        let body = PasswordResetRequest {
            email: email.to_owned(),
        };
        self.call_empty(self.request(Method::POST, "/password-resets").json(&body))
            .await
    }

    pub async fn reset_password(&self, token: &str, new_password: &str) -> Result<()> {
        let body = PasswordResetConfirm {
            new_password: new_password.to_owned(),
        };
        let path = format!("/password-resets/{token}");
        self.call_empty(self.request(Method::PUT, &path).json(&body))
            .await
    }

    // --- profiles ---

    pub async fn profile(&self) -> Result<Profile> {
        self.get("/me/profile").await
    }

    pub async fn update_profile(&self, update: &ProfileUpdate) -> Result<Profile> {
        self.send(Method::PATCH, "/me/profile", update).await
    }

    pub async fn user_profile(&self, user: UserId) -> Result<Profile> {
        self.get(&format!("/users/{user}/profile")).await
    }

    /// Uploads an image (PNG, JPEG, WebP or GIF) as the avatar.
    pub async fn upload_avatar(&self, image: Vec<u8>, content_type: &str) -> Result<Profile> {
        let builder = self
            .request(Method::PUT, "/me/avatar")
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(image);
        self.call(builder).await
    }

    pub async fn remove_avatar(&self) -> Result<Profile> {
        self.call(self.request(Method::DELETE, "/me/avatar")).await
    }

    /// Fetches an avatar by the (relative) `avatar_url` of a profile: `(content type, bytes)`.
    pub async fn avatar(&self, avatar_url: &str) -> Result<(String, Vec<u8>)> {
        let mut builder = self.http.get(format!("{}{avatar_url}", self.base));
        if let Some(token) = &self.token {
            builder = builder.bearer_auth(token);
        }
        let response = error::check(builder.send().await?).await?;
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        Ok((content_type, response.bytes().await?.to_vec()))
    }

    // --- workspaces, members, invitations ---

    pub async fn workspaces(&self) -> Result<Vec<Workspace>> {
        self.get("/workspaces").await
    }

    pub async fn create_workspace(&self, name: &str) -> Result<Workspace> {
        let body = CreateWorkspace {
            name: name.to_owned(),
        };
        self.send(Method::POST, "/workspaces", &body).await
    }

    pub async fn workspace(&self, slug: &str) -> Result<Workspace> {
        self.get(&format!("/workspaces/{slug}")).await
    }

    /// Members who are online or away right now.
    pub async fn presence(&self, slug: &str) -> Result<Vec<ocomms_proto::realtime::PresenceEntry>> {
        self.get(&format!("/workspaces/{slug}/presence")).await
    }

    pub async fn members(&self, slug: &str) -> Result<Vec<Member>> {
        self.get(&format!("/workspaces/{slug}/members")).await
    }

    pub async fn set_role(&self, slug: &str, user: UserId, role: Role) -> Result<()> {
        let path = format!("/workspaces/{slug}/members/{user}");
        self.call_empty(
            self.request(Method::PATCH, &path)
                .json(&MemberUpdate { role }),
        )
        .await
    }

    /// Removes a member; with the caller's own id, leaves the workspace.
    pub async fn remove_member(&self, slug: &str, user: UserId) -> Result<()> {
        let path = format!("/workspaces/{slug}/members/{user}");
        self.call_empty(self.request(Method::DELETE, &path)).await
    }

    pub async fn invitations(&self, slug: &str) -> Result<Vec<Invitation>> {
        self.get(&format!("/workspaces/{slug}/invitations")).await
    }

    pub async fn create_invitation(
        &self,
        slug: &str,
        request: &CreateInvitation,
    ) -> Result<CreatedInvitation> {
        self.send(
            Method::POST,
            &format!("/workspaces/{slug}/invitations"),
            request,
        )
        .await
    }

    pub async fn revoke_invitation(&self, slug: &str, id: InvitationId) -> Result<()> {
        let path = format!("/workspaces/{slug}/invitations/{id}");
        self.call_empty(self.request(Method::DELETE, &path)).await
    }

    pub async fn invitation(&self, token: &str) -> Result<InvitationPreview> {
        self.get(&format!("/invitations/{token}")).await
    }

    pub async fn accept_invitation(&self, token: &str) -> Result<Workspace> {
        self.call(self.request(Method::POST, &format!("/invitations/{token}/acceptance")))
            .await
    }

    // --- channels and direct messages ---

    pub async fn channels(&self, slug: &str, query: &ChannelQuery) -> Result<Vec<Conversation>> {
        let builder = self
            .request(Method::GET, &format!("/workspaces/{slug}/channels"))
            .query(query);
        self.call(builder).await
    }

    pub async fn create_channel(
        &self,
        slug: &str,
        request: &CreateChannel,
    ) -> Result<Conversation> {
        self.send(
            Method::POST,
            &format!("/workspaces/{slug}/channels"),
            request,
        )
        .await
    }

    pub async fn directs(&self, slug: &str) -> Result<Vec<Conversation>> {
        self.get(&format!("/workspaces/{slug}/dms")).await
    }

    /// Opens the direct message with these people (empty: a note to yourself).
    pub async fn open_direct(&self, slug: &str, user_ids: &[UserId]) -> Result<Conversation> {
        let body = OpenDirect {
            user_ids: user_ids.to_vec(),
        };
        self.send(Method::POST, &format!("/workspaces/{slug}/dms"), &body)
            .await
    }

    pub async fn conversation(&self, id: ConversationId) -> Result<Conversation> {
        self.get(&format!("/conversations/{id}")).await
    }

    pub async fn update_conversation(
        &self,
        id: ConversationId,
        update: &ConversationUpdate,
    ) -> Result<Conversation> {
        self.send(Method::PATCH, &format!("/conversations/{id}"), update)
            .await
    }

    pub async fn conversation_members(
        &self,
        id: ConversationId,
    ) -> Result<Vec<ConversationMember>> {
        self.get(&format!("/conversations/{id}/members")).await
    }

    /// Joins (your own id) or adds someone; with a role, changes theirs. Returns the
    /// conversation they are now in (adding to a 1:1 message opens a group).
    pub async fn add_to_conversation(
        &self,
        id: ConversationId,
        user: UserId,
        role: Option<ConversationRole>,
    ) -> Result<Conversation> {
        let path = format!("/conversations/{id}/members/{user}");
        self.send(Method::PUT, &path, &MembershipChange { role })
            .await
    }

    /// Leaves (your own id) or removes someone.
    pub async fn remove_from_conversation(&self, id: ConversationId, user: UserId) -> Result<()> {
        let path = format!("/conversations/{id}/members/{user}");
        self.call_empty(self.request(Method::DELETE, &path)).await
    }

    // --- messages ---

    /// Posts a message; the second element says whether it is new (false for a retry with
    /// a client id already used).
    pub async fn post_message(
        &self,
        conversation: ConversationId,
        body: &str,
        client_id: Option<&str>,
    ) -> Result<Message> {
        let request = PostMessage {
            body: body.to_owned(),
            client_id: client_id.map(str::to_owned),
        };
        self.send(
            Method::POST,
            &format!("/conversations/{conversation}/messages"),
            &request,
        )
        .await
    }

    pub async fn edit_message(&self, id: MessageId, body: &str) -> Result<Message> {
        let request = EditMessage {
            body: body.to_owned(),
        };
        self.send(Method::PATCH, &format!("/messages/{id}"), &request)
            .await
    }

    pub async fn delete_message(&self, id: MessageId) -> Result<()> {
        self.call_empty(self.request(Method::DELETE, &format!("/messages/{id}")))
            .await
    }

    pub async fn history(
        &self,
        conversation: ConversationId,
        query: &HistoryQuery,
    ) -> Result<MessagePage> {
        let builder = self
            .request(
                Method::GET,
                &format!("/conversations/{conversation}/messages"),
            )
            .query(query);
        self.call(builder).await
    }

    /// Opens a realtime session with this client's token (sign in first).
    pub fn realtime(
        &self,
        positions: std::collections::BTreeMap<ocomms_proto::WorkspaceId, i64>,
    ) -> Realtime {
        Realtime::connect(
            &self.base,
            self.token.as_deref().unwrap_or_default(),
            positions,
        )
    }

    pub async fn conversation_events(&self, id: ConversationId, after: i64) -> Result<Vec<Event>> {
        let builder = self
            .request(Method::GET, &format!("/conversations/{id}/events"))
            .query(&[("after", after)]);
        self.call(builder).await
    }
}
