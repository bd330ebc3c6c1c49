import Foundation
import Logging
import NIOSSL
import SlipwayModel
import SlipwayTLS
import Synchronization

/// The certificates the proxy serves, one pair per configured host, each replaced whole when its
/// files change on disk and the new pair passes the same checks as the config (`CertificatePair`).
/// A replacement that fails them is logged and the working pair stays: a broken renewal never takes
/// a site's HTTPS down.
package final class CertificateStore: Sendable {
    struct Served: Sendable {
        let host: String
        let stamp: FileStamp
        let override: NIOSSLContextConfigurationOverride
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
    }

    private struct State {
        /// In the configuration's order: the first served is the default. Nil: a host whose files
        /// could not be loaded when the proxy started (until they are fixed on disk).
        var served: [Served?]
        /// The stamp of a replacement already refused, per host: logged once, not at every look.
        var refused: [String: FileStamp] = [:]
    }

    let configured: [HostCertificate]
    private let logger: Logger
    private let state: Mutex<State>

    /// Loads every pair. The config refused what fails here when it was checked, so a failure now
    /// is a file changed since, or a certificate that expired while nothing was watching (a proxy
    /// started again after a crash): the proxy must start anyway, since it also serves plain HTTP.
    /// So an expired or not-yet-valid pair is served as nginx serves one, with an error logged; a
    /// pair that cannot be served at all leaves its host to the default, logged; only when no pair
    /// can be served does it throw. An ACME host's files are written by the daemon once the CA has
    /// issued them: until then the host is simply not served (the first reload after they appear
    /// serves it), and a proxy whose only hosts are ACME's starts with none, refusing handshakes.
    package init(_ certificates: [HostCertificate], logger: Logger) throws {
        guard !certificates.isEmpty else { throw SlipwayError(.configInvalid, "proxy.tls lists no certificate") }
        self.configured = certificates
        self.logger = logger
        var served: [Served?] = []
        var failures: [String] = []
        for certificate in certificates {
            if certificate.acme && !FileManager.default.fileExists(atPath: certificate.cert) {
                logger.notice("no ACME certificate for this host yet; it is served once the CA issues one",
                              metadata: ["host": "\(certificate.host)"])
                served.append(nil)
                continue
            }
            do {
                served.append(try Self.load(certificate))
            } catch {
                let metadata: Logger.Metadata = ["host": "\(certificate.host)", "cert": "\(certificate.cert)", "error": "\(error)"]
                if let problem = error as? CertificateProblem, [.expired, .notYetValid].contains(problem.code),
                   let outOfTime = try? Self.load(certificate, checkingValidity: false) {
                    logger.error("serving a certificate outside its validity; replace its files", metadata: metadata)
                    served.append(outOfTime)
                } else {
                    logger.error("cannot serve this host's certificate; it gets the default one until its files are fixed",
                                 metadata: metadata)
                    failures.append("\(certificate.host): \(error)")
                    served.append(nil)
                }
            }
        }
        guard served.contains(where: { $0 != nil }) || certificates.contains(where: \.acme) else {
            throw SlipwayError(.configInvalid, "no certificate of proxy.tls can be served: \(failures.joined(separator: "; "))")
        }
        state = Mutex(State(served: served))
    }

    /// The pair for a client's SNI name: the host's own, else a wildcard entry covering it, else the
    /// first configured (nginx's default server: a client without SNI, or with a name no entry has,
    /// still completes the handshake and gets that certificate).
    /// Nil only while no pair at all can be served (ACME hosts waiting for their first certificate):
    /// the handshake is refused.
    func certificate(forServerName name: String?) -> Served? {
        state.withLock { state in
            let served = state.served.compactMap { $0 }
            guard let name = name.map(HostNames.normalized) else { return served.first }
            return served.first { $0.host == name }
                ?? served.first { $0.host.hasPrefix("*.") && HostNames.matches($0.host, name) }
                ?? served.first
        }
    }

    /// Whether `name` is covered only by ACME hosts with no certificate issued yet: it is not
    /// redirected to https, where it would get another host's certificate.
    func awaitsFirstCertificate(_ name: String) -> Bool {
        state.withLock { state in
            var covered = false
            for (index, certificate) in configured.enumerated() where HostNames.matches(certificate.host, name) {
                if state.served[index] != nil || !certificate.acme { return false }
                covered = true
            }
            return covered
        }
    }

    /// Loads the pairs whose files changed since they were loaded; keeps the served pair of any
    /// that fails. Returns the hosts whose certificate was replaced.
    @discardableResult
    package func reloadChanged() -> [String] {
        var replaced: [String] = []
        for (index, certificate) in configured.enumerated() {
            let current = state.withLock { ($0.served[index]?.stamp, $0.refused[certificate.host]) }
            let stamp = FileStamp(cert: certificate.cert, key: certificate.key)
            guard stamp != current.0, stamp != current.1 else { continue }
            // Not issued yet (or a renewal between its two renames): nothing to say until the files are there.
            if certificate.acme && !FileManager.default.fileExists(atPath: certificate.cert) { continue }
            do {
                let next = try Self.load(certificate)
                state.withLock { state in
                    state.served[index] = next
                    state.refused[certificate.host] = nil
                }
                replaced.append(certificate.host)
                logger.info("certificate reloaded", metadata: ["host": "\(certificate.host)", "cert": "\(certificate.cert)"])
            } catch {
                state.withLock { $0.refused[certificate.host] = stamp }
                logger.error("certificate files changed but cannot be served; still serving the previous certificate",
                             metadata: ["host": "\(certificate.host)", "cert": "\(certificate.cert)", "key": "\(certificate.key)",
                                        "error": "\(error)"])
            }
        }
        return replaced
    }

    /// Reads and checks a pair, then hands the very bytes checked to BoringSSL. The stamp is taken
    /// before reading: a file changed while being read is read again at the next look.
    private static func load(_ certificate: HostCertificate, checkingValidity: Bool = true) throws -> Served {
        let stamp = FileStamp(cert: certificate.cert, key: certificate.key)
        let pair = try CertificatePair.load(cert: certificate.cert, key: certificate.key, host: certificate.host,
                                            now: checkingValidity ? Date() : nil)
        let chain = try NIOSSLCertificate.fromPEMBytes(pair.chainPEM)
        let key = try NIOSSLPrivateKey(bytes: pair.keyPEM, format: .pem)
        var override = NIOSSLContextConfigurationOverride()
        override.certificateChain = chain.map { .certificate($0) }
        override.privateKey = .privateKey(key)
        return Served(host: certificate.host, stamp: stamp, override: override, chain: chain, key: key)
    }
}

/// What tells that a file changed: device, inode, size and modification time (nanoseconds) of both
/// files. A renewal written in place or renamed over the old file changes one of them.
struct FileStamp: Sendable, Equatable {
    private var parts: [Int]

    init(cert: String, key: String) {
        parts = Self.identity(of: cert) + Self.identity(of: key)
    }

    /// Followed through symbolic links (certbot's `live/` links into `archive/`).
    private static func identity(of path: String) -> [Int] {
        var info = stat()
        guard stat(path, &info) == 0 else { return [-1] }
        return [Int(info.st_dev), Int(info.st_ino), Int(info.st_size), info.st_mtim.tv_sec, info.st_mtim.tv_nsec,
                info.st_ctim.tv_sec, info.st_ctim.tv_nsec]
    }
}
