import SlipwayModel

/// Why a request body did not decode, in the API's words (docs/API.md): the field by its path in
/// the JSON (`services[1]`) and what it must be. Never `DecodingError`'s own description, which
/// names Swift types and coding keys that a client never sent.
enum RequestBodyProblem {
    /// Fields whose value is one of a closed set, by name: a message lists the set.
    static let vocabularies: [String: [String]] = [
        "trigger": Trigger.allCases.map(\.rawValue), "role": Role.allCases.map(\.rawValue),
    ]

    static func message(for error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context):
            return "body: field `\(path(context.codingPath + [key]))` is required"
        case .valueNotFound(let type, let context):
            guard !context.codingPath.isEmpty else { return "body: expected a JSON object" }
            return "body: field `\(path(context.codingPath))` must be \(kind(type)), not null"
        case .typeMismatch(let type, let context):
            guard !context.codingPath.isEmpty else { return "body: expected a JSON object" }
            return "body: field `\(path(context.codingPath))` must be \(kind(type))"
        case .dataCorrupted(let context):
            guard let last = context.codingPath.last else { return "body: not valid JSON" }
            if let values = vocabularies[last.stringValue] {
                return "body: field `\(path(context.codingPath))` must be one of \(values.joined(separator: ", "))"
            }
            return "body: field `\(path(context.codingPath))` has a value that is not allowed"
        @unknown default:
            return "body: not a valid request"
        }
    }

    /// `services[1]`, `plan.waves`: keys joined by dots, array positions in brackets.
    static func path(_ keys: [any CodingKey]) -> String {
        var text = ""
        for key in keys {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += (text.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return text
    }

    /// What a value of `type` is called in JSON.
    static func kind(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is any BinaryInteger.Type: "an integer"
        case is any BinaryFloatingPoint.Type: "a number"
        case is [Any].Type: "a list"
        default: "an object"
        }
    }
}
