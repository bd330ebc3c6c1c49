extension ProjectConfig {
    /// Hides this configuration's secrets: what the daemon passes every log line, record, message
    /// and error through.
    package var redactor: Redactor { Redactor(secrets: secrets) }
}
