import Glibc
import SlipwayModel
import SlipwayPOSIX

extension ProcessRuntime {
    /// Starts the relay that will take an instance's output: its stdin is the read end of `pipe`,
    /// its stdout and stderr the log. Returns its pid; the caller gives the write end to the instance.
    func startRelay(reading pipe: Int32, into log: Int32) throws(SpawnError) -> pid_t {
        try ChildSpawn.spawn(ChildSpawn.Plan(
            executable: relay.executable, arguments: relay.arguments, environment: OutputRelay.environment(redactor),
            // Never a release's directory: a relay outlives what it ran in.
            directory: "/", stdout: log, stderr: log, stdin: pipe, name: relay.name))
    }

    /// Reaps the relays that have ended (they are this process's children until it dies).
    func reapRelays() {
        for pid in Array(relays.keys) where !Self.reapChild(pid).isRunning {
            relays[pid] = nil
        }
    }

    /// An instance that has exited may have written its last words a moment ago, still in the pipe:
    /// waits (a little) for its relay to have written them and ended.
    func waitForRelay(of instance: Instance) async {
        guard let relay = relays.first(where: { $0.value == instance.pid })?.key,
              !Self.isSameLiveProcess(instance) else { return }
        let deadline = ContinuousClock.now + relayDrainLimit
        var interval = Duration.milliseconds(1)
        while true {
            reapRelays()
            if relays[relay] == nil || ContinuousClock.now >= deadline { return }
            try? await Task.sleep(for: interval)
            interval = min(interval * 2, .milliseconds(20))
        }
    }
}
