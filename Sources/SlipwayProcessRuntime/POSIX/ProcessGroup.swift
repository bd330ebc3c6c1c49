import SlipwayPOSIX
import Foundation
import Glibc

/// A service's process group. The service leads its own session, so the group id is its pid for
/// its whole life (a session leader cannot change its group), and the group also holds whatever
/// the service started that did not move itself elsewhere.
struct ProcessGroup {
    var id: pid_t

    func signal(_ signal: Int32) {
        _ = kill(-id, signal)
    }

    /// True while a process of the group is still running. Zombies do not count: an orphan's
    /// zombie is for init to reap, and an init that never reaps (a container without one) must not
    /// make a stop wait forever.
    var hasLiveMembers: Bool {
        guard kill(-id, 0) == 0 || errno != ESRCH else { return false }
        // The group exists; only a scan of /proc tells zombies from live members.
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.contains { entry in
            guard let pid = Int32(entry), let stat = ProcStat.read(pid: pid) else { return false }
            return stat.processGroup == id && !stat.isExited
        }
    }
}
