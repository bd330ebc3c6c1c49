/// A `Range: bytes=…` header (RFC 9110 §14.2), one range only. Several ranges are answered with
/// the whole file (200), which the RFC allows and spares a multipart body; a header that does not
/// parse is ignored the same way.
enum ByteRange: Equatable {
    /// Serve these bytes (206).
    case satisfiable(ClosedRange<Int>)
    /// No byte of the file is in the range (416).
    case unsatisfiable
    /// Serve the whole file (200).
    case whole

    static func parse(_ value: Substring, size: Int) -> ByteRange {
        let value = value.trimmingWhitespace()
        guard value.lowercased().hasPrefix("bytes="), !value.contains(",") else { return .whole }
        let spec = value.dropFirst(6).trimmingWhitespace()
        guard let dash = spec.firstIndex(of: "-") else { return .whole }
        let first = spec[..<dash].trimmingWhitespace()
        let last = spec[spec.index(after: dash)...].trimmingWhitespace()
        if first.isEmpty {
            // `-n`: the last n bytes.
            guard let suffix = Int(last), suffix >= 0 else { return .whole }
            guard suffix > 0, size > 0 else { return .unsatisfiable }
            return .satisfiable(max(0, size - suffix)...(size - 1))
        }
        guard let start = Int(first), start >= 0 else { return .whole }
        var end = size - 1
        if !last.isEmpty {
            guard let requested = Int(last), requested >= start else { return .whole }
            end = min(requested, size - 1)
        }
        guard start < size else { return .unsatisfiable }
        return .satisfiable(start...end)
    }
}
