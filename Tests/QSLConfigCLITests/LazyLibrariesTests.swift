import Foundation
import QSLConfig
import QSLConfigTesting
import Testing

/// The CLI starts without libcurl, libpq, libcrypto, libssl and libxml2 (and the libraries they
/// pull in): it links none of them, loads libcurl, libpq, libcrypto and libssl with dlopen at the
/// first command that needs them, and says plainly what to install when one is missing.
@Suite("libraries loaded on first use (CLI)")
struct LazyLibrariesTests {
    /// The `NEEDED` entries of the built `qsl-config`'s dynamic section, as `readelf -d` lists them.
    static func neededLibraries() throws -> [String] {
        let result = try ChildProcess.run(program: "readelf", ["-d", "-W", CLIRunner.executable.path])
        try #require(result.status == 0, "readelf -d failed: \(result.stderr)")
        return result.stdout.split(separator: "\n").compactMap { line -> String? in
            guard line.contains("(NEEDED)"), let open = line.firstIndex(of: "["), let close = line.lastIndex(of: "]") else { return nil }
            return String(line[line.index(after: open)..<close])
        }
    }

    @Test("the qsl-config executable needs neither libcurl, libpq, libcrypto, libssl nor libxml2, nor any of Foundation beyond FoundationEssentials")
    func executableLinksNoneOfThem() throws {
        let needed = try Self.neededLibraries()
        // The test reads what it means to read: the C library is always there.
        #expect(needed.contains { $0.hasPrefix("libc.so") }, "NEEDED entries: \(needed)")
        // Full Foundation is CoreFoundation (with a start-up constructor) and ICU's data: the CLI
        // uses FoundationEssentials only.
        let forbidden = [
            "libcurl", "libpq", "libcrypto", "libssl", "libxml2", "libFoundationNetworking", "libFoundationXML", "libFoundation", "libFoundationInternationalization",
            "lib_FoundationICU",
        ]
        let found = needed.filter { library in forbidden.contains { library.hasPrefix($0 + ".") || library.hasPrefix($0 + "-") } }
        #expect(found.isEmpty, "qsl-config links \(found) (NEEDED entries: \(needed))")
    }

    /// Fake credentials and a region, no shared files, no instance metadata: the request fails
    /// before it is sent, so no server is needed.
    static let awsEnvironment = CLIRunner.environment([
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": "/nonexistent/qsl-cli-test/config",
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/qsl-cli-test/credentials", "AWS_MAX_ATTEMPTS": "3",
    ])

    @Test(
        "without libcurl, a command that calls AWS fails once with what to install, not a crash",
        arguments: [
            ["secret", "get", "qsl/dev/missing", "--store", "aws", "--endpoint-url", "http://127.0.0.1:9"],
            ["whoami", "--endpoint-url", "http://127.0.0.1:9"],
        ])
    func missingLibcurl(arguments: [String]) throws {
        let missing = "/nonexistent/qsl-lazy-test/libcurl.so.4"
        let result = try CLIRunner.run(
            arguments, environment: Self.awsEnvironment.merging(["QSL_LIBCURL_PATH": missing]) { $1 }, timeout: .seconds(60))
        let output = result.stdout + result.stderr
        #expect(result.status != 0 && !result.timedOut, "status \(result.status): \(output)")
        #expect(result.signal == nil, "ended by signal \(String(describing: result.signal)): \(output)")
        #expect(output.contains("libcurl") && output.contains(missing), "\(output)")
        #expect(output.contains("install the Debian package libcurl4"), "\(output)")
        // One error, not one per attempt: a missing library is not retried.
        #expect(output.components(separatedBy: "install the Debian package libcurl4").count == 2, "\(output)")
    }

    @Test(
        "without libcrypto, a command that signs AWS requests fails once with what to install, not a crash",
        arguments: [
            ["secret", "get", "qsl/dev/missing", "--store", "aws", "--endpoint-url", "http://127.0.0.1:9"],
            ["whoami", "--endpoint-url", "http://127.0.0.1:9"],
        ])
    func missingLibcrypto(arguments: [String]) throws {
        let missing = "/nonexistent/qsl-lazy-test/libcrypto.so.3"
        let result = try CLIRunner.run(
            arguments, environment: Self.awsEnvironment.merging(["QSL_LIBCRYPTO_PATH": missing]) { $1 }, timeout: .seconds(60))
        let output = result.stdout + result.stderr
        #expect(result.status != 0 && !result.timedOut, "status \(result.status): \(output)")
        #expect(result.signal == nil, "ended by signal \(String(describing: result.signal)): \(output)")
        #expect(output.contains("libcrypto") && output.contains(missing), "\(output)")
        #expect(output.contains("install the Debian package libssl3"), "\(output)")
        // One error, not one per attempt (a missing library is not retried), and no stop in the signer.
        #expect(output.components(separatedBy: "install the Debian package libssl3").count == 2, "\(output)")
        #expect(!output.contains("Fatal error"), "\(output)")
    }

