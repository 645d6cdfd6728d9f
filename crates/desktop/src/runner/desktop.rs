//! The desktop around the client: the user's browser for links, the notification service
//! for notifications. Both are best effort: a failure is logged and the client carries on.

/// Hands a link to the desktop's browser (or mail client): the OS's own opener, so the
/// client links no browser code. Failing only costs the click; it is logged.
pub(super) fn open_in_browser(url: &str) {
    let mut command = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("rundll32");
        c.arg("url.dll,FileProtocolHandler");
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    match command.arg(url).spawn() {
        // Reaped on a thread of its own: the opener may run as long as the browser.
        Ok(mut child) => {
            std::thread::spawn(move || child.wait());
        }
        Err(e) => tracing::warn!(error = %e, "cannot open the link"),
    }
}

/// Shows a desktop notification (D-Bus on Linux, through notify-rust's pure-Rust zbus). A
/// machine without a notification daemon (CI, a bare X server) is said once in the log, and
/// the client carries on.
pub(super) fn notify(title: &str, body: &str) {
    static WARNED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    let shown = notify_rust::Notification::new()
        .appname("OpenChat")
        .summary(title)
        // Some daemons read the body as markup: what the sender typed stays text.
        .body(&escape_markup(body))
        .show();
    if let Err(e) = shown {
        if WARNED.swap(true, std::sync::atomic::Ordering::Relaxed) {
            tracing::debug!(error = %e, "a desktop notification was not shown");
        } else {
            tracing::warn!(error = %e, "no desktop notifications: no notification service answered");
        }
    }
}

fn escape_markup(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
