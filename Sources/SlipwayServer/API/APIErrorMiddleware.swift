import Hummingbird
import NIOCore
import SlipwayModel

/// Errors become `{code, message, exitCode}` with the status their code gives (`httpStatus`); an
/// error that is not ours (a library's, a bug) is an `internal` one, a 500 with the same body, so a
/// client never has to read a bare status. Every message passes the redactor: a library's error may
/// quote what it was handed.
struct APIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let redactor: Redactor

    init(redactor: Redactor = Redactor()) {
        self.redactor = redactor
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as SlipwayError {
            var response = try errorResponse(error.code.httpStatus, apiError(error, redactor: redactor))
            // RFC 6750: a 401 names the scheme that would be accepted.
            if error.code == .unauthenticated { response.headers[.wwwAuthenticate] = #"Bearer realm="slipway""# }
            return response
        } catch let error as HTTPError {
            return try errorResponse(error.status, APIError(code: .badRequest, message: redactor.redact(error.body ?? "\(error.status)"),
                                                            exitCode: .refused))
        } catch {
            context.logger.error("internal error answering \(request.method) \(request.uri.path): \(error)")
            return try errorResponse(.internalServerError, apiError(error, redactor: redactor))
        }
    }
}

/// The API's error object for `error`, its message redacted.
func apiError(_ error: any Error, redactor: Redactor) -> APIError {
    var answer = (error as? SlipwayError).map(APIError.init)
        ?? APIError(SlipwayError(.internalError, "internal error: \(String(describing: error))"))
    answer.message = redactor.redact(answer.message)
    return answer
}

func errorResponse(_ status: HTTPResponse.Status, _ error: APIError) throws -> Response {
    Response(status: status, headers: [.contentType: "application/json"],
             body: ResponseBody(byteBuffer: ByteBuffer(data: try APICoding.encoder().encode(error))))
}
