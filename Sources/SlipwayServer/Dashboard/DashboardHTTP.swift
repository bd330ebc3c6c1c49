import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle

/// What every dashboard answer shares: its security headers, the session cookie, forms and redirects.
enum DashboardHTTP {
    static let cookieName = "slipway_session"

    /// No page can be framed, no script or style comes from anywhere but the daemon, none inline.
    static let securityHeaders: HTTPFields = [
        .contentSecurityPolicy: "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        HTTPField.Name("X-Frame-Options")!: "DENY",
        .xContentTypeOptions: "nosniff",
        HTTPField.Name("Referrer-Policy")!: "no-referrer",
        .cacheControl: "no-store",
    ]

    static func page(_ html: String, status: HTTPResponse.Status = .ok, cookie: String? = nil) -> Response {
        var headers = securityHeaders
        headers[.contentType] = "text/html; charset=utf-8"
        if let cookie { headers[.setCookie] = cookie }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    /// 303 to `location` (after a form: the browser GETs it).
    static func redirect(_ location: String, cookie: String? = nil) -> Response {
        var headers = securityHeaders
        headers[.location] = location
        if let cookie { headers[.setCookie] = cookie }
        return Response(status: .seeOther, headers: headers)
    }

    static func refused(_ status: HTTPResponse.Status, _ message: String) -> Response {
        var headers = securityHeaders
        headers[.contentType] = "text/plain; charset=utf-8"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: message + "\n")))
    }

    /// A Server-Sent Events answer: what `produce` sends (an event's name and its data), written as it
    /// comes, until `produce` returns. A comment goes out every `heartbeat` between events, which is
    /// how a browser that went away is noticed (its write fails, and `produce` is cancelled); the
    /// daemon's graceful shutdown ends the stream too, so an open page never holds the daemon up.
    static func eventStream(heartbeat: Duration = .seconds(15),
                            _ produce: @escaping @Sendable (_ send: @Sendable (String, String) -> Void) async -> Void) -> Response {
        var headers = securityHeaders
        headers[.contentType] = "text/event-stream; charset=utf-8"
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            let (outbox, post) = AsyncStream<String>.makeStream()
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    await produce { event, data in post.yield("event: \(event)\n\(DashboardFormat.eventData(data))\n\n") }
                    post.finish()
                }
                group.addTask {
                    while (try? await Task.sleep(for: heartbeat)) != nil { post.yield(": keep-alive\n\n") }
                }
                for await chunk in outbox.cancelOnGracefulShutdown() {
                    do { try await writer.write(ByteBuffer(string: chunk)) } catch { break }
                }
                group.cancelAll()
            }
            try? await writer.finish(nil)
        })
    }

    /// The session cookie: `HttpOnly`, `SameSite=Strict`, `Secure` over TLS, for `maxAge` seconds
    /// (0: deleted).
    static func sessionCookie(_ value: String, maxAge: Int, secure: Bool) -> String {
        "\(cookieName)=\(value); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }

    /// The session id a request's `Cookie` header carries.
    static func sessionID(_ request: Request) -> String? { cookie(cookieName, of: request) }

    /// The sign-in form's own CSRF token travels in this cookie (double submit): a page of another
    /// site cannot sign a browser in to an account of its choosing.
    static let signInCookieName = "slipway_sign_in"

    /// The sign-in cookie: like the session's, for the sign-in form only, for ten minutes.
    static func signInCookie(_ value: String, secure: Bool) -> String {
        "\(signInCookieName)=\(value); Path=/sign-in; Max-Age=600; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }

    /// The value of the cookie `name` in a request's `Cookie` headers.
    static func cookie(_ name: String, of request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name else { continue }
                return parts[1].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    /// The query's fields, each named once (the first wins).
    static func query(_ request: Request) -> [String: String] {
        var fields: [String: String] = [:]
        for (name, value) in request.uri.queryParameters where fields[String(name)] == nil {
            fields[String(name)] = String(value)
        }
        return fields
    }

    /// `?a=1&b=2` of `fields` in name order, percent-encoded; empty for none.
    static func queryString(_ fields: [String: String]) -> String {
        let pairs = fields.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }.map { name, value in
            "\(escape(name))=\(escape(value))"
        }
        return pairs.isEmpty ? "" : "?" + pairs.joined(separator: "&")
    }

    /// Percent-encoded but for RFC 3986's unreserved characters.
    static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// The fields of an `application/x-www-form-urlencoded` body (at most 16 KiB).
    static func form(_ request: Request) async throws -> [String: String] {
        let buffer = try await request.body.collect(upTo: 16 * 1024)
        var components = URLComponents()
        components.percentEncodedQuery = String(buffer: buffer).replacingOccurrences(of: "+", with: "%20")
        var fields: [String: String] = [:]
        for item in components.queryItems ?? [] { fields[item.name] = item.value ?? "" }
        return fields
    }
}
