import SlipwayModel

/// A container whose exit the runtime reports.
struct WatchedContainer {
    var instance: Instance
    /// Its exit follows a `stop` call.
    var stopRequested = false
    /// Between create and the end of `start`: an exit then belongs to `start` (which reports a
    /// failure or, once it returned the instance, the exit), not yet to `exits`.
    var starting = false
    var diedDuringStart = false
    /// The exit code the engine reported with a death during `start`.
    var exitCodeDuringStart: Int32?

    /// Docker reports a death by signal as 128 + the signal, as a shell does.
    static func exit(code: Int32?) -> (status: Int32?, signal: Int32?) {
        guard let code else { return (nil, nil) }
        if code > 128 && code <= 128 + 64 { return (nil, code - 128) }
        return (code, nil)
    }
}
