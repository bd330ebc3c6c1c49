import Glibc

/// Starts a command with `posix_spawnp`: its own session and process group (so a timeout kills
/// the whole tree), stdin from `/dev/null`, stdout and stderr onto the given descriptors, no other
/// descriptor of the daemon, default signal dispositions and an empty signal mask.
enum ChildSpawn {
    static func spawn(_ command: Command, stdout: Int32, stderr: Int32) throws(CommandError) -> pid_t {
        guard let addChdir = SpawnExtensions.addChdir else {
            throw CommandError("posix_spawn_file_actions_addchdir_np (glibc 2.29+)", code: ENOSYS)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }

        try check(posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0), "posix_spawn_file_actions_addopen")
        try check(posix_spawn_file_actions_adddup2(&actions, stdout, 1), "posix_spawn_file_actions_adddup2")
        try check(posix_spawn_file_actions_adddup2(&actions, stderr, 2), "posix_spawn_file_actions_adddup2")
        if let addCloseFrom = SpawnExtensions.addCloseFrom {
            try check(addCloseFrom(&actions, 3), "posix_spawn_file_actions_addclosefrom_np")
        }
        try check(addChdir(&actions, command.directory), "posix_spawn_file_actions_addchdir_np")

        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        try check(posix_spawnattr_setsigmask(&attributes, &noSignals), "posix_spawnattr_setsigmask")
        try check(posix_spawnattr_setsigdefault(&attributes, &allSignals), "posix_spawnattr_setsigdefault")
        let flags = Int32(POSIX_SPAWN_SETSIGMASK) | Int32(POSIX_SPAWN_SETSIGDEF) | SpawnExtensions.setSessionFlag
        try check(posix_spawnattr_setflags(&attributes, Int16(flags)), "posix_spawnattr_setflags")

        let argv = [command.executable] + command.arguments
        let environment = command.environment.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let result = withCStringArray(argv) { argv in
            withCStringArray(environment) { envp in
                posix_spawnp(&pid, command.executable, &actions, &attributes, argv, envp)
            }
        }
        try check(result, "cannot run \(command.executable) in \(command.directory)")
        return pid
    }

    private static func check(_ result: Int32, _ operation: String) throws(CommandError) {
        if result != 0 { throw CommandError(operation, code: result) }
    }

    /// A NULL-terminated `char *[]` alive for the duration of `body`.
    private static func withCStringArray<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer { pointers.forEach { free($0) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
