import Glibc

/// glibc's `posix_spawn` extensions that Swift's Glibc module does not import (spawn.h declares
/// them only under `_GNU_SOURCE`), resolved once at run time from the loaded libc.
enum SpawnExtensions {
    /// `POSIX_SPAWN_SETSID` (glibc 2.26+): the child calls `setsid()`, so it leads its own session
    /// and process group and outlives the daemon's group.
    static let setSessionFlag: Int32 = 0x80

    typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// `posix_spawn_file_actions_addchdir_np` (glibc 2.29+).
    static let addChdir: AddChdir? = symbol("posix_spawn_file_actions_addchdir_np", as: AddChdir.self)
    /// `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34+). Without it we rely on every fd
    /// of the daemon being close-on-exec, as Foundation, NIO and our own opens make them.
    static let addCloseFrom: AddCloseFrom? = symbol("posix_spawn_file_actions_addclosefrom_np", as: AddCloseFrom.self)

    private static func symbol<F>(_ name: String, as type: F.Type) -> F? {
        guard let address = dlsym(nil, name) else { return nil }
        return unsafeBitCast(address, to: type)
    }
}
