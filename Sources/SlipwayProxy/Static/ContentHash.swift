/// The strong `ETag` of a file's bytes: 64-bit FNV-1a as 16 hex digits, quoted. A release's files
/// never change once published, so it is computed once per file when the file is first cached;
/// a cheap non-cryptographic hash suffices (an ETag needs to tell versions apart, not resist an
/// attacker who can already publish files).
enum ContentHash {
    static func etag(of bytes: UnsafeRawBufferPointer) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return "\"" + String(repeating: "0", count: 16 - hex.count) + hex + "\""
    }
}