    @Test("without libcrypto, reading the local store says what to install, not that the key is wrong")
    func missingLibcryptoLocalStore() async throws {
        let w = try await StoreWorkspace.make(.local)
        let value = "local-" + UUID().uuidString
        try await RotateCommandTests.create(try w.store(), "qsl/dev/lazy", value, tags: [:])
        let missing = "/nonexistent/qsl-lazy-test/libcrypto.so.3"
        let result = try w.run(["secret", "get", "qsl/dev/lazy", "--show-secrets"], environment: ["QSL_LIBCRYPTO_PATH": missing])
        let output = result.stdout + result.stderr
        #expect(result.status != 0 && result.signal == nil, "status \(result.status): \(output)")
        #expect(output.contains("libcrypto") && output.contains(missing), "\(output)")
        #expect(output.contains("install the Debian package libssl3"), "\(output)")
        #expect(!output.contains("key is wrong") && !output.contains("Fatal error"), "\(output)")
        #expect(!output.contains(value), "the output holds the secret")
        // With the library, the same command reads it.
        let read = try w.run(["secret", "get", "qsl/dev/lazy", "--show-secrets"])
        #expect(read.status == 0 && read.stdout.contains(value), "status \(read.status): \(read.stderr)")
    }

    @Test("without libssl, rotating a Redis password over TLS fails with what to install, not a crash, and AWSCURRENT is untouched")
    func missingLibssl() async throws {
        let w = try await StoreWorkspace.make(.local)
        try RotateCommandTests.writePlatform(w)
        let store = try w.store()
        // Nothing listens on port 9: no connection is even tried without libssl.
        let password = "pw-" + UUID().uuidString
        let text = "127.0.0.1:9,user=app_user,password=\(password),ssl=True,connectTimeout=2000"
        try await RotateCommandTests.create(store, "qsl/prod/redis/admin", text, tags: [:])
        try await RotateCommandTests.create(
            store, "qsl/prod/redis/app", text, tags: ["qsl:kind": "redis", "qsl:master-secret": "qsl/prod/redis/admin"])
        let missing = "/nonexistent/qsl-lazy-test/libssl.so.3"
        let result = try w.run(RotateCommandTests.rotate + ["--secret", "qsl/prod/redis/app"], environment: ["QSL_LIBSSL_PATH": missing])
        let output = result.stdout + result.stderr
        #expect(result.status != 0 && result.signal == nil, "status \(result.status): \(output)")
        #expect(output.contains("libssl") && output.contains(missing), "\(output)")
        #expect(output.contains("install the Debian package libssl3"), "\(output)")
        #expect(!output.contains(password), "the output holds the password")
        #expect(try await RotateCommandTests.value(store, "qsl/prod/redis/app") == text)
    }

    @Test("without libpq, rotating a PostgreSQL password fails with what to install, not a crash, and AWSCURRENT is untouched")
    func missingLibpq() async throws {
        let w = try await StoreWorkspace.make(.local)
        try RotateCommandTests.writePlatform(w)
        let store = try w.store()
        // Nothing listens on port 9: libpq must not even be reached.
        let password = "pw-" + UUID().uuidString
        let text = "Host=127.0.0.1;Port=9;Database=postgres;Username=app_user;Password=\(password);Timeout=2"
        try await RotateCommandTests.create(store, "qsl/prod/neon/master", text, tags: [:])
        try await RotateCommandTests.create(
            store, "qsl/prod/neon/app", text,
            tags: ["qsl:kind": "postgres", "qsl:strategy": "single-user", "qsl:master-secret": "qsl/prod/neon/master"])
        let missing = "/nonexistent/qsl-lazy-test/libpq.so.5"
        let result = try w.run(
            RotateCommandTests.rotate + ["--secret", "qsl/prod/neon/app"], environment: ["QSL_LIBPQ_PATH": missing])
        let output = result.stdout + result.stderr
        #expect(result.status != 0 && result.signal == nil, "status \(result.status): \(output)")
        #expect(output.contains("libpq") && output.contains(missing), "\(output)")
        #expect(output.contains("install the Debian package libpq5"), "\(output)")
        #expect(!output.contains(password), "the output holds the password")
        // The password at the server was never changed, so AWSCURRENT still holds the old one (a
        // staged AWSPENDING is what the next `rotate` resumes from, once libpq is installed).
        #expect(try await RotateCommandTests.value(store, "qsl/prod/neon/app") == text)
    }
}
