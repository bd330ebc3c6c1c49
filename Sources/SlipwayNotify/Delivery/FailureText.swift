import AsyncHTTPClient
import Foundation
import NIOCore
import SlipwayModel

/// What a failed request's error means for a person reading the record, and whether trying again
/// could help. Never the request's URL: a Slack webhook's path and a bot token are credentials
/// (the text is redacted as well, should a library ever put them in its own).
enum FailureText {
    static func outcome(of error: any Error, timeout: Duration) -> AttemptOutcome {
        if let error = error as? HTTPClientError {
            switch error {
            case .invalidURL, .emptyHost, .emptyScheme:
                return .permanent("the endpoint is not a valid URL")
            case .deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout, .tlsHandshakeTimeout,
                 .getConnectionFromPoolTimeout:
                return .retryable(noAnswer(within: timeout))
            case .remoteConnectionClosed:
                return .retryable("the server closed the connection without answering")
            case .cancelled:
                return .retryable("cancelled")
            default:
                return .retryable(String(describing: error))
            }
        }
        if let error = error as? IOError {
            return .retryable("network error: \(String(cString: strerror(error.errnoCode)))")
        }
        if error is CancellationError {
            return .retryable("cancelled")
        }
        return .retryable(String(describing: error))
    }

    static func noAnswer(within timeout: Duration) -> String {
        "no answer within \(DurationText.format(.milliseconds(timeout.milliseconds)))"
    }
}
