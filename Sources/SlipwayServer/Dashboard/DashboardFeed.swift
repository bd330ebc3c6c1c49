import Foundation
import SlipwayModel

/// One reading of the daemon's status per `interval`, shared by every open dashboard: however many
/// pages follow it live, the status is read once (each page renders it for its own session). It
/// reads only while someone listens.
actor DashboardFeed {
    private let status: @Sendable () async throws -> StatusResponse
    private let interval: Duration
    private var listeners: [UUID: AsyncStream<StatusResponse?>.Continuation] = [:]
    private var poller: Task<Void, Never>?

    init(interval: Duration, status: @escaping @Sendable () async throws -> StatusResponse) {
        self.interval = interval
        self.status = status
    }

    /// A reading every `interval` (nil when the status could not be read) until the stream is dropped.
    func listen() -> AsyncStream<StatusResponse?> {
        let id = UUID()
        let (stream, continuation) = AsyncStream<StatusResponse?>.makeStream(bufferingPolicy: .bufferingNewest(1))
        continuation.onTermination = { _ in Task { await self.drop(id) } }
        listeners[id] = continuation
        if poller == nil { poller = Task { await self.poll() } }
        return stream
    }

    private func drop(_ id: UUID) {
        listeners[id] = nil
        if listeners.isEmpty {
            poller?.cancel()
            poller = nil
        }
    }

    private func poll() async {
        while !Task.isCancelled, !listeners.isEmpty {
            let reading = try? await status()
            for listener in listeners.values { listener.yield(reading) }
            do { try await Task.sleep(for: interval) } catch { return }
        }
    }
}
