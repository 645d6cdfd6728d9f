//! Server-wide information and settings.

use ocomms_proto::instance::{InstanceInfo, InstanceSettingsUpdate, PROTOCOL_VERSION};

use crate::{Actor, App, AppError, AppResult};

impl App {
    /// What anyone may learn before signing in.
    pub async fn instance_info(&self) -> AppResult<InstanceInfo> {
        let settings = self.store().instance_settings().await?;
        Ok(InstanceInfo {
            name: "OComms".to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            needs_setup: !settings.setup_claimed,
            open_signup: settings.open_signup,
            email_verification_required: self.email_verification_required(),
            protocol_versions: vec![PROTOCOL_VERSION],
            features: [
                "realtime",
                "resume",
                "presence",
                "typing",
                "idempotent_send",
            ]
            .map(str::to_owned)
            .to_vec(),
            auth_methods: vec!["password".to_owned()],
        })
    }

    /// The server settings page: instance administrators only; to anyone else the page
    /// does not exist.
    pub async fn instance_settings(&self, actor: &Actor) -> AppResult<InstanceInfo> {
        if !actor.user.is_instance_admin {
            return Err(AppError::NotFound("Page"));
        }
        self.instance_info().await
    }

    /// Instance administrators only.
    pub async fn update_instance(
        &self,
        actor: &Actor,
        update: InstanceSettingsUpdate,
    ) -> AppResult<InstanceInfo> {
        if !actor.user.is_instance_admin {
            return Err(AppError::Forbidden(
                "Only server administrators can change server settings.".into(),
            ));
        }
        if let Some(open) = update.open_signup {
            self.store().set_open_signup(open).await?;
        }
        self.instance_info().await
    }
}
