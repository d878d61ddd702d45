import Foundation
import QSLConfig
import QSLConfigOperations
import QSLConfigCore
import Testing

/// The repository's own 22-service tree (`environments/`, `platform/`, `schemas/`).
@Suite("validate: the platform tree")
struct PlatformTreeValidationTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    static func validate(_ environment: String, services: [String] = []) async throws -> ValidationReport {
        try await ValidationOperation().run(ValidationRequest(.catalogue(root: root, environment: environment, services: services)))
    }

    @Test("development and staging validate clean for all 22 services", arguments: ["development", "staging"])
    func clean(_ environment: String) async throws {
        let report = try await Self.validate(environment)
        #expect(report.services.count == 22)
        #expect(report.errorCount == 0, "\(report.diagnostics.filter { $0.severity == .error }.map(\.description).joined(separator: "\n"))")
        #expect(report.exitStatus == 0)
        // The platform's drift in names stays visible.
        let spellings = Set(report.diagnostics.filter { $0.rule == "spelling" }.compactMap(\.keyPath))
        #expect(spellings.isSuperset(of: ["JwtSettings:SecretKey", "Jwt:Key", "ConnectionStrings:Redis", "Moonpay"]))
    }

    /// The Production AppHost file, like the platform's, omits the connections services read
    /// under other names (`cache`, `surrealdb-connection`, the chain endpoints, the external
    /// Kestra and MultiChain ones), so the plaintext values of the base file win in production.
    @Test("production reports exactly the connections its Production files leave to plaintext base values")
    func production() async throws {
        let report = try await Self.validate("production")
        let errors = report.uniqueDiagnostics.map(\.diagnostic).filter { $0.severity == .error }
        #expect(Set(errors.compactMap(\.rule)) == ["plaintext-secret"])
        #expect(Set(errors.compactMap(\.keyPath)) == [
            "ConnectionStrings:cache", "ConnectionStrings:surrealdb-connection", "ConnectionStrings:multichain-external",
            "ConnectionStrings:kestra-external", "ConnectionStrings:ethereum-sepolia", "ConnectionStrings:polygon-mumbai",
            "ConnectionStrings:arbitrum-sepolia", "ConnectionStrings:bitcoin-testnet", "ConnectionStrings:bsc-testnet",
            "ConnectionStrings:ComplyCubeApiUrl",
        ])
        #expect(errors.allSatisfy { $0.location?.file.hasSuffix("/appsettings.json") == true }, "no Production file holds a plaintext secret")
        #expect(report.exitStatus == 1)
    }

    @Test("smoke, the plaintext deployment migrate starts from, fails on plaintext secrets in every service")
    func smoke() async throws {
        let report = try await Self.validate("smoke")
        #expect(report.services.allSatisfy { $0.errors.contains { $0.rule == "plaintext-secret" } })
        #expect(report.exitStatus == 1)
    }

    @Test("--service limits catalogue mode to the services named; an unknown id is unusable input")
    func selectedServices() async throws {
        let report = try await Self.validate("development", services: ["userservice", "LiquidationService"])
        #expect(report.services.map(\.id) == ["userservice", "liquidationservice"])
        let shared = try #require(report.services.first?.files.first)
        #expect(shared.hasSuffix("platform/QuantunSkyLink_v2.AppHost/appsettings.json"), "the shared layer comes first")
        do {
            _ = try await Self.validate("development", services: ["nosuchservice"])
            Issue.record("expected a validation error")
        } catch let error as ValidationError {
            #expect(error.diagnostics.first?.message.contains("no service nosuchservice") == true)
        }
    }

    @Test("a catalogue or environment definition that breaks its own schema is unusable input, at its position")
    func brokenDefinitionFiles() async throws {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("qsl-definitions-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: copy) }
        for folder in ["environments", "platform", "schemas"] {
            try FileManager.default.copyItem(atPath: Self.root + "/" + folder, toPath: copy + "/" + folder)
        }
        let file = copy + "/environments/staging.json"
        let original = String(decoding: try FileBytes.read(file), as: UTF8.self)
        // Decodes fine (a string), but the schema requires a prefix that ends with a slash.
        let broken = original.replacing(#""secretsPrefix": "qsl/staging/""#, with: #""secretsPrefix": "qsl/staging""#)
        #expect(broken != original, "environments/staging.json changed; update this test")
        try AtomicFile.write(Array(broken.utf8), to: file, mode: 0o644)
        let line = broken.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("\"secretsPrefix\"") }! + 1

        let error = await #expect(throws: ValidationError.self) {
            try await ValidationOperation().run(ValidationRequest(.catalogue(root: copy, environment: "staging", services: [])))
        }
        #expect(error?.diagnostics.count == 1)
        let diagnostic = try #require(error?.diagnostics.first)
        #expect(diagnostic.location?.file == file)
        #expect(diagnostic.location?.line == line)
        // The untouched environments of the same copy still validate.
        let report = try await ValidationOperation().run(ValidationRequest(.catalogue(root: copy, environment: "development", services: ["userservice"])))
        #expect(report.exitStatus == 0)
    }

    @Test("schemas compile while the catalogue is checked, but the checks decide: a schema folder linked out of the root, a catalogue breaking its schema, and --service in any order")
    func earlyCompilationDefersToTheChecks() async throws {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("qsl-early-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: copy) }
        for folder in ["environments", "platform"] {
            try FileManager.default.copyItem(atPath: Self.root + "/" + folder, toPath: copy + "/" + folder)
        }
        // The services' schemas live outside the root, reached through a symbolic link: they
        // compile early, but the catalogue's path check refuses them, and only that is reported.
        let outside = copy + "-schemas"
        defer { try? FileManager.default.removeItem(atPath: outside) }
        try FileManager.default.copyItem(atPath: Self.root + "/schemas", toPath: copy + "/schemas")
        try FileManager.default.moveItem(atPath: copy + "/schemas/services", toPath: outside)
        try FileManager.default.createSymbolicLink(atPath: copy + "/schemas/services", withDestinationPath: outside)
        let linked = await #expect(throws: ValidationError.self) {
            try await ValidationOperation().run(ValidationRequest(.catalogue(root: copy, environment: "production", services: [])))
        }
        #expect(linked?.diagnostics.isEmpty == false)
        #expect(linked?.diagnostics.allSatisfy { $0.rule == "catalogue-path" && $0.message.contains("through a symbolic link") } == true, "\(linked?.diagnostics ?? [])")

        // Back inside the root: --service in an order unlike the catalogue's, and ids in
        // another case, validate exactly the services named, in the order named.
        try FileManager.default.removeItem(atPath: copy + "/schemas/services")
        try FileManager.default.copyItem(atPath: Self.root + "/schemas/services", toPath: copy + "/schemas/services")
        let named = ["webapigateway", "USERSERVICE", "feeservice"]
        let report = try await ValidationOperation().run(ValidationRequest(.catalogue(root: copy, environment: "production", services: named)))
        #expect(report.services.map { $0.id.lowercased() } == named.map { $0.lowercased() })
        #expect(report.services.allSatisfy { $0.schema.hasSuffix("/\($0.id).schema.json") })

        // A catalogue entry that breaks the catalogue's schema is reported at its place, though
        // the schemas it names compiled meanwhile.
        let catalogue = copy + "/environments/services.json"
        let original = String(decoding: try FileBytes.read(catalogue), as: UTF8.self)
        let broken = original.replacing(#""id": "userservice""#, with: #""id": "userservice", "unexpected": true"#)
        #expect(broken != original, "the catalogue changed; update this test")
        try AtomicFile.write(Array(broken.utf8), to: catalogue, mode: 0o644)
        let error = await #expect(throws: ValidationError.self) {
            try await ValidationOperation().run(ValidationRequest(.catalogue(root: copy, environment: "production", services: [])))
        }
        #expect(error?.diagnostics.first?.location?.file == catalogue, "\(error?.diagnostics ?? [])")
    }

    /// The staging definition with `original` replaced by `broken`, in a copy of the tree.
    static func brokenStaging(_ original: String, _ broken: String) throws -> (root: String, file: String, line: Int) {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("qsl-definitions-\(UUID().uuidString)").path
        for folder in ["environments", "platform", "schemas"] {
            try FileManager.default.copyItem(atPath: Self.root + "/" + folder, toPath: copy + "/" + folder)
        }
        let file = copy + "/environments/staging.json"
        let text = String(decoding: try FileBytes.read(file), as: UTF8.self)
        let changed = text.replacing(original, with: broken)
        #expect(changed != text, "environments/staging.json changed; update this test")
        try AtomicFile.write(Array(changed.utf8), to: file, mode: 0o644)
        let line = changed.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains(broken) }! + 1
        return (copy, file, line)
    }

    @Test(
        "a definition value of the wrong type or form is reported at its line by every command, not at 1:1 by the decoder",
        arguments: [
            (#""region": "us-east-1""#, #""region": 5"#),
            // accountId would have read this as the placeholder account 000000000000.
            (#""account": "123456789012""#, #""account": "12345678901x""#),
        ])
    func definitionValueAtItsLine(_ original: String, _ broken: String) async throws {
        let (copy, file, line) = try Self.brokenStaging(original, broken)
        defer { try? FileManager.default.removeItem(atPath: copy) }

        // PlatformRoot is what resolve and bundle read the definition with.
        let root = try PlatformRoot(path: copy)
        let decoding = #expect(throws: DiagnosticList.self) { try root.environment("staging") }
        #expect(decoding?.diagnostics.count == 1)
        let diagnostic = try #require(decoding?.diagnostics.first)
        #expect(diagnostic.location?.file == file)
        #expect(diagnostic.location?.line == line)
        #expect(diagnostic.rule == "schema")

        let validating = await #expect(throws: ValidationError.self) {
            try await ValidationOperation().run(ValidationRequest(.catalogue(root: copy, environment: "staging", services: [])))
        }
        #expect(validating?.diagnostics.map(\.location?.line) == [line])
    }
}
