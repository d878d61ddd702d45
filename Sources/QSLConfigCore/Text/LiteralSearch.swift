/// Finding and replacing text byte for byte (UTF-8), without Foundation's `NSString` search.
///
/// Unlike `String`'s own `firstRange(of:)` and `replacing(_:with:)`, which compare whole
/// `Character`s, these find `"\r"` inside a `"\r\n"` and a secret that begins with a combining
/// mark, as Foundation's `range(of:)` and `replacingOccurrences(of:with:)` did. An empty `text`
/// is never found.
extension StringProtocol {
    /// Where `text` first occurs.
    package func firstRange(ofLiteral text: some StringProtocol) -> Range<String.Index>? {
        let needle = Array(text.utf8)
        guard let lead = needle.first else { return nil }
        var from = utf8.startIndex
        while let start = utf8[from...].firstIndex(of: lead) {
            if utf8[start...].starts(with: needle) { return start..<utf8.index(start, offsetBy: needle.count) }
            from = utf8.index(after: start)
        }
        return nil
    }

    /// Where `text` last occurs.
    package func lastRange(ofLiteral text: some StringProtocol) -> Range<String.Index>? {
        let needle = Array(text.utf8)
        guard let lead = needle.first else { return nil }
        var last: Range<String.Index>?
        var from = utf8.startIndex
        while let start = utf8[from...].firstIndex(of: lead) {
            if utf8[start...].starts(with: needle) { last = start..<utf8.index(start, offsetBy: needle.count) }
            from = utf8.index(after: start)
        }
        return last
    }

    /// The text with every occurrence of `text`, from the left and not overlapping, replaced by
    /// `replacement`.
    package func replacingEvery(_ text: some StringProtocol, with replacement: some StringProtocol) -> String {
        guard let first = firstRange(ofLiteral: text) else { return String(decoding: utf8, as: UTF8.self) }
        let needle = Array(text.utf8)
        let substitute = Array(replacement.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count)
        out.append(contentsOf: utf8[utf8.startIndex..<first.lowerBound])
        out.append(contentsOf: substitute)
        var rest = utf8[first.upperBound...]
        while let start = rest.firstIndex(of: needle[0]) {
            if rest[start...].starts(with: needle) {
                out.append(contentsOf: rest[rest.startIndex..<start])
                out.append(contentsOf: substitute)
                rest = rest[utf8.index(start, offsetBy: needle.count)...]
            } else {
                let next = utf8.index(after: start)
                out.append(contentsOf: rest[rest.startIndex..<next])
                rest = rest[next...]
            }
        }
        out.append(contentsOf: rest)
        return String(decoding: out, as: UTF8.self)
    }
}
