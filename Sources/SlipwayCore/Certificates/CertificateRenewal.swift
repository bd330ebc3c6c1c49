import Foundation

/// When to order each ACME host's certificate: the rules, with no I/O, driven by events that carry
/// the time (the driver reads it from its clock).
///
/// A host with no certificate is ordered at once; one with a certificate when it enters its
/// renewal window (`renewBefore` before it expires, as certbot's `renew_before_expiry`). A
/// window longer than the certificate's whole life (short-lived certificates, a test CA) would
/// order again the moment one is issued: the renewal then waits until half its life has passed.
/// A failed order is tried again after a backoff that doubles from `backoff.first` to
/// `backoff.longest` and starts over once an order succeeds. One order per host at a time.
package struct CertificateRenewal: Sendable {
    package struct Validity: Sendable, Equatable {
        package var notBefore: Date
        package var notAfter: Date

        package init(notBefore: Date, notAfter: Date) {
            self.notBefore = notBefore
            self.notAfter = notAfter
        }
    }

    package struct Backoff: Sendable, Equatable {
        package var first: Duration
        package var longest: Duration

        package init(first: Duration = .seconds(60), longest: Duration = .seconds(6 * 3600)) {
            self.first = first
            self.longest = longest
        }

        /// After `failures` consecutive failures (1: the first).
        package func delay(after failures: Int) -> Duration {
            var delay = first
            for _ in 1..<max(failures, 1) where delay < longest { delay *= 2 }
            return min(delay, longest)
        }
    }

    package enum Event: Sendable {
        /// Time to look at every host.
        case tick(now: Date)
        case issued(host: String, validity: Validity, now: Date)
        case failed(host: String, now: Date)
    }

    package enum Reason: Sendable, Equatable {
        case noCertificate
        /// The certificate served expires then, inside the renewal window.
        case expiresSoon(Date)
    }

    package enum Action: Sendable, Equatable {
        case order(host: String, reason: Reason)
        /// After a failure: the host's next attempt.
        case retry(host: String, at: Date)
    }

    struct Host: Sendable {
        var validity: Validity?
        var ordering = false
        var failures = 0
        var retryAt: Date?
    }

    package let renewBefore: Duration
    package let backoff: Backoff
    /// In the configuration's order: orders go out in it.
    package let hosts: [String]
    private var states: [String: Host]

    /// `certificates`: the validity of each host's certificate on disk, nil for a host without one.
    package init(hosts: [String], certificates: [String: Validity], renewBefore: Duration, backoff: Backoff = Backoff()) {
        self.hosts = hosts
        self.renewBefore = renewBefore
        self.backoff = backoff
        self.states = Dictionary(uniqueKeysWithValues: hosts.map { ($0, Host(validity: certificates[$0])) })
    }

    package mutating func handle(_ event: Event) -> [Action] {
        switch event {
        case .tick(let now):
            var actions: [Action] = []
            for host in hosts {
                guard let state = states[host], !state.ordering, (state.retryAt ?? .distantPast) <= now else { continue }
                guard let validity = state.validity else {
                    actions.append(.order(host: host, reason: .noCertificate))
                    continue
                }
                if renewal(of: validity) <= now { actions.append(.order(host: host, reason: .expiresSoon(validity.notAfter))) }
            }
            for case .order(let host, _) in actions { states[host]?.ordering = true }
            return actions
        case .issued(let host, let validity, _):
            guard states[host] != nil else { return [] }
            states[host] = Host(validity: validity)
            return []
        case .failed(let host, let now):
            guard var state = states[host] else { return [] }
            state.ordering = false
            state.failures += 1
            let retry = now.addingTimeInterval(backoff.delay(after: state.failures).timeInterval)
            state.retryAt = retry
            states[host] = state
            return [.retry(host: host, at: retry)]
        }
    }

    /// When the certificate enters its renewal window: `renewBefore` before it expires, but not
    /// before half its life.
    package func renewal(of validity: Validity) -> Date {
        let window = validity.notAfter.addingTimeInterval(-renewBefore.timeInterval)
        let half = validity.notBefore.addingTimeInterval(validity.notAfter.timeIntervalSince(validity.notBefore) / 2)
        return max(window, half)
    }

    /// The next time a `tick` may order something: nil while every host's order is running.
    package func nextLook() -> Date? {
        hosts.compactMap { host -> Date? in
            guard let state = states[host], !state.ordering else { return nil }
            let due = state.validity.map(renewal) ?? .distantPast
            return max(due, state.retryAt ?? .distantPast)
        }.min()
    }

    /// Whether an order for `host` is under way.
    package func isOrdering(_ host: String) -> Bool { states[host]?.ordering ?? false }
}

extension Duration {
    fileprivate var timeInterval: TimeInterval {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
