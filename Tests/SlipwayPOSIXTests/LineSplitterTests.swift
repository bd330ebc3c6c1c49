import SlipwayPOSIX
import Testing

@Suite("Splitting bytes into lines")
struct LineSplitterTests {
    @Test func crlfAndLfBothEndALineAndEmptyLinesAreKept() {
        var splitter = LineSplitter()
        #expect(splitter.append(Array("a\r\nb\n\nc\r\n".utf8)) == ["a", "b", "", "c"])
        #expect(splitter.finish() == nil)
    }

    @Test func aLastLineWithoutANewlineComesFromFinish() {
        var splitter = LineSplitter()
        #expect(splitter.append(Array("one\ntwo\r".utf8)) == ["one"])
        #expect(splitter.finish() == "two")
        #expect(splitter.finish() == nil)
    }

    @Test func aLineSplitAcrossChunksIsReassembled() {
        var splitter = LineSplitter()
        var lines: [String] = []
        // Cut inside a line, between \r and \n, and inside the two bytes of "é".
        for chunk in [Array("{\"str".utf8), Array("eam\":\"a\"}\r".utf8), Array("\ncaf".utf8), [0xC3], [0xA9, 0x0A]] {
            lines += splitter.append(chunk)
        }
        #expect(lines == [#"{"stream":"a"}"#, "café"])
    }

    @Test func aLongLineComesInPiecesCutBetweenCharacters() {
        var splitter = LineSplitter(maximumLineBytes: 8)
        // Ten bytes: a cut after eight would split the second "é".
        let lines = splitter.append(Array("abcdeé\u{E9}z\n".utf8))
        #expect(lines == ["abcdeé", "éz"])
        #expect(lines.allSatisfy { !$0.contains("\u{FFFD}") })
    }

    @Test func aLineOfExactlyTheMaximumIsOneLine() {
        var splitter = LineSplitter(maximumLineBytes: 4)
        #expect(splitter.append(Array("abcd\nefghij\n".utf8)) == ["abcd", "efgh", "ij"])
        #expect(splitter.finish() == nil)
    }
}
