import NIOSSL
import SlipwayModel

extension TLSFiles {
    /// The server configuration of `api.tls`: the certificate chain and key read now, so that a file
    /// that is not PEM stops `serve` at once with its name, not the first client's handshake.
    static func load(_ files: TLSFiles) throws -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(files.cert)
        } catch {
            throw SlipwayError(.configInvalid, "api.tls.cert: \(files.cert) is not a PEM certificate chain: \(error)")
        }
        guard !chain.isEmpty else {
            throw SlipwayError(.configInvalid, "api.tls.cert: \(files.cert) holds no certificate")
        }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: files.key, format: .pem)
        } catch {
            throw SlipwayError(.configInvalid, "api.tls.key: \(files.key) is not a PEM private key: \(error)")
        }
        return TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
    }
}
