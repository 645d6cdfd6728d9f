//! The load scenarios; each sets up what it needs through the API and returns a report
//! that prints as a readable summary and serialises to JSON.

pub mod fanout;
pub mod idle;
pub mod ingest;
pub mod reconnect;
pub mod search;
pub mod threads;
