import Foundation
import SlipwayModel

/// Human output: progress lines, tables, durations. `--json` output goes through `printJSON`.
enum Terminal {
    static func printJSON<T: Encodable>(_ value: T) throws {
        let data = try APICoding.encoder(pretty: true).encode(value)
        print(String(decoding: data, as: UTF8.self))
    }

    /// Messages carry what users wrote (refs, names, the daemon's words about them): shown, not obeyed.
    static func error(_ text: String) {
        FileHandle.standardError.write(Data(("error: " + TerminalText.lines(text) + "\n").utf8))
    }

    static func seconds(_ value: Double?) -> String {
        guard let value else { return "-" }
        return value < 10 ? String(format: "%.2fs", value) : String(format: "%.1fs", value)
    }

    static func time(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: date)
    }

    /// Left-aligned columns separated by two spaces; each cell on one line, its control characters shown
    /// (`TerminalText.line`), so no cell can start a row of its own.
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        let all = [header] + rows.map { $0.map(TerminalText.line) }
        let widths = header.indices.map { column in all.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    static func stageSymbol(_ outcome: StageRecord.Outcome) -> String {
        switch outcome {
        case .running: "▸"
        case .succeeded: "✔"
        case .failed: "✘"
        case .skipped: "–"
        case .cancelled: "⊘"
        }
    }
}
