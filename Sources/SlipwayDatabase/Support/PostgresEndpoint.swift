import Foundation
import SlipwayModel

/// A PostgreSQL connection target as libpq reads a URL, so the same URL works for psql and pg_dump.
package struct PostgresEndpoint: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    package enum SSLMode: String, Sendable {
        case disable, allow, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    package var user: String
    /// Never printed: see `redacted`.
    package var password: String?
    /// A host name or address; nil when `socketDirectory` is set.
    package var host: String?
    /// A unix socket directory, from `?host=/run/postgresql` or a host that starts with `/`.
    package var socketDirectory: String?
    package var port: Int
    package var database: String
    package var sslMode: SSLMode

    package init(user: String, password: String?, host: String?, socketDirectory: String?, port: Int,
                 database: String, sslMode: SSLMode) {
        self.user = user
        self.password = password
        self.host = host
        self.socketDirectory = socketDirectory
        self.port = port
        self.database = database
        self.sslMode = sslMode
    }

    package init(url: String) throws {
        guard let components = URLComponents(string: url) else {
            throw SlipwayError(.databaseURLInvalid, "database URL does not parse (postgres://user:password@host:port/database)")
        }
        var query: [String: String] = [:]
        for item in components.queryItems ?? [] { query[item.name] = item.value ?? "" }
        let osUser = ProcessInfo.processInfo.environment["USER"] ?? "postgres"
        user = components.user?.removingPercentEncoding ?? query["user"] ?? osUser
        password = components.password?.removingPercentEncoding ?? query["password"]
        var hostText = components.percentEncodedHost?.removingPercentEncoding ?? ""
        if let fromQuery = query["host"], !fromQuery.isEmpty { hostText = fromQuery }
        if hostText.hasPrefix("[") && hostText.hasSuffix("]") { hostText = String(hostText.dropFirst().dropLast()) }
        if hostText.hasPrefix("/") {
            socketDirectory = hostText
            host = nil
        } else {
            socketDirectory = nil
            host = hostText.isEmpty ? "localhost" : hostText
        }
        if let port = query["port"] ?? components.port.map(String.init) {
            guard let number = Int(port), (1...65535).contains(number) else {
                throw SlipwayError(.databaseURLInvalid, "database URL port `\(port)` is not a port number")
            }
            self.port = number
        } else {
            self.port = 5432
        }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = query["dbname"] ?? (path.isEmpty ? user : path)
        let mode = query["sslmode"] ?? "prefer"
        guard let sslMode = SSLMode(rawValue: mode) else {
            throw SlipwayError(.databaseURLInvalid, "database URL sslmode `\(mode)` is not one of disable, allow, prefer, require, verify-ca, verify-full")
        }
        self.sslMode = sslMode
    }

    /// The same endpoint, another database on the server (scratch databases, the maintenance database).
    package func database(_ name: String) -> PostgresEndpoint {
        var copy = self
        copy.database = name
        return copy
    }

    package var redacted: String {
        let credentials = password == nil ? user : "\(user):***"
        var query: [String] = []
        if let socketDirectory { query.append("host=\(socketDirectory)") }
        if sslMode != .prefer { query.append("sslmode=\(sslMode.rawValue)") }
        let suffix = query.isEmpty ? "" : "?" + query.joined(separator: "&")
        let server = socketDirectory == nil ? "\(Self.bracketed(host ?? "localhost")):\(port)" : ""
        return "postgres://\(credentials)@\(server)/\(database)\(suffix)"
    }

    /// Interpolating an endpoint never shows its password.
    package var description: String { redacted }
    package var debugDescription: String { redacted }

    private static func bracketed(_ host: String) -> String { host.contains(":") ? "[\(host)]" : host }

    /// Environment for pg_dump, pg_restore and psql: the password travels in the environment, never in argv.
    package var libpqEnvironment: [String: String] {
        var env = ["PGSSLMODE": sslMode.rawValue, "PGAPPNAME": "slipway"]
        if let password { env["PGPASSWORD"] = password }
        return env
    }

    /// `--host --port --username` for the libpq tools.
    package var libpqArguments: [String] {
        ["--host=\(socketDirectory ?? host ?? "localhost")", "--port=\(port)", "--username=\(user)"]
    }
}
