import Foundation
import SlipwayConfig
import SlipwayModel
import SlipwayTestSupport
import Testing

/// `${VAR}` from the environment and `.slipway/secrets.env`, and what becomes a secret.
@Suite struct SecretsTests {
    static let yaml = """
    services:
      web:
        run: python3 app.py
        env:
          DATABASE_URL: postgres://app:${DB_PASSWORD}@db/app
          API_KEY: ${API_KEY}
          MODE: production
          PRICE: $${NOT_A_REFERENCE}
    notify:
      - webhook:
          url: https://ops.example/hooks
          secret: ${HOOK_SECRET}

    """

    static let environment = ["DB_PASSWORD": "pw-from-environment", "API_KEY": "key-from-environment",
                              "HOOK_SECRET": "hook-secret-0123456789"]

    /// Runs `body` with the path of `slipway.yml` in a project directory (and the directory), with
    /// `.slipway/secrets.env` at `mode` when `secrets` is given.
    static func withProject<T>(secrets: String? = nil, mode: Int = 0o600,
                               _ body: (_ file: String, _ directory: String) throws -> T) throws -> T {
        let directory = try TemporaryDirectory()
        let file = try directory.write("slipway.yml", yaml)
        if let secrets {
            let path = try directory.write(".slipway/secrets.env", secrets)
            #expect(chmod(path, mode_t(mode)) == 0)
        }
        return try withExtendedLifetime(directory) { try body(file, directory.path) }
    }

