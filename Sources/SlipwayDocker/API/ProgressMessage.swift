/// One line of a build's or a pull's streamed output (Docker's `jsonmessage`).
struct ProgressMessage: Decodable {
    struct ErrorDetail: Decodable {
        let message: String?
    }

    struct Aux: Decodable {
        let id: String?

        enum CodingKeys: String, CodingKey {
            case id = "ID"
        }
    }

    /// Build output: `Step 2/3 : RUN make\n`, the step's own output, ` ---> 1a2b3c`.
    let stream: String?
    /// Pull progress: `Pulling fs layer`, `Downloaded newer image for …`.
    let status: String?
    let progress: String?
    /// A layer id for pull progress.
    let id: String?
    let error: String?
    let errorDetail: ErrorDetail?
    /// The built image's id, in the build's last messages.
    let aux: Aux?

    /// The failure the message reports, nil for progress.
    var failure: String? {
        errorDetail?.message ?? error
    }
}
