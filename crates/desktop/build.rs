//! Compiles the Slint UI (`ui/app.slint`) into Rust at build time.

fn main() -> Result<(), slint_build::CompileError> {
    slint_build::compile("ui/app.slint")
}
