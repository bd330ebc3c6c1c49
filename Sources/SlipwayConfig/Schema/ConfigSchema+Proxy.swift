/// `proxy:` (top level or an environment's), its `tls:` and `acme:`; `api:`; `github:`.
extension ConfigSchema {
    package static let proxy = MappingSchema(
        id: "proxy", path: "proxy",
        summary: "The reverse proxy (and an environment's own `proxy:`, whose keys default to the top-level ones).",
        keys: [
            KeySchema("listen", listen, default: .value("127.0.0.1:8080"),
                      "Where the proxy serves plain HTTP. Port 0 asks the system for a free port.", example: "0.0.0.0:80"),
            KeySchema("idle_timeout", positiveDuration, default: .value("75s"),
                      "How long a client's idle keep-alive connection is kept open.", example: "120s"),
            KeySchema("tls", .mapping(proxyTLS), default: .described("no HTTPS"),
                      "HTTPS: certificate files per host, certificates from ACME, or both.",
                      example: "{ listen: 0.0.0.0:443, acme: { email: ops@example.com, directory: https://acme-v02.api.letsencrypt.org/directory } }"),
        ])

    package static let proxyTLS = MappingSchema(
        id: "proxyTLS", path: "proxy.tls",
        summary: "HTTPS on its own port. `certificates:` is required unless `acme:` is written (ACME then covers the routed hosts it does not list).",
        keys: [
            KeySchema("listen", listen, required: true, "Where the proxy serves HTTPS; not the port of `proxy.listen`.",
                      example: "0.0.0.0:443"),
            KeySchema("certificates", .names(NameRule(pattern: #"^(\*\.)?[A-Za-z0-9.-]+$"#, what: "a host name, or *.example.com"),
                                             .mapping(certificateFiles)),
                      default: .described("none"), "Certificate files by host name; each file is read and checked when the file loads.",
                      example: "{ \"www.example.com\": { cert: certs/www.pem, key: certs/www.key } }"),
            KeySchema("redirect_http", .boolean, default: .value("false"),
                      "Answer plain HTTP requests with a redirect to HTTPS.", example: "true"),
            KeySchema("acme", .mapping(acme), default: .described("no ACME"),
                      "Certificates for the routed hosts from an ACME CA (Let's Encrypt), proved by HTTP-01.",
                      example: "{ email: ops@example.com, directory: https://acme-v02.api.letsencrypt.org/directory }"),
        ],
        rules: [.requires(["certificates"], when: .not(.present("acme")))])

    package static let certificateFiles = MappingSchema(
        id: "certificateFiles", path: "proxy.tls.certificates.HOST",
        summary: "A host's certificate chain and private key, PEM files relative to slipway.yml.",
        keys: [
            KeySchema("cert", nonEmptyText, required: true, "The PEM certificate chain.", example: "certs/www.pem"),
            KeySchema("key", nonEmptyText, required: true, "The PEM private key.", example: "certs/www.key"),
        ])

    package static let acme = MappingSchema(
        id: "acme", path: "proxy.tls.acme",
        summary: "Automatic certificates from an ACME CA for every routed host.",
        keys: [
            KeySchema("email", .string(pattern: #"^[^@\s,]+@[^@\s,]+\.[^@\s,]+$"#, what: "an e-mail address"), required: true,
                      "The account's contact address (no `mailto:`).", example: "ops@example.com"),
            KeySchema("directory", .string(pattern: #"^https://[^\s]+$"#, what: "an https:// URL"), required: true,
                      "The CA's ACME directory URL.", example: "https://acme-v02.api.letsencrypt.org/directory"),
            KeySchema("ca_file", nonEmptyText, default: .described("the system's CAs only"),
                      "A PEM CA certificate to trust for the directory besides the system's (a test CA such as Pebble).",
                      example: "certs/pebble-ca.pem"),
            KeySchema("renew_before", positiveDuration, default: .value("30d"),
                      "How long before a certificate expires it is renewed.", example: "14d"),
        ])

    package static let api = MappingSchema(
        id: "api", path: "api",
        summary: "The daemon's HTTP API on TCP, with bearer tokens. Off a loopback address it needs `tls:`.",
        keys: [
            KeySchema("listen", listen, required: true, "Where the API listens.", example: "127.0.0.1:7070"),
            KeySchema("tls", .either([.choice(["proxy"]), .mapping(apiTLSFiles)]),
                      default: .described("plain HTTP (loopback only)"),
                      "The API's certificate and key, or `proxy` for the proxies' certificates (chosen by SNI).",
                      example: "{ cert: certs/api.pem, key: certs/api.key }"),
        ])

    package static let apiTLSFiles = MappingSchema(
        id: "apiTLSFiles", path: "api.tls",
        summary: "The API's own PEM files, relative to slipway.yml; they must exist when the daemon starts.",
        keys: [
            KeySchema("cert", nonEmptyText, required: true, "The PEM certificate chain.", example: "certs/api.pem"),
            KeySchema("key", nonEmptyText, required: true, "The PEM private key.", example: "certs/api.key"),
        ])

    package static let github = MappingSchema(
        id: "github", path: "github",
        summary: "GitHub's push webhook (`POST /hooks/github` on the API).",
        keys: [
            KeySchema("secret_file", nonEmptyText, required: true,
                      "A file (mode 0600) holding the webhook's secret, relative to slipway.yml.",
                      example: ".slipway/github-webhook.secret"),
        ])
}
