//! `openchat [SERVER_URL…]`: opens the window; each URL given is probed and added to the
//! server rail as if typed into "Add a server".

fn main() -> std::process::ExitCode {
    let servers: Vec<String> = std::env::args().skip(1).collect();
    match openchat::ui::run(servers) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("openchat: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
