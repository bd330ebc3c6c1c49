/// `environments:` (`EnvironmentDecoder`).
extension ConfigSchema {
    package static let environment = MappingSchema(
        id: "environment", path: "environments.NAME",
        summary: "One environment. Every service under `services:` runs in each, with the environment's layers over its settings.",
        keys: [
            KeySchema("proxy", .mapping(proxy), default: .described("the top-level `proxy:`"),
                      "The environment's own proxy; each key left out keeps the top-level one's.", example: "{ listen: 0.0.0.0:8081 }"),
            KeySchema("branch", .string(pattern: #"^[^\s\x00-\x1f\x7f~^:?*\[\\]+$"#, what: "a git branch name"),
                      default: .described("none"), "The branch whose pushes deploy this environment.", example: "main"),
            KeySchema("env", variables, default: .described("none"),
                      "Variables merged into every service's `env:` in this environment.", example: "{ APP_ENV: staging }"),
            KeySchema("secrets", nonEmptyText, default: .described("none"),
                      "A `KEY=value` file (mode 0600) that `${VAR}` reads first in this environment.",
                      example: "secrets/production.env"),
            KeySchema("services", .names(serviceName, .overlay(service)), default: .described("none"),
                      "Settings that change in this environment, by service; each merges key by key over the service's own.",
                      example: "{ web: { replicas: 3 } }"),
            KeySchema("tags", .either([.choice(["semver"]), .mapping(tags)]), default: .described("any release"),
                      "Accept only releases from semver tags (`v1.4.0`).", example: "semver"),
            KeySchema("promote_from", nonEmptyText, default: .described("none"),
                      "The environment whose releases this one takes (`slipway promote`), the same build.", example: "staging"),
            KeySchema("approvals", .either([.integer(min: 1, max: nil), .mapping(approvals)]), default: .described("none"),
                      "Approvals a deployment needs from people other than the one who started it.",
                      example: "{ required: 2, from: [bob, carol] }"),
            KeySchema("wait_timer", duration, default: .value("0s"), "How long after the request a deployment waits before it starts (`0s`: none).", example: "10m"),
            KeySchema("approval_timeout", positiveDuration, default: .described("none"),
                      "How long a deployment request waits for its approvals before it expires.", example: "24h"),
            KeySchema("rollback_window", positiveDuration, default: .described("none"),
                      "How long after a deployment a manual rollback is allowed without `--override`.", example: "7d"),
            KeySchema("hotfix", .mapping(hotfix), default: .described("no hotfix path"),
                      "Lets a `--hotfix` deployment through a freeze.", example: "{ approvals: 1 }"),
        ])

    package static let tags = MappingSchema(
        id: "tags", path: "environments.NAME.tags",
        summary: "The tag policy, written out.",
        keys: [
            KeySchema("policy", .choice(["semver"]), required: true, "The only policy: semver tags.", example: "semver"),
            KeySchema("allow_prerelease", .boolean, default: .value("false"), "Accept `v1.2.0-rc.1` too.", example: "true"),
        ])

    package static let approvals = MappingSchema(
        id: "approvals", path: "environments.NAME.approvals",
        summary: "Approvals, written out.",
        keys: [
            KeySchema("required", .integer(min: 1, max: nil), required: true, "How many approvals.", example: "2"),
            KeySchema("from", .list(.string(pattern: #"^[^\s\x00-\x1f\x7f]+$"#, what: "a name without spaces"),
                                    minItems: 1, unique: true),
                      default: .described("anyone"), "Who may approve: OS users or token names, at least `required` of them.",
                      example: "[bob, carol]"),
        ])

    package static let hotfix = MappingSchema(
        id: "hotfix", path: "environments.NAME.hotfix",
        summary: "The hotfix path through a freeze.",
        keys: [
            KeySchema("approvals", .integer(min: 0, max: nil), required: true,
                      "Approvals a hotfix needs (0: none).", example: "1"),
        ])
}
