import Glibc

/// A service's process group. The service leads its own session, so the group id is its pid for
/// its whole life (a session leader cannot change its group), and the group also holds whatever
/// the service started that did not move itself elsewhere.
struct ProcessGroup {
    var id: pid_t

    func signal(_ signal: Int32) {
        _ = kill(-id, signal)
    }

    /// True while any process remains in the group (zombies not yet reaped included).
    var isEmpty: Bool {
        kill(-id, 0) != 0 && errno == ESRCH
    }
}
