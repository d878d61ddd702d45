import Testing

@testable import QSLCrypto

/// libcrypto is loaded with dlopen on first use (`CLibCrypto`), not linked: what the loader says
/// of a library that is missing or is not libcrypto.
@Suite("libcrypto loader")
struct LibcryptoLoaderTests {
    @Test("the system libcrypto opens and has every function qsl-config calls")
    func systemLibrary() throws {
        #expect(Crypto.probeLibrary(at: "libcrypto.so.3") == nil)
        try Crypto.loadLibrary()
    }

    @Test("a missing file is named, with the Debian package to install")
    func missingFile() throws {
        let message = try #require(Crypto.probeLibrary(at: "/nonexistent/qsl-loader-test/libcrypto.so.3"))
        #expect(message.contains("libcrypto"))
        #expect(message.contains("/nonexistent/qsl-loader-test/libcrypto.so.3"))
        #expect(message.contains("install the Debian package libssl3"))
    }

    @Test("a library that is not libcrypto is refused by the first function it lacks")
    func notLibcrypto() throws {
        let message = try #require(Crypto.probeLibrary(at: "libc.so.6"))
        #expect(message.contains("it has no BIO_ctrl_pending"), "\(message)")
        #expect(message.contains("libssl3"))
    }

    @Test("the messages in full: what the library is for, the file, the reason, the package")
    func wholeMessages() throws {
        let missing = try #require(Crypto.probeLibrary(at: "/nonexistent/qsl-loader-test/libcrypto.so.3"))
        #expect(
            missing == "libcrypto (the OpenSSL library qsl-config hashes, signs and encrypts with, /nonexistent/qsl-loader-test/libcrypto.so.3) "
                + "could not be loaded: /nonexistent/qsl-loader-test/libcrypto.so.3: cannot open shared object file: No such file or directory; "
                + "install the Debian package libssl3 (apt-get install libssl3)")
        let wrong = try #require(Crypto.probeLibrary(at: "libc.so.6"))
        #expect(
            wrong == "libcrypto (the OpenSSL library qsl-config hashes, signs and encrypts with, libc.so.6) could not be loaded: "
                + "it has no BIO_ctrl_pending (not OpenSSL 3's libcrypto?); install the Debian package libssl3 (apt-get install libssl3)")
    }
}

/// The primitives through the loaded library, against published vectors.
@Suite("QSLCrypto primitives")
struct QSLCryptoPrimitiveTests {
    @Test("SHA-256 of the empty string and of \"abc\" (FIPS 180-2)")
    func sha256() {
        #expect(Crypto.hex(Crypto.sha256([UInt8]())) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Crypto.hex(Crypto.sha256("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        // A collection without contiguous storage takes the copying path.
        #expect(Crypto.hex(Crypto.sha256("abc".utf8.lazy.map { $0 })) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test("HMAC-SHA256, RFC 4231 test case 2")
    func hmac() {
        let mac = Crypto.hmacSHA256(key: Array("Jefe".utf8), message: "what do ya want for nothing?")
        #expect(Crypto.hex(mac) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test("random bytes come in the count asked for and differ between calls")
    func randomBytes() throws {
        let a = try Crypto.randomBytes(32)
        let b = try Crypto.randomBytes(32)
        #expect(a.count == 32 && b.count == 32 && a != b)
        #expect(try Crypto.randomBytes(0).isEmpty)
    }

    @Test("AES-256-GCM opens what it sealed, and refuses a wrong key, altered data or other associated data")
    func aesGCM() throws {
        let key = try Crypto.randomBytes(AESGCM.keyLength)
        let plaintext = Array("connection string with a password".utf8)
        let sealed = try AESGCM.seal(plaintext, key: key, associatedData: Array("qsl".utf8))
        #expect(sealed.count == AESGCM.nonceLength + plaintext.count + AESGCM.tagLength)
        #expect(try AESGCM.open(sealed, key: key, associatedData: Array("qsl".utf8)) == plaintext)
        #expect(try AESGCM.open(AESGCM.seal([], key: key), key: key).isEmpty)

        var altered = sealed
        altered[AESGCM.nonceLength] ^= 1
        #expect(throws: CryptoError.self) { try AESGCM.open(altered, key: key, associatedData: Array("qsl".utf8)) }
        #expect(throws: CryptoError.self) { try AESGCM.open(sealed, key: try Crypto.randomBytes(32), associatedData: Array("qsl".utf8)) }
        #expect(throws: CryptoError.self) { try AESGCM.open(sealed, key: key) }
        #expect(throws: CryptoError.self) { try AESGCM.seal(plaintext, key: [1, 2, 3]) }
    }
}
