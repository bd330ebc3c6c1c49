import SlipwayPOSIX
import Testing

@Suite("Blocking work off the cooperative pool")
struct BlockingIOTests {
    struct Refused: Error, Equatable {}

    @Test func returnsTheResultAndThrowsWhatTheWorkThrows() async {
        #expect(await BlockingIO.run { 6 * 7 } == 42)
        await #expect(throws: Refused()) { try await BlockingIO.run { () throws(Refused) -> Int in throw Refused() } }
    }
}
