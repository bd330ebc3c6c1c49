import Foundation

/// The Bot API's error answer: `{"ok": false, "description": "...", "parameters": {"retry_after": 5}}`.
/// A 429 from Telegram says how long to wait in the body as well as (sometimes) in `Retry-After`.
enum TelegramAnswer {
    private struct Answer: Decodable {
        struct Parameters: Decodable {
            let retryAfter: Int?

            enum CodingKeys: String, CodingKey {
                case retryAfter = "retry_after"
            }
        }

        let ok: Bool
        let description: String?
        let parameters: Parameters?
    }

    static func description(in body: [UInt8]) -> String? {
        answer(body)?.description
    }

    static func retryAfter(in body: [UInt8]) -> Duration? {
        answer(body)?.parameters?.retryAfter.flatMap { $0 >= 0 ? .seconds($0) : nil }
    }

    private static func answer(_ body: [UInt8]) -> Answer? {
        guard body.first == UInt8(ascii: "{") else { return nil }
        return try? JSONDecoder().decode(Answer.self, from: Data(body))
    }
}
