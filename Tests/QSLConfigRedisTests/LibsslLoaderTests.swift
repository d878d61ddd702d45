import Testing

@testable import QSLConfigRedis

/// libssl (and the libcrypto under it) is loaded with dlopen at the first TLS connection
/// (`CLibSSL`), not linked: what the loader says of a library that is missing or is not libssl.
@Suite("libssl loader")
struct LibsslLoaderTests {
    @Test("the system libssl opens and has every function qsl-config calls")
    func systemLibrary() {
        #expect(RedisConnection.probeLibrary(at: "libssl.so.3") == nil)
        #expect(RedisConnection.loadLibrary() == nil)
    }

    @Test("a missing file is named, with the Debian package to install")
    func missingFile() throws {
        let message = try #require(RedisConnection.probeLibrary(at: "/nonexistent/qsl-loader-test/libssl.so.3"))
        #expect(message.contains("libssl"))
        #expect(message.contains("/nonexistent/qsl-loader-test/libssl.so.3"))
        #expect(message.contains("install the Debian package libssl3"))
    }

    @Test("a library that is not libssl is refused by the first function it lacks")
    func notLibssl() throws {
        // libcrypto has the BIO and error functions but none of libssl's.
        let message = try #require(RedisConnection.probeLibrary(at: "libcrypto.so.3"))
        #expect(message.contains("it has no SSL_CTX_ctrl"), "\(message)")
        #expect(message.contains("libssl3"))
    }

    @Test("a Redis password's SHA-256 is Redis's own (libcrypto loaded on first use)")
    func passwordHash() {
        #expect(RedisACLUser.passwordHash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
