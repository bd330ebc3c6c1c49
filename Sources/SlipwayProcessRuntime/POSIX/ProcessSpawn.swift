import Glibc

/// Spawns a service process with `posix_spawn`: its own session (hence its own process group, so
/// a stop signals everything it started and a SIGKILLed daemon does not take it down), stdin from
/// `/dev/null`, stdout and stderr onto one descriptor, no other descriptor of the daemon inherited,
/// default signal dispositions (the daemon ignores SIGTERM/SIGPIPE for its own handling; a child
/// must not inherit that) and an empty signal mask.
enum ProcessSpawn {
    struct Plan {
        /// `arguments[0]` is the executable's path.
        var arguments: [String]
        var environment: [String: String]
        var directory: String
        /// Receives the child's stdout and stderr.
        var outputDescriptor: Int32
    }

    static func launch(_ plan: Plan) throws(SpawnError) -> pid_t {
        guard let addChdir = SpawnExtensions.addChdir else {
            throw SpawnError(operation: "posix_spawn_file_actions_addchdir_np is unavailable (glibc 2.29+ required)", code: ENOSYS)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }

        try check(posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0), "posix_spawn_file_actions_addopen")
        try check(posix_spawn_file_actions_adddup2(&actions, plan.outputDescriptor, 1), "posix_spawn_file_actions_adddup2")
        try check(posix_spawn_file_actions_adddup2(&actions, plan.outputDescriptor, 2), "posix_spawn_file_actions_adddup2")
        if let addCloseFrom = SpawnExtensions.addCloseFrom {
            try check(addCloseFrom(&actions, 3), "posix_spawn_file_actions_addclosefrom_np")
        }
        try check(addChdir(&actions, plan.directory), "posix_spawn_file_actions_addchdir_np(\(plan.directory))")

        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        try check(posix_spawnattr_setsigmask(&attributes, &noSignals), "posix_spawnattr_setsigmask")
        try check(posix_spawnattr_setsigdefault(&attributes, &allSignals), "posix_spawnattr_setsigdefault")
        let flags = Int32(POSIX_SPAWN_SETSIGMASK) | Int32(POSIX_SPAWN_SETSIGDEF) | SpawnExtensions.setSessionFlag
        try check(posix_spawnattr_setflags(&attributes, Int16(flags)), "posix_spawnattr_setflags")

        let environment = plan.environment.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let result = withCStringArray(plan.arguments) { argv in
            withCStringArray(environment) { envp in
                posix_spawn(&pid, plan.arguments[0], &actions, &attributes, argv, envp)
            }
        }
        try check(result, "posix_spawn \(plan.arguments[0]) in \(plan.directory)")
        return pid
    }

    private static func check(_ result: Int32, _ operation: String) throws(SpawnError) {
        if result != 0 { throw SpawnError(operation: operation, code: result) }
    }

    /// A NULL-terminated `char *[]` alive for the duration of `body`.
    private static func withCStringArray<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer { pointers.forEach { free($0) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
