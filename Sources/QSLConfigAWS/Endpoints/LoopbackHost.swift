#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Host-name checks for endpoints that may use plain HTTP.
enum LoopbackHost {
    /// `localhost`, any address in 127.0.0.0/8, or `::1`.
    static func isLoopback(_ rawHost: String) -> Bool {
        let host = rawHost.trimmingBrackets.lowercased()
        if host == "localhost" { return true }
        if let v4 = ipv4(host) { return v4.0 == 127 }
        if let v6 = ipv6(host) { return v6 == [UInt8](repeating: 0, count: 15) + [1] }
        return false
    }

    /// The four octets of a dotted-quad IPv4 address.
    static func ipv4(_ host: String) -> (UInt8, UInt8, UInt8, UInt8)? {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        let octets = parts.compactMap { part -> UInt8? in
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCIIDigit) else { return nil }
            return UInt8(part)
        }
        guard octets.count == 4 else { return nil }
        return (octets[0], octets[1], octets[2], octets[3])
    }

    /// The 16 bytes of an IPv6 address, parsed by the C library.
    static func ipv6(_ host: String) -> [UInt8]? {
        var address = in6_addr()
        let parsed = host.trimmingBrackets.withCString { inet_pton(AF_INET6, $0, &address) }
        guard parsed == 1 else { return nil }
        return withUnsafeBytes(of: &address) { Array($0) }
    }
}

extension String {
    var trimmingBrackets: String {
        hasPrefix("[") && hasSuffix("]") ? String(dropFirst().dropLast()) : self
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
