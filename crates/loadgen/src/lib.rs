//! `ocomms-loadgen`: drives OComms servers through their public API and WebSocket protocol,
//! measures, and checks that no event was lost, doubled or delivered to the wrong person.
//! The binary (`main.rs`) is a thin command line over these scenarios; the integration
//! tests run the same scenarios, briefly, as a correctness check against a real server.
//! See docs/benchmarks.md for how the published numbers were made.

pub mod connection;
pub mod fleet;
pub mod measure;
pub mod population;
pub mod scenario;
pub mod tracker;

pub use connection::Connector;
pub use measure::ServerProcess;
