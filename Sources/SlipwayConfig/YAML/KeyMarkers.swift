/// The characters a repeated key's first character is replaced with so that Yams composes its mapping:
/// private-use code points (the BMP's, then planes 15 and 16), each given once and none that the text
/// holds, so a renamed key equals no other key.
struct KeyMarkers {
    private static let ranges: [ClosedRange<UInt32>] = [0xE000...0xF8FF, 0xF0000...0xFFFFD, 0x100000...0x10FFFD]
    private let inText: Set<Unicode.Scalar>
    private var range = 0
    private var next: UInt32

    init(avoiding text: [Unicode.Scalar]) {
        inText = Set(text.filter { $0.properties.generalCategory == .privateUse })
        next = Self.ranges[0].lowerBound
    }

    /// A marker not given before; nil when all 137,468 are used.
    mutating func take() -> Unicode.Scalar? {
        while range < Self.ranges.count {
            guard Self.ranges[range].contains(next) else {
                range += 1
                if range < Self.ranges.count { next = Self.ranges[range].lowerBound }
                continue
            }
            let code = next
            next += 1
            if let marker = Unicode.Scalar(code), !inText.contains(marker) { return marker }
        }
        return nil
    }
}
