import Testing

@testable import QSLConfigAWS

/// libcurl is loaded with dlopen at the first request (`CLibCurl`), not linked: what the loader
/// says of a library that is missing or is not libcurl.
@Suite("libcurl loader")
struct LibcurlLoaderTests {
    @Test("the system libcurl opens and has every function qsl-config calls")
    func systemLibrary() {
        #expect(CurlTransport.probeLibrary(at: "libcurl.so.4") == nil)
    }

    @Test("a missing file is named, with the Debian package to install")
    func missingFile() throws {
        let message = try #require(CurlTransport.probeLibrary(at: "/nonexistent/qsl-loader-test/libcurl.so.4"))
        #expect(message.contains("libcurl"))
        #expect(message.contains("/nonexistent/qsl-loader-test/libcurl.so.4"))
        #expect(message.contains("install the Debian package libcurl4"))
    }

    @Test("a library that is not libcurl is refused by the first function it lacks")
    func notLibcurl() throws {
        let message = try #require(CurlTransport.probeLibrary(at: "libc.so.6"))
        #expect(message.contains("it has no curl_easy_cleanup"), "\(message)")
        #expect(message.contains("libcurl4"))
    }

    @Test("the message in full names what libcurl is for, the file, the reason and the package")
    func wholeMessage() throws {
        let message = try #require(CurlTransport.probeLibrary(at: "libc.so.6"))
        #expect(
            message == "libcurl (the HTTP client library qsl-config calls AWS with, libc.so.6) could not be loaded: "
                + "it has no curl_easy_cleanup (too old a libcurl?); install the Debian package libcurl4 (apt-get install libcurl4)")
    }
}
