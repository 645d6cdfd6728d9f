//! Sign-up. Where the server confirms addresses by email, a sign-up answers the same whether
//! or not the address already has an account: the account is made, or its owner told, in
//! the background, and only the mailbox learns which (docs/adr/0008-sign-up-reveals-no-account.md).

use ocomms_domain::{AllValid, password, validation};
use ocomms_proto::account::SessionKind;
use ocomms_store::{InvitationWithWorkspace, NewUser, StoreError, TokenPurpose};

use crate::{App, AppError, AppResult, ClientContext, NewSession};

/// A sign-up form, from the web or the API.
#[derive(Debug, Clone)]
pub struct SignUp {
    pub email: String,
    pub password: String,
    pub display_name: String,
    pub invitation_token: Option<String>,
}

/// What a sign-up led to.
#[derive(Debug)]
pub enum SignedUp {
    /// The account was made and is signed in.
    SignedIn(Box<NewSession>),
    /// A message went to `email`: a confirmation link for a new account, or a note to the
    /// owner of an existing one. Which of the two is not said.
    CheckEmail { email: String },
}

/// Who may sign up, and into what.
struct Admission {
    invitation: Option<InvitationWithWorkspace>,
    /// Nobody has an account yet: this one will administer the server.
    first_account: bool,
}

impl App {
    /// Creates an account. The first account becomes the instance administrator; later ones
    /// need open sign-up or a valid invitation, which they join.
    ///
    /// Signs in at once when the server does not confirm addresses, for the first account,
    /// and when an emailed invitation to this very address proves it. Otherwise the answer
    /// is [`SignedUp::CheckEmail`] whether or not the address is taken.
    pub async fn sign_up(
        &self,
        form: SignUp,
        kind: SessionKind,
        client: &ClientContext,
    ) -> AppResult<SignedUp> {
        self.limits().sign_up_by_ip.check(&client.ip)?;
        // The password must not contain the name or address as typed, even when those
        // are refused too: every bad field is reported in one answer.
        let typed_email = form.email.trim().to_lowercase();
        let local_part = typed_email.split('@').next().unwrap_or_default();
        let typed_name = form.display_name.trim();
        let (email, display_name, ()) = (
            validation::email(&form.email),
            validation::display_name(&form.display_name),
            password::check_policy(&form.password, &[local_part, typed_name, &typed_email]),
        )
            .all_valid()?;

        let admission = self
            .admission(&email, form.invitation_token.as_deref())
            .await?;
        // Following an email invitation to this address proves the address is theirs.
        let proven = admission
            .invitation
            .as_ref()
            .is_some_and(|i| i.invitation.email.as_deref() == Some(email.as_str()));
        let new = NewUser {
            email,
            password_hash: String::new(),
            display_name,
            email_verified: proven,
            created_at: super::now(),
        };
        if self.email_verification_required() && !proven && !admission.first_account {
            return self
                .sign_up_by_email(new, form.password, admission.invitation)
                .await;
        }
        let user = self.create_account(new, form.password, admission).await?;
        if !user.email_verified {
            self.send_verification(&user).await?;
        }
        let label = super::account::client_label(client, kind);
        let session = self.open_session(user, kind, label).await?;
        Ok(SignedUp::SignedIn(Box::new(session)))
    }

    /// Signs up without saying whether the address was free. Same work either way on the
    /// request's path (an argon2 hash), the rest in the background.
    async fn sign_up_by_email(
        &self,
        mut new: NewUser,
        password: String,
        invitation: Option<InvitationWithWorkspace>,
    ) -> AppResult<SignedUp> {
        // Bounds the messages one address gets, taken or not (checked before any lookup,
        // so the refusal says nothing either).
        self.limits()
            .reset_by_account
            .check(&format!("signup:{}", new.email))?;
        new.password_hash = self.passwords().hash(password).await?;
        let email = new.email.clone();
        let app = self.clone();
        tokio::spawn(async move {
            if let Err(e) = app.make_or_tell(new, invitation).await {
                tracing::warn!(error = %e, "sign-up by email not completed");
            }
        });
        Ok(SignedUp::CheckEmail { email })
    }

