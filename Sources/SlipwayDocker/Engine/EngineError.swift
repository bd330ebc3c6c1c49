/// A request the engine answered with an error status, with the engine's own message
/// (`{"message": "..."}`). Internal: each caller turns it into a `SlipwayError` with the code of
/// what it was doing (`build_failed`, `start_failed`, ...).
struct EngineError: Error, Sendable, CustomStringConvertible {
    let status: Int
    let message: String
    /// `POST /containers/create`, for messages and logs.
    let request: String

    var isNotFound: Bool { status == 404 }
    /// 409: in use, already exists, or "must be forced".
    var isConflict: Bool { status == 409 }
    /// 304: a container already started or already stopped.
    var isNotModified: Bool { status == 304 }

    var description: String { "\(request): \(message) (HTTP \(status))" }
}

/// The body of an error answer.
struct ErrorResponse: Decodable {
    let message: String
}
