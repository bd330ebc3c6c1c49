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

    /// Runs until cancelled (the daemon's graceful shutdown). Never ends on a failed order, nor on
    /// a client that cannot be made (a `ca_file` gone since the config was checked): each is an
    /// order that failed, audited and tried again after its backoff.
    func run() async throws {
        var validities: [String: CertificateRenewal.Validity] = [:]
        for host in hosts { validities[host] = certificates.validity(of: host) }
        var machine = CertificateRenewal(hosts: hosts, certificates: validities, renewBefore: config.renewBefore)
        var client: ACMEClient?
        do {
            while true {
                for action in machine.handle(.tick(now: now())) {
                    guard case .order(let host, let reason) = action else { continue }
                    await order(host, reason: reason, client: &client, machine: &machine)
                }
                let next = machine.nextLook() ?? now().addingTimeInterval(longestSleep.seconds)
                let wait = min(max(next.timeIntervalSince(now()), 0), longestSleep.seconds)
                try await clock.sleep(for: .milliseconds(Int64((wait * 1000).rounded(.up))))
            }
        } catch {
            await client?.shutdown()
            throw error
        }
    }

    private func order(_ host: String, reason: CertificateRenewal.Reason, client: inout ACMEClient?,
                       machine: inout CertificateRenewal) async {
        let why = switch reason {
        case .noCertificate: "it has no certificate yet"
        case .expiresSoon(let date): "its certificate expires \(date.ISO8601Format()), within renew_before"
        }
        await record(.certificateOrdered, "ordered a certificate for \(host) from \(config.directory): \(why)")
        do {
            let active = try client ?? ACMEClient(config: config, key: key,
                                                  challenges: ChallengeFiles(directory: certificates.files.challenges), logger: logger)
            client = active
            let issued = try await active.issue(host: host)
            try certificates.write(issued)
            let validity = CertificateRenewal.Validity(notBefore: issued.notBefore, notAfter: issued.notAfter)
            _ = machine.handle(.issued(host: host, validity: validity, now: now()))
            let action: AuditAction = reason == .noCertificate ? .certificateIssued : .certificateRenewed
            await record(action, "\(host): certificate issued, valid until \(issued.notAfter.ISO8601Format()); "
                         + "renewal due \(machine.renewal(of: validity).ISO8601Format())")
        } catch where Task.isCancelled {
            // The daemon is stopping: not a failure of the CA's; the next daemon orders again.
            logger.notice("certificate order interrupted by shutdown", metadata: ["host": "\(host)"])
        } catch {
            let actions = machine.handle(.failed(host: host, now: now()))
            var retry = ""
            for case .retry(_, let at) in actions { retry = "; tried again at \(at.ISO8601Format())" }
            let kept = reason == .noCertificate ? "" : "; the certificate served before stays"
            await record(.certificateFailed, "\(host): the order failed: \(error)\(kept)\(retry)")
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
