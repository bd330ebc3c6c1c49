import Glibc

/// Starts a child with `posix_spawnp`: its own session and process group (so a stop or a timeout
/// signals everything it started, and a SIGKILLed daemon does not take it down), stdin from
/// `/dev/null` unless a descriptor is given, stdout and stderr onto the given descriptors, no other
/// descriptor of the daemon, default signal dispositions (the daemon ignores SIGTERM/SIGPIPE for
/// its own handling; a child must not inherit that) and an empty signal mask.
package enum ChildSpawn {
    package struct Plan: Sendable {
        /// A path, used as is, or a name without a slash, looked up in the daemon's own `PATH`
        /// (as glibc's `posix_spawnp` does), not in `environment`'s.
        package var executable: String
        /// The arguments after `argv[0]`, which is `executable`.
        package var arguments: [String]
        /// The child's whole environment; nothing of the daemon's is added.
        package var environment: [String: String]
        package var directory: String
        /// Become the child's stdout and stderr; the same descriptor for both merges them.
        package var stdout: Int32
        package var stderr: Int32
        /// Becomes the child's stdin; nil: `/dev/null`.
        package var stdin: Int32?
        /// `argv[0]`, what `ps` shows; nil: `executable`.
        package var name: String?

        package init(executable: String, arguments: [String], environment: [String: String], directory: String,
                     stdout: Int32, stderr: Int32, stdin: Int32? = nil, name: String? = nil) {
            self.executable = executable
            self.arguments = arguments
            self.environment = environment
            self.directory = directory
            self.stdout = stdout
            self.stderr = stderr
            self.stdin = stdin
            self.name = name
        }
    }

    /// The child's pid; it is the leader of its session and of its process group.
    package static func spawn(_ plan: Plan) throws(SpawnError) -> pid_t {
        guard let addChdir = SpawnExtensions.addChdir else {
            throw SpawnError(operation: "posix_spawn_file_actions_addchdir_np is unavailable (glibc 2.29+ required)",
                             code: ENOSYS)
        }
        // Stricter than both callers were: the file actions below replace 0, 1 and 2 in turn, so a
        // descriptor among them (a daemon started with its standard streams closed opens its log
        // file as 1) would be overwritten before it is dup'ed. Such a descriptor is first copied
        // above 2 for the duration of the spawn.
        var copies: [Int32] = []
        defer { copies.forEach { _ = close($0) } }
        func aboveStandardStreams(_ fd: Int32) throws(SpawnError) -> Int32 {
            guard (0...2).contains(fd) else { return fd }
            let copy = fcntl(fd, F_DUPFD_CLOEXEC, 3)
            guard copy >= 0 else { throw SpawnError(operation: "fcntl(\(fd), F_DUPFD_CLOEXEC)", code: errno) }
            copies.append(copy)
            return copy
        }
        let stdout = try aboveStandardStreams(plan.stdout)
        let stderr = plan.stderr == plan.stdout ? stdout : try aboveStandardStreams(plan.stderr)
        let stdin = try plan.stdin.map { fd throws(SpawnError) in try aboveStandardStreams(fd) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }

        if let stdin {
            try check(posix_spawn_file_actions_adddup2(&actions, stdin, 0), "posix_spawn_file_actions_adddup2")
        } else {
            try check(posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0), "posix_spawn_file_actions_addopen")
        }
        try check(posix_spawn_file_actions_adddup2(&actions, stdout, 1), "posix_spawn_file_actions_adddup2")
        try check(posix_spawn_file_actions_adddup2(&actions, stderr, 2), "posix_spawn_file_actions_adddup2")
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

        let argv = [plan.name ?? plan.executable] + plan.arguments
        let environment = plan.environment.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        // posix_spawnp uses a path with a slash as is, so the runtime's `/bin/sh` runs exactly as
        // with posix_spawn, while Git's `git` is found on PATH.
        let result = withCStringArray(argv) { argv in
            withCStringArray(environment) { envp in
                posix_spawnp(&pid, plan.executable, &actions, &attributes, argv, envp)
            }
        }
        try check(result, "cannot run \(plan.executable) in \(plan.directory)")
        return pid
    }

    /// A pipe for a child's output, close-on-exec from its first instant where the libc allows
    /// (`pipe2`), so a child spawned meanwhile by another thread does not inherit its write end
    /// and hold it open.
    package static func makePipe() throws(SpawnError) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        if let pipe2 = SpawnExtensions.pipe2 {
            guard pipe2(&fds, O_CLOEXEC) == 0 else { throw SpawnError(operation: "pipe2", code: errno) }
        } else {
            guard pipe(&fds) == 0 else { throw SpawnError(operation: "pipe", code: errno) }
            for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        }
        return (fds[0], fds[1])
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
