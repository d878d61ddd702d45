/// Dotted-quad IPv4 (RFC 2673 §3.2: four decimal octets, no leading zeros, no shorthand) and
/// IPv6 text forms (RFC 4291 §2.2, optionally ending in a dotted quad; no zone, no brackets).
enum IPAddressFormat {
    static func isIPv4(_ bytes: ArraySlice<UInt8>) -> Bool {
        var parts = 0
        var i = bytes.startIndex
        while true {
            let start = i
            var value = 0
            while i < bytes.endIndex, FormatChecker.isDigit(bytes[i]) {
                value = value * 10 + Int(bytes[i] - 0x30)
                i += 1
                if i - start > 3 { return false }
            }
            let length = i - start
            guard length > 0, value <= 255, !(length > 1 && bytes[start] == UInt8(ascii: "0")) else { return false }
            parts += 1
            if i == bytes.endIndex { return parts == 4 }
            guard bytes[i] == UInt8(ascii: "."), parts < 4 else { return false }
            i += 1
        }
    }

    static func isIPv6(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard !bytes.isEmpty else { return false }
        var groups = 0
        var sawDoubleColon = false
        var i = bytes.startIndex
        if bytes.starts(with: [UInt8(ascii: ":"), UInt8(ascii: ":")]) {
            sawDoubleColon = true
            i += 2
            if i == bytes.endIndex { return true }
        } else if bytes[i] == UInt8(ascii: ":") {
            return false
        }
        while i < bytes.endIndex {
            // A trailing dotted quad stands for two groups.
            let start = i
            while i < bytes.endIndex, FormatChecker.isHexDigit(bytes[i]) { i += 1 }
            if i < bytes.endIndex, bytes[i] == UInt8(ascii: ".") {
                guard isIPv4(bytes[start...]) else { return false }
                groups += 2
                i = bytes.endIndex
                break
            }
            let length = i - start
            guard length >= 1, length <= 4 else { return false }
            groups += 1
            if i == bytes.endIndex { break }
            guard bytes[i] == UInt8(ascii: ":") else { return false }
            i += 1
            if i < bytes.endIndex, bytes[i] == UInt8(ascii: ":") {
                guard !sawDoubleColon else { return false }
                sawDoubleColon = true
                i += 1
                if i == bytes.endIndex { break }
            } else if i == bytes.endIndex {
                return false  // a single trailing colon
            }
        }
        return sawDoubleColon ? groups <= 7 : groups == 8
    }
}
