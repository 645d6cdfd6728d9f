//! First-run setup, sign-up and sign-in/out pages. Email links: `verification` and
//! `password_reset`.

use askama::Template;
use axum::extract::{Form, Query, State};
use axum::response::Response;
use ocomms_app::{AppError, SignUp, SignedUp};
use ocomms_proto::account::SessionKind;
use ocomms_proto::workspace::InvitationPreview;
use serde::Deserialize;

use crate::App;
use crate::http::auth::Client;
use crate::web::extract::{MaybeViewer, SignedForm};
use crate::web::page::{
    Empty, FormError, PageResult, form_status, notice_text, render, render_with, see_other,
    signed_in, signed_out,
};

#[derive(Template)]
#[template(path = "signup.html")]
struct SignUpPage {
    first_run: bool,
    invitation: Option<InvitationPreview>,
    invitation_token: String,
    email: String,
    display_name: String,
    error: FormError,
}

#[derive(Deserialize)]
pub struct SignUpForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    invitation: String,
}

/// A page that says one thing and links on (check your email, link sent, …).
#[derive(Template)]
#[template(path = "notice.html")]
pub(super) struct NoticePage {
    pub heading: &'static str,
    pub message: String,
    pub link_href: &'static str,
    pub link_text: &'static str,
}

#[derive(Deserialize)]
pub struct InviteQuery {
    invite: Option<String>,
}

pub async fn setup_page(State(app): State<App>) -> PageResult {
    if !app.instance_info().await?.needs_setup {
        return Ok(see_other("/signin"));
    }
    Ok(render(&SignUpPage {
        first_run: true,
        invitation: None,
        invitation_token: String::new(),
        email: String::new(),
        display_name: String::new(),
        error: FormError::default(),
    }))
}

pub async fn setup(state: State<App>, client: Client, form: Form<SignUpForm>) -> PageResult {
    create_account(state, client, form, true).await
}

pub async fn signup_page(State(app): State<App>, Query(q): Query<InviteQuery>) -> PageResult {
    let token = q.invite.unwrap_or_default();
    let info = app.instance_info().await?;
    if info.needs_setup {
        return Ok(see_other("/setup"));
    }
    if token.is_empty() {
        if !info.open_signup {
            return Err(AppError::SignupClosed.into());
        }
        return Ok(render(&SignUpPage {
            first_run: false,
            invitation: None,
            invitation_token: token,
            email: String::new(),
            display_name: String::new(),
            error: FormError::default(),
        }));
    }
    let preview = app.preview_invitation(&token, None).await?.preview;
    Ok(invited_sign_up(token, preview))
}

/// The sign-up form with the invitation shown on it: what an invitation link opens for
/// someone signed out, so joining is one form, not a landing page and then a form.
pub(super) fn invited_sign_up(token: String, preview: InvitationPreview) -> Response {
    render(&SignUpPage {
        first_run: false,
        email: preview.email.clone().unwrap_or_default(),
        invitation: Some(preview),
        invitation_token: token,
        display_name: String::new(),
        error: FormError::default(),
    })
}

pub async fn signup(state: State<App>, client: Client, form: Form<SignUpForm>) -> PageResult {
    create_account(state, client, form, false).await
}

async fn create_account(
    State(app): State<App>,
    Client(client): Client,
    Form(form): Form<SignUpForm>,
    first_run: bool,
) -> PageResult {
    let token = form.invitation.clone();
    let request = SignUp {
        email: form.email.clone(),
        password: form.password,
        display_name: form.display_name.clone(),
        invitation_token: Some(token.clone()).filter(|t| !t.is_empty()),
    };
    match app.sign_up(request, SessionKind::Browser, &client).await {
        // Worded to fit both a new account and a taken address: it must not tell them apart.
        Ok(SignedUp::CheckEmail { email }) => Ok(render(&NoticePage {
            heading: "Check your email",
            message: format!(
                "We sent a message to {email}. Open the link in it to confirm your address, then sign in. \
                 It can take a minute to arrive; look in your spam folder too."
            ),
            link_href: "/signin",
            link_text: "Go to sign in",
        })),
        Ok(SignedUp::SignedIn(created)) => {
            let next = if app.email_verification_required() && !created.user.email_verified {
                "/verify/pending".to_owned()
            } else {
                match app.workspaces(&created.actor()).await?.first() {
                    Some(w) => format!("/w/{}?notice=joined", w.slug),
                    None => "/workspaces/new".to_owned(),
                }
            };
            Ok(signed_in(&created.token, app.secure_cookies(), &next))
        }
        Err(error) => {
            let invitation = match token.as_str() {
                "" => None,
                t => app
                    .preview_invitation(t, None)
                    .await
                    .ok()
                    .map(|a| a.preview),
            };
            Ok(render_with(
                form_status(&error),
                &SignUpPage {
                    first_run,
                    invitation,
                    invitation_token: token,
                    email: form.email,
                    display_name: form.display_name,
                    error: FormError::from_app(&error),
                },
            ))
        }
    }
}

#[derive(Template)]
#[template(path = "signin.html")]
struct SignInPage {
    email: String,
    next: String,
    open_signup: bool,
    notice: Option<&'static str>,
    error: FormError,
}

#[derive(Deserialize)]
pub struct SignInQuery {
    next: Option<String>,
    notice: Option<String>,
}

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// Only local paths: `next` must never send someone to another site after signing in.
fn safe_next(next: &str) -> String {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next.to_owned()
    } else {
        "/".to_owned()
    }
}

pub async fn signin_page(
    State(app): State<App>,
    MaybeViewer(viewer): MaybeViewer,
    Query(q): Query<SignInQuery>,
) -> PageResult {
    let next = safe_next(q.next.as_deref().unwrap_or("/"));
    if viewer.is_some() {
        return Ok(see_other(&next));
    }
    let info = app.instance_info().await?;
    if info.needs_setup {
        return Ok(see_other("/setup"));
    }
    Ok(render(&SignInPage {
        email: String::new(),
        next,
        open_signup: info.open_signup,
        notice: notice_text(q.notice.as_deref()),
        error: FormError::default(),
    }))
}

pub async fn signin(
    State(app): State<App>,
    Client(client): Client,
    Form(form): Form<SignInForm>,
) -> PageResult {
    let next = safe_next(&form.next);
    match app
        .sign_in(
            &form.email,
            &form.password,
            SessionKind::Browser,
            &client,
            None,
        )
        .await
    {
        Ok(created) => Ok(signed_in(&created.token, app.secure_cookies(), &next)),
        Err(error) => Ok(render_with(
            form_status(&error),
            &SignInPage {
                email: form.email,
                next,
                open_signup: app
                    .instance_info()
                    .await
                    .map(|i| i.open_signup)
                    .unwrap_or(false),
                notice: None,
                error: FormError::from_app(&error),
            },
        )),
    }
}

pub async fn signout(
    State(app): State<App>,
    SignedForm(actor, Empty {}): SignedForm<Empty>,
) -> PageResult {
    app.sign_out(&actor).await?;
    Ok(signed_out("/signin"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(super::safe_next("/w/acme"), "/w/acme");
        assert_eq!(super::safe_next("//evil.example"), "/");
        assert_eq!(super::safe_next("https://evil.example"), "/");
        assert_eq!(super::safe_next("/\\evil.example"), "/");
    }
}
