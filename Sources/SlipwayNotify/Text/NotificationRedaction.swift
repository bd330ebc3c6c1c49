import Foundation
import SlipwayModel

extension DeploymentNotification {
    /// This notification with every string in it passed through `redactor`: a stage's message, a
    /// deployment's error or the next step could quote a secret. Done on the whole encoded value, not
    /// field by field, so a field added to the record later is covered too; and before any text is
    /// built, so shortening a long message can never cut a secret in half and leave its start readable.
    func redacted(by redactor: Redactor) -> DeploymentNotification {
        guard !redactor.isEmpty else { return self }
        // The default date strategy round-trips dates exactly.
        guard let data = try? JSONEncoder().encode(self),
              let tree = try? JSONDecoder().decode(JSONValue.self, from: data),
              let redacted = try? JSONDecoder().decode(DeploymentNotification.self,
                                                       from: JSONEncoder().encode(tree.redacted(by: redactor))) else {
            return redactingFreeText(by: redactor)
        }
        return redacted
    }

    /// The fields people write into, should the encoded round trip ever fail.
    private func redactingFreeText(by redactor: Redactor) -> DeploymentNotification {
        var copy = self
        copy.nextStep = nextStep.map(redactor.redact)
        copy.deployment.message = deployment.message.map(redactor.redact)
        copy.deployment.ref = deployment.ref.map(redactor.redact)
        for index in copy.deployment.stages.indices {
            copy.deployment.stages[index].message = copy.deployment.stages[index].message.map(redactor.redact)
        }
        for index in copy.deployment.notifications.indices {
            copy.deployment.notifications[index].error = copy.deployment.notifications[index].error.map(redactor.redact)
        }
        return copy
    }
}

/// Any JSON, so every string of an encoded value can be redacted whatever its shape.
enum JSONValue: Codable, Equatable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    func redacted(by redactor: Redactor) -> JSONValue {
        switch self {
        case .string(let text): .string(redactor.redact(text))
        case .array(let items): .array(items.map { $0.redacted(by: redactor) })
        case .object(let fields): .object(fields.mapValues { $0.redacted(by: redactor) })
        case .null, .bool, .integer, .number: self
        }
    }
}
