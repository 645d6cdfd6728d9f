//! What the server counts for `/metrics` (Prometheus / OpenMetrics text; docs/operations.md):
//! HTTP requests by route, open WebSockets, frames sent, and the group commit's batches.
//! One registry per server (tests run many in one process), kept by the app and shared with
//! the realtime hub and the HTTP layer.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::{Registry, Unit};

/// A request's route: the pattern it matched (`/api/v1/messages/{id}`), never the path
/// itself, so ids do not make a series each.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct Route {
    pub method: String,
    pub route: String,
}

/// A finished request: its route and status code.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct Answered {
    pub method: String,
    pub route: String,
    pub status: u16,
}

type HistogramFamily<L> = Family<L, Histogram, fn() -> Histogram>;

pub struct Metrics {
    registry: Registry,
    pub http_requests: Family<Answered, Counter>,
    pub http_duration: HistogramFamily<Route>,
    pub websockets: Gauge,
    pub frames_sent: Counter,
    pub commit_messages: Histogram,
    pub commit_duration: Histogram,
}

/// 0.5 ms to ~16 s.
fn latency_buckets() -> Histogram {
    Histogram::new(exponential_buckets(0.0005, 2.0, 16))
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("ocomms");
        let http_requests = Family::<Answered, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by route and status",
            http_requests.clone(),
        );
        let http_duration: HistogramFamily<Route> = Family::new_with_constructor(latency_buckets);
        registry.register_with_unit(
            "http_request_duration",
            "Time from request to response head, by route",
            Unit::Seconds,
            http_duration.clone(),
        );
        let websockets = Gauge::default();
        registry.register(
            "websocket_connections",
            "Open realtime connections",
            websockets.clone(),
        );
        let frames_sent = Counter::default();
        registry.register(
            "realtime_frames_sent",
            "Frames written to realtime connections (events, notifications, replies)",
            frames_sent.clone(),
        );
        let commit_messages = Histogram::new(exponential_buckets(1.0, 2.0, 12));
        registry.register(
            "commit_batch_messages",
            "Messages written by one group commit",
            commit_messages.clone(),
        );
        let commit_duration = latency_buckets();
        registry.register_with_unit(
            "commit_duration",
            "Time one group commit took (authorization, write, fsync)",
            Unit::Seconds,
            commit_duration.clone(),
        );
        Self {
            registry,
            http_requests,
            http_duration,
            websockets,
            frames_sent,
            commit_messages,
            commit_duration,
        }
    }
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Metrics {
    /// Everything, in the OpenMetrics text format.
    pub fn render(&self) -> String {
        let mut text = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_every_metric_with_its_prefix() {
        let metrics = Metrics::default();
        metrics
            .http_requests
            .get_or_create(&Answered {
                method: "GET".into(),
                route: "/readyz".into(),
                status: 200,
            })
            .inc();
        metrics.commit_messages.observe(3.0);
        let text = metrics.render();
        assert!(
            text.contains(
                r#"ocomms_http_requests_total{method="GET",route="/readyz",status="200"} 1"#
            ),
            "{text}"
        );
        assert!(
            text.contains("ocomms_commit_batch_messages_count 1"),
            "{text}"
        );
        assert!(text.contains("# TYPE ocomms_websocket_connections gauge"));
        assert!(text.ends_with("# EOF\n"));
    }
}
