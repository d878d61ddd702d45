/// The `format` values the validator asserts. Every other format name is an annotation only and
/// always passes, as the specification allows.
enum FormatChecker {
    enum Format: String, Sendable, CaseIterable {
        case dateTime = "date-time"
        case date
        case time
        case duration
        case email
        case hostname
        case ipv4
        case ipv6
        case uri
        case uriReference = "uri-reference"
        case uuid
        case regex

        /// "a valid date-time", for messages.
        var phrase: String {
            switch self {
            case .dateTime: "an RFC 3339 date-time (2025-01-31T08:30:00Z)"
            case .date: "an RFC 3339 full-date (2025-01-31)"
            case .time: "an RFC 3339 full-time with offset (08:30:00Z)"
            case .duration: "an ISO 8601 duration (P1DT12H)"
            case .email: "an email address"
            case .hostname: "a host name"
            case .ipv4: "an IPv4 address"
            case .ipv6: "an IPv6 address"
            case .uri: "an absolute URI"
            case .uriReference: "a URI reference"
            case .uuid: "a UUID"
            case .regex: "an ECMA-262 regular expression"
            }
        }
    }

    /// Whether `text` is valid for `format`.
    static func isValid(_ text: String, as format: Format) -> Bool {
        switch format {
        case .dateTime: DateTimeFormat.isDateTime(text)
        case .date: DateTimeFormat.isDate(text)
        case .time: DateTimeFormat.isTime(text)
        case .duration: DurationFormat.isDuration(text)
        case .email: EmailFormat.isEmail(text)
        case .hostname: HostnameFormat.isHostname(text)
        case .ipv4: IPAddressFormat.isIPv4(Array(text.utf8)[...])
        case .ipv6: IPAddressFormat.isIPv6(Array(text.utf8)[...])
        case .uri: URIFormat.isURI(text)
        case .uriReference: URIFormat.isURIReference(text)
        case .uuid: isUUID(text)
        case .regex: (try? ECMARegexTranslator.translate(text, mode: .strict)) != nil
        }
    }

    /// 8-4-4-4-12 hexadecimal digits (any version and variant, either case).
    static func isUUID(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return false }
        for (i, byte) in bytes.enumerated() {
            if i == 8 || i == 13 || i == 18 || i == 23 {
                guard byte == UInt8(ascii: "-") else { return false }
            } else if !isHexDigit(byte) {
                return false
            }
        }
        return true
    }

    static func isHexDigit(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66)
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    static func isAlpha(_ byte: UInt8) -> Bool { (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) }
}
