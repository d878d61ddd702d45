/// `%XX` escapes (RFC 3986), decoded for the places that meet them: SigV4's canonical query and
/// path, endpoint paths, and schema `$ref` fragments and file paths.
public enum PercentDecoding {
    /// `text`'s bytes with every `%XX` escape decoded. Leniently, anything else, a malformed
    /// escape included (`%`, `%G1`, a `%` at the end), is kept as it is.
    public static func bytes(_ text: Substring) -> [UInt8] {
        decode(text.utf8, strict: false)!
    }

    /// `text` with its `%XX` escapes decoded, as Foundation's `removingPercentEncoding` gives it:
    /// `nil` when a `%` is not followed by two hex digits or the bytes decoded are not UTF-8.
    /// (Foundation turns a lone continuation byte, `%A9`, into U+FFFD; here it is `nil` as well.)
    public static func strictText(_ text: String) -> String? {
        guard text.utf8.contains(UInt8(ascii: "%")) else { return text }
        return decode(text.utf8, strict: true).flatMap { String(validating: $0, as: UTF8.self) }
    }

    /// `text` with its escapes decoded leniently (``bytes(_:)``), bytes that are not UTF-8
    /// replaced by U+FFFD.
    public static func lenientText(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "%")) else { return text }
        return String(decoding: bytes(text[...]), as: UTF8.self)
    }

    private static func decode(_ utf8: some Collection<UInt8>, strict: Bool) -> [UInt8]? {
        var out = [UInt8]()
        out.reserveCapacity(utf8.count)
        var rest = Array(utf8)[...]
        while let byte = rest.popFirst() {
            if byte == UInt8(ascii: "%"), rest.count >= 2, let high = hexValue(rest[rest.startIndex]), let low = hexValue(rest[rest.startIndex + 1]) {
                out.append(high << 4 | low)
                rest.removeFirst(2)
            } else if byte == UInt8(ascii: "%") && strict {
                return nil
            } else {
                out.append(byte)
            }
        }
        return out
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
