//! `openchat [SERVER_URL…]`: opens the window; each URL given is probed and added to the
//! server rail as if typed into "Add a server".

fn main() -> std::process::ExitCode {
    // Warnings by default (a missing keyring, a registry that cannot be written), without
    // winit's about X servers it finds odd; `RUST_LOG=openchat=debug` for more.
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,winit=error")),
        )
        .with_writer(std::io::stderr)
        .init();
    let servers: Vec<String> = std::env::args().skip(1).collect();
    match openchat::ui::run(servers) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("openchat: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
