//! Prometheus metrics: request counts and latency histograms by route and status, the
//! database pool, the public-answer cache, and how far this instance trails the change feed.

use actix_web::http::Method;
use lectern_service::Service;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::atomic::Ordering;
use std::sync::Mutex;

/// Latency bucket bounds in seconds.
const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

#[derive(Default)]
struct Series {
    count: u64,
    sum: f64,
    buckets: [u64; BUCKETS.len()],
}

/// Request figures of this process. Routes are the matched patterns (`/api/v1/articles/{key}`),
/// never raw paths, so the number of series stays bounded whatever clients send.
/// One route's series, by method and status.
type ByRoute = HashMap<(Method, u16), Series>;

#[derive(Default)]
pub struct Metrics {
    /// By route, then method and status: a request for a known series allocates nothing.
    requests: Mutex<HashMap<String, ByRoute>>,
}

impl Metrics {
    pub fn observe(&self, method: &Method, route: &str, status: u16, seconds: f64) {
        let Ok(mut map) = self.requests.lock() else {
            return;
        };
        let by_route = match map.get_mut(route) {
            Some(m) => m,
            None => map.entry(route.to_owned()).or_default(),
        };
        let series = by_route.entry((method.clone(), status)).or_default();
        series.count += 1;
        series.sum += seconds;
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                series.buckets[i] += 1;
            }
        }
    }

    /// The text exposition format.
    pub async fn render(&self, service: &Service) -> String {
        let mut out = String::with_capacity(8192);
        let _ = writeln!(
            out,
            "# HELP lectern_build_info Lectern's version.\n# TYPE lectern_build_info gauge"
        );
        let _ = writeln!(
            out,
            "lectern_build_info{{version=\"{}\"}} 1",
            env!("CARGO_PKG_VERSION")
        );
        let _ = writeln!(out, "# HELP lectern_http_requests_total HTTP requests by method, route and status.\n# TYPE lectern_http_requests_total counter");
        let mut rows: Vec<(String, String, u16, u64, f64, [u64; BUCKETS.len()])> =
            match self.requests.lock() {
                Ok(map) => map
                    .iter()
                    .flat_map(|(r, by)| {
                        by.iter().map(move |((m, s), v)| {
                            (m.to_string(), r.clone(), *s, v.count, v.sum, v.buckets)
                        })
                    })
                    .collect(),
                Err(_) => vec![],
            };
        rows.sort_by(|a, b| (&a.1, &a.0, a.2).cmp(&(&b.1, &b.0, b.2)));
        for (method, route, status, count, _, _) in &rows {
            let _ = writeln!(out, "lectern_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {count}", escape(route));
        }
        let _ = writeln!(out, "# HELP lectern_http_request_duration_seconds Time to answer, by method, route and status.\n# TYPE lectern_http_request_duration_seconds histogram");
        for (method, route, status, count, sum, buckets) in &rows {
            let labels = format!(
                "method=\"{method}\",route=\"{}\",status=\"{status}\"",
                escape(route)
            );
            for (bound, n) in BUCKETS.iter().zip(buckets) {
                let _ = writeln!(
                    out,
                    "lectern_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {n}"
                );
            }
            let _ = writeln!(
                out,
                "lectern_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {count}"
            );
            let _ = writeln!(
                out,
                "lectern_http_request_duration_seconds_sum{{{labels}}} {sum}"
            );
            let _ = writeln!(
                out,
                "lectern_http_request_duration_seconds_count{{{labels}}} {count}"
            );
        }
        let pool = service.db().pool_stats();
        let _ = writeln!(out, "# HELP lectern_db_pool_connections Database connections by state.\n# TYPE lectern_db_pool_connections gauge");
        let _ = writeln!(
            out,
            "lectern_db_pool_connections{{state=\"idle\"}} {}",
            pool.idle
        );
        let _ = writeln!(
            out,
            "lectern_db_pool_connections{{state=\"in_use\"}} {}",
            pool.size.saturating_sub(pool.idle)
        );
        let _ = writeln!(out, "# HELP lectern_db_pool_max_connections The pool's size limit.\n# TYPE lectern_db_pool_max_connections gauge");
        let _ = writeln!(out, "lectern_db_pool_max_connections {}", pool.max);
        let cache = service.cache();
        let _ = writeln!(out, "# HELP lectern_cache_hits_total Public answers served from the cache.\n# TYPE lectern_cache_hits_total counter");
        let _ = writeln!(
            out,
            "lectern_cache_hits_total {}",
            cache.hits.load(Ordering::Relaxed)
        );
        let _ = writeln!(out, "# HELP lectern_cache_misses_total Public answers not in the cache.\n# TYPE lectern_cache_misses_total counter");
        let _ = writeln!(
            out,
            "lectern_cache_misses_total {}",
            cache.misses.load(Ordering::Relaxed)
        );
        let _ = writeln!(out, "# HELP lectern_cache_entries Answers in the cache now.\n# TYPE lectern_cache_entries gauge");
        let _ = writeln!(out, "lectern_cache_entries {}", cache.len());
        let (head, seen) = service.feed_position().await;
        let _ = writeln!(out, "# HELP lectern_feed_head_seq The newest change-feed sequence in the database (-1 when unreadable).\n# TYPE lectern_feed_head_seq gauge");
        let _ = writeln!(out, "lectern_feed_head_seq {head}");
        let _ = writeln!(out, "# HELP lectern_feed_lag Changes committed that this instance has not yet followed.\n# TYPE lectern_feed_lag gauge");
        let _ = writeln!(
            out,
            "lectern_feed_lag {}",
            if head < 0 { 0 } else { (head - seen).max(0) }
        );
        match service.webhook_stats().await {
            Ok(w) => {
                let _ = writeln!(out, "# HELP lectern_webhook_queue_depth Webhook deliveries waiting to be sent or retried.\n# TYPE lectern_webhook_queue_depth gauge");
                let _ = writeln!(out, "lectern_webhook_queue_depth {}", w.pending);
                let _ = writeln!(out, "# HELP lectern_webhook_deliveries_failed Deliveries given up after their retry window, still in the log.\n# TYPE lectern_webhook_deliveries_failed gauge");
                let _ = writeln!(out, "lectern_webhook_deliveries_failed {}", w.failed);
                let _ = writeln!(out, "# HELP lectern_webhook_attempts_total Delivery attempts made by this instance, by result.\n# TYPE lectern_webhook_attempts_total counter");
                let _ = writeln!(
                    out,
                    "lectern_webhook_attempts_total{{result=\"delivered\"}} {}",
                    w.delivered_here
                );
                let _ = writeln!(
                    out,
                    "lectern_webhook_attempts_total{{result=\"failed\"}} {}",
                    w.failed_attempts_here
                );
            }
            Err(e) => {
                tracing::warn!(error = %lectern_service::Chain(&e), "reading webhook figures failed")
            }
        }
        let _ = writeln!(out, "# HELP lectern_live_subscribers Open GraphQL subscriptions.\n# TYPE lectern_live_subscribers gauge");
        let _ = writeln!(out, "lectern_live_subscribers {}", service.live_listeners());
        out
    }
}

fn escape(label: &str) -> String {
    label
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}
