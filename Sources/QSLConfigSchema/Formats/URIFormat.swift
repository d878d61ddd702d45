/// The RFC 3986 grammar: `uri` is an absolute URI (`scheme:` required), `uri-reference` is a
/// URI or a relative reference. ASCII only (non-ASCII belongs to the `iri` formats); every `%`
/// must start a two-digit escape.
enum URIFormat {
    static func isURI(_ text: String) -> Bool {
        let bytes = Array(text.utf8)[...]
        guard let colon = schemeEnd(bytes) else { return false }
        return isReferenceBody(bytes[(colon + 1)...], relative: false)
    }

    static func isURIReference(_ text: String) -> Bool {
        let bytes = Array(text.utf8)[...]
        if let colon = schemeEnd(bytes) {
            return isReferenceBody(bytes[(colon + 1)...], relative: false)
        }
        return isReferenceBody(bytes, relative: true)
    }

    /// Index of the `:` ending a valid scheme at the start, if there is one.
    private static func schemeEnd(_ bytes: ArraySlice<UInt8>) -> Int? {
        guard let first = bytes.first, FormatChecker.isAlpha(first) else { return nil }
        for i in bytes.indices.dropFirst() {
            let c = bytes[i]
            if c == UInt8(ascii: ":") { return i }
            guard FormatChecker.isAlpha(c) || FormatChecker.isDigit(c) || c == UInt8(ascii: "+") || c == UInt8(ascii: "-") || c == UInt8(ascii: ".") else {
                return nil
            }
        }
        return nil
    }

    /// hier-part (or relative-part) `[ "?" query ] [ "#" fragment ]`.
    private static func isReferenceBody(_ bytes: ArraySlice<UInt8>, relative: Bool) -> Bool {
        var rest = bytes
        if let hash = rest.firstIndex(of: UInt8(ascii: "#")) {
            guard isQueryOrFragment(rest[(hash + 1)...]) else { return false }
            rest = rest[..<hash]
        }
        if let question = rest.firstIndex(of: UInt8(ascii: "?")) {
            guard isQueryOrFragment(rest[(question + 1)...]) else { return false }
            rest = rest[..<question]
        }
        if rest.starts(with: [UInt8(ascii: "/"), UInt8(ascii: "/")]) {
            let afterSlashes = rest.dropFirst(2)
            let pathStart = afterSlashes.firstIndex(of: UInt8(ascii: "/")) ?? afterSlashes.endIndex
            return isAuthority(afterSlashes[..<pathStart]) && isPath(afterSlashes[pathStart...])
        }
        if relative {
            // path-noscheme: no ':' in the first segment.
            let firstSegmentEnd = rest.firstIndex(of: UInt8(ascii: "/")) ?? rest.endIndex
            if rest[..<firstSegmentEnd].contains(UInt8(ascii: ":")) { return false }
        }
        return isPath(rest)
    }

    private static func isPath(_ bytes: ArraySlice<UInt8>) -> Bool {
        allValid(bytes) { $0 == UInt8(ascii: "/") || isPchar($0) }
    }

    private static func isQueryOrFragment(_ bytes: ArraySlice<UInt8>) -> Bool {
        allValid(bytes) { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || isPchar($0) }
    }

    /// `[ userinfo "@" ] host [ ":" port ]`.
    private static func isAuthority(_ bytes: ArraySlice<UInt8>) -> Bool {
        var rest = bytes
        if let at = rest.firstIndex(of: UInt8(ascii: "@")) {
            guard allValid(rest[..<at], { isUnreserved($0) || isSubDelimiter($0) || $0 == UInt8(ascii: ":") }) else { return false }
            rest = rest[(at + 1)...]
        }
        if rest.first == UInt8(ascii: "[") {
            guard let close = rest.firstIndex(of: UInt8(ascii: "]")) else { return false }
            let literal = rest[(rest.startIndex + 1)..<close]
            guard IPAddressFormat.isIPv6(literal) || isIPvFuture(literal) else { return false }
            rest = rest[(close + 1)...]
            if rest.isEmpty { return true }
            guard rest.first == UInt8(ascii: ":") else { return false }
            return rest.dropFirst().allSatisfy(FormatChecker.isDigit)
        }
        if let colon = rest.firstIndex(of: UInt8(ascii: ":")) {
            guard rest[(colon + 1)...].allSatisfy(FormatChecker.isDigit) else { return false }
            rest = rest[..<colon]
        }
        return allValid(rest) { isUnreserved($0) || isSubDelimiter($0) }
    }

    private static func isIPvFuture(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard bytes.first == UInt8(ascii: "v") || bytes.first == UInt8(ascii: "V"),
            let dot = bytes.firstIndex(of: UInt8(ascii: "."))
        else { return false }
        let version = bytes[(bytes.startIndex + 1)..<dot]
        let body = bytes[(dot + 1)...]
        return !version.isEmpty && version.allSatisfy(FormatChecker.isHexDigit)
            && !body.isEmpty && body.allSatisfy { isUnreserved($0) || isSubDelimiter($0) || $0 == UInt8(ascii: ":") }
    }

    /// Checks every byte with `isAllowed`, treating `%XX` as one allowed unit.
    private static func allValid(_ bytes: ArraySlice<UInt8>, _ isAllowed: (UInt8) -> Bool) -> Bool {
        var i = bytes.startIndex
        while i < bytes.endIndex {
            if bytes[i] == UInt8(ascii: "%") {
                guard i + 2 < bytes.endIndex,
                    FormatChecker.isHexDigit(bytes[i + 1]), FormatChecker.isHexDigit(bytes[i + 2])
                else { return false }
                i += 3
            } else {
                guard isAllowed(bytes[i]) else { return false }
                i += 1
            }
        }
        return true
    }

    private static func isUnreserved(_ c: UInt8) -> Bool {
        FormatChecker.isAlpha(c) || FormatChecker.isDigit(c) || c == UInt8(ascii: "-") || c == UInt8(ascii: ".")
            || c == UInt8(ascii: "_") || c == UInt8(ascii: "~")
    }

    private static func isSubDelimiter(_ c: UInt8) -> Bool {
        "!$&'()*+,;=".utf8.contains(c)
    }

    private static func isPchar(_ c: UInt8) -> Bool {
        isUnreserved(c) || isSubDelimiter(c) || c == UInt8(ascii: ":") || c == UInt8(ascii: "@")
    }
}
