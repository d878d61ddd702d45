/// Trimming blanks from the ends of text without Foundation's `CharacterSet`, which lives in
/// swift-corelibs-foundation (CoreFoundation and its ICU data) rather than FoundationEssentials.
///
/// The three sets are exactly Foundation's `CharacterSet.whitespaces`,
/// `.whitespacesAndNewlines` and `.newlines`, and trimming works on Unicode scalars as
/// `trimmingCharacters(in:)` does: a combining mark after a leading space stays. (A test compares
/// every scalar against Foundation.)
extension StringProtocol {
    /// The text without leading and trailing whitespace: tab, space and the other space
    /// separators (U+00A0, U+1680, U+2000 to U+200B, U+202F, U+205F, U+3000). What
    /// `trimmingCharacters(in: .whitespaces)` returns.
    package func trimmingWhitespace() -> String {
        trimmingScalars(where: TextTrimming.isWhitespace)
    }

    /// The text without leading and trailing whitespace and line breaks (U+000A to U+000D,
    /// U+0085, U+2028, U+2029). What `trimmingCharacters(in: .whitespacesAndNewlines)` returns.
    package func trimmingWhitespaceAndNewlines() -> String {
        trimmingScalars { TextTrimming.isWhitespace($0) || TextTrimming.isNewline($0) }
    }

    /// The text without leading and trailing line breaks. What
    /// `trimmingCharacters(in: .newlines)` returns.
    package func trimmingNewlines() -> String {
        trimmingScalars(where: TextTrimming.isNewline)
    }

    private func trimmingScalars(where trimmed: (Unicode.Scalar) -> Bool) -> String {
        let scalars = unicodeScalars
        var start = scalars.startIndex
        var end = scalars.endIndex
        while start < end, trimmed(scalars[start]) { start = scalars.index(after: start) }
        while start < end {
            let last = scalars.index(before: end)
            guard trimmed(scalars[last]) else { break }
            end = last
        }
        // Scalar-aligned bounds, cut on the UTF-8 view: the Character view would round them
        // down to a grapheme boundary and keep a space that a combining mark follows.
        return String(decoding: utf8[start..<end], as: UTF8.self)
    }
}

package enum TextTrimming {
    /// `CharacterSet.whitespaces`: Unicode's space separators (Zs), tab and U+200B.
    @inline(__always)
    package static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20, 0x09: true
        case 0..<0xA0: false
        case 0xA0, 0x1680, 0x2000...0x200B, 0x202F, 0x205F, 0x3000: true
        default: false
        }
    }

    /// `CharacterSet.newlines`: U+000A to U+000D, U+0085, U+2028, U+2029.
    @inline(__always)
    package static func isNewline(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A...0x0D, 0x85, 0x2028, 0x2029: true
        default: false
        }
    }
}
