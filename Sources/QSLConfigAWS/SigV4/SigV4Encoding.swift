import QSLConfigCore

/// Percent-encoding and path rules of the SigV4 canonical request.
enum SigV4Encoding {
    /// RFC 3986 unreserved characters, which SigV4 never encodes.
    @inline(__always)
    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "_"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// Encodes every byte outside the unreserved set as `%XX` (upper-case hex).
    static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var out = [UInt8]()
        out.reserveCapacity(bytes.underestimatedCount * 3)
        for byte in bytes {
            if isUnreserved(byte) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0f)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func encode(_ string: String) -> String { encode(string.utf8) }

    /// Encodes each `/`-separated segment of `path`, keeping the slashes.
    static func encodePath(_ path: String) -> String {
        if path.utf8.allSatisfy({ isUnreserved($0) || $0 == UInt8(ascii: "/") }) {
            return path.isEmpty ? "/" : path
        }
        let encoded = path.split(separator: "/", omittingEmptySubsequences: false)
            .map { encode($0.utf8) }
            .joined(separator: "/")
        return encoded.isEmpty ? "/" : encoded
    }

    /// Removes `.` and `..` segments and collapses repeated slashes (RFC 3986 section 5.2.4),
    /// keeping a trailing slash when the input path ends in a directory.
    static func normalizePath(_ path: String) -> String {
        var segments: [Substring] = []
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        for part in parts {
            switch part {
            case ".": continue
            case "..": if !segments.isEmpty { segments.removeLast() }
            default: segments.append(part)
            }
        }
        if segments.isEmpty { return "/" }
        let endsAsDirectory = path.hasSuffix("/") || parts.last == "." || parts.last == ".."
        return "/" + segments.joined(separator: "/") + (endsAsDirectory ? "/" : "")
    }

    /// The canonical query string: each name and value decoded then re-encoded, pairs sorted
    /// by name then value, a missing `=` read as an empty value.
    static func canonicalQuery(_ query: String) -> String {
        if query.isEmpty { return "" }
        var pairs: [(String, String)] = []
        for item in query.split(separator: "&", omittingEmptySubsequences: true) {
            let name: Substring
            let value: Substring
            if let equals = item.firstIndex(of: "=") {
                name = item[..<equals]
                value = item[item.index(after: equals)...]
            } else {
                name = item
                value = ""
            }
            pairs.append((encode(PercentDecoding.bytes(name)), encode(PercentDecoding.bytes(value))))
        }
        pairs.sort { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }
        return pairs.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    /// Trims a header value and collapses each run of whitespace (line folds included) to one space.
    static func canonicalHeaderValue(_ value: String) -> String {
        var out = [UInt8]()
        out.reserveCapacity(value.utf8.count)
        var pendingSpace = false
        for byte in value.utf8 {
            if byte == 0x20 || byte == 0x09 || byte == 0x0a || byte == 0x0d {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(0x20) }
                pendingSpace = false
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
