import SlipwayModel

/// An instance the runtime reports the exit of.
struct WatchedProcess {
    var instance: Instance
    /// Started by this runtime, so `waitpid` reaps it and gives its status. An adopted instance
    /// belongs to init (or a subreaper) since the daemon that started it died: it can only be polled.
    var isChild: Bool
    /// Set by `stop`, so the exit is reported as requested.
    var stopRequested = false
}
