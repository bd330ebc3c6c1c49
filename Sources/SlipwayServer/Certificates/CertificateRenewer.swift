import Foundation
import Logging
import SlipwayACME
import SlipwayCore
import SlipwayModel

/// Performs what `CertificateRenewal` decides: orders each due host's certificate from the ACME
/// server, writes it where the proxy serves it from (the proxy picks it up at its next look at the
/// files), audits each step, and sleeps until the next host is due. Orders run one after another:
/// each takes seconds, and a CA limits an account's concurrent orders anyway.
struct CertificateRenewer: Sendable {
    let config: ACMEConfig
    /// Every host this renewer orders for (the environments' `acme.hosts`, each once).
    let hosts: [String]
    let certificates: ACMECertificates
    let key: AccountKey
    let clock: any MonotonicClock
    let now: @Sendable () -> Date
    let audit: @Sendable (AuditEntry) async -> Void
    let logger: Logger
    /// The longest sleep between looks: time on the wall may jump while the monotonic clock sleeps.
    var longestSleep: Duration = .seconds(3600)

    func run() async throws {
        let client = try ACMEClient(config: config, key: key, challenges: ChallengeFiles(directory: certificates.files.challenges),
                                    logger: logger)
        defer { Task { [client] in await client.shutdown() } }
        var validities: [String: CertificateRenewal.Validity] = [:]
        for host in hosts { validities[host] = certificates.validity(of: host) }
        var machine = CertificateRenewal(hosts: hosts, certificates: validities, renewBefore: config.renewBefore)
        while true {
            for action in machine.handle(.tick(now: now())) {
                guard case .order(let host, let reason) = action else { continue }
                for follow in await order(host, reason: reason, client: client, machine: &machine) {
                    if case .retry(let host, let at) = follow {
                        logger.notice("certificate order will be tried again", metadata: ["host": "\(host)", "at": "\(at)"])
                    }
                }
            }
            let next = machine.nextLook() ?? now().addingTimeInterval(longestSleep.seconds)
            let wait = min(max(next.timeIntervalSince(now()), 0), longestSleep.seconds)
            try await clock.sleep(for: .milliseconds(Int64((wait * 1000).rounded(.up))))
        }
    }

    private func order(_ host: String, reason: CertificateRenewal.Reason, client: ACMEClient,
                       machine: inout CertificateRenewal) async -> [CertificateRenewal.Action] {
        let why = switch reason {
        case .noCertificate: "it has no certificate yet"
        case .expiresSoon(let date): "its certificate expires \(date.ISO8601Format()), within renew_before"
        }
        await record(.certificateOrdered, "ordered a certificate for \(host) from \(config.directory): \(why)")
        do {
            let issued = try await client.issue(host: host)
            try certificates.write(issued)
            let validity = CertificateRenewal.Validity(notBefore: issued.notBefore, notAfter: issued.notAfter)
            let actions = machine.handle(.issued(host: host, validity: validity, now: now()))
            let action: AuditAction = reason == .noCertificate ? .certificateIssued : .certificateRenewed
            await record(action, "\(host): certificate issued, valid until \(issued.notAfter.ISO8601Format()); "
                         + "renewed from \(machine.renewal(of: validity).ISO8601Format())")
            return actions
        } catch {
            let actions = machine.handle(.failed(host: host, now: now()))
            var retry = ""
            for case .retry(_, let at) in actions { retry = "; tried again at \(at.ISO8601Format())" }
            let kept = reason == .noCertificate ? "" : "; the certificate served before stays"
            await record(.certificateFailed, "\(host): the order failed: \(error)\(kept)\(retry)")
            return actions
        }
    }

    private func record(_ action: AuditAction, _ detail: String) async {
        logger.info("\(action)", metadata: ["detail": "\(detail)"])
        await audit(AuditEntry(at: now(), actor: "slipway", action: action, detail: detail))
    }
}

extension Duration {
    fileprivate var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
