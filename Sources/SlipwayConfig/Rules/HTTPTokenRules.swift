import SlipwayModel

/// What HTTP allows in the names the proxy sets or matches: a sticky cookie's name and a preview
/// route's header.
enum HTTPTokenRules {
    /// An RFC 7230 token (`1*tchar`): letters, digits and ``!#$%&'*+-.^_`|~``. A header name is
    /// one, and RFC 6265 makes a cookie name one too, so neither can hold a space, a quote or
    /// any of `()<>@,;:\/[]?={}`.
    static func isToken(_ text: String) -> Bool {
        !text.isEmpty && text.unicodeScalars.allSatisfy(isTokenCharacter)
    }

    static let tokenRule = "letters, digits and !#$%&'*+-.^_`|~"

    /// A token of at most 64 characters: the name rides in every `Cookie` header of the client, and
    /// nothing needs a longer one.
    static func isCookieName(_ text: String) -> Bool {
        isToken(text) && text.unicodeScalars.count <= 64
    }

    /// `"X-Slipway-Preview: 1"`: a header name (a token), a colon, and a value that is not empty
    /// once the spaces around it are dropped (as HTTP drops them) and holds no control character
    /// (none could arrive in a request). Nil for anything else.
    static func headerMatch(_ text: String) -> HeaderMatch? {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let name = String(text[..<colon])
        let value = text[text.index(after: colon)...].trimmingSpaces
        guard isToken(name), !value.isEmpty,
              !value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return nil }
        return HeaderMatch(name: name, value: value)
    }

    private static func isTokenCharacter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
            || "!#$%&'*+-.^_`|~".unicodeScalars.contains(scalar)
    }
}

private extension Substring {
    /// Without the spaces and tabs HTTP allows around a field value (`OWS`).
    var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        return String(drop(while: isSpace).reversed().drop(while: isSpace).reversed())
    }
}
