//! Latency histograms shared by many tasks, and the server process's memory and CPU read
//! from /proc (the load generator runs on the server's machine).

use std::sync::Mutex;
use std::time::Duration;

use anyhow::Context as _;
use hdrhistogram::Histogram;
use serde::Serialize;

/// Percentiles in milliseconds.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Percentiles {
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub p999_ms: f64,
    pub max_ms: f64,
}

impl std::fmt::Display for Percentiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, p99.9 {:.2} ms, max {:.2} ms",
            self.p50_ms, self.p95_ms, self.p99_ms, self.p999_ms, self.max_ms
        )
    }
}

/// A histogram of microseconds split into shards, so that thousands of connection tasks
/// can record without queueing on one lock.
pub struct Latencies {
    shards: Vec<Mutex<Histogram<u64>>>,
}

impl Latencies {
    pub fn new() -> Self {
        let shards = (0..16).map(|_| Mutex::new(histogram())).collect();
        Self { shards }
    }

    /// Records one latency from the task numbered `who`.
    pub fn record(&self, who: usize, latency: Duration) {
        let micros = u64::try_from(latency.as_micros())
            .unwrap_or(u64::MAX)
            .max(1);
        let mut shard = self.shards[who % self.shards.len()]
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // `record` grows the histogram as needed; only values past u64 range could fail.
        let _ = shard.record(micros);
    }

    pub fn count(&self) -> u64 {
        self.merged().len()
    }

    pub fn percentiles(&self) -> Percentiles {
        let all = self.merged();
        let ms = |v: u64| v as f64 / 1000.0;
        Percentiles {
            p50_ms: ms(all.value_at_quantile(0.5)),
            p95_ms: ms(all.value_at_quantile(0.95)),
            p99_ms: ms(all.value_at_quantile(0.99)),
            p999_ms: ms(all.value_at_quantile(0.999)),
            max_ms: ms(all.max()),
        }
    }

    fn merged(&self) -> Histogram<u64> {
        let mut all = histogram();
        for shard in &self.shards {
            let shard = shard
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            // Same precision and auto-resizing: adding cannot fail.
            let _ = all.add(&*shard);
        }
        all
    }
}

/// Three significant digits, growing as needed.
fn histogram() -> Histogram<u64> {
    Histogram::new(3).expect("3 significant figures is within hdrhistogram's 0..=5")
}

impl Default for Latencies {
    fn default() -> Self {
        Self::new()
    }
}

/// The server process, watched from outside: resident memory and CPU time.
#[derive(Debug, Clone, Copy)]
pub struct ServerProcess {
    pub pid: u32,
}

/// A reading of the server process.
#[derive(Debug, Clone, Copy)]
pub struct ProcessSample {
    pub rss_kib: u64,
    /// User plus system CPU time.
    pub cpu: Duration,
    pub at: std::time::Instant,
}

impl ServerProcess {
    pub fn sample(&self) -> anyhow::Result<ProcessSample> {
        let status =
            std::fs::read_to_string(format!("/proc/{}/status", self.pid)).with_context(|| {
                format!(
                    "reading /proc/{}/status (is the server running here?)",
                    self.pid
                )
            })?;
        let rss_kib = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .context("no VmRSS line")?;
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid))?;
        // Fields after the command name, which is in parentheses and may hold spaces.
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .map(|(_, rest)| rest.split_whitespace().collect())
            .unwrap_or_default();
        let ticks = |i: usize| {
            fields
                .get(i)
                .and_then(|f| f.parse::<u64>().ok())
                .unwrap_or(0)
        };
        // utime and stime are fields 14 and 15 of the line; 12 and 13 after the name.
        // Linux counts them in USER_HZ, which is 100 on every mainstream build.
        let cpu = Duration::from_millis((ticks(11) + ticks(12)) * 10);
        Ok(ProcessSample {
            rss_kib,
            cpu,
            at: std::time::Instant::now(),
        })
    }
}

/// What the server did between two samples.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct ServerUsage {
    pub rss_before_kib: u64,
    pub rss_after_kib: u64,
    /// CPU time over wall time: 1.0 is one core busy.
    pub cpu_cores: f64,
}

impl ServerUsage {
    pub fn between(before: ProcessSample, after: ProcessSample) -> Self {
        let wall = after.at.duration_since(before.at).as_secs_f64().max(1e-9);
        Self {
            rss_before_kib: before.rss_kib,
            rss_after_kib: after.rss_kib,
            cpu_cores: after.cpu.saturating_sub(before.cpu).as_secs_f64() / wall,
        }
    }
}

impl std::fmt::Display for ServerUsage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "server RSS {:.1} → {:.1} MiB, CPU {:.2} cores",
            self.rss_before_kib as f64 / 1024.0,
            self.rss_after_kib as f64 / 1024.0,
            self.cpu_cores
        )
    }
}
