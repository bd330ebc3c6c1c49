import Foundation

/// Request bodies as JSON: sorted keys, so one notification always signs the same bytes, and ISO 8601
/// dates, as records are shown.
enum JSONBody {
    static func encode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        // Encoding these plain values cannot fail; an empty object keeps the request well formed if it did.
        return (try? Array(encoder.encode(value))) ?? Array("{}".utf8)
    }
}
