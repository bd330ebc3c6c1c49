import Hummingbird
import NIOCore
import SlipwayModel

/// Errors become `{code, message, exitCode}` with the status their code gives (`httpStatus`).
struct APIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as SlipwayError {
            return try errorResponse(error.code.httpStatus, APIError(error))
        } catch let error as HTTPError {
            return try errorResponse(error.status, APIError(code: .badRequest,
                                                            message: error.body ?? "\(error.status)", exitCode: .refused))
        }
    }
}

func apiError(_ error: any Error) -> APIError {
    if let error = error as? SlipwayError { return APIError(error) }
    return APIError(SlipwayError(.internalError, "\(error)"))
}

func errorResponse(_ status: HTTPResponse.Status, _ error: APIError) throws -> Response {
    Response(status: status, headers: [.contentType: "application/json"],
             body: ResponseBody(byteBuffer: ByteBuffer(data: try APICoding.encoder().encode(error))))
}
