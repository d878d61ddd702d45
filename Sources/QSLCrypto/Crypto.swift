import CLibCrypto

/// Thin, allocation-conscious wrappers over the system OpenSSL `libcrypto`.
///
/// Everything here goes through the EVP interfaces, so an operator who enables OpenSSL's FIPS
/// provider (`OPENSSL_CONF` with `fips` activated) gets FIPS-validated primitives without any
/// change to qsl-config.
public enum Crypto {
    /// Length in bytes of a SHA-256 digest.
    public static let sha256Length = 32

    /// The SHA-256 digest of `bytes`.
    public static func sha256<Bytes: Collection>(_ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        var out = [UInt8](repeating: 0, count: sha256Length)
        let done: Bool? = bytes.withContiguousStorageIfAvailable { buffer in
            out.withUnsafeMutableBufferPointer { o in
                EVP_Digest(buffer.baseAddress, buffer.count, o.baseAddress, nil, EVP_sha256(), nil) == 1
            }
        }
        if done == nil {
            let copy = Array(bytes)
            _ = copy.withUnsafeBufferPointer { buffer in
                out.withUnsafeMutableBufferPointer { o in
                    EVP_Digest(buffer.baseAddress, buffer.count, o.baseAddress, nil, EVP_sha256(), nil)
                }
            }
        }
        return out
    }

    /// The SHA-256 digest of the UTF-8 bytes of `string`.
    public static func sha256(_ string: String) -> [UInt8] {
        var s = string
        return s.withUTF8 { sha256($0) }
    }

    /// HMAC-SHA256 of `message` under `key`.
    public static func hmacSHA256<K: Collection, M: Collection>(key: K, message: M) -> [UInt8]
    where K.Element == UInt8, M.Element == UInt8 {
        let k = Array(key)
        let m = Array(message)
        var out = [UInt8](repeating: 0, count: sha256Length)
        var outLength: UInt32 = 0
        k.withUnsafeBufferPointer { kb in
            m.withUnsafeBufferPointer { mb in
                out.withUnsafeMutableBufferPointer { ob in
                    _ = HMAC(EVP_sha256(), kb.baseAddress, Int32(kb.count), mb.baseAddress, mb.count, ob.baseAddress, &outLength)
                }
            }
        }
        return out
    }

    /// HMAC-SHA256 of the UTF-8 bytes of `message` under `key`.
    public static func hmacSHA256<K: Collection>(key: K, message: String) -> [UInt8] where K.Element == UInt8 {
        hmacSHA256(key: key, message: Array(message.utf8))
    }

    /// `count` cryptographically secure random bytes.
    public static func randomBytes(_ count: Int) throws(CryptoError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        let rc = out.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32(count)) }
        guard rc == 1 else { throw CryptoError("the system random number generator failed") }
        return out
    }

    /// Lower-case hexadecimal text of `bytes`.
    public static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// A failure inside libcrypto. Never carries key material or plaintext.
public struct CryptoError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
