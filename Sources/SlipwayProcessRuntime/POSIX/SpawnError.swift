import Glibc

/// Why a process could not be started: the failed operation and the system's reason.
struct SpawnError: Error, CustomStringConvertible {
    var description: String

    init(operation: String, code: Int32) {
        description = "\(operation): \(String(cString: strerror(code)))"
    }

    init(_ description: String) {
        self.description = description
    }
}
