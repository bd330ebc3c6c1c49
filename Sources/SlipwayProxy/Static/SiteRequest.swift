import Foundation
import NIOCore
import SlipwayCore
import SlipwayModel

/// A request to a static site answered in process, as the proxy would answer it: what a health
/// check or an `http:` smoke test of a static site gets (a site has no address to send it to).
enum SiteRequest {
    /// `GET path` of `site` (routed at `/`: the path is the site's own), judged like an HTTP probe.
    static func probe(_ site: StaticSite, path: String, expect: HealthExpectation) -> ProbeResult {
        let target = path.hasPrefix("/") ? path : "/" + path
        guard let head = try? RequestHead.parse(ByteBuffer(string: "GET \(target) HTTP/1.1\r\nhost: slipway-probe\r\n\r\n")) else {
            return ProbeResult(healthy: false, reason: "\(target) is not a request path")
        }
        // A cache of its own: a probe must see the files as they are on disk now.
        let response = StaticResponse.answer(head, routePrefix: "/", site: site, others: { [] }, files: SiteFiles(byteBudget: 1 << 20),
                                             setCookie: nil)
        var body: [UInt8] = []
        switch response.body {
        case .none: break
        case .bytes(let bytes): body = Array(bytes.readableBytesView.prefix(HTTPHealthProbe.maxBodyBytes))
        case .file(let path, let offset, let count):
            body = Array((FileManager.default.contents(atPath: path) ?? Data()).dropFirst(offset).prefix(min(count, HTTPHealthProbe.maxBodyBytes)))
        }
        return HealthVerdict.judge(status: Int(response.status.code), body: body, expect: expect)
    }
}
