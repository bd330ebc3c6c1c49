/// Why a certificate file pair cannot serve its host. The config reports it at the key it names
/// (`cert` or `key`); the proxy logs it and keeps the pair it serves.
package struct CertificateProblem: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Code: String, Sendable {
        case unreadable
        case notPEM
        case expired
        case notYetValid
        case keyMismatch
        case hostNotCovered
    }

    /// Which of the two files the problem is in.
    package enum File: String, Sendable {
        case cert
        case key
    }

    package var code: Code
    package var file: File
    package var message: String

    package init(_ code: Code, in file: File, _ message: String) {
        self.code = code
        self.file = file
        self.message = message
    }

    package var description: String { message }
}
