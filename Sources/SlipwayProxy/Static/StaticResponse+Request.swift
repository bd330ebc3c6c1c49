import NIOCore
import NIOHTTP1
import SlipwayModel

extension StaticResponse {
    /// The answer of `site` (the release the backends chose) to a request that its route, at
    /// `routePrefix`, led there. `others`: the service's other sites whose exact files also answer.
    static func answer(_ request: RequestHead, routePrefix: String, site: StaticSite, others: () -> [StaticSite], files: SiteFiles,
                       setCookie: String?) -> StaticResponse {
        guard request.method == .GET || request.method == .HEAD else {
            return .text(.methodNotAllowed, "a static site answers GET and HEAD only", fields: [HeaderField(name: "allow", value: "GET, HEAD")])
        }
        let rawPath = RequestTarget.path(of: request.target)
        guard let path = SitePath.parse(rawPath: rawPath, routePrefix: routePrefix) else {
            return .text(.notFound, "not found")
        }
        var cookie: [HeaderField] = []
        if let setCookie { cookie.append(HeaderField(name: "set-cookie", value: setCookie)) }
        switch SiteLookup.resolve(path, site: site, others: others, files: files) {
        case .file(let file, let site, let answeredPath):
            return full(file, of: site, request: request, paths: [path.sitePath] + (answeredPath.map { [$0] } ?? []),
                        entryPage: false, extra: cookie)
        case .entryPage(let file, let site):
            return full(file, of: site, request: request, paths: [path.sitePath, "/" + SiteLookup.relative(site.entry)],
                        entryPage: true, extra: cookie)
        case .redirectToDirectory:
            let query = request.target.firstIndex(of: "?").map { String(request.target[$0...]) } ?? ""
            let location = String(rawPath) + "/" + query
            return .text(.movedPermanently, "moved to \(location)", fields: [HeaderField(name: "location", value: location)] + cookie)
        case .notFound(let page):
            guard let page, let bytes = page.bytes else { return .text(.notFound, "not found", fields: cookie) }
            return StaticResponse(status: .notFound, contentType: page.contentType, contentLength: page.size,
                                  fields: cookie, body: request.method == .HEAD ? .none : .bytes(bytes))
        }
    }

    /// A file's answer: 304 when the client's copy is current, 206 or 416 for a range, else 200;
    /// the precompressed variant the client accepts; the rules' headers. An entry page answering a
    /// client-side route is `no-cache` unless a rule says otherwise: its name stays while its
    /// content changes with each release.
    private static func full(_ file: SiteFile, of site: StaticSite, request: RequestHead, paths: [String], entryPage: Bool,
                             extra: [HeaderField]) -> StaticResponse {
        let wanted = StaticRequestFields(request)
        let chosen = file.representation(accepting: wanted.acceptEncoding)
        var fields = site.headers.isEmpty ? [] : HeaderRules.fields(site.headers, paths: paths)
        var contentType = chosen.contentType
        if let index = fields.firstIndex(where: { $0.name.lowercased() == "content-type" }) {
            contentType = fields.remove(at: index).value
        }
        if entryPage, !fields.contains(where: { $0.name.lowercased() == "cache-control" }) {
            fields.append(HeaderField(name: "cache-control", value: "no-cache"))
        }
        fields += extra
        if Preconditions.notModified(etag: chosen.etag, modified: chosen.modified, ifNoneMatch: wanted.ifNoneMatch,
                                     ifModifiedSince: wanted.ifModifiedSince) {
            return StaticResponse(status: .notModified, contentType: nil, contentLength: nil, fixedFields: chosen.fixedFields,
                                  fields: fields)
        }
        var range = chosen.size == 0 ? nil : (0...(chosen.size - 1))
        var status = HTTPResponseStatus.ok
        if request.method == .GET, let header = wanted.range,
           Preconditions.rangeApplies(etag: chosen.etag, modified: chosen.modified, ifRange: wanted.ifRange) {
            switch ByteRange.parse(header, size: chosen.size) {
            case .satisfiable(let bytes):
                range = bytes
                status = .partialContent
                fields.append(HeaderField(name: "content-range", value: "bytes \(bytes.lowerBound)-\(bytes.upperBound)/\(chosen.size)"))
            case .unsatisfiable:
                fields.append(HeaderField(name: "content-range", value: "bytes */\(chosen.size)"))
                return StaticResponse(status: .rangeNotSatisfiable, contentType: nil, contentLength: 0, fixedFields: chosen.fixedFields,
                                      fields: fields)
            case .whole:
                break
            }
        }
        let count = range.map { $0.count } ?? 0
        var body = Body.none
        if request.method == .GET, let range {
            if let bytes = chosen.bytes {
                body = .bytes(count == chosen.size ? bytes : bytes.getSlice(at: bytes.readerIndex + range.lowerBound, length: count)!)
            } else {
                body = .file(path: chosen.path, offset: range.lowerBound, count: count)
            }
        }
        var response = StaticResponse(status: status, contentType: contentType, contentLength: count, fixedFields: chosen.fixedFields,
                                      fields: fields, body: body)
        // The common answer (all of it, 200, no header of the request's own) has its head built once.
        if status == .ok, fields.isEmpty, contentType == chosen.contentType { response.prebuilt = chosen }
        return response
    }
}
