import Synchronization
import NIOCore

/// The open client connections, so a graceful shutdown can ask each to finish its current
/// exchange and close (`ChannelShouldQuiesceEvent`, which ProxyRequestHandler acts on: idle
/// connections close at once, busy ones after their response) and wait until all are gone.
final class ClientConnections: Sendable {
    private struct State {
        var channels: [ObjectIdentifier: Channel] = [:]
        var quiescing = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    func register(_ channel: Channel) {
        let id = ObjectIdentifier(channel)
        let quiescing = state.withLock { state in
            state.channels[id] = channel
            return state.quiescing
        }
        channel.closeFuture.whenComplete { _ in
            let waiters = self.state.withLock { state -> [CheckedContinuation<Void, Never>] in
                state.channels[id] = nil
                guard state.channels.isEmpty, state.quiescing else { return [] }
                defer { state.waiters.removeAll() }
                return state.waiters
            }
            for waiter in waiters { waiter.resume() }
        }
        if quiescing { Self.quiesce(channel) }
    }

    /// Asks every connection, now and later, to close once idle.
    func quiesceAll() {
        let channels = state.withLock { state -> [Channel] in
            guard !state.quiescing else { return [] }
            state.quiescing = true
            return Array(state.channels.values)
        }
        for channel in channels { Self.quiesce(channel) }
    }

    func closeAll() {
        let channels = state.withLock { Array($0.channels.values) }
        for channel in channels { channel.close(promise: nil) }
    }

    /// Returns once `quiesceAll` was called and every connection has closed.
    func waitUntilAllClosed() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state -> Bool in
                if state.quiescing && state.channels.isEmpty { return true }
                state.waiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    private static func quiesce(_ channel: Channel) {
        channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
    }
}
