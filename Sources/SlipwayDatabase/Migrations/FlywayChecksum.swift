import Foundation

/// The checksum Flyway stores for a SQL migration, so a history written by Flyway validates here and back.
///
/// As Flyway's `ChecksumCalculator`: the file is decoded as UTF-8 and read line by line
/// (`BufferedReader.readLine`, which ends a line at `\n`, `\r\n` or `\r` and drops the ending), a
/// byte-order mark is dropped from the first line, and one CRC32 is updated with each line's UTF-8 bytes.
/// The unsigned CRC is then cast to a signed 32-bit integer (Java's `(int) crc32.getValue()`).
package enum FlywayChecksum {
    package static func checksum(of data: Data) -> Int32 {
        var text = String(decoding: data, as: UTF8.self)
        if text.unicodeScalars.first == "\u{FEFF}" { text.unicodeScalars.removeFirst() }
        var crc = CRC32()
        // Feeding every line without its ending is feeding the text without its CR and LF bytes.
        var line: [UInt8] = []
        line.reserveCapacity(256)
        for byte in text.utf8 {
            if byte == 0x0A || byte == 0x0D {
                crc.update(line)
                line.removeAll(keepingCapacity: true)
            } else {
                line.append(byte)
            }
        }
        crc.update(line)
        return Int32(bitPattern: crc.value)
    }

    package static func checksum(of text: String) -> Int32 {
        checksum(of: Data(text.utf8))
    }
}

/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as `java.util.zip.CRC32` and zlib compute it.
struct CRC32 {
    private static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    private var state: UInt32 = 0xFFFF_FFFF

    mutating func update(_ bytes: some Sequence<UInt8>) {
        for byte in bytes {
            state = Self.table[Int((state ^ UInt32(byte)) & 0xFF)] ^ (state >> 8)
        }
    }

    var value: UInt32 { state ^ 0xFFFF_FFFF }
}
