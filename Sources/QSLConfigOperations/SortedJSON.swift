import QSLConfigCore

/// Deterministic JSON text for the json and sarif reports: keys sorted, two-space indentation,
/// `"key" : value`, slashes unescaped — the layout `JSONSerialization` prints with
/// `[.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]`, written directly.
///
/// Why not `JSONSerialization`: on Linux it bridges every dictionary and array to `NSDictionary`
/// and `NSArray` and sorts keys with a locale-aware `NSString` comparison, which took an eighth
/// of a whole `validate --format json` run over the platform's 22 services. Reports hold only
/// strings, integers, booleans, arrays and objects with ASCII keys, so a plain writer suffices.
enum ValidationJSON {
    static func text(_ object: Any) -> String {
        var out = ""
        out.reserveCapacity(4096)
        write(object, indent: 0, into: &out)
        out += "\n"
        return out
    }

    static func write(_ value: Any, indent: Int, into out: inout String) {
        switch value {
        case let string as String:
            quote(string, into: &out)
        case let flag as Bool where type(of: value) == Bool.self:
            out += flag ? "true" : "false"
        case let number as Int:
            out += String(number)
        case let array as [Any]:
            out += "[\n"
            if array.isEmpty { out += "\n" }
            for (i, element) in array.enumerated() {
                pad(indent + 1, into: &out)
                write(element, indent: indent + 1, into: &out)
                out += i == array.count - 1 ? "\n" : ",\n"
            }
            pad(indent, into: &out)
            out += "]"
        case let object as [String: Any]:
            out += "{\n"
            if object.isEmpty { out += "\n" }
            let members = object.sorted { keyOrder($0.key, $1.key) }
            for (i, member) in members.enumerated() {
                pad(indent + 1, into: &out)
                quote(member.key, into: &out)
                out += " : "
                write(member.value, indent: indent + 1, into: &out)
                out += i == members.count - 1 ? "\n" : ",\n"
            }
            pad(indent, into: &out)
            out += "}"
        default:
            preconditionFailure("validation reports hold only JSON-compatible values, not \(type(of: value))")
        }
    }

    /// `JSONSerialization`'s `.sortedKeys` order for ASCII keys: ignoring case first, then by
    /// code unit.
    static func keyOrder(_ a: String, _ b: String) -> Bool {
        // ASCII keys (all of them, in practice) compare on their bytes: `lowercased()` maps only
        // `A`-`Z` there, and String order is byte order.
        if a.utf8.allSatisfy({ $0 < 0x80 }), b.utf8.allSatisfy({ $0 < 0x80 }) {
            func lower(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte }
            if !a.utf8.lazy.map(lower).elementsEqual(b.utf8.lazy.map(lower)) {
                return a.utf8.lazy.map(lower).lexicographicallyPrecedes(b.utf8.lazy.map(lower))
            }
            return a.utf8.lexicographicallyPrecedes(b.utf8)
        }
        let (x, y) = (a.lowercased(), b.lowercased())
        return x == y ? a < b : x < y
    }

    static func pad(_ level: Int, into out: inout String) {
        for _ in 0..<level { out += "  " }
    }

    static func quote(_ text: String, into out: inout String) {
        JSONStringEncoding.appendQuoted(text, to: &out)
    }
}
