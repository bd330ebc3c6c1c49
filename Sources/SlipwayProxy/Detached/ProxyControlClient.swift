import Foundation
import SlipwayModel
import SlipwayPOSIX

/// The controller's end of the control socket: one connection per request (a few hundred
/// microseconds on a unix socket, and nothing to re-establish after the proxy was replaced).
package struct ProxyControlClient: Sendable {
    package let files: ProxyFiles

    package init(files: ProxyFiles) {
        self.files = files
    }

    /// Sends `request` and returns the reply. A proxy in the middle of a hand-off refuses changes:
    /// the request is sent again, to whichever process then owns the socket's path, until
    /// `handOffPatience` has passed.
    package func send(_ request: ProxyControlRequest, timeout: Duration = .seconds(10),
                      handOffPatience: Duration = .seconds(70)) async throws -> ProxyControlReply {
        let deadline = ContinuousClock.now + handOffPatience
        while true {
            let reply = try await exchange(request, timeout: timeout)
            if let error = reply.error {
                throw SlipwayError(.internalError, "the proxy process refused \(request.operation.rawValue): \(error)")
            }
            guard reply.handingOff == true else { return reply }
            guard ContinuousClock.now < deadline else {
                throw SlipwayError(.internalError, "the proxy process was still handing off after \(handOffPatience)")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    private func exchange(_ request: ProxyControlRequest, timeout: Duration) async throws -> ProxyControlReply {
        let line = Array(try JSONEncoder().encode(request)) + [UInt8(ascii: "\n")]
        let path = files.controlSocket
        let reply = try await BlockingIO.run { () throws -> [UInt8]? in
            let socket = try UnixSocket.connect(to: path, timeout: timeout)
            try socket.write(line)
            return try socket.readLine()
        }
        guard let reply else {
            throw SlipwayError(.internalError, "the proxy process closed the control connection without answering")
        }
        return try JSONDecoder().decode(ProxyControlReply.self, from: Data(reply))
    }
}
