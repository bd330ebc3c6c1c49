import SlipwayPOSIX
import Glibc
import SlipwayCore
import SlipwayModel

extension ProcessRuntime {
    package func stop(_ instance: Instance, timeout: Duration) async {
        let pid = instance.pid
        if let current = watched[pid] {
            // The pid is held by another process we watch: the instance asked for is long gone.
            guard current.instance.startToken == instance.startToken else { return }
            watched[pid]?.stopRequested = true
        } else if Self.isSameLiveProcess(instance) {
            // Alive but not watched (a previous daemon's instance nobody adopted): watch it so its
            // exit is reported like any other.
            watched[pid] = WatchedProcess(instance: instance, isChild: false, stopRequested: true)
        }
        if isGone(instance) { return }

        signalGroup(of: instance, SIGTERM)
        if await waitUntilGone(instance, for: timeout) { return }
        logger.warning("instance did not stop within \(timeout) of SIGTERM; sending SIGKILL", metadata: Self.metadata(instance))
        signalGroup(of: instance, SIGKILL)
        if await waitUntilGone(instance, for: killGrace) { return }
        logger.error("instance's process group is still present \(killGrace) after SIGKILL", metadata: Self.metadata(instance))
    }

    /// The leader has exited (and its exit is reported) and nothing is left in its group.
    func isGone(_ instance: Instance) -> Bool {
        checkExit(pid: instance.pid) && !groupRemains(instance)
    }

    /// Looks 1 ms after the signal, then at doubling intervals up to `pollInterval`: a service that
    /// exits on SIGTERM at once is seen gone within a few milliseconds, not a whole poll interval
    /// later (50 ms of every deployment's `stop` stage, before).
    func waitUntilGone(_ instance: Instance, for duration: Duration) async -> Bool {
        let deadline = ContinuousClock.now + duration
        var interval = Duration.milliseconds(1)
        while true {
            if isGone(instance) { return true }
            let remaining = deadline - ContinuousClock.now
            if remaining <= .zero || Task.isCancelled { return false }
            try? await Task.sleep(for: min(interval, pollInterval, remaining))
            interval *= 2
        }
    }

    /// Whether the instance's process group still has running members. Its id is the leader's
    /// pid; the kernel does not reuse a pid that still names a non-empty group, so if a different
    /// process now holds the pid, our group is gone.
    func groupRemains(_ instance: Instance) -> Bool {
        if let stat = ProcStat.read(pid: instance.pid), stat.startTime != instance.startToken { return false }
        return ProcessGroup(id: instance.pid).hasLiveMembers
    }

    /// Signals the group only while its id still belongs to the instance (see `groupRemains`).
    func signalGroup(of instance: Instance, _ signal: Int32) {
        if let stat = ProcStat.read(pid: instance.pid), stat.startTime != instance.startToken { return }
        ProcessGroup(id: instance.pid).signal(signal)
    }
}
