import Foundation
import SlipwayModel
import Synchronization

/// The deployments running in this daemon, as their recorders see them, for whoever wants to
/// follow one that someone else started (the dashboard's deployment page): its record at each
/// stage boundary and each log line as it is written, which the store only receives at the next
/// boundary. A deployment is forgotten when it ends; its record and log are then the store's.
package final class LiveDeployments: Sendable {
    package enum Change: Sendable, Equatable {
        /// The record changed (a stage began or ended, a rollout step).
        case record(Deployment)
        /// A line of its log (already redacted).
        case line(String)
        /// The final record; nothing follows.
        case finished(Deployment)
    }

    private struct Running {
        var record: Deployment
        /// The newest lines, at most `backlog`: what a page opened mid-deployment shows first.
        var lines: [String] = []
        var followers: [UUID: AsyncStream<Change>.Continuation] = [:]
    }

    private let running = Mutex<[String: Running]>([:])
    private let backlog: Int

    package init(backlog: Int = 5_000) {
        self.backlog = backlog
    }

    package func opened(_ record: Deployment) {
        running.withLock { $0[record.id] = Running(record: record) }
    }

    /// A record seen for the first time here is one that began before this recorder (a deployment
    /// that waited for its approval): it is running from now on, unless it has already ended.
    package func changed(_ record: Deployment) {
        running.withLock { all in
            guard var entry = all[record.id] else {
                if !record.outcome.isFinal { all[record.id] = Running(record: record) }
                return
            }
            entry.record = record
            for follower in entry.followers.values { follower.yield(.record(record)) }
            all[record.id] = entry
        }
    }

    package func logged(_ id: String, _ line: String) {
        running.withLock { all in
            guard var entry = all[id] else { return }
            entry.lines.append(line)
            if entry.lines.count > backlog { entry.lines.removeFirst(entry.lines.count - backlog) }
            for follower in entry.followers.values { follower.yield(.line(line)) }
            all[id] = entry
        }
    }

    package func finished(_ record: Deployment) {
        let followers = running.withLock { all in all.removeValue(forKey: record.id)?.followers.values.map { $0 } ?? [] }
        for follower in followers {
            follower.yield(.finished(record))
            follower.finish()
        }
    }

    /// The record and the lines so far, without following: nil when `id` is not running here.
    package func snapshot(_ id: String) -> (record: Deployment, lines: [String])? {
        running.withLock { all in all[id].map { ($0.record, $0.lines) } }
    }

    /// How many follow `id` now.
    package func followers(of id: String) -> Int {
        running.withLock { $0[id]?.followers.count ?? 0 }
    }

    /// The record and the lines so far, then every change until the deployment ends (the stream
    /// then finishes); nil when `id` is not running in this daemon. Taken atomically: no line is
    /// both in `lines` and in the stream, none in neither.
    package func follow(_ id: String) -> (record: Deployment, lines: [String], changes: AsyncStream<Change>)? {
        let (stream, continuation) = AsyncStream<Change>.makeStream(bufferingPolicy: .unbounded)
        let follower = UUID()
        let taken = running.withLock { all -> (Deployment, [String])? in
            guard let entry = all[id] else { return nil }
            all[id]!.followers[follower] = continuation
            return (entry.record, entry.lines)
        }
        guard let (record, lines) = taken else {
            continuation.finish()
            return nil
        }
        continuation.onTermination = { [weak self] _ in
            self?.running.withLock { all in _ = all[id]?.followers.removeValue(forKey: follower) }
        }
        return (record, lines, stream)
    }
}
