import SlipwayCore
import SlipwayModel

/// Runs deployments and rollbacks in the daemon's own task group, so a client that disconnects
/// mid-deployment never cancels it halfway: the deployment goes on and is recorded; the client
/// can read it afterwards with `slipway show` or `slipway logs`.
final class DeploymentQueue: Sendable {
    typealias Work = @Sendable (_ emit: @escaping @Sendable (DeploymentEvent) -> Void) async -> Void

    private let jobs: AsyncStream<(Work, AsyncStream<DeploymentEvent>.Continuation)>
    private let submit: AsyncStream<(Work, AsyncStream<DeploymentEvent>.Continuation)>.Continuation

    init() {
        (jobs, submit) = AsyncStream.makeStream()
    }

    /// Starts `work` at once; its events stream to the caller and end when it ends.
    func run(_ work: @escaping Work) -> AsyncStream<DeploymentEvent> {
        let (events, continuation) = AsyncStream<DeploymentEvent>.makeStream(bufferingPolicy: .unbounded)
        if case .terminated = submit.yield((work, continuation)) {
            continuation.yield(DeploymentEvent(event: .refused, error: APIError(SlipwayError(.interrupted, "the daemon is shutting down"))))
            continuation.finish()
        }
        return events
    }

    /// Runs until cancelled. Deployments in flight at shutdown are cancelled with it: their waits end,
    /// they stop what they started and close their records as failed.
    func serve() async {
        await withDiscardingTaskGroup { group in
            for await (work, continuation) in jobs {
                group.addTask {
                    await work { continuation.yield($0) }
                    continuation.finish()
                }
            }
        }
    }

    func close() {
        submit.finish()
    }
}
