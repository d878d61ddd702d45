import Foundation
import QSLConfig
import QSLConfigOperations
import QSLConfigCore
import QSLConfigTesting
import Testing

@Suite("dotenv bundles: docker --env-file syntax")
struct DotenvBundleTests {
    /// Values docker takes literally: quotes, `=`, `#`, `$`, surrounding spaces, non-ASCII.
    static let awkward: [String: String] = [
        "Spaces": "with spaces inside",
        "Padded": "  leading and trailing  ",
        "DoubleQuoted": "\"double quoted\"",
        "SingleQuoted": "'single'",
        "Equals": "a=b=c",
        "Hash": "# not a comment",
        "Dollar": "$HOME and ${literal}",
        "Unicode": "ünïcödé ✓",
        "Backslash": "back\\slash\\n",
        "Tab": "a\tb",
        "Empty": "",
    ]

    static func settings() -> String {
        let members = awkward.sorted { $0.key < $1.key }.map { key, value in
            // `${` is written `$${` in appsettings so it stays literal.
            "\(JSONStringEncoding.quoted(key)): \(JSONStringEncoding.quoted(value.replacing("${", with: "$${")))"
        }
        return "{\"Awkward\": {" + members.joined(separator: ", ") + "}, \"Db\": {\"Password\": \"${aws:secrets:qsl/prod/db:password}\"}}"
    }

    @Test("values are written literally, one line each, and read back exactly by docker's rules (and kubectl's when present)")
    func literalValues() async throws {
        let platform = try await ECSBundleTests.platform(Self.settings(), plainSecretsAllowed: true, secrets: ["qsl/prod/db": #"{"password":"p@ss word=\"x\""}"#])
        let result = try await BundleOperation(root: platform.root, environment: platform.environment, store: platform.store, format: .dotenv).build(services: [])
        let file = try #require(result.files.first { $0.path == "svc/service.env" })
        #expect(file.mode == 0o600)
        let text = String(decoding: file.bytes, as: UTF8.self)
        var expected = Dictionary(uniqueKeysWithValues: Self.awkward.map { ("Awkward__" + $0.key, $0.value) })
        expected["Db__Password"] = #"p@ss word="x""#
        #expect(try DockerEnvFile.parse(text) == expected)
        #expect(text.split(separator: "\n", omittingEmptySubsequences: false).count == expected.count + 2, "a comment, one line per key, a final newline")
        #expect(text.contains("\nAwkward__DoubleQuoted=\"double quoted\"\n"), "no quoting added or removed")

        let directory = try PlatformFixtures.temporaryDirectory("dotenv")
        try result.write(to: directory)
        var info = stat()
        #expect(stat(directory + "/svc/service.env", &info) == 0)
        #expect(UInt32(info.st_mode) & 0o777 == 0o600)

        // kubectl reads --from-env-file with docker's rules; where it is installed, it must agree.
        guard (try? PlatformFixtures.run(["kubectl", "version", "--client"], environment: PlatformFixtures.pathEnvironment))?.status == 0 else { return }
        let kubectl = try PlatformFixtures.run(
            ["kubectl", "create", "secret", "generic", "svc", "--from-env-file=" + directory + "/svc/service.env", "--dry-run=client", "-o", "json"],
            environment: PlatformFixtures.pathEnvironment)
        #expect(kubectl.status == 0, "\(kubectl.stderr)")
        let secret = try #require(try JSONSerialization.jsonObject(with: Data(kubectl.stdout.utf8)) as? [String: Any])
        let data = (secret["data"] as? [String: String] ?? [:]).mapValues { String(decoding: Data(base64Encoded: $0) ?? Data(), as: UTF8.self) }
        #expect(data == expected)
    }

    @Test("a value with a line break cannot be written: an error at its position, and nothing is built")
    func lineBreakRejected() async throws {
        let platform = try await ECSBundleTests.platform(#"{"Pem": {"Key": "-----BEGIN-----\nAAAA\n-----END-----"}, "Fine": "x"}"#, plainSecretsAllowed: true)
        let error = await #expect(throws: ResolutionError.self) {
            try await BundleOperation(root: platform.root, environment: platform.environment, store: platform.store, format: .dotenv).build(services: [])
        }
        #expect(error?.diagnostics.map(\.description) == [
            "\(platform.path)/src/Svc/appsettings.json:1:17: error: svc: 'Pem:Key' holds a line break or NUL, which docker --env-file cannot carry; use the json, ecs or k8s format [dotenv]"
        ])
        // The same value is fine in json and k8s.
        for format in [BundleFormat.json, .k8s] {
            _ = try await BundleOperation(root: platform.root, environment: platform.environment, store: platform.store, format: format).build(services: [])
        }
    }

    @Test("two keys that become one variable name are reported, not silently merged")
    func collidingNames() async throws {
        let platform = try await ECSBundleTests.platform(#"{"A": {"B": "1"}, "A__B": "2"}"#, plainSecretsAllowed: true)
        for format in [BundleFormat.dotenv, .k8s, .ecs] {
            let error = await #expect(throws: ResolutionError.self) {
                try await BundleOperation(root: platform.root, environment: platform.environment, store: platform.store, format: format).build(services: [])
            }
            #expect(error?.diagnostics.count == 1, "\(format)")
            #expect(error?.diagnostics.first?.message.contains("both become the") == true, "\(format): \(error?.diagnostics ?? [])")
        }
        // Names that differ only in case are one key to ASP.NET, which reads variables ignoring case.
        let cased = try await ECSBundleTests.platform(#"{"Zz": {"A__B": "one", "a": {"b": "two"}}}"#, plainSecretsAllowed: true)
        for format in [BundleFormat.dotenv, .k8s, .ecs] {
            let error = await #expect(throws: ResolutionError.self) {
                try await BundleOperation(root: cased.root, environment: cased.environment, store: cased.store, format: format).build(services: [])
            }
            #expect(error?.diagnostics.first?.message.contains("both become the") == true, "\(format): \(error?.diagnostics ?? [])")
        }
    }

    @Test("ecs: a key that becomes a name with '=' is refused; an empty ${VAR} beside a reference adds nothing; a name starting with '-' is one --variable= word")
    func ecsVariableNames() async throws {
        let equals = try await ECSBundleTests.platform(#"{"Eq=Name": "x"}"#, plainSecretsAllowed: true)
        let error = await #expect(throws: ResolutionError.self) {
            try await BundleOperation(root: equals.root, environment: equals.environment, store: equals.store, format: .ecs).build(services: [])
        }
        #expect(error?.diagnostics.first?.rule == "variable-name", "\(error?.diagnostics ?? [])")

        let platform = try await ECSBundleTests.platform(
            #"{"Opt": "${QSL_UNSET_PREFIX:}${aws:secrets:qsl/prod/jwt:secret}", "-Dash": "x${aws:secrets:qsl/prod/jwt:secret}"}"#,
            secrets: ["qsl/prod/jwt": #"{"secret":"s"}"#])
        let (definition, _) = try await ECSBundleTests.bundle(platform)
        let arn = try #require(try await platform.store.listSecrets(prefix: nil).first?.arn)
        #expect(ECSBundleTests.pairs(definition["secrets"], "valueFrom") == ["Opt": arn + ":secret::"])
        #expect((definition["entryPoint"] as? [String])?.contains("--variable=-Dash") == true, "\(definition["entryPoint"] ?? "none")")
    }
}
