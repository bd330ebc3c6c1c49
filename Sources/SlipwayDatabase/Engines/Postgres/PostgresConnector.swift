import Logging
import PostgresNIO
import SlipwayModel

/// Opens PostgresNIO connections to an endpoint, with the TLS behaviour its `sslmode` asks for.
struct PostgresConnector: Sendable {
    var endpoint: PostgresEndpoint
    /// Shown in `pg_stat_activity.application_name`, so a waiting migrator can name the holder of the lock.
    var applicationName: String
    var logger: Logger

    func connect(database: String? = nil) async throws -> PostgresConnection {
        var target = endpoint
        if let database { target.database = database }
        let configuration = try Self.configuration(for: target, applicationName: applicationName)
        do {
            return try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        } catch {
            throw SlipwayError(.databaseFailed,
                "cannot connect to \(target.redacted): \(PostgresErrorText.describe(error))")
        }
    }

    /// Runs `body` on a fresh connection and closes it, whatever happens.
    func withConnection<T: Sendable>(database: String? = nil, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        let connection = try await connect(database: database)
        do {
            let value = try await body(connection)
            try? await connection.close()
            return value
        } catch {
            try? await connection.close()
            throw error
        }
    }

    static func configuration(for endpoint: PostgresEndpoint, applicationName: String) throws -> PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        if let directory = endpoint.socketDirectory {
            configuration = .init(unixSocketPath: "\(directory)/.s.PGSQL.\(endpoint.port)", username: endpoint.user,
                                  password: endpoint.password, database: endpoint.database)
        } else {
            configuration = .init(host: endpoint.host ?? "localhost", port: endpoint.port, username: endpoint.user,
                                  password: endpoint.password, database: endpoint.database, tls: try tls(for: endpoint.sslMode))
        }
        configuration.options.additionalStartupParameters = [("application_name", applicationName)]
        return configuration
    }

    /// libpq's meaning of each mode: prefer/allow try TLS without checking the certificate, require insists on
    /// TLS without checking it, verify-ca checks the chain, verify-full the chain and the host name.
    private static func tls(for mode: PostgresEndpoint.SSLMode) throws -> PostgresConnection.Configuration.TLS {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch mode {
        case .disable:
            return .disable
        case .allow, .prefer, .require:
            tls.certificateVerification = .none
        case .verifyCA:
            tls.certificateVerification = .noHostnameVerification
        case .verifyFull:
            tls.certificateVerification = .fullVerification
        }
        let context = try NIOSSLContext(configuration: tls)
        return mode == .allow || mode == .prefer ? .prefer(context) : .require(context)
    }
}
