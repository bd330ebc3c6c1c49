import SlipwayModel
import Testing
@testable import SlipwayProxy

@Suite struct HealthVerdictTests {
    private func judge(_ status: Int, _ body: String, expect: HealthExpectation) -> (Bool, String?) {
        let result = HealthVerdict.judge(status: status, body: Array(body.utf8), expect: expect)
        return (result.healthy, result.reason)
    }

    @Test func matchingStatusWithoutJSONExpectationIsHealthy() {
        #expect(judge(200, "anything", expect: HealthExpectation()) == (true, nil))
        #expect(judge(204, "", expect: HealthExpectation(status: 204)) == (true, nil))
    }

    @Test func wrongStatusSaysWhatWasExpected() {
        #expect(judge(503, "down", expect: HealthExpectation()) == (false, "expected status 200, got 503"))
    }

    @Test func jsonFieldsMustAllMatch() {
        let expect = HealthExpectation(json: [
            "status": .string("healthy"), "ready": .bool(true), "workers": .number(3), "error": .null,
        ])
        #expect(judge(200, #"{"status":"healthy","ready":true,"workers":3.0,"error":null,"extra":[1]}"#, expect: expect) == (true, nil))
        #expect(judge(200, #"{"status":"starting","ready":true,"workers":3,"error":null}"#, expect: expect)
            == (false, #"json field status: expected "healthy", got "starting""#))
        #expect(judge(200, #"{"status":"healthy","ready":true,"workers":3}"#, expect: expect)
            == (false, "json field error: expected null, but it is missing"))
    }

    @Test func booleanAndNumberAreNeverConfused() {
        #expect(judge(200, #"{"ok":1}"#, expect: HealthExpectation(json: ["ok": .bool(true)]))
            == (false, "json field ok: expected true, got 1"))
        #expect(judge(200, #"{"n":true}"#, expect: HealthExpectation(json: ["n": .number(1)]))
            == (false, "json field n: expected 1, got true"))
        #expect(judge(200, #"{"n":"1"}"#, expect: HealthExpectation(json: ["n": .number(1)]))
            == (false, #"json field n: expected 1, got "1""#))
    }

    @Test func nestedValueOrNonJSONBodyIsAMismatch() {
        #expect(judge(200, #"{"status":{"db":"ok"}}"#, expect: HealthExpectation(json: ["status": .string("ok")]))
            == (false, #"json field status: expected "ok", got an object"#))
        #expect(judge(200, "OK", expect: HealthExpectation(json: ["status": .string("ok")]))
            == (false, "expected a JSON object body"))
        #expect(judge(200, "[1,2]", expect: HealthExpectation(json: ["status": .string("ok")]))
            == (false, "expected a JSON object body"))
    }

    @Test func bodyExcerptIsShort() {
        let result = HealthVerdict.judge(status: 500, body: Array(String(repeating: "x", count: 5000).utf8), expect: HealthExpectation())
        #expect(result.body?.count == 200)
        #expect(result.status == 500)
    }
}
