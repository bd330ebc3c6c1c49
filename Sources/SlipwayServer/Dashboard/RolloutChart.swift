import Foundation
import SlipwayModel

/// A canary's windows drawn by the server as inline SVG (no chart library, no script): error rate
/// and p95 of the canary and of the baseline per step, and each step's verdict written above it.
/// The series differ by line style and label as well as colour; the numbers are also in the table
/// beside the chart.
enum RolloutChart {
    static let width = 640.0
    static let height = 170.0
    private static let left = 56.0, right = 16.0, top = 26.0, bottom = 30.0

    /// Both charts, or nil when no step has figures to draw.
    static func svg(_ steps: [RolloutStepRecord]) -> String? {
        guard steps.contains(where: { $0.canary != nil }) else { return nil }
        let errors = chart(steps, title: "Error rate per window", unit: "%", value: { $0.errorRate * 100 })
        let latency = chart(steps, title: "p95 latency per window", unit: "ms", value: { $0.p95Milliseconds })
        return errors + latency
    }

    private static func chart(_ steps: [RolloutStepRecord], title: String, unit: String,
                              value: (ReleaseFigures) -> Double?) -> String {
        let canary = steps.map { $0.canary.flatMap(value) }
        let baseline = steps.map { $0.baseline.flatMap(value) }
        let highest = (canary + baseline).compactMap { $0 }.max() ?? 0
        let top = highest > 0 ? highest * 1.2 : 1
        let plotWidth = width - left - right, plotHeight = height - self.top - bottom
        func x(_ index: Int) -> Double {
            steps.count == 1 ? left + plotWidth / 2 : left + plotWidth * Double(index) / Double(steps.count - 1)
        }
        func y(_ value: Double) -> Double { self.top + plotHeight * (1 - value / top) }

        var svg = #"<svg class="chart" viewBox="0 0 \#(Int(width)) \#(Int(height))" role="img" aria-label="\#(escaped(title))">"#
        svg += "<title>\(escaped(title))</title>"
        svg += #"<text x="\#(left)" y="14" class="chart-title">\#(escaped(title)) (\#(unit))</text>"#
        // Axes and the top value.
        svg += #"<line x1="\#(left)" y1="\#(self.top)" x2="\#(left)" y2="\#(height - bottom)" stroke="rgb(138,147,157)"/>"#
        svg += #"<line x1="\#(left)" y1="\#(height - bottom)" x2="\#(width - right)" y2="\#(height - bottom)" stroke="rgb(138,147,157)"/>"#
        svg += #"<text x="\#(left - 6)" y="\#(self.top + 4)" text-anchor="end" class="chart-axis">\#(label(top))</text>"#
        svg += #"<text x="\#(left - 6)" y="\#(height - bottom + 4)" text-anchor="end" class="chart-axis">0</text>"#
        for (index, step) in steps.enumerated() {
            svg += #"<text x="\#(x(index))" y="\#(height - 10)" text-anchor="middle" class="chart-axis">\#(step.weight)%</text>"#
            if let verdict = step.verdict {
                let badge = DashboardFormat.badge(verdict.decision)
                svg += #"<text x="\#(x(index))" y="\#(self.top - 4)" text-anchor="middle" class="chart-verdict \#(badge.tone)">"#
                    + "\(badge.icon) \(badge.word)</text>"
            }
        }
        svg += series(baseline, x: x, y: y, stroke: "rgb(92,101,112)", dashed: true, name: "baseline")
        svg += series(canary, x: x, y: y, stroke: "rgb(31,79,209)", dashed: false, name: "canary")
        // The legend says which line is which in words.
        svg += #"<line x1="\#(width - 190)" y1="10" x2="\#(width - 170)" y2="10" stroke="rgb(31,79,209)" stroke-width="2"/>"#
        svg += #"<text x="\#(width - 165)" y="14" class="chart-axis">canary</text>"#
        svg += #"<line x1="\#(width - 110)" y1="10" x2="\#(width - 90)" y2="10" stroke="rgb(92,101,112)" stroke-width="2" stroke-dasharray="5 3"/>"#
        svg += #"<text x="\#(width - 85)" y="14" class="chart-axis">baseline</text>"#
        return svg + "</svg>"
    }

    private static func series(_ values: [Double?], x: (Int) -> Double, y: (Double) -> Double, stroke: String,
                               dashed: Bool, name: String) -> String {
        let points = values.enumerated().compactMap { index, value in value.map { (x(index), y($0), $0) } }
        guard !points.isEmpty else { return "" }
        let dash = dashed ? #" stroke-dasharray="5 3""# : ""
        var svg = #"<polyline fill="none" stroke="\#(stroke)" stroke-width="2"\#(dash) points="\#(points.map { "\(round($0.0)),\(round($0.1))" }.joined(separator: " "))"/>"#
        for point in points {
            svg += #"<circle cx="\#(round(point.0))" cy="\#(round(point.1))" r="3" fill="\#(stroke)"><title>\#(name): \#(label(point.2))</title></circle>"#
        }
        return svg
    }

    private static func round(_ value: Double) -> String { String(format: "%.1f", value) }
    private static func label(_ value: Double) -> String { value >= 10 ? String(format: "%.0f", value) : String(format: "%.2f", value) }

    private static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
