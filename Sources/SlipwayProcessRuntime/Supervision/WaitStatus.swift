/// Decodes a `waitpid` status (the `WIFEXITED`/`WEXITSTATUS`/`WTERMSIG` macros, which Swift does
/// not import).
struct WaitStatus: Equatable {
    var raw: Int32

    /// The exit status when the process exited normally.
    var exitStatus: Int32? {
        raw & 0x7F == 0 ? (raw >> 8) & 0xFF : nil
    }

    /// The signal that terminated the process.
    var terminatingSignal: Int32? {
        let signal = raw & 0x7F
        return signal != 0 && signal != 0x7F ? signal : nil
    }
}
