import Foundation
import Hummingbird
import SlipwayModel

/// A request's JSON body decoded into `type`; a body that is not one is refused (400) naming the
/// field and what it must be (`RequestBodyProblem`).
func decode<T: Decodable>(_ type: T.Type, _ request: Request, _ context: some RequestContext) async throws -> T {
    let buffer = try await request.body.collect(upTo: 1 << 20)
    guard buffer.readableBytes > 0 else {
        throw SlipwayError(.badRequest, "body: empty; expected a JSON object")
    }
    do {
        return try APICoding.decoder().decode(type, from: Data(buffer.readableBytesView))
    } catch let error as DecodingError {
        throw SlipwayError(.badRequest, RequestBodyProblem.message(for: error))
    }
}
