/// JSON Pointer (RFC 6901) helpers: schema locations and instance locations are reported as
/// pointers, and `$ref` fragments are pointers.
enum JSONPointer {
    /// Escapes one reference token (`~` → `~0`, `/` → `~1`).
    static func escape(_ token: String) -> String {
        guard token.utf8.contains(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }) else { return token }
        var out = ""
        for character in token.unicodeScalars {
            switch character {
            case "~": out += "~0"
            case "/": out += "~1"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// Splits a pointer into unescaped tokens; `nil` when it does not start with `/` (the empty
    /// pointer gives no tokens). Works on UTF-8 code units: `/` and `~` are ASCII, and the
    /// pointers of schema locations and annotations are split by the thousand.
    static func tokens(_ pointer: String) -> [String]? {
        if pointer.isEmpty { return [] }
        let utf8 = pointer.utf8
        guard utf8.first == UInt8(ascii: "/") else { return nil }
        var tokens: [String] = []
        var start = utf8.index(after: utf8.startIndex)
        var hasTilde = false
        var i = start
        while true {
            if i == utf8.endIndex || utf8[i] == UInt8(ascii: "/") {
                let part = Substring(utf8[start..<i])
                tokens.append(hasTilde ? unescape(part) : String(part))
                if i == utf8.endIndex { break }
                start = utf8.index(after: i)
                hasTilde = false
            } else if utf8[i] == UInt8(ascii: "~") {
                hasTilde = true
            }
            i = utf8.index(after: i)
        }
        return tokens
    }

    /// One token with `~1` → `/` and `~0` → `~` (any other `~` kept as written).
    private static func unescape(_ part: Substring) -> String {
        var out = ""
        var tilde = false
        for scalar in part.unicodeScalars {
            if tilde {
                out += scalar == "1" ? "/" : scalar == "0" ? "~" : "~" + String(scalar)
                tilde = false
            } else if scalar == "~" {
                tilde = true
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        if tilde { out += "~" }
        return out
    }

    /// An array index token: digits only, no leading zero.
    static func arrayIndex(_ token: String) -> Int? {
        guard !token.isEmpty, token.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        if token.utf8.count > 1, token.utf8.first == 0x30 { return nil }
        return Int(token)
    }

    static func appending(_ pointer: String, _ token: String) -> String {
        pointer + "/" + escape(token)
    }
}
