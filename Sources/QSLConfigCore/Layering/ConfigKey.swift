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

    public var description: String { spelling }

    /// The key's segments, split at `:`.
    public var segments: [Substring] { spelling.split(separator: ":", omittingEmptySubsequences: false) }

    public static func == (lhs: ConfigKey, rhs: ConfigKey) -> Bool { lhs.folded == rhs.folded }
    public func hash(into hasher: inout Hasher) { hasher.combine(folded) }

    /// ASP.NET's child order: segment by segment, integer segments first in numeric order, then
    /// the rest ordinally ignoring case.
    public static func < (lhs: ConfigKey, rhs: ConfigKey) -> Bool {
        let a = lhs.folded.split(separator: ":", omittingEmptySubsequences: false)
        let b = rhs.folded.split(separator: ":", omittingEmptySubsequences: false)
        for (x, y) in zip(a, b) where x != y {
            switch (Int(x), Int(y)) {
            case (let i?, let j?): if i != j { return i < j }
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): break
            }
            return x.utf8.lexicographicallyPrecedes(y.utf8)
        }
        return a.count < b.count
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
            return String(decoding: text.utf8.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }, as: UTF8.self)
        }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let upper = scalar.properties.uppercaseMapping.unicodeScalars
            if upper.count == 1 { out.append(upper.first!) } else { out.append(scalar) }
        }
        return String(out)
    }
}
