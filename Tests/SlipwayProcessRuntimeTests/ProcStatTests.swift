import Testing
import SlipwayPOSIX
@testable import SlipwayProcessRuntime

@Suite("/proc/PID/stat")
struct ProcStatTests {
    @Test func parsesFieldsAfterACommandNameWithSpacesAndParentheses() {
        let line = "4242 (my (odd) app) S 1 4242 4242 0 -1 4194560 123 0 0 0 5 6 0 0 20 0 1 0 987654 123456 789 "
            + "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n"
        #expect(ProcStat.parse(line) == ProcStat(state: "S", parent: 1, processGroup: 4242, session: 4242, startTime: 987654))
    }

    @Test func aZombieIsNotAlive() {
        let line = "7 (sh) Z 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 55 0 0 0\n"
        #expect(ProcStat.parse(line)?.isExited == true)
    }

    @Test func rejectsATruncatedLine() {
        #expect(ProcStat.parse("1 (init) S 0 1") == nil)
        #expect(ProcStat.parse("garbage") == nil)
    }

    @Test func waitStatusDecodesExitsAndSignals() {
        #expect(WaitStatus(raw: 3 << 8).exitStatus == 3)
        #expect(WaitStatus(raw: 3 << 8).terminatingSignal == nil)
        #expect(WaitStatus(raw: 9).terminatingSignal == 9)
        #expect(WaitStatus(raw: 9).exitStatus == nil)
        #expect(WaitStatus(raw: 0x80 | 11).terminatingSignal == 11) // core dumped
    }
}
