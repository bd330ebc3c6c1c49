import Foundation
import SlipwayModel

/// The Mann-Whitney U test, one-sided: is the first sample stochastically greater than the second
/// (are the canary's latencies greater than the baseline's)? Computed as scipy's
/// `mannwhitneyu(x, y, alternative="greater")` computes it, and checked against it
/// (`Tests/SlipwayCoreTests/Fixtures/mannwhitney.json`, made by `scripts/fixtures/mannwhitney_fixtures.py`):
///
/// - U is U₁, x's statistic: its rank sum (ties take their average rank) minus n₁(n₁+1)/2.
/// - `.automatic` picks as scipy's `method="auto"`: the exact distribution when a sample has at
///   most 8 values and there are no ties, else the normal approximation.
/// - The exact p is P(U ≥ U₁) under the null hypothesis, from the distribution's counts (the
///   coefficients of the Gaussian binomial [n₁+n₂ choose n₁]).
/// - The normal approximation subtracts ½ for continuity and shrinks the variance for ties:
///   σ² = n₁n₂/12 · ((n+1) − Σ(t³−t) / (n(n−1))); all values tied gives p = 1.
///
/// Samples come either as values or as bins (a value and how many times it occurs, e.g. the
/// buckets of a `LatencyHistogram`): a bin of count c is c tied values.
package enum MannWhitney {
    package enum Method: Sendable, Equatable {
        case automatic, exact, asymptotic
    }

    package struct Result: Sendable, Equatable {
        package var u: Double
        package var p: Double
        package var n1: Int
        package var n2: Int
        package var method: MannWhitneyFigures.Method

        /// The common-language effect size U / (n₁·n₂): the probability that a value of the first
        /// sample is greater than one of the second, ties counting half.
        package var effectSize: Double { u / (Double(n1) * Double(n2)) }

        /// The rank-biserial correlation 2·U/(n₁n₂) − 1, in [−1, 1].
        package var rankBiserial: Double { 2 * effectSize - 1 }

        package var figures: MannWhitneyFigures {
            MannWhitneyFigures(u: u, p: p, effectSize: effectSize, method: method)
        }
    }

    /// x greater than y, from raw values. Nil when a sample is empty or holds a NaN.
    package static func greater(_ x: [Double], _ y: [Double], method: Method = .automatic) -> Result? {
        greater(binned: bins(of: x), bins(of: y), method: method)
    }

    /// x greater than y, from bins sorted by value (each value once per sample, count > 0).
    package static func greater(binned x: [LatencyHistogram.Bin], _ y: [LatencyHistogram.Bin],
                                method: Method = .automatic) -> Result? {
        let n1 = x.reduce(0) { $0 + $1.count }
        let n2 = y.reduce(0) { $0 + $1.count }
        guard n1 > 0, n2 > 0 else { return nil }
        guard !(x + y).contains(where: { $0.value.isNaN || $0.count < 0 }) else { return nil }

        // Walk both samples' distinct values in ascending order: each value's group of tied values
        // takes the ranks below + 1 ... below + t, on average below + (t + 1) / 2.
        var rankSumX = 0.0
        var tieTerm = 0.0
        var hasTies = false
        var below = 0.0
        var i = 0, j = 0
        while i < x.count || j < y.count {
            let value = min(i < x.count ? x[i].value : .infinity, j < y.count ? y[j].value : .infinity)
            var inX = 0.0, inY = 0.0
            while i < x.count && x[i].value == value { inX += Double(x[i].count); i += 1 }
            while j < y.count && y[j].value == value { inY += Double(y[j].count); j += 1 }
            let t = inX + inY
            rankSumX += inX * (below + (t + 1) / 2)
            if t > 1 {
                hasTies = true
                tieTerm += t * t * t - t
            }
            below += t
        }
        let u = rankSumX - Double(n1) * (Double(n1) + 1) / 2

        let chosen: MannWhitneyFigures.Method
        switch method {
        case .exact: chosen = .exact
        case .asymptotic: chosen = .asymptotic
        case .automatic: chosen = (n1 > 8 && n2 > 8) || hasTies ? .asymptotic : .exact
        }
        let p: Double
        switch chosen {
        case .exact: p = exactSurvival(u: Int(u.rounded(.down)), n1: n1, n2: n2)
        case .asymptotic: p = normalSurvival(u: u, n1: n1, n2: n2, tieTerm: tieTerm)
        }
        return Result(u: u, p: min(max(p, 0), 1), n1: n1, n2: n2, method: chosen)
    }

    /// Sorted values grouped into bins of equal values.
    static func bins(of values: [Double]) -> [LatencyHistogram.Bin] {
        var result: [LatencyHistogram.Bin] = []
        for value in values.sorted() {
            if let last = result.last, last.value == value {
                result[result.count - 1].count += 1
            } else {
                result.append(LatencyHistogram.Bin(value: value, count: 1))
            }
        }
        return result
    }

    /// P(U ≥ u) from the normal approximation, as scipy's `_get_mwu_z` and `ndtr(-z)`.
    static func normalSurvival(u: Double, n1: Int, n2: Int, tieTerm: Double) -> Double {
        let m = Double(n1), k = Double(n2), n = m + k
        let variance = m * k / 12 * ((n + 1) - tieTerm / (n * (n - 1)))
        let z = (u - m * k / 2 - 0.5) / variance.squareRoot()
        // Φ(−z) = erfc(z/√2)/2; z is −∞ when every value is tied (σ = 0): p = 1.
        return erfc(z / 2.0.squareRoot()) / 2
    }

    /// P(U ≥ u) under the null hypothesis, exactly (no ties). Summed from the nearer tail, as scipy
    /// does, since the distribution is symmetric about n₁n₂/2.
    static func exactSurvival(u: Int, n1: Int, n2: Int) -> Double {
        let top = n1 * n2
        if u <= 0 { return 1 }
        if u > top { return 0 }
        let frequencies = exactFrequencies(n1: n1, n2: n2, upTo: min(u, top - u))
        let total = frequencies.total
        if u <= top - u {
            // P(U ≥ u) = 1 − P(U ≤ u − 1)
            return 1 - frequencies.counts[0..<u].reduce(0, +) / total
        }
        // P(U ≥ u) = P(U ≤ n₁n₂ − u)
        return frequencies.counts.reduce(0, +) / total
    }

    /// How many of the C(n₁+n₂, n₁) orderings of the two samples give U = 0 ... `upTo`: the
    /// coefficients of the Gaussian binomial ∏ᵢ₌₁..ₘ (1 − q^(n+i)) / (1 − q^i), m the smaller
    /// sample. Each step leaves the Gaussian binomial [n+i choose i], whose coefficients are
    /// counts; doubles, since C(n₁+n₂, n₁) outgrows 64 bits for a large second sample.
    static func exactFrequencies(n1: Int, n2: Int, upTo limit: Int) -> (counts: [Double], total: Double) {
        let m = min(n1, n2), n = max(n1, n2)
        var counts = [Double](repeating: 0, count: limit + 1)
        counts[0] = 1
        var total = 1.0
        for i in 1...m {
            // × (1 − q^(n+i)): from the top down, so each term subtracts an unchanged one.
            let shift = n + i
            if shift <= limit {
                for degree in stride(from: limit, through: shift, by: -1) { counts[degree] -= counts[degree - shift] }
            }
            // ÷ (1 − q^i), i.e. × (1 + q^i + q^2i + …): a running sum from the bottom up.
            if i <= limit {
                for degree in i...limit { counts[degree] += counts[degree - i] }
            }
            total = total * Double(n + i) / Double(i)
        }
        return (counts, total.rounded())
    }
}
