/// A configuration key path such as `Logging:LogLevel:Default`, compared the way ASP.NET Core
/// compares keys: ordinal, ignoring case. The spelling is kept for display.
public struct ConfigKey: Sendable, Hashable, Comparable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The key as it was written.
    public let spelling: String
    /// The key folded for comparison.
    public let folded: String

    public init(_ spelling: String) {
        self.spelling = spelling
        self.folded = ConfigKey.fold(spelling)
    }

    public init(stringLiteral value: String) { self.init(value) }

    /// A key whose folded form the caller already has (``fold(_:)`` of `spelling`): folding maps
    /// scalar by scalar, so a path's folded form is its segments' folded forms joined by `:`.
    init(spelling: String, folded: String) {
        self.spelling = spelling
        self.folded = folded
    }

    public var description: String { spelling }

    /// The key's segments, split at `:`.
    ///
    /// Split at every `:` code unit, as ASP.NET's `ConfigurationPath` splits and as every byte
    /// scan of a key here does; a split by Character would keep a `:` that a prepended
    /// mark before it (U+0600) joins into one grapheme.
    public var segments: [Substring] { Self.colonSeparated(spelling) }

    /// The first `:` of `text` at or after `start` (a position on a scalar boundary), or
    /// `text.endIndex`: the end of the key segment that starts there. A byte scan of the string's
    /// own storage; the generic search over a slice of the UTF-8 view cost several hundred
    /// instructions a segment, and keys are walked segment by segment for every value.
    public static func segmentEnd(in text: String, from start: String.Index) -> String.Index {
        let utf8 = text.utf8
        let found: Int?? = utf8.withContiguousStorageIfAvailable { bytes in
            var offset = utf8.distance(from: utf8.startIndex, to: start)
            while offset < bytes.count {
                if bytes[offset] == UInt8(ascii: ":") { return offset }
                offset += 1
            }
            return nil
        }
        switch found {
        case .some(.some(let offset)): return utf8.index(utf8.startIndex, offsetBy: offset)
        case .some(.none): return text.endIndex
        case .none: return utf8[start...].firstIndex(of: UInt8(ascii: ":")) ?? text.endIndex
        }
    }

    /// `text` split at every `:`, at most `maxSplits` times. The split is on the code unit, as
    /// ASP.NET splits keys: a `:` after a mark that joins it into one Character (U+0600, a
    /// combining accent) still separates, which a split by Character would miss.
    public static func colonSeparated(_ text: String, maxSplits: Int = .max, omittingEmpty: Bool = false) -> [Substring] {
        text.utf8.split(separator: UInt8(ascii: ":"), maxSplits: maxSplits, omittingEmptySubsequences: omittingEmpty).map { Substring($0) }
    }

    public static func == (lhs: ConfigKey, rhs: ConfigKey) -> Bool { lhs.folded == rhs.folded }
    public func hash(into hasher: inout Hasher) { hasher.combine(folded) }

    /// ASP.NET's child order: segment by segment, integer segments first in numeric order, then
    /// the rest ordinally ignoring case.
    public static func < (lhs: ConfigKey, rhs: ConfigKey) -> Bool {
        // Walks both keys segment by segment in place: sorting calls this O(n log n) times, so
        // it must not allocate.
        let a = lhs.folded, b = rhs.folded
        var i = a.utf8.startIndex
        var j = b.utf8.startIndex
        while true {
            let aEnd = segmentEnd(in: a, from: i)
            let bEnd = segmentEnd(in: b, from: j)
            let x = a[i..<aEnd]
            let y = b[j..<bEnd]
            if !x.utf8.elementsEqual(y.utf8), x != y {
                switch (Int(x), Int(y)) {
                case (let m?, let n?): if m != n { return m < n }
                case (.some, nil): return true
                case (nil, .some): return false
                case (nil, nil): break
                }
                return x.utf8.lexicographicallyPrecedes(y.utf8)
            }
            let aDone = aEnd == a.utf8.endIndex
            let bDone = bEnd == b.utf8.endIndex
            if aDone || bDone { return aDone && !bDone }
            i = a.utf8.index(after: aEnd)
            j = b.utf8.index(after: bEnd)
        }
    }

    /// Folds a key for case-insensitive comparison: each character mapped to its upper case
    /// when that mapping is a single character, like .NET's `OrdinalIgnoreCase`.
    public static func fold(_ text: String) -> String {
        var isASCII = true
        var hasLower = false
        for byte in text.utf8 {
            if byte >= 0x80 {
                isASCII = false
                break
            }
            if byte >= 0x61 && byte <= 0x7A { hasLower = true }
        }
        if isASCII {
            guard hasLower else { return text }
            // Written straight into the new string's storage: no intermediate byte array.
            return String(unsafeUninitializedCapacity: text.utf8.count) { buffer in
                var count = 0
                for byte in text.utf8 {
                    buffer[count] = byte >= 0x61 && byte <= 0x7A ? byte - 0x20 : byte
                    count += 1
                }
                return count
            }
        }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let upper = scalar.properties.uppercaseMapping.unicodeScalars
            if upper.count == 1 { out.append(upper.first!) } else { out.append(scalar) }
        }
        return String(out)
    }
}
