import Foundation
import SlipwayTestSupport

/// Until the `sleep` process `pid` is gone or is some other process now (a zombie counts as gone:
/// it was killed).
func waitUntilSleepIsGone(_ pid: Int32) async throws {
    try await waitUntil("pid \(pid) to stop running", timeout: .seconds(10)) {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
        return !stat.contains("(sleep)") || stat.contains(") Z ")
    }
}
