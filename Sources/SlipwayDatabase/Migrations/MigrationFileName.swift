/// Flyway's SQL migration naming: prefix `V` (versioned) or `R` (repeatable), separator `__`, suffix `.sql`.
enum MigrationFileName: Equatable {
    case versioned(MigrationVersion, description: String)
    case repeatable(description: String)
    /// A `.sql` file that is not a migration name; `reason` says what to fix.
    case invalid(reason: String)

    static let suffix = ".sql"

    /// Nil when the file is not SQL at all (a README beside the migrations is fine).
    init?(parsing fileName: String) {
        guard fileName.hasSuffix(Self.suffix) else { return nil }
        let stem = fileName.dropLast(Self.suffix.count)
        guard let separator = stem.range(of: "__") else {
            self = .invalid(reason: "no `__` between version and description (name it V<version>__<description>.sql or R__<description>.sql)")
            return
        }
        let head = stem[..<separator.lowerBound]
        let description = stem[separator.upperBound...].replacingOccurrences(of: "_", with: " ")
        if head == "R" {
            self = .repeatable(description: description)
        } else if head.first == "V" {
            guard let version = MigrationVersion(String(head.dropFirst())) else {
                self = .invalid(reason: "`\(head.dropFirst())` is not a version (digits separated by `.` or `_`)")
                return
            }
            self = .versioned(version, description: description)
        } else {
            self = .invalid(reason: "a migration name starts with `V<version>__` or `R__`")
        }
    }
}
