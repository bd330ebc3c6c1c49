import Yams

/// A line and column in the file, both from 1, columns counted in Unicode scalars as libyaml counts them.
struct SourcePosition: Hashable, Sendable {
    let line: Int
    let column: Int

    init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    init(_ mark: Mark) {
        self.init(line: mark.line, column: mark.column)
    }

    init?(_ mark: Mark?) {
        guard let mark else { return nil }
        self.init(mark)
    }

    static let start = SourcePosition(line: 1, column: 1)
}
