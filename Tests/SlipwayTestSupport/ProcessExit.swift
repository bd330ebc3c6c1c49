import Foundation

extension Process {
    /// Blocks until the program has exited, without `waitUntilExit()`: that one spins the calling
    /// thread's RunLoop, which on Linux can stay asleep for good after the child is gone
    /// (swiftlang/swift#79881, swift-corelibs-foundation#5153), hanging a test and the whole run
    /// with it. `isRunning` is turned false by Foundation's own child monitor on a dispatch queue,
    /// so polling it needs no run loop.
    public func waitForExit() {
        while isRunning { usleep(2_000) }
    }
}
