#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import NIOPosix
import SlipwayModel

/// A network error in the words an operator expects: `connection refused`, `connection reset`.
enum ConnectionFailure {
    static func describe(_ error: Error) -> String {
        if let error = error as? FramingError {
            return "invalid response: \(error)"
        }
        if let error = error as? NIOConnectionError {
            if let first = error.connectionErrors.first { return describe(first.error) }
            if let dns = error.dnsAAAAError ?? error.dnsAError { return "could not resolve \(error.host): \(dns)" }
            return "could not connect to \(error.host):\(error.port)"
        }
        if let error = error as? IOError {
            switch error.errnoCode {
            case ECONNREFUSED: return "connection refused"
            case ECONNRESET: return "connection reset"
            case EPIPE: return "connection closed while sending the request"
            case ETIMEDOUT: return "connection timed out"
            case EHOSTUNREACH, ENETUNREACH: return "host unreachable"
            default: return String(describing: error)
            }
        }
        if let error = error as? ChannelError {
            switch error {
            case .connectTimeout(let amount): return "connect timed out after \(DurationText.format(Duration(amount)))"
            case .eof, .ioOnClosedChannel, .alreadyClosed, .outputClosed:
                return "connection closed before a response"
            default: return String(describing: error)
            }
        }
        return String(describing: error)
    }

    static func isConnectionRefused(_ error: Error) -> Bool {
        if let error = error as? NIOConnectionError {
            return error.connectionErrors.contains { isConnectionRefused($0.error) }
        }
        if let error = error as? IOError { return error.errnoCode == ECONNREFUSED }
        return false
    }
}
