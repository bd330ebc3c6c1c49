import Logging
import SlipwayCore
import SlipwayModel

/// The daemon's own log (stderr): every logger of the process, whoever made it, writes through the
/// redactor of the project's secrets. Called once, before the daemon makes its first logger.
package enum DaemonLogging {
    package static func bootstrap(secrets: [String]) {
        let redactor = Redactor(secrets: secrets)
        LoggingSystem.bootstrap { label in
            RedactingLogHandler(StreamLogHandler.standardError(label: label), redactor: redactor)
        }
    }
}
