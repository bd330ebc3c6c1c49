import SlipwayModel

/// A value that may hold `${VAR}` references (notify credentials, service `env:` values): expanded
/// from the environment and `.slipway/secrets.env`, and what each reference brought in kept as a
/// secret. Messages name the variables, never their values.
struct SecretExpansion {
    let reader: ConfigReader
    let environment: [String: String]
    /// Where the variables were looked for besides the daemon's environment, for the message about
    /// one that is not set (` for environment "staging" (nor in secrets/staging.env)`); empty
    /// outside environments.
    var scope = ""

    struct Value {
        let text: String
        /// The names referenced, in order; empty when the value was written literally.
        let variables: [String]
        /// The values the references brought in.
        let secrets: [String]

        /// ` in the value of ${A}, ${B}` for messages about a value that came from the environment.
        var origin: String {
            variables.isEmpty ? "" : " in the value of " + variables.map { "${\($0)}" }.joined(separator: ", ")
        }
    }

    /// The scalar at `node`, expanded; nil (reported) when it is not a scalar, a variable is not
    /// set, or a reference is malformed.
    func expand(_ node: ConfigNode, expected: String) -> Value? {
        guard case .scalar = node.node, !node.isNull, let text = node.scalarText else {
            reader.log.add("expected \(expected), got \(node.found)", at: node)
            return nil
        }
        return expand(text, at: node)
    }

    /// `text` (already read from `node`), expanded; problems are reported at `node`.
    func expand(_ text: String, at node: ConfigNode) -> Value? {
        switch EnvironmentExpansion.expand(text, environment: environment) {
        case .failure(.undefined(let names)):
            let list = names.map { "${\($0)}" }.joined(separator: ", ")
            let verb = names.count == 1 ? "variable \(names[0]) is" : "variables \(names.joined(separator: ", ")) are"
            reader.log.add("environment \(verb) not set (referenced as \(list))\(scope)", at: node)
            return nil
        case .failure(.malformed(let reference)):
            reader.log.add("invalid variable reference \(ConfigNode.quoted(reference)); write ${NAME}", at: node)
            return nil
        case .success(let expanded):
            let secrets = expanded.variables.compactMap { environment[$0] }.filter { !$0.isEmpty }
            return Value(text: expanded.value, variables: expanded.variables, secrets: secrets)
        }
    }
}