    @Test func serviceEnvironmentExpandsAndItsReferencesAreSecrets() throws {
        let config = try ConfigLoader.parse(yaml: Self.yaml, file: "slipway.yml", environment: Self.environment)
        let env = try #require(config.services.first?.env)
        #expect(env == ["DATABASE_URL": "postgres://app:pw-from-environment@db/app", "API_KEY": "key-from-environment",
                        "MODE": "production", "PRICE": "${NOT_A_REFERENCE}"])
        #expect(Set(config.secrets) == ["pw-from-environment", "key-from-environment", "hook-secret-0123456789"])
        // Values written in the file are not secrets; only what a reference brought in is.
        #expect(!config.secrets.contains("production"))
        #expect(config.redactor.redact("postgres://app:pw-from-environment@db/app") == "postgres://app:******@db/app")
    }

    @Test func databaseURLReferencesAreSecrets() throws {
        let yaml = minimalServices + """
        databases:
          hr: { url: "postgres://${HR_USER}:${HR_PASSWORD}@db/hr", migrations: m }
        """
        let config = try ConfigLoader.parse(yaml: yaml, file: "slipway.yml",
                                            environment: ["HR_USER": "hr-user", "HR_PASSWORD": "hr-password"])
        #expect(config.secrets == ["hr-user", "hr-password"])
    }

    @Test func unsetOrMalformedReferencesInServiceEnvAreLocated() {
        let yaml = """
        services:
          web:
            run: python3 app.py
            env:
              TOKEN: ${MISSING_TOKEN}
              BAD: "${not valid}"
              FINE: ${DB_PASSWORD}

        """
        let lines = issueLines(yaml, environment: Self.environment)
        #expect(lines == [
            "slipway.yml:5:7: services.web.env.TOKEN: environment variable MISSING_TOKEN is not set (referenced as ${MISSING_TOKEN})",
            #"slipway.yml:6:7: services.web.env.BAD: invalid variable reference "${not valid}"; write ${NAME}"#,
        ])
        #expect(!lines.contains { $0.contains("pw-from-environment") })
    }

    @Test func secretsFileFeedsReferences() throws {
        let secrets = """
        # database
        DB_PASSWORD=pw-from-file
        export API_KEY = "key \\"quoted\\" from file"  
        HOOK_SECRET='hook-secret-from-file#not-a-comment'

        """
        try Self.withProject(secrets: secrets) { file, _ in
            let config = try ConfigLoader.load(path: file, environment: [:])
            let env = try #require(config.services.first?.env)
            #expect(env["DATABASE_URL"] == "postgres://app:pw-from-file@db/app")
            #expect(env["API_KEY"] == #"key "quoted" from file"#)
            #expect(config.notify.first?.credentials == ["hook-secret-from-file#not-a-comment"])
            #expect(Set(config.secrets) == ["pw-from-file", #"key "quoted" from file"#, "hook-secret-from-file#not-a-comment"])
        }
    }

    @Test func environmentWinsOverTheSecretsFile() throws {
        let secrets = "DB_PASSWORD=pw-from-file\nAPI_KEY=key-from-file\nHOOK_SECRET=hook-secret-from-file\n"
        try Self.withProject(secrets: secrets) { file, _ in
            let config = try ConfigLoader.load(path: file, environment: ["DB_PASSWORD": "pw-from-environment"])
            let env = try #require(config.services.first?.env)
            #expect(env["DATABASE_URL"] == "postgres://app:pw-from-environment@db/app")
            #expect(env["API_KEY"] == "key-from-file")
            #expect(!config.secrets.contains("pw-from-file"))
        }
    }

    @Test(arguments: [0o644, 0o640, 0o604, 0o660, 0o602])
    func secretsFileOthersCanReachIsRefused(mode: Int) throws {
        try Self.withProject(secrets: "DB_PASSWORD=pw-from-file\n", mode: mode) { file, directory in
            let error = try #require(throws: ConfigIssues.self) {
                try ConfigLoader.load(path: file, environment: Self.environment)
            }
            let shown = directory + "/.slipway/secrets.env"
            let octal = "0" + String(mode, radix: 8)
            #expect(error.description == "\(shown): mode \(octal) lets group or others read or change the secrets; "
                    + "it must be 0600 or stricter (chmod 600 \(shown))")
            #expect(error.issues.first?.code == .configInvalid)
            #expect(error.issues.first?.context.file == shown)
            #expect(!error.description.contains("pw-from-file"))
        }
    }

    @Test(arguments: [0o600, 0o400])
    func privateSecretsFileIsAccepted(mode: Int) throws {
        try Self.withProject(secrets: "API_KEY=key-from-file\n", mode: mode) { file, _ in
            let config = try ConfigLoader.load(path: file, environment: Self.environment.filter { $0.key != "API_KEY" })
            #expect(config.services.first?.env["API_KEY"] == "key-from-file")
        }
    }

    /// Relative stays relative, as the config file's own issues do. (The path climbs from the
    /// current directory rather than changing it: tests run in parallel in one process.)
    @Test func secretsFileIsNamedAsTheConfigIs() throws {
        try Self.withProject(secrets: "DB_PASSWORD=x\n", mode: 0o644) { _, directory in
            let up = String(repeating: "../", count: FileManager.default.currentDirectoryPath.split(separator: "/").count)
            let relative = up + directory.dropFirst() + "/slipway.yml"
            let error = try #require(throws: ConfigIssues.self) { try ConfigLoader.load(path: relative, environment: [:]) }
            let shown = up + directory.dropFirst() + "/.slipway/secrets.env"
            #expect(error.description.hasPrefix("\(shown): mode 0644 lets group or others"))
            #expect(error.issues.first?.context.file == shown)
        }
    }

    @Test func malformedSecretsFileLinesAreLocatedWithoutTheirValues() throws {
        let secrets = """
        DB_PASSWORD=fine
        just-a-value-without-a-key
        9KEY=value-after-bad-name
        DB_PASSWORD=duplicate-value
        API_KEY="unterminated-value
        HOOK_SECRET="closed-value" trailing-text

        """
        try Self.withProject(secrets: secrets) { file, directory in
            let error = try #require(throws: ConfigIssues.self) { try ConfigLoader.load(path: file, environment: [:]) }
            let shown = directory + "/.slipway/secrets.env"
            #expect(error.issues.map(\.description) == [
                "\(shown):2: expected KEY=value",
                "\(shown):3: expected KEY=value with a variable name that uses letters, digits and \"_\", not starting with a digit",
                "\(shown):4: DB_PASSWORD is already set at line 1",
                "\(shown):5: API_KEY: the value's opening \" has no closing \" on the same line",
                "\(shown):6: HOOK_SECRET: unexpected text after the closing quote",
            ])
            for value in ["fine", "without-a-key", "bad-name", "duplicate-value", "unterminated", "closed-value", "trailing"] {
                #expect(!error.description.contains(value))
            }
        }
    }

    @Test func windowsLineEndingsAreRead() throws {
        let secrets = "DB_PASSWORD=pw-crlf\r\nAPI_KEY=key-crlf\r\nHOOK_SECRET=hook-secret-crlf-0123\r\n"
        try Self.withProject(secrets: secrets) { file, _ in
            let config = try ConfigLoader.load(path: file, environment: [:])
            #expect(config.services.first?.env["API_KEY"] == "key-crlf")
            #expect(config.services.first?.env["DATABASE_URL"] == "postgres://app:pw-crlf@db/app")
        }
    }

    @Test func noSecretsFileIsFine() throws {
        try Self.withProject { file, _ in
            let config = try ConfigLoader.load(path: file, environment: Self.environment)
            #expect(config.services.first?.env["API_KEY"] == "key-from-environment")
        }
    }
}

