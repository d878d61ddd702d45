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
        return out + "\n"
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
            let keys = object.keys.sorted(by: keyOrder)
            for (i, key) in keys.enumerated() {
                pad(indent + 1, into: &out)
                quote(key, into: &out)
                out += " : "
                write(object[key]!, indent: indent + 1, into: &out)
                out += i == keys.count - 1 ? "\n" : ",\n"
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
        let (x, y) = (a.lowercased(), b.lowercased())
        return x == y ? a < b : x < y
    }

    static func pad(_ level: Int, into out: inout String) {
        out += String(repeating: "  ", count: level)
    }

    static func quote(_ text: String, into out: inout String) {
        out += JSONStringEncoding.quoted(text)
    }
}
