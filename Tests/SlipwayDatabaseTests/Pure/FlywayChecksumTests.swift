import Foundation
import Testing
@testable import SlipwayDatabase

/// Checksums must equal the ones Flyway stores, so a history Flyway wrote validates here.
///
/// The expected values were computed independently of this code, with Python implementing Flyway's
/// `ChecksumCalculator.calculateChecksumForResource` (flyway-core, org.flywaydb.core.internal.resolver):
///
///     import re, zlib
///     def flyway_checksum(data: bytes) -> int:
///         lines = re.split(r"\r\n|\r|\n", data.decode("utf-8"))   # BufferedReader.readLine
///         if lines and lines[-1] == "": lines.pop()
///         if lines and lines[0].startswith("\ufeff"): lines[0] = lines[0][1:]   # BomFilter
///         crc = 0
///         for line in lines: crc = zlib.crc32(line.encode("utf-8"), crc)   # crc32.update(line bytes)
///         return crc - (1 << 32) if crc >= (1 << 31) else crc              # (int) crc32.getValue()
@Suite struct FlywayChecksumTests {
    static let createPerson = "CREATE TABLE person (\n    id INT PRIMARY KEY,\n    name VARCHAR(100) NOT NULL\n);\n"

    @Test(arguments: [
        (createPerson, Int32(2_077_709_195)),
        ("INSERT INTO greeting (text) VALUES ('h\u{E9}llo w\u{F6}rld \u{2713}');\n", 1_998_474_362),
        ("SELECT 1;", 78_787_420),
        ("ALTER TABLE employee ADD COLUMN timezone TEXT NOT NULL DEFAULT 'UTC';\n", -836_853_443),
        ("", 0),
    ])
    func matchesFlyway(_ text: String, _ expected: Int32) {
        #expect(FlywayChecksum.checksum(of: Data(text.utf8)) == expected)
    }

    @Test func lineEndingsDoNotCount() {
        let crlf = Self.createPerson.replacingOccurrences(of: "\n", with: "\r\n")
        let cr = Self.createPerson.replacingOccurrences(of: "\n", with: "\r")
        #expect(FlywayChecksum.checksum(of: crlf) == 2_077_709_195)
        #expect(FlywayChecksum.checksum(of: cr) == 2_077_709_195)
    }

    @Test func leadingByteOrderMarkIsDropped() {
        var data = Data([0xEF, 0xBB, 0xBF])
        data.append(Data(Self.createPerson.utf8))
        #expect(FlywayChecksum.checksum(of: data) == 2_077_709_195)
    }

    @Test func blankLinesAreInvisibleAsInFlyway() {
        #expect(FlywayChecksum.checksum(of: "\n\nSELECT 1;\n\n\n") == 78_787_420)
    }

    @Test func anyOtherEditChangesIt() {
        #expect(FlywayChecksum.checksum(of: "SELECT 1; ") != 78_787_420)
        #expect(FlywayChecksum.checksum(of: "select 1;") != 78_787_420)
    }
}
