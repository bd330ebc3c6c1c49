import Foundation
import Hummingbird
import HummingbirdTesting
import SlipwayModel
import Testing
@testable import SlipwayServer

/// Every error that reaches the API is answered with its JSON error object, never a bare status.
@Suite struct APIErrorMiddlewareTests {
    struct LibraryFailure: Error, CustomStringConvertible {
        var description: String
    }

    static func answer(to error: any Error, redactor: Redactor = Redactor())
        async throws -> (status: HTTPResponse.Status, error: APIError?, body: String) {
        let router = Router()
        router.add(middleware: APIErrorMiddleware(redactor: redactor))
        router.get("/fails") { _, _ -> String in throw error }
        let app = Application(responder: router.buildResponder())
        return try await app.test(.router) { client in
            try await client.execute(uri: "/fails", method: .get) { response in
                let body = String(buffer: response.body)
                return (response.status, try? APICoding.decoder().decode(APIError.self, from: Data(body.utf8)), body)
            }
        }
    }

    @Test func anErrorOfAnotherKindIsA500WithAnInternalErrorBody() async throws {
        let answer = try await Self.answer(to: LibraryFailure(description: "disk I/O error"))
        #expect(answer.status == .internalServerError)
        #expect(answer.error?.code == .internalError, "\(answer.body)")
        #expect(answer.error?.message.contains("disk I/O error") == true, "\(answer.body)")
        #expect(answer.error?.exitCode == ExitStatus.forError(.internalError))
    }

    @Test func noSecretReachesAnErrorAnswer() async throws {
        let redactor = Redactor(secrets: ["CANARY-7k3q9x"])
        let errors: [any Error] = [
            LibraryFailure(description: "cannot open postgres://app:CANARY-7k3q9x@db/app"),
            SlipwayError(.buildFailed, "build printed CANARY-7k3q9x"),
            HTTPError(.badRequest, message: "bad value CANARY-7k3q9x"),
        ]
        for error in errors {
            let answer = try await Self.answer(to: error, redactor: redactor)
            #expect(answer.error != nil, "\(answer.body)")
            #expect(!answer.body.contains("CANARY") && answer.body.contains("******"), "\(answer.body)")
        }
    }

    @Test func ourErrorsKeepTheirCodeAndStatus() async throws {
        let answer = try await Self.answer(to: SlipwayError(.unknownService, "no service nosuch"))
        #expect(answer.status == .notFound)
        #expect(answer.error == APIError(code: .unknownService, message: "no service nosuch", exitCode: .refused))
    }
}
