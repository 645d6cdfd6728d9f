//! Starting and stopping the HTTP server.

use std::net::SocketAddr;

use std::sync::Arc;

use anyhow::Context as _;
use axum::serve::ListenerExt as _;
use ocomms_app::mail::Mailer;
use ocomms_app::{Database, SessionCache};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tower_layer::Layer as _;

use crate::App;
use crate::config::ServeConfig;
use crate::realtime::{FeedTiming, Hub};

/// A server running in the background (used by `serve` and by integration tests).
pub struct RunningServer {
    pub addr: SocketAddr,
    /// Whether it speaks HTTPS (`--tls-cert`).
    pub tls: bool,
    pub app: App,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
    /// The missed-message email sweep, when SMTP is configured.
    missed_email: Option<JoinHandle<()>>,
    /// Where `/metrics` is served (`--metrics-listen`), and its task.
    pub metrics_addr: Option<SocketAddr>,
    metrics_task: Option<JoinHandle<std::io::Result<()>>>,
    /// Scheduled backups (`--backup-every`).
    backups: Option<JoinHandle<()>>,
}

impl RunningServer {
    /// `http://127.0.0.1:PORT`, or `https://…` with TLS.
    pub fn url(&self) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    /// Stops accepting, lets in-flight requests finish, closes the database.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        (&mut self.task).await??;
        self.stop_background_tasks();
        self.app.close().await;
        Ok(())
    }

    /// A backup cut short leaves only its temporary folder, never a partial backup file.
    fn stop_background_tasks(&mut self) {
        if let Some(sweep) = self.missed_email.take() {
            sweep.abort();
        }
        if let Some(metrics) = self.metrics_task.take() {
            metrics.abort();
        }
        if let Some(backups) = self.backups.take() {
            backups.abort();
        }
    }

    /// Runs until SIGINT/SIGTERM, then stops gracefully.
    pub async fn run_until_signal(self) -> anyhow::Result<()> {
        shutdown_signal().await;
        tracing::info!("shutting down");
        self.stop().await
    }
}

impl Drop for RunningServer {
    /// A server dropped without `stop` (a test that ends) stops sweeping too.
    fn drop(&mut self) {
        self.stop_background_tasks();
    }
}

/// Opens (and migrates) the database, binds the listener and starts serving.
pub async fn start(config: ServeConfig) -> anyhow::Result<RunningServer> {
    let database = Database::open(&config.database_url)
        .await
        .with_context(|| format!("opening database {}", redact(&config.database_url)))?;
    let mailer = match &config.smtp {
        Some(smtp) => Mailer::smtp(&smtp.url, &smtp.from)?,
        None => {
            tracing::warn!(
                "SMTP is not configured: email verification is off and emailed links are logged"
            );
            Mailer::Log
        }
    };
    // Read before anything is bound, so a bad file is reported at once.
    let tls = config
        .tls
        .as_ref()
        .map(crate::tls::server_config)
        .transpose()?;
    let listener =
        listen(config.listen).with_context(|| format!("listening on {}", config.listen))?;
    let addr = listener.local_addr()?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    let public_url = config
        .public_url
        .clone()
        .unwrap_or_else(|| format!("{scheme}://{addr}"));
    let metrics = Arc::new(ocomms_app::metrics::Metrics::default());
    let settings = ocomms_app::Settings {
        metrics: metrics.clone(),
        public_url,
        trust_forwarded_for: config.trust_forwarded_for,
        auth_rate_limits: config.auth_rate_limits,
        missed_email_delay: config.missed_email.delay,
    };
    if !config.auth_rate_limits {
        tracing::warn!("rate limits on sign-in, sign-up and password reset are off");
    }
    // The app and the hub share the session cache: the hub forgets what other nodes say
    // has ended; the app publishes through the hub.
    let sessions = Arc::new(SessionCache::default());
    let hub = Hub::new(
        database.event_log(),
        FeedTiming {
            poll: config.realtime_poll,
            position_every: config.realtime_position_every,
        },
        sessions.clone(),
        metrics.clone(),
    );
    let smtp = mailer.is_smtp();
    let app = App::new(database, mailer, settings, sessions, hub.clone());
    // Without SMTP there is nobody to write to: no sweep at all.
    let missed_email = smtp.then(|| app.start_missed_email(config.missed_email.every));
    let backups = config.backup.clone().map(|schedule| {
        tracing::info!(
            dir = %schedule.dir.display(),
            every = ?schedule.every,
            keep = schedule.keep,
            "scheduled backups on"
        );
        ocomms_app::backup::start_schedule(config.database_url.clone(), schedule)
    });
    if let Some(redis) = &config.redis_url {
        hub.connect_redis(redis)
            .with_context(|| format!("invalid Redis URL {}", redact(redis)))?;
        tracing::info!("sharing realtime events with other nodes through Redis");
    }
    let (metrics_addr, metrics_task) = match config.metrics_listen {
        Some(addr) => {
            let (bound, task) = crate::http::metrics::serve(addr, metrics.clone())
                .await
                .with_context(|| format!("listening for metrics on {addr}"))?;
            tracing::info!("metrics at http://{bound}/metrics");
            (Some(bound), Some(task))
        }
        None => (None, None),
    };
    // Forms name their method before routing sees the request (`web::method`).
    let service = axum::middleware::map_request(crate::web::method::from_query)
        .layer(crate::http::router(app.clone(), hub));
    let (tx, rx) = oneshot::channel::<()>();
    let stopped = async {
        let _ = rx.await;
    };
    let make_service =
        axum::ServiceExt::<axum::extract::Request>::into_make_service_with_connect_info::<SocketAddr>(
            service,
        );
    let task = match &tls {
        // `tap_io` lends the listener axum's `ConnectInfo<SocketAddr>` support.
        Some(config) => {
            let listener = crate::tls::TlsListener::new(listener, config.clone())?.tap_io(|_| {});
            tokio::spawn(async move {
                axum::serve(listener, make_service)
                    .with_graceful_shutdown(stopped)
                    .await
            })
        }
        None => tokio::spawn(async move {
            axum::serve(listener.tap_io(|tcp| no_delay(tcp)), make_service)
                .with_graceful_shutdown(stopped)
                .await
        }),
    };
    Ok(RunningServer {
        addr,
        tls: tls.is_some(),
        app,
        shutdown: Some(tx),
        task,
        missed_email,
        metrics_addr,
        metrics_task,
        backups,
    })
}

/// The URL without its password, for logs and errors.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

/// Connections waiting to be accepted, at most (the kernel caps it at `net.core.somaxconn`,
/// 4,096 on current Linux). Tokio's default of 1,024 overflows when thousands of clients
/// reconnect at once after a restart: the dropped handshakes retry after 1, 3, 7 s.
const ACCEPT_BACKLOG: u32 = 4096;

fn listen(addr: std::net::SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    // As `TcpListener::bind` does: a restarted server may reuse the port at once.
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(ACCEPT_BACKLOG)
}

/// Turns Nagle's algorithm off for an accepted connection: realtime frames are small and
/// must leave at once. With it on, a frame written while the previous one is unacknowledged
/// waits for that acknowledgement, which the peer may delay by up to 40 ms (a `post` and its
/// answer, or two events in a row, paid that).
pub(crate) fn no_delay(stream: &tokio::net::TcpStream) {
    if let Err(e) = stream.set_nodelay(true) {
        tracing::debug!("could not set TCP_NODELAY: {e}");
    }
}
