import Glibc
import SlipwayCore
import SlipwayModel

extension ProcessRuntime {
    enum ChildState {
        case running
        case exited(WaitStatus)
        /// `waitpid` says it is not our child (someone else reaped it): its status is lost.
        case reapedElsewhere

        var isRunning: Bool {
            if case .running = self { return true }
            return false
        }
    }

    /// Reaps a child of this process without blocking.
    static func reapChild(_ pid: pid_t) -> ChildState {
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { return .exited(WaitStatus(raw: status)) }
            if result == 0 { return .running }
            if errno != EINTR { return .reapedElsewhere }
        }
    }

    /// Reports the exit of the process watched under `pid` if it has exited.
    /// Returns true when nothing is watched under `pid` any more.
    @discardableResult
    func checkExit(pid: pid_t) -> Bool {
        guard let entry = watched[pid] else { return true }
        var status: Int32?
        var signal: Int32?
        if entry.isChild {
            switch Self.reapChild(pid) {
            case .running: return false
            case .exited(let wait):
                status = wait.exitStatus
                signal = wait.terminatingSignal
            case .reapedElsewhere: break
            }
        } else if Self.isSameLiveProcess(entry.instance) {
            return false
        }
        watched[pid] = nil
        let exit = InstanceExit(instance: entry.instance, status: status, signal: signal, requested: entry.stopRequested)
        if exit.requested {
            logger.info("instance stopped: \(exit.summary)", metadata: Self.metadata(entry.instance))
        } else {
            logger.warning("instance exited unexpectedly: \(exit.summary)", metadata: Self.metadata(entry.instance))
        }
        exitSink.yield(exit)
        return true
    }
}
