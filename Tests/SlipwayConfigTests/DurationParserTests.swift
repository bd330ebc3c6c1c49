import SlipwayConfig
import Testing

@Suite struct DurationParserTests {
    @Test(arguments: [
        ("2s", Duration.seconds(2)), ("250ms", .milliseconds(250)), ("10m", .seconds(600)),
        ("1h", .seconds(3600)), ("14d", .seconds(14 * 86_400)), ("1m30s", .seconds(90)),
        ("1.5s", .milliseconds(1500)), ("0s", .zero), ("1h2m3s4ms", .milliseconds(3_723_004)),
        ("0.5ms", .microseconds(500)),
    ])
    func readsDurationsWithUnits(text: String, expected: Duration) {
        #expect(DurationParser.parse(text) == expected)
    }

    @Test(arguments: ["two", "2", "", "-1s", "+1s", "1 s", "s", "1.s", ".5s", "1sec", "1S", "1m30", "99999999999999999999s"])
    func refusesAnythingElse(text: String) {
        #expect(DurationParser.parse(text) == nil)
    }

    @Test(arguments: ["1m30s", "250ms", "0s", "14d", "1h1ms", "1.5ms"])
    func formatsWhatItParses(text: String) throws {
        let duration = try #require(DurationParser.parse(text))
        #expect(DurationParser.format(duration) == text)
    }
}
