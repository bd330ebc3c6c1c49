/// Request latencies of one release in one analysis window, in fixed log-linear buckets as
/// HdrHistogram lays them out: whole microseconds below 32 µs, then every power of two split into
/// 32 equal buckets, up to 2²⁶ µs (67 s; longer latencies count as 67 s). 704 buckets, 2.8 KB.
///
/// A bucket `[low, low + width)` has `width ≤ low / 32`, and stands for its midpoint, so every
/// figure read back (a quantile, a value the U test ranks) is within 1/64 (1.6%) of a value that
/// was recorded into that bucket. `record` is O(1); two histograms merge by adding counts, so the
/// proxy can keep one per event loop and add them up at the end of a window.
package struct LatencyHistogram: Sendable, Equatable {
    /// log2 of the buckets per power of two (HdrHistogram's sub-bucket count).
    static let subBucketBits = 5
    static let subBuckets = 1 << subBucketBits
    /// Values from 2^topBit µs on are recorded as the largest value the histogram holds.
    static let topBit = 26
    static let bucketCount = subBuckets + (topBit - subBucketBits) * subBuckets
    /// The largest value held: 2²⁶ − 1 µs, 67.1 s.
    package static let maximumMicroseconds: UInt64 = (1 << UInt64(topBit)) - 1

    /// Counts per bucket; a count saturates at `UInt32.max` rather than trap.
    private var counts: [UInt32]
    /// How many values were recorded.
    package private(set) var count: Int = 0
    /// The exact smallest and largest values recorded (µs, after the clamp to 67 s): quantiles are
    /// kept inside them, so a window with one distinct latency reads it back exactly.
    package private(set) var minMicroseconds: UInt64 = .max
    package private(set) var maxMicroseconds: UInt64 = 0
    /// The exact sum of the recorded values (µs), for the mean.
    package private(set) var sumMicroseconds: UInt64 = 0

    package init() {
        counts = Array(repeating: 0, count: Self.bucketCount)
    }

    package init(microseconds values: some Sequence<UInt64>) {
        self.init()
        for value in values { record(microseconds: value) }
    }

    package var isEmpty: Bool { count == 0 }

    package mutating func record(_ latency: Duration) {
        let (seconds, attoseconds) = latency.components
        guard seconds >= 0, attoseconds >= 0 else { return record(microseconds: 0) }
        let micros = UInt64(clamping: seconds).multipliedReportingOverflow(by: 1_000_000)
        let whole = micros.overflow ? UInt64.max : micros.partialValue &+ UInt64(attoseconds / 1_000_000_000_000)
        record(microseconds: whole)
    }

    package mutating func record(microseconds value: UInt64, times: Int = 1) {
        guard times > 0 else { return }
        let value = min(value, Self.maximumMicroseconds)
        let index = Self.bucketIndex(value)
        let (sum, overflow) = counts[index].addingReportingOverflow(UInt32(clamping: times))
        counts[index] = overflow ? .max : sum
        count += times
        minMicroseconds = min(minMicroseconds, value)
        maxMicroseconds = max(maxMicroseconds, value)
        sumMicroseconds &+= value &* UInt64(times)
    }

    package mutating func merge(_ other: LatencyHistogram) {
        for index in other.counts.indices where other.counts[index] != 0 {
            let (sum, overflow) = counts[index].addingReportingOverflow(other.counts[index])
            counts[index] = overflow ? .max : sum
        }
        count += other.count
        minMicroseconds = min(minMicroseconds, other.minMicroseconds)
        maxMicroseconds = max(maxMicroseconds, other.maxMicroseconds)
        sumMicroseconds &+= other.sumMicroseconds
    }

    package static func + (a: LatencyHistogram, b: LatencyHistogram) -> LatencyHistogram {
        var sum = a
        sum.merge(b)
        return sum
    }

    /// What was recorded after `earlier`, when this histogram is `earlier` with more recorded
    /// into it (cumulative counts read twice): the counts subtracted bucket by bucket. The exact
    /// extremes of the difference are not known, so they become its outermost buckets' bounds.
    /// A bucket with fewer counts than `earlier` (counters that were reset) counts as empty.
    package func subtracting(_ earlier: LatencyHistogram) -> LatencyHistogram {
        var difference = LatencyHistogram()
        for index in counts.indices where counts[index] > earlier.counts[index] {
            difference.counts[index] = counts[index] - earlier.counts[index]
            difference.count += Int(difference.counts[index])
        }
        guard difference.count > 0 else { return difference }
        difference.sumMicroseconds = sumMicroseconds >= earlier.sumMicroseconds
            ? sumMicroseconds - earlier.sumMicroseconds
            : difference.bins.reduce(0) { $0 + UInt64($1.value) * UInt64($1.count) }
        let first = difference.counts.firstIndex { $0 != 0 }!
        let last = difference.counts.lastIndex { $0 != 0 }!
        difference.minMicroseconds = max(Self.bucketRange(first).low, minMicroseconds)
        let (low, width) = Self.bucketRange(last)
        difference.maxMicroseconds = min(low + width - 1, maxMicroseconds)
        return difference
    }

    /// The nearest-rank quantile (the ⌈q·count⌉-th smallest value) within 1/64 (1.6%) relative:
    /// the midpoint of the bucket that holds it, kept within the smallest and largest values
    /// recorded (which the first and last rank read exactly). Nil when nothing was recorded.
    package func quantileMicroseconds(_ q: Double) -> Double? {
        guard count > 0 else { return nil }
        let rank = max(1, min(count, Int((q * Double(count)).rounded(.up))))
        // The extremes are known exactly.
        if rank == 1 { return Double(minMicroseconds) }
        if rank == count { return Double(maxMicroseconds) }
        var seen = 0
        for index in counts.indices where counts[index] != 0 {
            seen += Int(counts[index])
            if seen >= rank {
                return min(max(Self.midpoint(index), Double(minMicroseconds)), Double(maxMicroseconds))
            }
        }
        return Double(maxMicroseconds)
    }

    package func quantile(_ q: Double) -> Duration? {
        quantileMicroseconds(q).map { .microseconds($0) }
    }

    package var meanMicroseconds: Double? {
        count > 0 ? Double(sumMicroseconds) / Double(count) : nil
    }

    /// One bucket that holds values: the value that stands for them (its midpoint, µs) and how many.
    package struct Bin: Sendable, Equatable {
        package var value: Double
        package var count: Int

        package init(value: Double, count: Int) {
            self.value = value
            self.count = count
        }
    }

    /// The buckets that hold values, smallest first: the samples a rank test sees, each value
    /// replaced by its bucket's midpoint. Two histograms share their buckets, so values of both
    /// that fell into one bucket are ties.
    package var bins: [Bin] {
        counts.indices.compactMap { index in
            counts[index] == 0 ? nil : Bin(value: Self.midpoint(index), count: Int(counts[index]))
        }
    }

    // MARK: - Buckets

    /// O(1): the power of two the value lies in, then which 32nd of it.
    static func bucketIndex(_ value: UInt64) -> Int {
        if value < UInt64(subBuckets) { return Int(value) }
        let magnitude = 63 - value.leadingZeroBitCount      // value in [2^magnitude, 2^(magnitude+1))
        let shift = magnitude - subBucketBits
        let sub = Int(value >> UInt64(shift)) - subBuckets  // 0 ..< 32
        return subBuckets + shift * subBuckets + sub
    }

    /// The smallest value of a bucket and how many whole microseconds it spans.
    static func bucketRange(_ index: Int) -> (low: UInt64, width: UInt64) {
        if index < subBuckets { return (UInt64(index), 1) }
        let shift = (index - subBuckets) / subBuckets
        let sub = (index - subBuckets) % subBuckets
        return (UInt64(subBuckets + sub) << UInt64(shift), 1 << UInt64(shift))
    }

    /// The midpoint of the whole microseconds a bucket holds.
    static func midpoint(_ index: Int) -> Double {
        let (low, width) = bucketRange(index)
        return Double(low) + Double(width - 1) / 2
    }
}

