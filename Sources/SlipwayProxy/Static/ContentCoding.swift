/// The precompressed variants a site may ship beside a file, and the choice among them by the
/// request's `Accept-Encoding` (RFC 9110 §12.5.3).
enum ContentCoding: String, CaseIterable {
    case br
    case gzip

    /// The sibling's suffix: `app.js.br`, `app.js.gz`.
    var suffix: String {
        switch self {
        case .br: ".br"
        case .gzip: ".gz"
        }
    }

    /// The variant to send, nil for the file itself. The highest q wins; at equal q `br` before
    /// `gzip` (smaller); `q=0` refuses a coding; a coding not named takes `*`'s q, or none. The
    /// file itself is sent instead only when `identity` is named with a q above the best variant's.
    static func choose(among available: [ContentCoding], acceptEncoding: [Substring]) -> ContentCoding? {
        var weights: [Substring: Double] = [:]
        for value in acceptEncoding {
            for item in value.split(separator: ",") {
                let parts = item.split(separator: ";")
                guard let name = parts.first?.trimmingWhitespace().lowercased(), !name.isEmpty else { continue }
                var q = 1.0
                for parameter in parts.dropFirst() {
                    let pair = parameter.trimmingWhitespace()
                    if pair.hasPrefix("q=") || pair.hasPrefix("Q=") { q = Double(pair.dropFirst(2)) ?? 0 }
                }
                weights[Substring(name)] = q
            }
        }
        let star = weights["*"]
        var best: (coding: ContentCoding, q: Double)?
        for coding in allCases where available.contains(coding) {
            let q = weights[Substring(coding.rawValue)] ?? (coding == .gzip ? weights["x-gzip"] : nil) ?? star ?? 0
            if q > 0, q > (best?.q ?? 0) { best = (coding, q) }
        }
        guard let best else { return nil }
        if let identity = weights["identity"], identity > best.q { return nil }
        return best.coding
    }
}
