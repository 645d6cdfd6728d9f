//! Profiles and avatars.

use ocomms_proto::UserId;
use ocomms_proto::account::{Profile, ProfileUpdate};
use reqwest::Method;

use crate::{Client, Result, error};

impl Client {
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
}
