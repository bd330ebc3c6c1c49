import Logging

extension Logger {
    /// A logger that drops everything, so test output shows only the tests' own findings.
    public static let quiet = Logger(label: "slipway.test") { _ in SwiftLogNoOpLogHandler() }
}
