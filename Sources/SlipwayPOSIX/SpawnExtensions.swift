import Glibc

/// glibc functions that Swift's Glibc module does not import (their headers declare them only
/// under `_GNU_SOURCE`), resolved once at run time from the loaded libc.
enum SpawnExtensions {
    /// `POSIX_SPAWN_SETSID` (glibc 2.26+): the child calls `setsid()`, so it leads its own session
    /// and process group: a stop or a timeout signals everything it started, and it outlives the
    /// daemon's group.
    static let setSessionFlag: Int32 = 0x80

    typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32

    /// `posix_spawn_file_actions_addchdir_np` (glibc 2.29+).
    static let addChdir: AddChdir? = symbol("posix_spawn_file_actions_addchdir_np", as: AddChdir.self)
    /// `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34+). Without it we rely on every fd
    /// of the daemon being close-on-exec, as Foundation, NIO and our own opens make them.
    static let addCloseFrom: AddCloseFrom? = symbol("posix_spawn_file_actions_addclosefrom_np", as: AddCloseFrom.self)
    /// `pipe2` (glibc 2.9+): a pipe that is close-on-exec from its first instant, so a process
    /// spawned by another thread of the daemon meanwhile does not inherit it.
    static let pipe2: Pipe2? = symbol("pipe2", as: Pipe2.self)

    private static func symbol<F>(_ name: String, as type: F.Type) -> F? {
        guard let address = dlsym(nil, name) else { return nil }
        return unsafeBitCast(address, to: type)
    }
}
