//! The background job behind "Download my data": started, followed and fetched through
//! `App`, its progress and document kept in the store's `personal_exports`.

use ocomms_proto::account::{PersonalExport, PersonalExportState};
use ocomms_proto::{Timestamp, UserId};
use ocomms_store::{PersonalExportRecord, Store};

use super::{AsyncProgress, document};
use crate::{Actor, App, AppError, AppResult};

/// A download whose job has not reported progress for this long was on a node that stopped
/// (a job reports after every page of messages, many times a second).
const STALE_AFTER_MS: i64 = 2 * 60 * 1000;

const INTERRUPTED: &str = "the server stopped while preparing it; prepare a new one";

/// Progress kept in the download's row.
struct Stored {
    store: Store,
    id: i64,
}

impl AsyncProgress for Stored {
    async fn report(&mut self, done: i64, total: i64) {
        if let Err(e) = self
            .store
            .set_personal_export_progress(self.id, done, total, crate::now())
            .await
        {
            tracing::warn!(error = %e, "could not record the progress of a data download");
        }
    }
}

impl App {
    /// Starts preparing the caller's data in the background; refused while one is running.
    pub async fn start_personal_export(&self, actor: &Actor) -> AppResult<PersonalExport> {
        let now = crate::now();
        let Some(id) = self
            .store()
            .start_personal_export(actor.user.id, now, now - STALE_AFTER_MS)
            .await?
        else {
            return Err(AppError::Conflict(
                "Your data is already being prepared. Wait for it to finish.".into(),
            ));
        };
        let store = self.store().clone();
        let user = actor.user.clone();
        tokio::spawn(async move {
            let progress = Stored {
                store: store.clone(),
                id,
            };
            let outcome = document(&store, &user, progress).await;
            let finished = match &outcome {
                Ok(bytes) => {
                    store
                        .finish_personal_export(id, Ok(bytes), crate::now())
                        .await
                }
                Err(e) => {
                    tracing::error!(error = %e, user = user.id.0, "preparing a data download failed");
                    let reason = "the server could not read your data; try again later";
                    store
                        .finish_personal_export(id, Err(reason), crate::now())
                        .await
                }
            };
            if let Err(e) = finished {
                tracing::error!(error = %e, "could not store a finished data download");
            }
        });
        self.personal_export(actor, id).await
    }

    /// The caller's download `id`; 404 for anyone else's.
    pub async fn personal_export(&self, actor: &Actor, id: i64) -> AppResult<PersonalExport> {
        self.store()
            .personal_export(actor.user.id, id)
            .await?
            .map(view)
            .ok_or(AppError::NotFound("This download"))
    }

    /// The caller's newest download, if any.
    pub async fn latest_personal_export(&self, actor: &Actor) -> AppResult<Option<PersonalExport>> {
        Ok(self
            .store()
            .latest_personal_export(actor.user.id)
            .await?
            .map(view))
    }

    /// The document of the caller's ready download `id`, and a file name for it.
    pub async fn personal_export_file(
        &self,
        actor: &Actor,
        id: i64,
    ) -> AppResult<(String, Vec<u8>)> {
        let export = self.personal_export(actor, id).await?;
        if export.state != PersonalExportState::Ready {
            return Err(AppError::Conflict(
                "This download is not ready: it is still being prepared, or it failed.".into(),
            ));
        }
        let data = self
            .store()
            .personal_export_data(actor.user.id, id)
            .await?
            .ok_or(AppError::NotFound("This download"))?;
        Ok((file_name(actor.user.id, export.created_at), data))
    }
}

/// `ocomms-data-42-2026-12-04.json`.
fn file_name(user: UserId, created_at: Timestamp) -> String {
    let day = jiff::Timestamp::from_millisecond(created_at)
        .map(|t| t.strftime("%Y-%m-%d").to_string())
        .unwrap_or_default();
    format!("ocomms-data-{}-{day}.json", user.0)
}

/// The wire view of a download; one whose job fell silent is shown as failed, so that the
/// person can start another (and is not left watching a bar that never moves).
fn view(mut record: PersonalExportRecord) -> PersonalExport {
    let state = match record.state.as_str() {
        "ready" => PersonalExportState::Ready,
        "running" if record.updated_at >= crate::now() - STALE_AFTER_MS => {
            PersonalExportState::Running
        }
        "running" => {
            record.error = Some(INTERRUPTED.to_owned());
            PersonalExportState::Failed
        }
        _ => PersonalExportState::Failed,
    };
    PersonalExport {
        id: record.id,
        download_url: (state == PersonalExportState::Ready)
            .then(|| format!("/api/v1/me/exports/{}/download", record.id)),
        state,
        done: record.done,
        total: record.total,
        created_at: record.created_at,
        finished_at: record.finished_at,
        bytes: record.bytes,
        error: record.error,
    }
}
