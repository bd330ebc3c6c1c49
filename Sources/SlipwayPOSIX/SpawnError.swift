import Glibc

/// Why a process could not be started: the failed operation and, when the system gave one, its
/// reason.
package struct SpawnError: Error, CustomStringConvertible {
    /// The failed call with its subject (`open /var/log/x.log`), or the whole reason.
    package var operation: String
    /// The `errno` value, when the failure came from the system.
    package var code: Int32?

    package var description: String {
        guard let code else { return operation }
        return "\(operation): \(String(cString: strerror(code)))"
    }

    package init(operation: String, code: Int32) {
        self.operation = operation
        self.code = code
    }

    package init(_ description: String) {
        operation = description
        code = nil
    }
}
