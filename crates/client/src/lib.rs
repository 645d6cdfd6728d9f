//! Rust SDK for the OComms JSON API: typed calls over HTTP, errors with the server's
//! machine-readable code. Used by the server's integration tests, the load generator and
//! the desktop client. No GUI, no server internals: only `ocomms-proto` types cross here.

mod account;
mod conversation;
mod error;
mod message;
mod notification;
mod personal_export;
mod pin;
mod profile;
mod read;
pub mod realtime;
mod search;
mod thread;
pub mod tls;
mod workspace;

use ocomms_proto::instance::{InstanceInfo, InstanceSettingsUpdate};
use reqwest::{Method, RequestBuilder};
use serde::Serialize;
use serde::de::DeserializeOwned;

pub use account::SignedUp;
pub use error::ClientError;
pub use realtime::{Poster, Realtime, Update};
pub use tls::{Fingerprint, Trust};

pub type Result<T> = std::result::Result<T, ClientError>;

/// A connection to one OComms server, optionally signed in. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    token: Option<String>,
    /// The TLS rules of `with_trust`, for the WebSocket too; `None`: public CAs.
    tls: Option<std::sync::Arc<rustls::ClientConfig>>,
}

impl Client {
    /// `base_url` like `https://chat.example.com` (no `/api/v1`). Trusts certificates of
    /// public CAs; see `with_trust` for the others.
    pub fn new(base_url: &str) -> Self {
        Self {
            http: reqwest::Client::new(),
            base: base_url.trim_end_matches('/').to_owned(),
            token: None,
            tls: None,
        }
    }

    /// A client that accepts the server's certificate by `trust` (a private CA, or one
    /// pinned certificate), over HTTP and the WebSocket alike.
    pub fn with_trust(base_url: &str, trust: &Trust) -> Result<Self> {
        let config = tls::client_config(trust)?;
        let http = reqwest::Client::builder()
            .use_preconfigured_tls((*config).clone())
            .build()?;
        Ok(Self {
            http,
            base: base_url.trim_end_matches('/').to_owned(),
            token: None,
            tls: Some(config),
        })
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
}
