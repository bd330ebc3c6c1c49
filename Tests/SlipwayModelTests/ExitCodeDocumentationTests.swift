import Foundation
import SlipwayModel
import Testing

/// The README's table of exit codes and `slipway --help` (which prints `ExitStatus.meaning`) say
/// the same words: a newcomer reading both must not find two meanings of exit 6.
@Suite struct ExitCodeDocumentationTests {
    @Test func theREADMEsTableIsTheMeaningOfEveryCode() throws {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        var rows: [Int32: String] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("| ") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            if cells.count == 2, let code = Int32(cells[0]) { rows[code] = cells[1] }
        }
        for status in ExitStatus.allCases {
            #expect(rows[status.rawValue] == status.meaning, "README row for exit \(status.rawValue)")
        }
        #expect(rows.count == ExitStatus.allCases.count)
    }
}
