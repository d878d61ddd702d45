/// A URI reference split into its five RFC 3986 components, with the standard's reference
/// resolution (section 5.2). Schema identifiers (`$id`, `$ref`, `$schema`) are resolved with it;
/// it does not validate (the `uri` format does that).
struct URIReference: Sendable, Hashable, CustomStringConvertible {
    var scheme: String?
    var authority: String?
    var path: String
    var query: String?
    var fragment: String?

    /// Splits `text` the way RFC 3986 appendix B does; never fails.
    init(_ text: String) {
        // Work on UTF-8 code units: every delimiter is ASCII, and character-by-character
        // String indexing is needlessly slow for identifiers compiled by the thousand.
        let utf8 = text.utf8
        var end = utf8.endIndex
        fragment = nil
        query = nil
        scheme = nil
        authority = nil
        if let hash = utf8.firstIndex(of: UInt8(ascii: "#")) {
            fragment = String(text[utf8.index(after: hash)...])
            end = hash
        }
        if let question = utf8[..<end].firstIndex(of: UInt8(ascii: "?")) {
            query = String(text[utf8.index(after: question)..<end])
            end = question
        }
        var start = utf8.startIndex
        if let colon = utf8[..<end].firstIndex(where: { $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "/") }),
            utf8[colon] == UInt8(ascii: ":"), colon != start
        {
            scheme = text[start..<colon].lowercased()
            start = utf8.index(after: colon)
        }
        let rest = utf8[start..<end]
        if rest.starts(with: [UInt8(ascii: "/"), UInt8(ascii: "/")]) {
            let authorityStart = utf8.index(start, offsetBy: 2)
            let authorityEnd = utf8[authorityStart..<end].firstIndex(of: UInt8(ascii: "/")) ?? end
            authority = String(text[authorityStart..<authorityEnd])
            start = authorityEnd
        }
        path = String(text[start..<end])
    }

    init(scheme: String?, authority: String?, path: String, query: String?, fragment: String?) {
        self.scheme = scheme
        self.authority = authority
        self.path = path
        self.query = query
        self.fragment = fragment
    }

    var description: String {
        var out = ""
        if let scheme { out += scheme + ":" }
        if let authority { out += "//" + authority }
        out += path
        if let query { out += "?" + query }
        if let fragment { out += "#" + fragment }
        return out
    }

    /// The reference without its fragment, as text.
    var withoutFragment: String {
        var copy = self
        copy.fragment = nil
        return copy.description
    }

    var isAbsolute: Bool { scheme != nil }

    /// RFC 3986 section 5.2.2: this reference resolved against `base`.
    func resolved(against base: URIReference) -> URIReference {
        if scheme != nil {
            return URIReference(scheme: scheme, authority: authority, path: Self.removeDotSegments(path), query: query, fragment: fragment)
        }
        if authority != nil {
            return URIReference(scheme: base.scheme, authority: authority, path: Self.removeDotSegments(path), query: query, fragment: fragment)
        }
        if path.isEmpty {
            return URIReference(scheme: base.scheme, authority: base.authority, path: base.path, query: query ?? base.query, fragment: fragment)
        }
        let merged: String
        if path.hasPrefix("/") {
            merged = path
        } else if base.authority != nil && base.path.isEmpty {
            merged = "/" + path
        } else if let slash = base.path.utf8.lastIndex(of: UInt8(ascii: "/")) {
            // Among the code units, as the reference was split: a `/` is a delimiter even
            // where a combining mark after it makes one Character of the two.
            merged = base.path[..<base.path.utf8.index(after: slash)] + path
        } else {
            merged = path
        }
        return URIReference(scheme: base.scheme, authority: base.authority, path: Self.removeDotSegments(merged), query: query, fragment: fragment)
    }

    /// RFC 3986 section 5.2.4, on UTF-8 code units (every character it looks at is ASCII).
    static func removeDotSegments(_ path: String) -> String {
        guard path.utf8.contains(UInt8(ascii: ".")) else { return path }
        let slash = UInt8(ascii: "/")
        let dot = UInt8(ascii: ".")
        let input = Array(path.utf8)
        var i = 0
        var output: [UInt8] = []
        output.reserveCapacity(input.count)
        /// The code unit `k` places ahead, or 0 past the end (0 never occurs in a path we split).
        func at(_ k: Int) -> UInt8 { i + k < input.count ? input[i + k] : 0 }
        /// Drops the last segment of the output and its leading "/" (2.C and 2.D's "..").
        func dropLastSegment() {
            while let last = output.popLast(), last != slash {}
        }
        while i < input.count {
            let rest = input.count - i
            if at(0) == dot, at(1) == dot, at(2) == slash {  // "../"
                i += 3
            } else if at(0) == dot, at(1) == slash {  // "./"
                i += 2
            } else if at(0) == slash, at(1) == dot, at(2) == slash {  // "/./" → "/"
                i += 2
            } else if rest == 2, at(0) == slash, at(1) == dot {  // "/." at the end → "/"
                i += 1
                output.append(slash)
                i += 1
            } else if at(0) == slash, at(1) == dot, at(2) == dot, at(3) == slash {  // "/../" → "/"
                i += 3
                dropLastSegment()
            } else if rest == 3, at(0) == slash, at(1) == dot, at(2) == dot {  // "/.." at the end → "/"
                i += 3
                dropLastSegment()
                output.append(slash)
            } else if (rest == 1 && at(0) == dot) || (rest == 2 && at(0) == dot && at(1) == dot) {
                i = input.count
            } else {
                // Move the first segment (with its leading "/", if any) to the output.
                output.append(input[i])
                i += 1
                while i < input.count, input[i] != slash {
                    output.append(input[i])
                    i += 1
                }
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Resolves `reference` against `base` (both as text).
    static func resolve(_ reference: String, against base: String) -> URIReference {
        URIReference(reference).resolved(against: URIReference(base))
    }
}
