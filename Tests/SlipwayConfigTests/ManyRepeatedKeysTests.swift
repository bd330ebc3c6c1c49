import SlipwayConfig
import SlipwayModel
import Testing

/// A file that repeats keys by the thousand is reported in full, each repetition where it is
/// (issue 13: one compose per repetition made `check` quadratic; docs/PERFORMANCE.md, "Other findings").
@Suite struct ManyRepeatedKeysTests {
    /// More repetitions than the Unicode BMP has private-use characters (6,400), which the renaming used to run out of.
    @Test func everyOneOfSevenThousandKeysWrittenTwiceIsReported() {
        let count = 7_000
        let header = "services:\n  web:\n    run: ./app\n    env:\n"
        let keys = (0..<count).map { "      K\($0): a\n" }.joined()
        let lines = issueLines(header + keys + keys.replacingOccurrences(of: ": a", with: ": b"))
        #expect(lines.count == count)
        let expected = (0..<count).map {
            #"slipway.yml:\#(5 + count + $0):7: services.web.env.K\#($0): duplicate key "K\#($0)" (first at line \#(5 + $0))"#
        }
        #expect(lines == expected)
    }

    @Test func oneKeyWrittenThreeThousandTimesIsReportedAtEachRepetition() {
        let repeats = 3_000
        let yaml = "services:\n  web:\n" + String(repeating: "    run: ./app\n", count: repeats)
        let lines = issueLines(yaml)
        #expect(lines.count == repeats - 1)
        #expect(lines.first == #"slipway.yml:4:5: services.web.run: duplicate key "run" (first at line 3)"#)
        #expect(lines.last == #"slipway.yml:\#(repeats + 2):5: services.web.run: duplicate key "run" (first at line 3)"#)
    }

    @Test func keysRepeatedInAFlowMappingAreEachReported() {
        let pairs = (0..<2_000).map { "A\($0 % 1_000): \($0)" }.joined(separator: ", ")
        let lines = issueLines("services:\n  web:\n    run: ./app\n    env: { \(pairs) }\n")
        #expect(lines.count == 1_000)
        #expect(lines.allSatisfy { $0.hasPrefix("slipway.yml:4:") && $0.contains(#"(first at line 4)"#) })
        #expect(lines.first?.contains(#"services.web.env.A0: duplicate key "A0""#) == true)
    }

    /// Text that looks like repeated keys but is not (block scalars, quoted text over several lines, comments)
    /// reads back exactly as written, beside keys that do repeat from one service to the next (renamed, then
    /// read under their own names).
    @Test func textThatLooksLikeKeysIsReadAsWritten() throws {
        let yaml = """
        services:
          web:
            run: |
              run: a
              run: b
            build: "first
              run: c"
            env: { 'A': "x: y", "B": '1' }  # run: d
          api:
            run: >-
              env: e
            env:
              A: 'it''s'
              "B": "\\u0041"
            route: { path: /api }
          worker:
            &command run: |
              run: f
              run: g
            route: { path: /worker }
        """
        let config = try ConfigLoader.parse(yaml: yaml, file: "slipway.yml")
        let web = try #require(config.service(named: "web"))
        let api = try #require(config.service(named: "api"))
        #expect(web.run == "run: a\nrun: b\n")
        #expect(web.build == "first run: c")
        #expect(web.env == ["A": "x: y", "B": "1"])
        #expect(api.run == "env: e")
        #expect(api.env == ["A": "it's", "B": "A"])
        // An anchored key hides its block scalar from the scanner: the lines it took for keys are put back.
        #expect(config.service(named: "worker")?.run == "run: f\nrun: g\n")
    }
}
