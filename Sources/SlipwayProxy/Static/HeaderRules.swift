import SlipwayModel

/// A site's `headers:` rules applied to one response. A pattern is matched against the path as the
/// client asked for it relative to the site (the route's prefix stripped: `/assets/*` is the site's
/// own `assets` folder wherever the site is mounted) and, when another file answers (a directory's
/// index, the single-page app's entry, the 404 page), against that file's path too, so a rule for
/// `/index.html` also covers `/`. `*` matches any run of characters, `/` included (Netlify's splat).
/// Rules apply in order: a later rule's header replaces an earlier one of the same name.
enum HeaderRules {
    static func fields(_ rules: [StaticHeaderRule], paths: [String]) -> [HeaderField] {
        var fields: [HeaderField] = []
        for rule in rules where paths.contains(where: { matches(rule.pattern, $0) }) {
            for field in rule.fields {
                let name = field.name.lowercased()
                fields.removeAll { $0.name.lowercased() == name }
                fields.append(field)
            }
        }
        return fields
    }

    /// Glob match where `*` is any run of characters (`/` included) and everything else is itself.
    static func matches(_ pattern: String, _ path: String) -> Bool {
        let p = Array(pattern.utf8)
        let s = Array(path.utf8)
        var i = 0, j = 0
        var star = -1, resume = 0
        while j < s.count {
            if i < p.count, p[i] == UInt8(ascii: "*") {
                star = i
                resume = j
                i += 1
            } else if i < p.count, p[i] == s[j] {
                i += 1
                j += 1
            } else if star >= 0 {
                i = star + 1
                resume += 1
                j = resume
            } else {
                return false
            }
        }
        while i < p.count, p[i] == UInt8(ascii: "*") { i += 1 }
        return i == p.count
    }
}
