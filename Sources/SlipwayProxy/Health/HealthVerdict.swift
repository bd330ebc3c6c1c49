import Foundation
import SlipwayCore
import SlipwayModel

/// Judges a health endpoint's answer against what the service's health check expects.
enum HealthVerdict {
    /// How much of the body a `ProbeResult` keeps for messages.
    static let excerptLength = 200

    static func judge(status: Int, body: [UInt8], expect: HealthExpectation) -> ProbeResult {
        let excerpt = Self.excerpt(body)
        guard status == expect.status else {
            return ProbeResult(healthy: false, status: status, body: excerpt,
                               reason: "expected status \(expect.status), got \(status)")
        }
        if let mismatch = jsonMismatch(body, expected: expect.json) {
            return ProbeResult(healthy: false, status: status, body: excerpt, reason: mismatch)
        }
        return ProbeResult(healthy: true, status: status, body: excerpt)
    }

    /// Why the body doesn't hold the expected top-level fields, or nil when it does.
    static func jsonMismatch(_ body: [UInt8], expected: [String: JSONScalar]) -> String? {
        guard !expected.isEmpty else { return nil }
        let object: [String: JSONField]
        do {
            object = try JSONDecoder().decode([String: JSONField].self, from: Data(body))
        } catch {
            return "expected a JSON object body"
        }
        for (key, want) in expected.sorted(by: { $0.key < $1.key }) {
            guard let got = object[key] else {
                return "json field \(key): expected \(want), but it is missing"
            }
            guard case .scalar(let value) = got, value.matches(want) else {
                return "json field \(key): expected \(want), got \(got)"
            }
        }
        return nil
    }

    static func excerpt(_ body: [UInt8]) -> String {
        String(decoding: body.prefix(excerptLength), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// A top-level JSON value. JSONDecoder keeps `true` and `1` apart, which NSNumber from
/// JSONSerialization does not (`1 as? Bool` is true on Darwin).
enum JSONField: Decodable, CustomStringConvertible {
    case scalar(JSONScalar)
    case object
    case array

    init(from decoder: Decoder) throws {
        if let container = try? decoder.singleValueContainer() {
            if container.decodeNil() { self = .scalar(.null); return }
            if let value = try? container.decode(Bool.self) { self = .scalar(.bool(value)); return }
            if let value = try? container.decode(Double.self) { self = .scalar(.number(value)); return }
            if let value = try? container.decode(String.self) { self = .scalar(.string(value)); return }
        }
        if (try? decoder.unkeyedContainer()) != nil {
            self = .array
        } else {
            self = .object
        }
    }

    var description: String {
        switch self {
        case .scalar(let value): value.description
        case .object: "an object"
        case .array: "an array"
        }
    }
}

extension JSONScalar {
    func matches(_ expected: JSONScalar) -> Bool {
        switch (self, expected) {
        case (.string(let a), .string(let b)): a == b
        case (.number(let a), .number(let b)): a == b
        case (.bool(let a), .bool(let b)): a == b
        case (.null, .null): true
        default: false
        }
    }
}
