import Foundation
import SlipwayModel
import SlipwayTestSupport
@testable import SlipwayProxy

/// A release of a static site in a temporary directory: `files` written under `dist/`.
struct SiteRelease {
    let directory: TemporaryDirectory
    let site: StaticSite
    let upstream: Upstream

    init(_ id: String = "r1", files: [String: String], spa: Bool = false, notFound: String? = nil,
         headers: [StaticHeaderRule] = [], retainSeconds: Int = 3600) throws {
        directory = try TemporaryDirectory(prefix: "slipway-site")
        for (path, contents) in files { try directory.write("dist/" + path, contents) }
        site = StaticSite(root: directory.path("dist"), spa: spa, notFound: notFound, headers: headers, retainAssetsSeconds: retainSeconds)
        upstream = Upstream(host: "127.0.0.1", port: 0, releaseID: id, site: site)
    }

    func write(_ path: String, _ data: Data) throws {
        try directory.write("dist/" + path, data)
    }
}

/// A proxy serving `release` as service `site` at `route`.
func withStaticSite(_ release: SiteRelease, route: RouteConfig = RouteConfig(path: "/"),
                    now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 },
                    _ body: (ReverseProxy, ProxyClient) async throws -> Void) async throws {
    try await withProxy(now: now) { proxy, client async throws in
        await proxy.route("site", at: route, to: release.upstream)
        try await body(proxy, client)
    }
}

/// The responses in a raw exchange's text, in order: status code, head and body (by Content-Length;
/// none for the answers to HEAD requests, at `heads`).
func rawResponses(_ text: String, heads: Set<Int> = []) -> [(status: Int, head: String, body: String)] {
    var responses: [(Int, String, String)] = []
    var rest = Substring(text)
    while let headEnd = rest.range(of: "\r\n\r\n") {
        let head = String(rest[..<headEnd.lowerBound])
        let status = Int(head.split(separator: " ").dropFirst().first ?? "") ?? 0
        let declared = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
            .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
        let length = heads.contains(responses.count) ? 0 : declared
        let bodyStart = headEnd.upperBound
        let bodyEnd = rest.utf8.index(bodyStart, offsetBy: min(length, rest.utf8.distance(from: bodyStart, to: rest.endIndex)))
        responses.append((status, head, String(rest[bodyStart..<bodyEnd])))
        rest = rest[bodyEnd...]
    }
    return responses
}
