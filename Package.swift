// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "slipway",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "slipway", targets: ["slipway"]),
        .executable(name: "slipway-example", targets: ["slipway-example"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        // The commit a build comes from, for `slipway --version`.
        .plugin(name: "BuildRevision", capability: .buildTool()),
        // Plain values: config, releases, deployments, stages, the deployment state machine, errors, API types.
        .target(name: "SlipwayModel"),
        // Low-level pieces the adapters share: spawning a child in its own session, blocking work
        // off the cooperative pool, bytes into lines. Foundation and Glibc only.
        .target(name: "SlipwayPOSIX"),
        // Certificate files checked for a host (PEM, validity, key, names): one rule for the config's
        // validation and the proxy's reload. swift-certificates only; no NIO.
        .target(name: "SlipwayTLS", dependencies: [
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
        ]),
        // slipway.yml loading and validation with file:line:column errors.
        .target(name: "SlipwayConfig", dependencies: [
            "SlipwayModel", "SlipwayTLS",
            .product(name: "Yams", package: "Yams"),
        ]),
        // The controller: deploy/rollback flows, health gating, watch, supervision; the protocols it needs.
        .target(name: "SlipwayCore", dependencies: [
            "SlipwayModel",
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Adapters, each implementing Core's protocols.
        .target(name: "SlipwayProxy", dependencies: [
            "SlipwayModel", "SlipwayCore", "SlipwayPOSIX", "SlipwayTLS",
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "NIOExtras", package: "swift-nio-extras"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
        ]),
        .target(name: "SlipwayProcessRuntime", dependencies: [
            "SlipwayModel", "SlipwayCore", "SlipwayPOSIX",
            .product(name: "Logging", package: "swift-log"),
        ]),
        // zlib, for a static site's `.gz` files made at build time (Debian: zlib1g-dev).
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "SlipwayGit", dependencies: [
            "SlipwayModel", "SlipwayCore", "SlipwayPOSIX", "CZlib",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "SlipwayStore", dependencies: [
            "SlipwayModel", "SlipwayCore",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .target(name: "SlipwayDatabase", dependencies: [
            "SlipwayModel", "SlipwayCore", "SlipwayPOSIX",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "SlipwayDocker", dependencies: [
            "SlipwayModel", "SlipwayCore", "SlipwayPOSIX",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "SlipwayNotify", dependencies: [
            "SlipwayModel", "SlipwayCore",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // ACME (RFC 8555) for proxy.tls.acme: account, orders proved by HTTP-01, CSRs, JWS ES256.
        .target(name: "SlipwayACME", dependencies: [
            "SlipwayModel", "SlipwayTLS",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOFoundationCompat", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The daemon: composes every service in one ServiceGroup; HTTP API on a unix socket and, with
        // `api:`, on TCP (bearer tokens, TLS).
        .target(name: "SlipwayServer", dependencies: [
            "SlipwayModel", "SlipwayCore", "SlipwayProxy",
            "SlipwayProcessRuntime", "SlipwayGit", "SlipwayStore", "SlipwayDocker", "SlipwayDatabase", "SlipwayNotify", "SlipwayPOSIX",
            "SlipwayACME", "SlipwayTLS",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "HummingbirdTLS", package: "hummingbird"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "Mustache", package: "swift-mustache"),
        ], resources: [
            // The dashboard's templates and assets, compiled into the binary: nothing to install beside it.
            .embedInCode("Dashboard/Assets/layout.mustache"),
            .embedInCode("Dashboard/Assets/signin.mustache"),
            .embedInCode("Dashboard/Assets/overview.mustache"),
            .embedInCode("Dashboard/Assets/deployment.mustache"),
            .embedInCode("Dashboard/Assets/deployment_page.mustache"),
            .embedInCode("Dashboard/Assets/history.mustache"),
            .embedInCode("Dashboard/Assets/audit.mustache"),
            .embedInCode("Dashboard/Assets/problem.mustache"),
            .embedInCode("Dashboard/Assets/dashboard.css"),
            .embedInCode("Dashboard/Assets/dashboard.js"),
        ]),
        // argument-parser verbs; clients of the daemon's API.
        .target(name: "SlipwayCLI", dependencies: [
            "SlipwayModel", "SlipwayConfig", "SlipwayServer", "SlipwayProxy", "SlipwayDatabase", "SlipwayGit", "SlipwayProcessRuntime",
            "SlipwayPOSIX",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
        ], plugins: ["BuildRevision"]),
        .executableTarget(name: "slipway", dependencies: ["SlipwayCLI"]),
        // The bundled example service used by `slipway demo` and the tests.
        .executableTarget(name: "slipway-example", dependencies: [
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOExtras", package: "swift-nio-extras"),
        ]),

        // What the test targets share: waiting on events, loopback HTTP, temporary directories, a manual clock.
        .target(name: "SlipwayTestSupport", dependencies: [
            "SlipwayCore",
            // ChildProgram: the tests' programs started as the daemon starts releases (posix_spawn).
            "SlipwayPOSIX",
            // TestCertificateAuthority: a CA and host certificates made at test time.
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
        ], path: "Tests/SlipwayTestSupport"),

        .testTarget(name: "SlipwayTestSupportTests", dependencies: ["SlipwayTestSupport", "SlipwayCore"]),
        .testTarget(name: "SlipwayModelTests", dependencies: ["SlipwayModel"]),
        .testTarget(name: "SlipwayPOSIXTests", dependencies: ["SlipwayPOSIX", "SlipwayTestSupport"]),
        .testTarget(name: "SlipwayConfigTests", dependencies: ["SlipwayConfig", "SlipwayModel", "SlipwayTestSupport"],
                    // Read at test time: files the decoder and the JSON Schema must both refuse, and the
                    // script that runs the schema through python3-jsonschema.
                    exclude: ["Fixtures", "Support/validate_schema.py"]),
        .testTarget(name: "SlipwayACMETests", dependencies: [
            "SlipwayACME", "SlipwayModel", "SlipwayTLS",
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "X509", package: "swift-certificates"),
        ]),
        .testTarget(name: "SlipwayTLSTests", dependencies: ["SlipwayTLS", "SlipwayTestSupport"]),
        .testTarget(name: "SlipwayCoreTests", dependencies: [
            "SlipwayCore", "SlipwayModel", "SlipwayTestSupport", .product(name: "Logging", package: "swift-log"),
        ], exclude: ["Fixtures"]),
        .testTarget(name: "SlipwayProxyTests", dependencies: [
            "SlipwayProxy", "SlipwayCore", "SlipwayModel", "SlipwayTestSupport",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            // llhttp through an EmbeddedChannel: the reference the framer's differential test compares with.
            .product(name: "NIOEmbedded", package: "swift-nio"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "SlipwayProcessRuntimeTests", dependencies: [
            "SlipwayProcessRuntime", "SlipwayPOSIX", "SlipwayCore", "SlipwayModel", "SlipwayTestSupport",
            // Not imported: built so that the runtime can start `slipway log-relay` beside each instance.
            "slipway",
        ]),
        .testTarget(name: "SlipwayGitTests", dependencies: ["SlipwayGit", "SlipwayCore", "SlipwayModel", "SlipwayTestSupport"]),
        .testTarget(name: "SlipwayStoreTests", dependencies: [
            "SlipwayStore", "SlipwayCore", "SlipwayModel",
            .product(name: "GRDB", package: "GRDB.swift"),
        ], exclude: ["Fixtures"]),
        .testTarget(name: "SlipwayDockerTests", dependencies: [
            "SlipwayDocker", "SlipwayCore", "SlipwayModel", "SlipwayTestSupport",
            .product(name: "NIOCore", package: "swift-nio"),
        ]),
        .testTarget(name: "SlipwayNotifyTests", dependencies: [
            "SlipwayNotify", "SlipwayModel",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),
        .testTarget(name: "SlipwayServerTests", dependencies: [
            "SlipwayServer", "SlipwayModel", "SlipwayGit",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
        .testTarget(name: "SlipwayDatabaseTests", dependencies: ["SlipwayDatabase", "SlipwayModel", "SlipwayTestSupport"]),
        .testTarget(name: "SlipwayIntegrationTests", dependencies: [
            "SlipwayCLI", "SlipwayModel", "SlipwayTestSupport", "SlipwayACME",
            // Not imported: built so that the tests can run the real binaries.
            "slipway-example", "slipway",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "NIOTLS", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ], exclude: ["Support/receiver.py", "Support/dashboard_browser.py"]),
    ],
    swiftLanguageModes: [.v6]
)
