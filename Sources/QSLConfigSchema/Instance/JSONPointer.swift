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
    /// pointer gives no tokens).
    static func tokens(_ pointer: String) -> [String]? {
        if pointer.isEmpty { return [] }
        guard pointer.hasPrefix("/") else { return nil }
        return pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map { part in
            guard part.contains("~") else { return String(part) }
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
