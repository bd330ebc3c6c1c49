import Foundation
import SlipwayACME
import SlipwayCore
import SlipwayModel
import SlipwayTLS

/// The ACME hosts' files on disk (`ACMEFiles`): what is there at start, and each new pair written
/// where the proxy serves it from. The key is written before the certificate, each by
/// temp-then-rename: a failed order never touches the working pair, and the proxy, which checks
/// that a pair matches before serving it, sees at worst one look with a new key and the old
/// certificate, refuses it and serves the new pair at its next look.
struct ACMECertificates: Sendable {
    let files: ACMEFiles

    /// The validity of the certificate on disk, nil when there is none that serves the host.
    func validity(of host: String) -> CertificateRenewal.Validity? {
        guard let pair = try? CertificatePair.load(cert: files.certificate(host: host), key: files.key(host: host), host: host, now: nil)
        else { return nil }
        return .init(notBefore: pair.leaf.notValidBefore, notAfter: pair.leaf.notValidAfter)
    }

    func write(_ issued: IssuedCertificate) throws {
        let directory = files.certificateDirectory(host: issued.host)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        try PrivateFile.write(Data(issued.keyPEM.utf8), to: files.key(host: issued.host))
        try PrivateFile.write(Data(issued.chainPEM.utf8), to: files.certificate(host: issued.host))
    }

    /// The account's key: read, or made and written (0600) the first time.
    func accountKey() throws -> AccountKey {
        let path = files.accountKey
        if let data = FileManager.default.contents(atPath: path) {
            do {
                return try AccountKey(pem: String(decoding: data, as: UTF8.self))
            } catch {
                throw SlipwayError(.configInvalid, "\(path) is not a PEM P-256 private key (the ACME account's key): \(error); "
                                   + "remove it to register a new account")
            }
        }
        try FileManager.default.createDirectory(atPath: files.root, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let key = AccountKey()
        try PrivateFile.write(Data(key.pem.utf8), to: path)
        return key
    }
}
