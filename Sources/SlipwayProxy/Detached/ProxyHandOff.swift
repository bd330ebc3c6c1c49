import Foundation
import SlipwayModel
import SlipwayPOSIX

/// The two sides of a proxy's hot restart, as HAProxy's and Envoy's: the successor listens on a
/// private socket and asks its predecessor, over the control socket, to hand off; the predecessor
/// connects, sends its listening sockets (SCM_RIGHTS) and its route table, and waits; the successor
/// starts serving on those very sockets, takes over the control socket's path, and confirms with one
/// byte; only then does the predecessor stop accepting and drain. Until the confirmation the
/// predecessor serves as before, so a successor that fails leaves nothing changed.
enum ProxyHandOff {
    /// What the successor received.
    final class Receipt: @unchecked Sendable {
        let descriptors: [CInt]
        /// The TLS listening sockets (empty when the predecessor had none, or is of a build before TLS).
        let tlsDescriptors: [CInt]
        let routes: [ProxyRoute]
        /// The connection to the predecessor, open until `confirm` or `abandon`.
        private let connection: UnixSocket

        init(descriptors: [CInt], tlsDescriptors: [CInt], routes: [ProxyRoute], connection: UnixSocket) {
            self.descriptors = descriptors
            self.tlsDescriptors = tlsDescriptors
            self.routes = routes
            self.connection = connection
        }

        /// Tells the predecessor that this process now serves: it stops accepting and drains.
        func confirm() throws {
            try connection.write([1])
            connection.close()
        }

        /// Tells the predecessor to carry on (closing without the byte).
        func abandon() {
            connection.close()
        }
    }

    /// The successor's side: asks the proxy at `files.controlSocket` for its sockets and table.
    static func take(files: ProxyFiles, timeout: Duration = .seconds(30)) async throws -> Receipt {
        try await BlockingIO.run { () throws -> Receipt in
            let path = files.handOffSocket(pid: getpid())
            let listener = try UnixSocket.listen(at: path)
            defer { unlink(path) }
            let control = try UnixSocket.connect(to: files.controlSocket, timeout: timeout)
            try control.write(Array(try JSONEncoder().encode(ProxyControlRequest(.handOff, path: path))) + [UInt8(ascii: "\n")])
            let connection = try listener.accept(timeout: timeout)
            // The plain sockets first, then the TLS ones; the payload byte counts the TLS ones (a
            // predecessor of a build before TLS sends 0).
            let (received, payload) = try connection.receiveDescriptors(maximumPayload: 1)
            let tlsCount = min(Int(payload.first ?? 0), received.count)
            let descriptors = Array(received.dropLast(tlsCount))
            let tlsDescriptors = Array(received.suffix(tlsCount))
            guard !descriptors.isEmpty else { throw SlipwayError(.internalError, "the running proxy sent no listening socket") }
            guard let line = try connection.readLine() else {
                throw SlipwayError(.internalError, "the running proxy closed the hand-off before sending its routes")
            }
            let routes = try JSONDecoder().decode([ProxyRoute].self, from: Data(line))
            return Receipt(descriptors: descriptors, tlsDescriptors: tlsDescriptors, routes: routes, connection: connection)
        }
    }

    /// The predecessor's side: sends `descriptors` and `routes` to the successor listening at
    /// `path`, and returns once it confirmed (or throws: then nothing was handed over).
    static func give(descriptors: [CInt], tlsDescriptors: [CInt] = [], routes: [ProxyRoute], to path: String,
                     timeout: Duration = .seconds(60)) async throws {
        let table = Array(try JSONEncoder().encode(routes)) + [UInt8(ascii: "\n")]
        try await BlockingIO.run { () throws in
            let connection = try UnixSocket.connect(to: path, timeout: timeout)
            try connection.send(descriptors: descriptors + tlsDescriptors, payload: [UInt8(tlsDescriptors.count)])
            try connection.write(table)
            guard try connection.readByte() == 1 else {
                throw SlipwayError(.internalError, "the new proxy stopped before it confirmed the hand-off")
            }
        }
    }
}
