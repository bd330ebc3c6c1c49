import Foundation

/// What an order brings back: the chain as the CA sent it (leaf first) and the key made for it, as
/// PEM, checked for the host (`CertificatePair`), and the leaf's validity.
package struct IssuedCertificate: Sendable {
    package let host: String
    package let chainPEM: String
    /// Never logged or audited.
    package let keyPEM: String
    package let notBefore: Date
    package let notAfter: Date
}
