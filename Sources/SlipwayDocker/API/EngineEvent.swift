/// One line of `GET /events`.
struct EngineEvent: Decodable {
    struct Actor: Decodable {
        let id: String
        let attributes: [String: String]?

        enum CodingKeys: String, CodingKey {
            case id = "ID"
            case attributes = "Attributes"
        }
    }

    let type: String
    /// `die`, `start`, `destroy`, ...
    let action: String
    let actor: Actor
    /// Nanoseconds since the epoch: where a reconnected stream resumes (`since`).
    let timeNano: Int64?

    enum CodingKeys: String, CodingKey {
        case type = "Type"
        case action = "Action"
        case actor = "Actor"
        case timeNano
    }
}