    /// A new address gets its account and a confirmation link; a taken one, a note to its
    /// owner.
    async fn make_or_tell(
        &self,
        new: NewUser,
        invitation: Option<InvitationWithWorkspace>,
    ) -> AppResult<()> {
        match self.store().create_user(&new).await {
            Ok(user) => {
                if let Some(found) = invitation {
                    self.redeem(&found, &user).await;
                }
                self.send_verification(&user).await
            }
            Err(StoreError::Conflict) => self.send_sign_up_notice(&new.email).await,
            Err(other) => Err(other.into()),
        }
    }

    /// Hashes the password and stores the account, joining the invitation's workspace.
    async fn create_account(
        &self,
        mut new: NewUser,
        password: String,
        admission: Admission,
    ) -> AppResult<ocomms_store::UserRecord> {
        new.password_hash = self.passwords().hash(password).await?;
        let user = self.store().create_user(&new).await.map_err(|e| match e {
            // Said plainly only where hiding it is impossible (ADR 0008).
            StoreError::Conflict => AppError::EmailTaken,
            other => other.into(),
        })?;
        if let Some(found) = admission.invitation {
            self.redeem(&found, &user).await;
        }
        if user.is_instance_admin {
            tracing::info!(user = %user.id, "first account created; it administers this server");
        }
        Ok(user)
    }

    async fn redeem(&self, found: &InvitationWithWorkspace, user: &ocomms_store::UserRecord) {
        match self
            .store()
            .redeem_invitation(&found.invitation, user.id, super::now())
            .await
        {
            Ok(_) => self.announce(found.workspace.id),
            // The account stands on its own; the person can ask for a new invitation.
            Err(e) => {
                tracing::info!(user = %user.id, error = %e, "invitation closed during sign-up")
            }
        }
    }

    /// Tells the owner of `email` that someone tried to sign up with it, with a way in if it
    /// was them: a reset link (which also confirms an address never confirmed).
    async fn send_sign_up_notice(&self, email: &str) -> AppResult<()> {
        let Some(user) = self.store().user_by_email(email).await? else {
            return Ok(());
        };
        let reset = self
            .issue_token(
                user.id,
                TokenPurpose::ResetPassword,
                super::account::RESET_TTL_MS,
                "/reset/confirm",
            )
            .await?;
        let signin = format!("{}/signin", self.public_url());
        self.mailer().send(
            &user.email,
            "Someone tried to sign up with your address",
            format!(
                "Hello {},\n\nsomeone just tried to create an OComms account with this address, which already \
                 has one. If it was you, sign in instead:\n\n{signin}\n\n\
                 Forgot your password, or never confirmed this address? Choose a new password here:\n\n{reset}\n\n\
                 The link works once and expires in 1 hour. If it was not you, ignore this message: nothing has changed.\n",
                user.display_name
            ),
        );
        Ok(())
    }

    /// May `email` sign up now? With the invitation to join, if one is used.
    async fn admission(&self, email: &str, invitation_token: Option<&str>) -> AppResult<Admission> {
        let invitation = match invitation_token.filter(|t| !t.is_empty()) {
            Some(token) => Some(self.open_invitation(token).await?),
            None => None,
        };
        if let Some(found) = &invitation
            && let Some(invited) = &found.invitation.email
            && invited != email
        {
            return Err(AppError::InvitationEmailMismatch(invited.clone()));
        }
        let settings = self.store().instance_settings().await?;
        if invitation.is_none() && settings.setup_claimed && !settings.open_signup {
            return Err(AppError::SignupClosed);
        }
        Ok(Admission {
            invitation,
            first_account: !settings.setup_claimed,
        })
    }
}
