/// RFC 5321 `Mailbox` (section 4.1.2): a dot-string or quoted-string local part, `@`, and a
/// domain name or an address literal (`[192.0.2.1]`, `[IPv6:2001:db8::1]`). ASCII only; the
/// internationalised form is the separate `idn-email` format.
enum EmailFormat {
    static func isEmail(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return false }
        var i = 0
        if bytes[0] == UInt8(ascii: "\"") {
            i = 1
            var closed = false
            while i < bytes.count {
                let c = bytes[i]
                if c == UInt8(ascii: "\\") {
                    guard i + 1 < bytes.count, bytes[i + 1] >= 32, bytes[i + 1] <= 126 else { return false }
                    i += 2
                } else if c == UInt8(ascii: "\"") {
                    i += 1
                    closed = true
                    break
                } else if (c >= 32 && c <= 33) || (c >= 35 && c <= 91) || (c >= 93 && c <= 126) {
                    i += 1
                } else {
                    return false
                }
            }
            guard closed else { return false }
        } else {
            var atomLength = 0
            while i < bytes.count, bytes[i] != UInt8(ascii: "@") {
                if bytes[i] == UInt8(ascii: ".") {
                    guard atomLength > 0 else { return false }
                    atomLength = 0
                } else if isAtext(bytes[i]) {
                    atomLength += 1
                } else {
                    return false
                }
                i += 1
            }
            guard atomLength > 0 else { return false }
        }
        guard i < bytes.count, bytes[i] == UInt8(ascii: "@") else { return false }
        let domain = bytes[(i + 1)...]
        guard !domain.isEmpty else { return false }
        if domain.first == UInt8(ascii: "[") {
            guard domain.last == UInt8(ascii: "]"), domain.count > 2 else { return false }
            let literal = domain.dropFirst().dropLast()
            let ipv6Tag = Array("IPv6:".utf8)
            if literal.starts(with: ipv6Tag) {
                return IPAddressFormat.isIPv6(literal.dropFirst(ipv6Tag.count))
            }
            return IPAddressFormat.isIPv4(literal)
        }
        return HostnameFormat.isHostname(String(decoding: domain, as: UTF8.self))
    }

    /// RFC 5322 `atext`.
    private static func isAtext(_ c: UInt8) -> Bool {
        if FormatChecker.isAlpha(c) || FormatChecker.isDigit(c) { return true }
        return "!#$%&'*+-/=?^_`{|}~".utf8.contains(c)
    }
}