/// Encoded sparsely, each bucket by its lowest value (not its index), so a record stays readable
/// and small: `{"count", "min", "max", "sum", "buckets": [[lowMicroseconds, count], …]}`.
extension LatencyHistogram: Codable {
    private enum CodingKeys: String, CodingKey {
        case count, min, max, sum, buckets
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        for pair in try container.decode([[UInt64]].self, forKey: .buckets) {
            guard pair.count == 2, pair[0] <= Self.maximumMicroseconds, pair[1] <= UInt64(UInt32.max) else {
                throw DecodingError.dataCorruptedError(forKey: .buckets, in: container,
                                                       debugDescription: "expected [lowMicroseconds, count] pairs")
            }
            let index = Self.bucketIndex(pair[0])
            let (sum, overflow) = counts[index].addingReportingOverflow(UInt32(pair[1]))
            counts[index] = overflow ? .max : sum
        }
        count = try container.decode(Int.self, forKey: .count)
        sumMicroseconds = try container.decode(UInt64.self, forKey: .sum)
        if count > 0 {
            minMicroseconds = try container.decode(UInt64.self, forKey: .min)
            maxMicroseconds = try container.decode(UInt64.self, forKey: .max)
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(count, forKey: .count)
        try container.encode(sumMicroseconds, forKey: .sum)
        if count > 0 {
            try container.encode(minMicroseconds, forKey: .min)
            try container.encode(maxMicroseconds, forKey: .max)
        }
        let buckets = counts.indices.compactMap { index in
            counts[index] == 0 ? nil : [Self.bucketRange(index).low, UInt64(counts[index])]
        }
        try container.encode(buckets, forKey: .buckets)
    }
}
