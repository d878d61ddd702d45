import CLibCrypto
import QSLConfigCore

/// Thin, allocation-conscious wrappers over the system OpenSSL `libcrypto`.
///
/// Everything here goes through the EVP interfaces, so an operator who enables OpenSSL's FIPS
/// provider (`OPENSSL_CONF` with `fips` activated) gets FIPS-validated primitives without any
/// change to qsl-config.
///
/// libcrypto is not linked: it is loaded with `dlopen` at the first call here (`libcrypto.so.3`,
/// or `QSL_LIBCRYPTO_PATH` when an operator set it; see ``loadLibrary()``). When it cannot be
/// loaded, the throwing functions throw a ``CryptoError`` naming the library and the Debian
/// package to install; `sha256` and `hmacSHA256`, which
/// cannot throw, stop the process with that message instead, so a caller with an error path calls
/// ``loadLibrary()`` first (the AWS client, the local store and the platform operations do).
public enum Crypto {
    /// Length in bytes of a SHA-256 digest.
    public static let sha256Length = 32

    /// Loads libcrypto (`libcrypto.so.3`, or `QSL_LIBCRYPTO_PATH`), once per process; later calls
    /// return at once. A failure is not remembered: the next call tries again.
    ///
    /// - Throws: ``CryptoError`` whose description names the library file, why it could not be
    ///   loaded and the Debian package to install (`libssl3`). Never key material.
    public static func loadLibrary() throws(CryptoError) {
        if let failure = libraryFailure() { throw CryptoError(failure) }
    }

    /// `nil` once libcrypto is loaded, else why it cannot be.
    static func libraryFailure() -> String? {
        LibraryLoaderMessage.failure { qsl_crypto_load($0, $1) }
    }

    /// What loading the libcrypto at `path` would say, without loading it for the process: `nil`
    /// when it opens and has every function qsl-config calls.
    static func probeLibrary(at path: String) -> String? {
        LibraryLoaderMessage.failure { qsl_crypto_probe(path, $0, $1) }
    }

    /// For the functions that cannot throw: loads libcrypto, or stops with the loader's message
    /// (which names the library and the package, never data).
    @inline(__always)
    static func requireLibrary() {
        if let failure = libraryFailure() { fatalError(failure) }
    }

    /// The SHA-256 digest of `bytes`.
    ///
    /// Stops the process with the loader's message when libcrypto cannot be loaded: call
    /// ``loadLibrary()`` first where that must be an error instead.
    public static func sha256<Bytes: Collection>(_ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        requireLibrary()
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
    ///
    /// Stops the process with the loader's message when libcrypto cannot be loaded: call
    /// ``loadLibrary()`` first where that must be an error instead.
    public static func hmacSHA256<K: Collection, M: Collection>(key: K, message: M) -> [UInt8]
    where K.Element == UInt8, M.Element == UInt8 {
        requireLibrary()
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
        try loadLibrary()
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

/// A failure inside libcrypto, or libcrypto that could not be loaded. Never carries key material
/// or plaintext.
public struct CryptoError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
