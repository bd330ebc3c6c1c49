import Glibc

/// glibc's `posix_spawn` extensions that Swift's Glibc module does not import (spawn.h declares
/// them only under `_GNU_SOURCE`), resolved once at run time from the loaded libc.
enum SpawnExtensions {
    /// `POSIX_SPAWN_SETSID` (glibc 2.26+): the child leads a new session and process group, so a
    /// timeout can kill everything it started.
    static let setSessionFlag: Int32 = 0x80

    typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// `posix_spawn_file_actions_addchdir_np` (glibc 2.29+).
    static let addChdir: AddChdir? = symbol("posix_spawn_file_actions_addchdir_np", as: AddChdir.self)
    /// `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34+); without it we rely on close-on-exec.
    static let addCloseFrom: AddCloseFrom? = symbol("posix_spawn_file_actions_addclosefrom_np", as: AddCloseFrom.self)

    typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32

    /// `pipe2` (glibc 2.9+): a pipe that is close-on-exec from its first instant, so a process
    /// spawned by another thread of the daemon meanwhile does not inherit it.
    static let pipe2: Pipe2? = symbol("pipe2", as: Pipe2.self)

    private static func symbol<F>(_ name: String, as type: F.Type) -> F? {
        guard let address = dlsym(nil, name) else { return nil }
        return unsafeBitCast(address, to: type)
    }
}
