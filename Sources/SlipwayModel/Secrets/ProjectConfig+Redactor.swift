extension ProjectConfig {
    /// Hides this configuration's secrets: what the daemon passes every log line, record, message
    /// and error through.
    public var redactor: Redactor { Redactor(secrets: secrets) }
}
