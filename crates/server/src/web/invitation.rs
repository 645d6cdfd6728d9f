//! Inviting people (admins) and the page an invitation link opens.

use askama::Template;
use axum::extract::{Path, Query, State};
use ocomms_app::{Actor, AppError};
use ocomms_domain::{AllValid, Invalid, Validated, permission};
use ocomms_proto::InvitationId;
use ocomms_proto::workspace::{CreateInvitation, Invitation, InvitationPreview, Role, Workspace};
use serde::Deserialize;

use crate::App;
use crate::web::auth::invited_sign_up;
use crate::web::extract::{MaybeViewer, SignedForm, Viewer};
use crate::web::page::{
    Empty, FormError, NoticeQuery, PageResult, form_status, render, render_with, see_other,
};
use crate::web::shell::Shell;

#[derive(Template)]
#[template(path = "invitations.html")]
struct InvitationsPage {
    shell: Shell,
    workspace: Workspace,
    invitations: Vec<Invitation>,
    roles: Vec<Role>,
    created: Option<String>,
    created_by_email: bool,
    error: FormError,
}

async fn invitations_page(
    app: &App,
    actor: &Actor,
    slug: &str,
    notice: Option<&str>,
) -> Result<InvitationsPage, AppError> {
    let shell = Shell::build(app, actor, Some(slug), "invitations", notice).await?;
    let workspace = shell
        .current
        .clone()
        .ok_or(AppError::NotFound("Workspace"))?;
    let roles = Role::ALL
        .into_iter()
        .filter(|r| permission::may_invite(workspace.role, *r).is_ok())
        .collect();
    Ok(InvitationsPage {
        invitations: app.invitations(actor, slug).await?,
        shell,
        workspace,
        roles,
        created: None,
        created_by_email: false,
        error: FormError::default(),
    })
}

pub async fn page(
    State(app): State<App>,
    Viewer(actor): Viewer,
    Path(slug): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    Ok(render(
        &invitations_page(&app, &actor, &slug, q.notice.as_deref()).await?,
    ))
}

#[derive(Deserialize)]
pub struct CreateForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    max_uses: String,
    #[serde(default)]
    expires_in_hours: String,
}

impl CreateForm {
    fn request(&self) -> Result<CreateInvitation, AppError> {
        let number = |field: &'static str, text: &str| -> Validated<Option<u32>> {
            match text.trim() {
                "" => Ok(None),
                t => t
                    .parse()
                    .map(Some)
                    .map_err(|_| Invalid::new(field, "Enter a whole number.")),
            }
        };
        let (max_uses, expires_in_hours) = (
            number("max_uses", &self.max_uses),
            number("expires_in_hours", &self.expires_in_hours),
        )
            .all_valid()?;
        Ok(CreateInvitation {
            email: Some(self.email.clone()).filter(|e| !e.trim().is_empty()),
            role: Some(Role::parse(&self.role).unwrap_or(Role::Member)),
            max_uses,
            expires_in_hours,
        })
    }
}

pub async fn create(
    State(app): State<App>,
    Path(slug): Path<String>,
    SignedForm(actor, form): SignedForm<CreateForm>,
) -> PageResult {
    let outcome = match form.request() {
        Ok(request) => app.create_invitation(&actor, &slug, request).await,
        Err(e) => Err(e),
    };
    let mut page = invitations_page(&app, &actor, &slug, None).await?;
    match outcome {
        Ok(created) => {
            page.created_by_email = created.invitation.email.is_some();
            page.created = Some(created.url);
            page.invitations = app.invitations(&actor, &slug).await?;
            Ok(render(&page))
        }
        Err(error @ (AppError::Invalid(_) | AppError::Refused(_))) => {
            page.error = FormError::from_app(&error);
            Ok(render_with(form_status(&error), &page))
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn revoke(
    State(app): State<App>,
    Path((slug, id)): Path<(String, InvitationId)>,
    SignedForm(actor, Empty {}): SignedForm<Empty>,
) -> PageResult {
    app.revoke_invitation(&actor, &slug, id).await?;
    Ok(see_other(&format!(
        "/w/{slug}/invitations?notice=invitation_revoked"
    )))
}

#[derive(Template)]
#[template(path = "invite.html")]
struct LandingPage {
    token: String,
    invite: InvitationPreview,
    viewer_name: String,
    already_member: bool,
    csrf: String,
    error: Option<String>,
}

pub async fn landing(
    State(app): State<App>,
    MaybeViewer(viewer): MaybeViewer,
    Path(token): Path<String>,
) -> PageResult {
    let access = app.preview_invitation(&token, viewer.as_ref()).await?;
    let Some(viewer) = viewer else {
        return Ok(invited_sign_up(token, access.preview));
    };
    Ok(render(&LandingPage {
        token,
        invite: access.preview,
        viewer_name: viewer.user.display_name.clone(),
        already_member: access.already_member,
        csrf: viewer.session.csrf_token,
        error: None,
    }))
}

pub async fn accept(
    State(app): State<App>,
    Path(token): Path<String>,
    SignedForm(actor, Empty {}): SignedForm<Empty>,
) -> PageResult {
    match app.accept_invitation(&actor, &token).await {
        Ok(workspace) => Ok(see_other(&format!("/w/{}?notice=joined", workspace.slug))),
        Err(error @ AppError::InvitationEmailMismatch(_)) => {
            let access = app.preview_invitation(&token, Some(&actor)).await?;
            Ok(render_with(
                form_status(&error),
                &LandingPage {
                    token,
                    invite: access.preview,
                    viewer_name: actor.user.display_name.clone(),
                    already_member: access.already_member,
                    csrf: actor.session.csrf_token.clone(),
                    error: Some(error.to_string()),
                },
            ))
        }
        Err(other) => Err(other.into()),
    }
}
