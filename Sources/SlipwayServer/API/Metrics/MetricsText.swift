import Prometheus
import SlipwayModel
import SlipwayProxy

/// `/metrics`, in Prometheus' text format (swift-prometheus): what each environment's proxy has
/// counted per upstream (a release's instance), each service's health, restarts and serving
/// release, deployments by outcome, freezes and waiting deployments. Built in a fresh registry for
/// every scrape from the daemon's and the proxies' own counts, so a release that is gone leaves no
/// stale series behind, and a proxy process that restarted starts its counters at zero, which
/// Prometheus reads as a counter reset.
enum MetricsText {
    struct Sources {
        var status: StatusResponse
        var proxies: [(environment: String, upstreams: [UpstreamStatistics])]
        var totals: [DeploymentTotal]
    }

    static func render(_ sources: Sources) -> String {
        let registry = PrometheusCollectorRegistry()
        proxyMetrics(sources, into: registry)
        serviceMetrics(sources.status, into: registry)
        for total in sources.totals {
            counter(registry, "slipway_deployments_total", "Deployments and rollbacks by how they ended.",
                    [("environment", total.service.environment), ("service", total.service.service),
                     ("outcome", total.outcome.rawValue)], total.count)
        }
        let environments = sources.status.environments?.map(\.name) ?? [ServiceKey.defaultEnvironment]
        for environment in environments {
            let frozen = sources.status.freezes?.contains { $0.environment == environment } ?? false
            gauge(registry, "slipway_environment_frozen", "1 while the environment is frozen (slipway freeze).",
                  [("environment", environment)], frozen ? 1 : 0)
            let waiting = sources.status.pending?.filter { $0.key.environment == environment }.count ?? 0
            gauge(registry, "slipway_deployments_pending", "Deployments waiting for approvals, a wait timer or a freeze.",
                  [("environment", environment)], waiting)
        }
        return registry.emitToString()
    }

    private static func proxyMetrics(_ sources: Sources, into registry: PrometheusCollectorRegistry) {
        for (environment, upstreams) in sources.proxies {
            for stats in upstreams {
                let release = stats.upstream.releaseID
                // The service it serves now, or (drained, still counted) the one whose release it runs.
                let service = stats.services.first?.service
                    ?? sources.status.services.first { $0.environment ?? ServiceKey.defaultEnvironment == environment
                        && ($0.retainedReleases.contains(release) || $0.activeRelease?.id == release) }?.name ?? ""
                let labels = [("environment", environment), ("service", service), ("release", release),
                              ("upstream", stats.upstream.description)]
                for (statusClass, value) in [("2xx", stats.status2xx), ("3xx", stats.status3xx), ("4xx", stats.status4xx),
                                             ("5xx", stats.status5xx)] {
                    counter(registry, "slipway_proxy_responses_total", "Responses the upstream completed, by status class.",
                            labels + [("class", statusClass)], value)
                }
                for (kind, value) in [("connect", stats.connectFailures), ("closed", stats.closedBeforeResponse),
                                      ("timeout", stats.timeouts)] {
                    counter(registry, "slipway_proxy_gateway_errors_total",
                            "Requests the proxy answered 502 (connect, closed before the response) or 504 (timeout).",
                            labels + [("kind", kind)], value)
                }
                counter(registry, "slipway_proxy_aborted_responses_total", "Responses the upstream cut off after their head.",
                        labels, stats.abortedResponses)
                counter(registry, "slipway_proxy_client_aborts_total", "Clients gone before their response was complete.",
                        labels, stats.clientAborts)
                counter(registry, "slipway_proxy_retries_total", "Requests replayed once on a fresh upstream connection.",
                        labels, stats.retries)
                counter(registry, "slipway_proxy_upstream_connections_opened_total", "Connections opened to the upstream.",
                        labels, stats.connectionsOpened)
                gauge(registry, "slipway_proxy_in_flight", "Requests in flight to the upstream.", labels, stats.inFlight)
                for quantile in [0.5, 0.95, 0.99] {
                    guard let seconds = stats.latency.quantile(quantile)?.seconds else { continue }
                    registry.makeGauge(name: "slipway_proxy_latency_seconds",
                                       labels: labels + [("quantile", String(quantile))],
                                       help: "Request head to response end, quantiles since the upstream was first routed to (within 1.6 %).")
                        .set(seconds)
                }
                gauge(registry, "slipway_proxy_idle_connections", "Idle keep-alive connections pooled to the upstream.",
                      labels, stats.idleConnections)
            }
        }
    }

    private static func serviceMetrics(_ status: StatusResponse, into registry: PrometheusCollectorRegistry) {
        for service in status.services {
            let labels = [("environment", service.environment ?? ServiceKey.defaultEnvironment), ("service", service.name)]
            for state in [ServiceStatus.Health.healthy, .unhealthy, .unknown, .down] {
                gauge(registry, "slipway_service_health", "1 for the service's health state now (healthy, unhealthy, unknown, down).",
                      labels + [("state", state.rawValue)], service.health == state ? 1 : 0)
            }
            for replica in service.replicas ?? [] {
                let replicaLabels = labels + [("replica", String(replica.slot))]
                for state in [ServiceStatus.Health.healthy, .unhealthy, .unknown, .down] {
                    gauge(registry, "slipway_replica_health", "1 for each replica's health state now (replicas > 1).",
                          replicaLabels + [("state", state.rawValue)], replica.health == state ? 1 : 0)
                }
                gauge(registry, "slipway_replica_in_pool", "1 while the proxy sends the replica requests.", replicaLabels, replica.inPool ? 1 : 0)
            }
            counter(registry, "slipway_service_restarts_total", "Restarts of the serving release after it crashed.",
                    labels, service.restarts)
            if let release = service.activeRelease {
                gauge(registry, "slipway_service_release_info", "1 for the release each service serves.",
                      labels + [("release", release.id), ("version", release.version)], 1)
            }
            if let rollout = service.rollout {
                let rolloutLabels = labels + [("strategy", rollout.strategy.rawValue), ("deployment", rollout.deployment)]
                gauge(registry, "slipway_rollout_step", "The running rollout's step, 1-based.", rolloutLabels, rollout.step + 1)
                gauge(registry, "slipway_rollout_weight_percent", "Percent of production requests the rollout's new release takes.",
                      rolloutLabels, rollout.weight)
            }
        }
    }

    /// A counter holding `value` (a fresh registry per scrape: increment from zero is set).
    private static func counter(_ registry: PrometheusCollectorRegistry, _ name: String, _ help: String,
                                _ labels: [(String, String)], _ value: Int) {
        registry.makeCounter(name: name, labels: labels, help: help).increment(by: Int64(value))
    }

    private static func gauge(_ registry: PrometheusCollectorRegistry, _ name: String, _ help: String,
                              _ labels: [(String, String)], _ value: Int) {
        registry.makeGauge(name: name, labels: labels, help: help).set(Double(value))
    }
}
