import Testing

@testable import QSLConfigResources

/// libpq is loaded with dlopen at the first connection (`CLibPQ`), not linked: what the loader
/// says of a library that is missing or is not libpq.
@Suite("libpq loader")
struct LibpqLoaderTests {
    @Test("the system libpq opens and has every function qsl-config calls")
    func systemLibrary() {
        #expect(PostgresConnection.probeLibrary(at: "libpq.so.5") == nil)
    }

    @Test("a missing file is named, with the Debian package to install")
    func missingFile() throws {
        let message = try #require(PostgresConnection.probeLibrary(at: "/nonexistent/qsl-loader-test/libpq.so.5"))
        #expect(message.contains("libpq"))
        #expect(message.contains("/nonexistent/qsl-loader-test/libpq.so.5"))
        #expect(message.contains("install the Debian package libpq5"))
    }

    @Test("a library that is not libpq is refused by the first function it lacks")
    func notLibpq() throws {
        let message = try #require(PostgresConnection.probeLibrary(at: "libc.so.6"))
        #expect(message.contains("it has no PQclear"), "\(message)")
        #expect(message.contains("libpq5"))
    }
}
