import Foundation
@testable import SlipwayCore
import SlipwayModel
import Testing

/// One case of `Fixtures/mannwhitney.json`: samples and what scipy computed of them
/// (`scripts/fixtures/mannwhitney_fixtures.py`).
struct MannWhitneyFixture: Decodable, Sendable, CustomTestStringConvertible {
    var name: String
    var x: [Double]
    var y: [Double]
    /// Latencies in whole microseconds, given to scipy as their `LatencyHistogram` buckets' midpoints.
    var histogram: Bool
    var method: String
    var methodUsed: String
    var u: Double
    var p: Double

    var testDescription: String { name }

    static let all: [MannWhitneyFixture] = {
        struct Document: Decodable { var cases: [MannWhitneyFixture] }
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/mannwhitney.json")
        do {
            return try JSONDecoder().decode(Document.self, from: Data(contentsOf: url)).cases
        } catch {
            fatalError("cannot read \(url.path): \(error)")
        }
    }()
}

@Suite struct MannWhitneyTests {
    @Test func theFixturesCoverWhatTheyClaim() {
        let cases = MannWhitneyFixture.all
        #expect(cases.count >= 30)
        #expect(cases.contains { $0.methodUsed == "exact" && $0.method == "auto" })
        #expect(cases.contains { $0.methodUsed == "asymptotic" && $0.method == "auto" })
        #expect(cases.contains { $0.histogram })
        #expect(cases.contains { $0.p < 1e-6 })
    }

    @Test(arguments: MannWhitneyFixture.all)
    func agreesWithScipy(_ fixture: MannWhitneyFixture) throws {
        let method: MannWhitney.Method = switch fixture.method {
        case "exact": .exact
        case "asymptotic": .asymptotic
        default: .automatic
        }
        let result: MannWhitney.Result
        if fixture.histogram {
            let canary = LatencyHistogram(microseconds: fixture.x.map { UInt64($0) })
            let baseline = LatencyHistogram(microseconds: fixture.y.map { UInt64($0) })
            result = try #require(MannWhitney.greater(binned: canary.bins, baseline.bins, method: method))
        } else {
            result = try #require(MannWhitney.greater(fixture.x, fixture.y, method: method))
        }
        #expect(result.method.rawValue == fixture.methodUsed)
        #expect(result.n1 == fixture.x.count && result.n2 == fixture.y.count)
        #expect(abs(result.u - fixture.u) <= 1e-9 * max(1, abs(fixture.u)), "U \(result.u), scipy \(fixture.u)")
        #expect(abs(result.p - fixture.p) <= 1e-6, "p \(result.p), scipy \(fixture.p)")
        // Tiny p-values too, relatively: a record that says p 3e-8 says what scipy says.
        #expect(abs(result.p - fixture.p) <= 1e-6 * fixture.p + 1e-15, "p \(result.p), scipy \(fixture.p)")
    }

    /// The exact distribution against counting every ordering, independently of scipy.
    @Test(arguments: [(1, 1), (2, 3), (4, 4), (3, 7), (5, 6), (1, 9)])
    func exactFrequenciesCountEveryOrdering(n1: Int, n2: Int) {
        var counted = [Double](repeating: 0, count: n1 * n2 + 1)
        // Each ordering is a choice of which n1 of the n1+n2 ranks are x's; U counts the y's below each x.
        func choose(from start: Int, left: Int, ysBelowSum: Int, chosen: Int) {
            if left == 0 { counted[ysBelowSum] += 1; return }
            guard start < n1 + n2 else { return }
            choose(from: start + 1, left: left - 1, ysBelowSum: ysBelowSum + (start - chosen), chosen: chosen + 1)
            choose(from: start + 1, left: left, ysBelowSum: ysBelowSum, chosen: chosen)
        }
        choose(from: 0, left: n1, ysBelowSum: 0, chosen: 0)
        let computed = MannWhitney.exactFrequencies(n1: n1, n2: n2, upTo: n1 * n2)
        #expect(computed.counts == counted)
        #expect(computed.total == counted.reduce(0, +))
    }

    @Test func binsAreTiesAndGiveWhatTheirValuesGive() throws {
        let x = [1.0, 2, 2, 2, 5, 5]
        let y = [2.0, 3, 3, 5, 7]
        let raw = try #require(MannWhitney.greater(x, y))
        let binned = try #require(MannWhitney.greater(
            binned: [.init(value: 1, count: 1), .init(value: 2, count: 3), .init(value: 5, count: 2)],
            [.init(value: 2, count: 1), .init(value: 3, count: 2), .init(value: 5, count: 1), .init(value: 7, count: 1)]))
        #expect(raw == binned)
        #expect(raw.method == .asymptotic)
    }

    @Test func effectSizeIsTheChanceThatACanaryValueIsGreater() throws {
        let above = try #require(MannWhitney.greater([4, 5, 6], [1, 2, 3]))
        #expect(above.u == 9 && above.effectSize == 1 && above.rankBiserial == 1)
        #expect(abs(above.p - 0.05) < 1e-12)
        let same = try #require(MannWhitney.greater([1, 2, 3], [1, 2, 3]))
        #expect(same.effectSize == 0.5 && same.rankBiserial == 0)
        let below = try #require(MannWhitney.greater([1, 2], [3, 4, 5]))
        #expect(below.u == 0 && below.effectSize == 0)
    }

    @Test func anEmptyOrNaNSampleHasNoResult() {
        #expect(MannWhitney.greater([], [1, 2]) == nil)
        #expect(MannWhitney.greater([1], []) == nil)
        #expect(MannWhitney.greater([1, .nan], [1, 2]) == nil)
    }

    /// A statistical property, asserted statistically: two samples of one distribution are found
    /// different about alpha of the time, and a canary 10% slower nearly always.
    @Test func rejectsAboutAlphaOfTheTimeUnderTheNullHypothesis() {
        var random = SeededNormals(seed: 2026)
        var rejectedSame = 0, rejectedSlower = 0
        let trials = 400
        for _ in 0..<trials {
            let baseline = (0..<200).map { _ in 100 * exp(0.3 * random.next()) }
            let same = (0..<200).map { _ in 100 * exp(0.3 * random.next()) }
            let slower = (0..<200).map { _ in 110 * exp(0.3 * random.next()) }
            if MannWhitney.greater(same, baseline)!.p < 0.05 { rejectedSame += 1 }
            if MannWhitney.greater(slower, baseline)!.p < 0.05 { rejectedSlower += 1 }
        }
        // 400 trials at 5%: 20 expected, σ ≈ 4.4.
        #expect((8...32).contains(rejectedSame), "\(rejectedSame) of \(trials) rejected")
        #expect(rejectedSlower > trials * 8 / 10, "\(rejectedSlower) of \(trials) rejected")
    }
}

/// Standard normal draws from a seeded SplitMix64 (Box-Muller).
struct SeededNormals {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func uniform() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    mutating func next() -> Double {
        let u1 = Double(uniform() >> 11 | 1) / Double(1 << 53)
        let u2 = Double(uniform() >> 11) / Double(1 << 53)
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }
}
