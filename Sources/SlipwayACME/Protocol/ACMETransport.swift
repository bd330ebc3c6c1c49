import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import NIOSSL

/// HTTP to the ACME server: the directory, the nonces (one per request, the next taken from each
/// answer's `Replay-Nonce`), and signed POSTs that are sent again once on `badNonce` (RFC 8555
/// §6.5). An answer that is a problem document is thrown as `ACMEError`.
actor ACMETransport {
    struct Response: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: Data

        var location: String? { headers.first(name: "location") }

        /// `Retry-After` in seconds, or as an HTTP date (RFC 9110 §10.2.3).
        var retryAfter: Duration? {
            guard let value = headers.first(name: "retry-after")?.trimmingCharacters(in: .whitespaces) else { return nil }
            if let seconds = Int(value) { return .seconds(max(seconds, 0)) }
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
            guard let date = formatter.date(from: value) else { return nil }
            return .seconds(max(Int(date.timeIntervalSinceNow.rounded(.up)), 0))
        }

        func decode<T: Decodable>(_ type: T.Type, what: String) throws -> T {
            do {
                return try JSONDecoder().decode(type, from: body)
            } catch {
                throw ACMEError.local("malformed", "the server's \(what) is not what RFC 8555 says: \(error)")
            }
        }
    }

    let directoryURL: String
    private let http: HTTPClient
    private var directory: ACMEDirectory?
    /// Unused nonces, the newest last. Internal, not private: a test hands it one the server never gave.
    var nonces: [String] = []
    private static let timeout = TimeAmount.seconds(30)
    /// Bounds what an answer may hold: a certificate chain is a few kilobytes.
    private static let maximumBody = 1 << 20

    /// `caFile`: trusted besides the system's roots (Pebble's own CA, a private ACME server).
    init(directoryURL: String, caFile: String?) throws {
        self.directoryURL = directoryURL
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caFile {
            do {
                tls.additionalTrustRoots = [.certificates(try NIOSSLCertificate.fromPEMFile(caFile))]
            } catch {
                throw ACMEError.local("ca_file", "proxy.tls.acme.ca_file \(caFile) is not a PEM certificate: \(error)")
            }
        }
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.timeout = .init(connect: .seconds(10), read: Self.timeout)
        configuration.redirectConfiguration = .disallow
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    func shutdown() async {
        try? await http.shutdown()
    }

    func directoryResource() async throws -> ACMEDirectory {
        if let directory { return directory }
        let response = try await send(url: directoryURL, method: .GET, body: nil)
        let directory = try response.decode(ACMEDirectory.self, what: "directory")
        self.directory = directory
        return directory
    }

    /// A signed POST; `payload` nil is a POST-as-GET.
    func post(_ url: String, payload: Data?, key: AccountKey, signer: JWS.Signer) async throws -> Response {
        do {
            return try await signedPost(url, payload: payload, key: key, signer: signer)
        } catch let error as ACMEError where error.isBadNonce {
            // The answer carried a fresh nonce (kept by `send`): once more with it.
            return try await signedPost(url, payload: payload, key: key, signer: signer)
        }
    }

    private func signedPost(_ url: String, payload: Data?, key: AccountKey, signer: JWS.Signer) async throws -> Response {
        let nonce = try await nextNonce()
        let body = try JWS.body(payload: payload, url: url, nonce: nonce, key: key, signer: signer)
        return try await send(url: url, method: .POST, body: body)
    }

    private func nextNonce() async throws -> String {
        if !nonces.isEmpty { return nonces.removeLast() }
        let url = try await directoryResource().newNonce
        _ = try await send(url: url, method: .HEAD, body: nil)
        guard !nonces.isEmpty else {
            throw ACMEError.local("malformed", "\(url) gave no Replay-Nonce")
        }
        return nonces.removeLast()
    }

    private func send(url: String, method: HTTPMethod, body: Data?) async throws -> Response {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "User-Agent", value: "slipway")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/jose+json")
            request.body = .bytes(ByteBuffer(data: body))
        }
        let answer: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            answer = try await http.execute(request, timeout: Self.timeout)
            bytes = method == .HEAD ? ByteBuffer() : try await answer.body.collect(upTo: Self.maximumBody)
        } catch {
            throw ACMEError.local("unreachable", "\(method) \(url): \(error)")
        }
        if let nonce = answer.headers.first(name: "replay-nonce"), !nonce.isEmpty { nonces.append(nonce) }
        let response = Response(status: Int(answer.status.code), headers: answer.headers, body: Data(buffer: bytes))
        guard (200..<300).contains(response.status) else {
            if let problem = try? JSONDecoder().decode(ProblemDocument.self, from: response.body), problem.type != nil {
                throw problem.error(status: response.status)
            }
            throw ACMEError(type: "slipway:http", detail: "\(method) \(url) answered \(answer.status)", status: response.status)
        }
        return response
    }
}
