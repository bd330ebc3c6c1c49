import Foundation
@testable import SlipwayModel
import Testing

@Suite struct LatencyHistogramTests {
    /// The documented bound: a figure read back is within 1/64 of the value it stands for.
    static let bound = 1.0 / 64

    @Test(arguments: Distribution.allCases)
    func quantilesAreWithinTheBoundOfExactQuantiles(distribution: Distribution) {
        var random = SplitMix64(seed: 0x5eed_0000 + UInt64(distribution.rawValue))
        let samples = (0..<100_000).map { _ in distribution.sample(&random) }
        let histogram = LatencyHistogram(microseconds: samples)
        let sorted = samples.sorted()
        #expect(histogram.count == samples.count)
        var worst = 0.0
        for q in [0.001, 0.01, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1.0] {
            // Nearest rank: the ⌈q·n⌉-th smallest.
            let exact = Double(sorted[Int((q * Double(sorted.count)).rounded(.up)) - 1])
            let read = histogram.quantileMicroseconds(q)!
            let error = abs(read - exact) / max(exact, 1)
            worst = max(worst, error)
            #expect(error <= Self.bound, "q \(q): \(read) µs read, \(exact) µs exact")
        }
        print("LatencyHistogram \(distribution): worst relative quantile error \(worst)")
    }

    @Test func everyValueLiesInItsBucketAndBucketsTile() {
        var next: UInt64 = 0
        for index in 0..<LatencyHistogram.bucketCount {
            let (low, width) = LatencyHistogram.bucketRange(index)
            #expect(low == next, "bucket \(index) starts at \(low), expected \(next)")
            #expect(LatencyHistogram.bucketIndex(low) == index)
            #expect(LatencyHistogram.bucketIndex(low + width - 1) == index)
            // The midpoint stands for every value of the bucket within the bound.
            #expect(Double(width - 1) / 2 <= Double(max(low, 1)) * Self.bound)
            next = low + width
        }
        #expect(next - 1 == LatencyHistogram.maximumMicroseconds)
        #expect(LatencyHistogram.bucketCount == 704)
    }

    @Test func mergingIsAssociativeAndEqualsRecordingEverything() {
        var random = SplitMix64(seed: 42)
        let parts = (0..<3).map { part in
            (0..<5_000).map { _ in Distribution.lognormal.sample(&random) + UInt64(part) * 10_000 }
        }
        let (a, b, c) = (LatencyHistogram(microseconds: parts[0]), LatencyHistogram(microseconds: parts[1]),
                         LatencyHistogram(microseconds: parts[2]))
        #expect((a + b) + c == a + (b + c))
        #expect(a + b == b + a)
        #expect((a + b) + c == LatencyHistogram(microseconds: parts.joined()))
        #expect(a + LatencyHistogram() == a)
        #expect(((a + b) + c).quantileMicroseconds(0.95) == LatencyHistogram(microseconds: parts.joined()).quantileMicroseconds(0.95))
    }

    @Test func durationsAreRecordedAsWholeMicroseconds() {
        var histogram = LatencyHistogram()
        histogram.record(.milliseconds(5))
        histogram.record(.nanoseconds(5_000_999))
        // One bucket, its figures kept within the exact smallest and largest values.
        #expect(histogram.quantile(0.5) == .milliseconds(5))
        #expect(histogram.quantileMicroseconds(1) == 5000)
        #expect(histogram.meanMicroseconds == 5000)
        histogram.record(.microseconds(17))
        #expect(histogram.quantileMicroseconds(0) == 17)
        #expect(histogram.bins.first == LatencyHistogram.Bin(value: 17, count: 1))
    }

    @Test func latenciesPastTheTopCountAsTheTop() {
        var histogram = LatencyHistogram()
        histogram.record(.seconds(120))
        histogram.record(.seconds(-1))
        #expect(histogram.count == 2)
        #expect(histogram.quantileMicroseconds(1) == Double(LatencyHistogram.maximumMicroseconds))
        #expect(histogram.quantileMicroseconds(0.5) == 0)
    }

    @Test func anEmptyHistogramHasNoQuantile() {
        let histogram = LatencyHistogram()
        #expect(histogram.isEmpty)
        #expect(histogram.quantile(0.95) == nil)
        #expect(histogram.meanMicroseconds == nil)
        #expect(histogram.bins.isEmpty)
    }

    @Test func encodesOnlyItsFilledBucketsAndDecodesToAnEqualHistogram() throws {
        var random = SplitMix64(seed: 7)
        let histogram = LatencyHistogram(microseconds: (0..<2_000).map { _ in Distribution.bimodal.sample(&random) })
        let data = try JSONEncoder().encode(histogram)
        #expect(try JSONDecoder().decode(LatencyHistogram.self, from: data) == histogram)
        #expect(try JSONDecoder().decode(LatencyHistogram.self, from: JSONEncoder().encode(LatencyHistogram())) == LatencyHistogram())

        let small = LatencyHistogram(microseconds: [3, 3, 1_000])
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        // 1000 µs lies in the bucket 992 ..< 1008.
        #expect(String(decoding: try encoder.encode(small), as: UTF8.self)
                == #"{"buckets":[[3,2],[992,1]],"count":3,"max":1000,"min":3,"sum":1006}"#)
    }

    @Test func windowStatsCountFiveHundredsAndUpstreamFailuresAsErrors() {
        var stats = WindowStats()
        #expect(stats.errorRate == 0)
        stats.record(status: 200, latency: .milliseconds(10))
        stats.record(status: 404, latency: .milliseconds(10))
        stats.record(status: 503, latency: .milliseconds(10))
        stats.recordUpstreamFailure()
        #expect(stats.requests == 4)
        #expect(stats.errors == 2)
        #expect(stats.errorRate == 0.5)
        #expect(stats.latency.count == 3)
        let doubled = stats + stats
        #expect(doubled.requests == 8 && doubled.serverErrors == 2 && doubled.upstreamFailures == 2)
        #expect(doubled.latency.count == 6)
    }
}

/// Latency shapes, in whole microseconds.
enum Distribution: Int, CaseIterable, CustomStringConvertible, Sendable {
    /// Median 20 ms, a long tail (σ = 1).
    case lognormal
    /// 0 to 2 ms, evenly: the exact buckets and the first powers of two.
    case uniformSubMillisecond
    /// A fast path near 1 ms and a slow one near 300 ms (cache hits and misses).
    case bimodal

    var description: String {
        switch self {
        case .lognormal: "lognormal"
        case .uniformSubMillisecond: "uniformSubMillisecond"
        case .bimodal: "bimodal"
        }
    }

    func sample(_ random: inout SplitMix64) -> UInt64 {
        switch self {
        case .lognormal:
            return UInt64((20_000 * exp(random.normal())).rounded())
        case .uniformSubMillisecond:
            return random.next() % 2_000
        case .bimodal:
            let fast = random.next() % 10 < 8
            return UInt64(max(0, (fast ? 1_000 + 150 * random.normal() : 300_000 + 40_000 * random.normal()).rounded()))
        }
    }
}

extension SplitMix64 {
    /// A standard normal draw (Box-Muller).
    mutating func normal() -> Double {
        let u1 = Double(next() >> 11 | 1) / Double(1 << 53)
        let u2 = Double(next() >> 11) / Double(1 << 53)
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }
}
