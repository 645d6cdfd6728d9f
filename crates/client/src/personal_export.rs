//! Downloads of the signed-in person's own data (GDPR), prepared by the server in the background.

use ocomms_proto::account::PersonalExport;
use reqwest::Method;

use crate::{Client, Result, error};

impl Client {
    /// Starts preparing a download (replacing the previous one); follow it with
    /// [`Client::personal_export`] until its state is `ready`.
    pub async fn start_personal_export(&self) -> Result<PersonalExport> {
        self.call(self.request(Method::POST, "/me/exports")).await
    }

    /// The newest download, if any was asked for.
    pub async fn personal_exports(&self) -> Result<Vec<PersonalExport>> {
        self.get("/me/exports").await
    }

    pub async fn personal_export(&self, id: i64) -> Result<PersonalExport> {
        self.get(&format!("/me/exports/{id}")).await
    }

    /// The JSON document of a ready download.
    pub async fn download_personal_export(&self, id: i64) -> Result<Vec<u8>> {
        let builder = self.request(Method::GET, &format!("/me/exports/{id}/download"));
        let response = error::check(builder.send().await?).await?;
        Ok(response.bytes().await?.to_vec())
    }
}
