import Foundation

/// Endpoints of notify channels: absolute `http://` or `https://` URLs with a host.
enum NotifyURLRules {
    static let expected = "an http:// or https:// url"

    static func isValid(_ text: String) -> Bool {
        guard !text.contains(where: { $0.isWhitespace }),
              let components = URLComponents(string: text),
              let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = components.host, !host.isEmpty else {
            return false
        }
        return true
    }
}
