import Foundation
import SlipwayModel
import Testing

@Suite struct ModelTests {
    @Test(arguments: [
        ("127.0.0.1:8080", "127.0.0.1", 8080),
        ("[::1]:9000", "::1", 9000),
        (":80", "0.0.0.0", 80),
    ])
    func listenAddressesParse(text: String, host: String, port: Int) {
        let address = SocketAddressSpec(parsing: text)
        #expect(address?.host == host)
        #expect(address?.port == port)
    }

    @Test func notAnAddress() {
        #expect(SocketAddressSpec(parsing: "8080") == nil)
        #expect(SocketAddressSpec(parsing: "host:99999") == nil)
    }

    @Test func errorsMapToTheDocumentedExitCodes() {
        #expect(ExitStatus.forError(.refNotFound) == .buildFailed)
        #expect(ExitStatus.forError(.unhealthy) == .deployFailed)
        #expect(ExitStatus.forError(.deploymentInProgress) == .refused)
        #expect(ExitStatus.forError(.daemonUnreachable) == .daemonUnreachable)
        #expect(ExitStatus.forError(.configInvalid) == .configInvalid)
        #expect(ExitStatus.allCases.map(\.rawValue) == Array(0...9))
    }

    @Test func idsSortByTime() {
        let early = Identifiers.deploymentID(at: Date(timeIntervalSince1970: 1_000_000), random: 0xbeef)
        let late = Identifiers.deploymentID(at: Date(timeIntervalSince1970: 2_000_000), random: 1)
        #expect(early == "d-19700112-134640-beef")
        #expect(early < late)
        #expect(Identifiers.releaseID(at: Date(timeIntervalSince1970: 0), commit: "0123456789abcdef") == "19700101000000-01234567")
    }

    @Test func durationsReadAsWritten() {
        #expect(DurationText.format(.milliseconds(250)) == "250ms")
        #expect(DurationText.format(.seconds(2)) == "2s")
        #expect(DurationText.format(.milliseconds(1500)) == "1.5s")
        #expect(DurationText.format(.seconds(300)) == "5m")
    }

    @Test func configErrorsReadFileLineColumnKey() {
        let error = SlipwayError(.configInvalid, "expected a duration like 2s, got \"two\"",
                                 context: ErrorContext(file: "slipway.yml", line: 12, column: 7, keyPath: "services.web.health.timeout"))
        #expect(error.description == "slipway.yml:12:7: services.web.health.timeout: expected a duration like 2s, got \"two\"")
    }
}
