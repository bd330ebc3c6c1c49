/// A pre-deploy check of a service: a command run in the release directory, or a coverage
/// threshold read from a report the checks wrote. All must pass, or nothing is deployed (exit 1).
package struct CheckConfig: Sendable, Equatable {
    package enum Kind: Sendable, Equatable {
        /// Passes when the command exits 0 within the timeout.
        case command(String)
        /// Passes when the report's line coverage is at least `minimum` percent.
        case coverage(report: String, minimum: Double)
    }

    package var name: String
    package var kind: Kind
    package var timeout: Duration

    package init(name: String, kind: Kind, timeout: Duration = .seconds(600)) {
        self.name = name
        self.kind = kind
        self.timeout = timeout
    }
}

/// A smoke test, run after the switch: a failure rolls the service back (exit 4).
package struct SmokeTestConfig: Sendable, Equatable {
    package enum Kind: Sendable, Equatable {
        /// An HTTP request to the new release; passes when the expectation holds.
        case http(path: String, expect: HealthExpectation)
        /// A command run in the release directory with `SLIPWAY_URL` set to the new release's address.
        case command(String)
    }

    package var kind: Kind
    package var timeout: Duration

    package init(kind: Kind, timeout: Duration = .seconds(60)) {
        self.kind = kind
        self.timeout = timeout
    }

    package var name: String {
        switch kind {
        case .http(let path, _): "GET \(path)"
        case .command(let command): command
        }
    }
}
