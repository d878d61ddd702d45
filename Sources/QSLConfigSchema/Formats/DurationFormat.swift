/// The ISO 8601 duration grammar of RFC 3339 appendix A: `P` then date units in the order
/// Y, M, D with no gaps, optionally `T` and time units H, M, S with no gaps; or weeks alone.
/// Whole numbers only (the ABNF has no fractions).
enum DurationFormat {
    static func isDuration(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.first == UInt8(ascii: "P") else { return false }
        var i = 1
        // Reads "<digits><unit>"; returns the unit, or nil if there is none there.
        func component() -> UInt8?? {
            let start = i
            while i < bytes.count, FormatChecker.isDigit(bytes[i]) { i += 1 }
            if i == start { return .none }
            guard i < bytes.count else { return .some(nil) }  // digits without a unit
            let unit = bytes[i]
            i += 1
            return .some(unit)
        }
        var dateUnits: [UInt8] = []
        while i < bytes.count, bytes[i] != UInt8(ascii: "T") {
            guard case .some(let unit?) = component() else { return false }
            dateUnits.append(unit)
        }
        var timeUnits: [UInt8] = []
        var sawT = false
        if i < bytes.count {
            sawT = true
            i += 1
            while i < bytes.count {
                guard case .some(let unit?) = component() else { return false }
                timeUnits.append(unit)
            }
            if timeUnits.isEmpty { return false }
        }
        if dateUnits == [UInt8(ascii: "W")] { return !sawT }
        if dateUnits.isEmpty && !sawT { return false }
        return isRun(dateUnits, of: Array("YMD".utf8)) && isRun(timeUnits, of: Array("HMS".utf8))
    }

    /// Whether `units` is a non-gapped run of `order` (empty is allowed).
    private static func isRun(_ units: [UInt8], of order: [UInt8]) -> Bool {
        guard let first = units.first else { return true }
        guard let start = order.firstIndex(of: first), start + units.count <= order.count else { return false }
        return Array(order[start..<(start + units.count)]) == units
    }
}
