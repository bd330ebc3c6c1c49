import Foundation
import SlipwayModel

/// Where a configured database lives, parsed from its URL once.
package enum DatabaseLocation: Sendable, Equatable {
    case postgres(PostgresEndpoint)
    /// An absolute path.
    case sqlite(path: String)

    /// `postgres://user:pass@host:port/db?sslmode=...` (or `postgresql://`, or a socket directory in
    /// `?host=/run/postgresql`), or `sqlite:path`, relative paths taken from `baseDirectory`.
    package init(url: String, baseDirectory: String) throws {
        if url.hasPrefix("sqlite:") {
            var path = String(url.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path.removeFirst(2) }
            guard !path.isEmpty else {
                throw SlipwayError(.databaseURLInvalid, "sqlite: URL names no file (sqlite:path/to/file.db)")
            }
            self = .sqlite(path: Self.absolute(path, base: baseDirectory))
        } else if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            self = .postgres(try PostgresEndpoint(url: url))
        } else {
            let scheme = url.split(separator: ":").first.map(String.init) ?? ""
            throw SlipwayError(.databaseURLInvalid,
                "unsupported database URL scheme `\(scheme)`: use postgres://... or sqlite:path")
        }
    }

    /// The URL without its password, fit for output and logs.
    package var redacted: String {
        switch self {
        case .postgres(let endpoint): endpoint.redacted
        case .sqlite(let path): "sqlite:\(path)"
        }
    }

    package var kind: DatabaseConfig.Kind {
        switch self {
        case .postgres: .postgres
        case .sqlite: .sqlite
        }
    }

    static func absolute(_ path: String, base: String) -> String {
        let joined = path.hasPrefix("/") ? path : (base.hasSuffix("/") ? base + path : base + "/" + path)
        return URL(fileURLWithPath: joined).standardizedFileURL.path
    }
}
