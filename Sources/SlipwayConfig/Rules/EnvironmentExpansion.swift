/// `${NAME}` in a value, replaced by that environment variable, so secrets such as database passwords
/// stay out of the file. `$${` writes a literal `${`; any other `$` is kept as is.
enum EnvironmentExpansion {
    enum Problem: Error, Equatable {
        /// Variables referenced but not set, in the order they appear.
        case undefined([String])
        /// A `${` without a valid name and closing `}`.
        case malformed(String)
    }

    struct Expanded: Equatable {
        let value: String
        /// Names of the variables substituted, in order; empty when the text had none.
        let variables: [String]
    }

    static func expand(_ text: String, environment: [String: String]) -> Result<Expanded, Problem> {
        var value = ""
        var variables: [String] = []
        var undefined: [String] = []
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            value += rest[..<dollar]
            let afterDollar = rest[rest.index(after: dollar)...]
            if afterDollar.hasPrefix("${") {
                value += "${"
                rest = afterDollar.dropFirst(2)
            } else if afterDollar.hasPrefix("{") {
                guard let close = afterDollar.firstIndex(of: "}") else {
                    return .failure(.malformed(String(rest.prefix(40))))
                }
                let name = String(afterDollar[afterDollar.index(after: afterDollar.startIndex)..<close])
                guard NameRules.isValidEnvironmentName(name) else {
                    return .failure(.malformed("${\(name)}"))
                }
                variables.append(name)
                if let substitute = environment[name] { value += substitute } else { undefined.append(name) }
                rest = afterDollar[afterDollar.index(after: close)...]
            } else {
                value += "$"
                rest = afterDollar
            }
        }
        value += rest
        guard undefined.isEmpty else { return .failure(.undefined(undefined)) }
        return .success(Expanded(value: value, variables: variables))
    }
}
