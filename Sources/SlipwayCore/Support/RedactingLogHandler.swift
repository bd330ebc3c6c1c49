import Logging
import SlipwayModel

/// A log handler that passes every message and metadata value through the redactor before the
/// handler it wraps writes it: the daemon's own log is one more way out, and a secret that reached
/// an error message (a failed request's URL, a command line) must not leave by it.
package struct RedactingLogHandler: LogHandler {
    private var wrapped: any LogHandler
    private let redactor: Redactor

    package init(_ wrapped: any LogHandler, redactor: Redactor) {
        self.wrapped = wrapped
        self.redactor = redactor
    }

    package var logLevel: Logger.Level {
        get { wrapped.logLevel }
        set { wrapped.logLevel = newValue }
    }

    package var metadata: Logger.Metadata {
        get { wrapped.metadata }
        set { wrapped.metadata = newValue }
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { wrapped[metadataKey: key] }
        set { wrapped[metadataKey: key] = newValue }
    }

    package func log(event: LogEvent) {
        var event = event
        event.message = Logger.Message(stringLiteral: redactor.redact(event.message.description))
        event.metadata = event.metadata.map { $0.mapValues(redact) }
        wrapped.log(event: event)
    }

    private func redact(_ value: Logger.Metadata.Value) -> Logger.Metadata.Value {
        switch value {
        case .string(let text): .string(redactor.redact(text))
        case .stringConvertible(let convertible): .string(redactor.redact(convertible.description))
        case .array(let values): .array(values.map(redact))
        case .dictionary(let values): .dictionary(values.mapValues(redact))
        }
    }
}