/// `Redactor`: what every log line, record and message passes through.
@Suite struct RedactorTests {
    @Test func everyOccurrenceIsMasked() {
        let redactor = Redactor(secrets: ["hunter22"])
        #expect(redactor.redact("pw=hunter22, again hunter22hunter22.") == "pw=******, again ************.")
    }

    @Test func longestSecretWinsWhereTheyOverlap() {
        let redactor = Redactor(secrets: ["abcd", "abcdefgh", "efgh1234"])
        #expect(redactor.secrets == ["abcdefgh", "efgh1234", "abcd"])
        // "abcdefgh" is masked whole; its tail never leaves "efgh" next to what follows.
        #expect(redactor.redact("xabcdefgh1234") == "x******1234")
        #expect(redactor.redact("abcd efgh1234") == "****** ******")
    }

    @Test func shortSecretsAreIgnored() {
        let redactor = Redactor(secrets: ["", "a", "on", "dev", "four"])
        #expect(redactor.secrets == ["four"])
        #expect(redactor.redact("dev on a four-core box") == "dev on a ******-core box")
    }

    @Test func maskMadeOfTheSecretsCharactersIsNotMaskedAgain() {
        let redactor = Redactor(secrets: ["****", "pass-word"])
        #expect(redactor.redact("pass-word") == "******")
        #expect(redactor.redact("a****b") == "a******b")
    }

    @Test func multibyteTextAndSecrets() {
        let redactor = Redactor(secrets: ["pässwörd", "秘密の鍵です"])
        #expect(redactor.redact("é pässwörd ü 秘密の鍵です!") == "é ****** ü ******!")
        // A secret followed by a combining mark is still found (byte matching, not Character).
        #expect(Redactor(secrets: ["cafe-secret"]).redact("cafe-secret\u{301}") == "******\u{301}")
    }

    @Test func nothingToHideLeavesTextAlone() {
        #expect(Redactor().redact("plain text") == "plain text")
        #expect(Redactor(secrets: ["secret"]).redact("") == "")
        #expect(Redactor(secrets: ["secret"]).redact("no match here") == "no match here")
        #expect(Redactor().isEmpty)
    }

    @Test func duplicatesAndAddingKeepEachSecretOnce() {
        let redactor = Redactor(secrets: ["token-1", "token-1"]).adding(["token-22", "token-1"])
        #expect(redactor.secrets == ["token-22", "token-1"])
        #expect(redactor == Redactor(secrets: ["token-1", "token-22"]))
        #expect(redactor.redact("token-1 token-22") == "****** ******")
    }

    @Test func newlinesAndSecretsAtTheEdges() {
        let redactor = Redactor(secrets: ["line\nbreak", "edge"])
        #expect(redactor.redact("edge\nline\nbreak\nedge") == "******\n******\n******")
    }
}
