import Foundation
import QSLConfig
import QSLConfigCore
import QSLConfigOperations
import Testing

/// The two checks that look past one service at a time: folders the catalogue does not list,
/// and references the development seed does not cover.
@Suite("validate: catalogue and seed coverage")
struct PlatformCoverageTests {
    static var root: String { PlatformTreeValidationTests.root }

    /// A scratch copy of the repository's platform data.
    static func copyOfTree() throws -> String {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("qsl-coverage-\(UUID().uuidString)").path
        for folder in ["environments", "platform", "schemas"] {
            try FileManager.default.copyItem(atPath: root + "/" + folder, toPath: copy + "/" + folder)
        }
        return copy
    }

    /// Replaces `original` with `replacement` in `file`.
    static func edit(_ file: String, _ original: String, _ replacement: String) throws {
        let text = String(decoding: try FileBytes.read(file), as: UTF8.self)
        let changed = text.replacing(original, with: replacement)
        #expect(changed != text, "\(file) changed; update this test")
        try AtomicFile.write(Array(changed.utf8), to: file, mode: 0o644)
    }

    /// The 1-based line of the first line of `file` containing `text`.
    static func line(of text: String, in file: String) throws -> Int {
        let lines = String(decoding: try FileBytes.read(file), as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        return try #require(lines.firstIndex { $0.contains(text) }) + 1
    }

    static func validate(_ root: String, _ environment: String, services: [String] = []) async throws -> ValidationReport {
        try await ValidationOperation().run(ValidationRequest(.catalogue(root: root, environment: environment, services: services)))
    }

    @Test("the repository's tree: every folder is listed and the development seed covers every reference")
    func repositoryIsCovered() async throws {
        for environment in ["development", "staging"] {
            let report = try await Self.validate(Self.root, environment)
            #expect(report.platformDiagnostics.isEmpty, "\(report.platformDiagnostics.map(\.description))")
            #expect(!report.diagnostics.contains { $0.rule == "seed-missing" })
        }
    }

    @Test("a folder of appsettings files the catalogue does not list is an error at its file; --service skips the check")
    func unlistedFolder() async throws {
        let copy = try Self.copyOfTree()
        defer { try? FileManager.default.removeItem(atPath: copy) }
        let ghost = copy + "/platform/src/GhostService"
        try FileManager.default.createDirectory(atPath: ghost, withIntermediateDirectories: true)
        try AtomicFile.write(Array(#"{"Logging": {}}"#.utf8), to: ghost + "/appsettings.Staging.json", mode: 0o644)
        // Hidden folders (an IDE's, a build's) are not services.
        try FileManager.default.createDirectory(atPath: copy + "/platform/.cache/x", withIntermediateDirectories: true)
        try AtomicFile.write(Array("{}".utf8), to: copy + "/platform/.cache/x/appsettings.json", mode: 0o644)

        let report = try await Self.validate(copy, "staging")
        #expect(report.platformDiagnostics.count == 1)
        let finding = try #require(report.platformDiagnostics.first)
        #expect(finding.rule == "catalogue-unlisted")
        #expect(finding.severity == .error)
        #expect(finding.location?.file == ghost + "/appsettings.Staging.json")
        #expect(finding.location?.line == 1)
        #expect(finding.message.contains("platform/src/GhostService/"))
        #expect(report.errorCount == 1)
        #expect(report.exitStatus == 1)
        #expect(report.uniqueDiagnostics.first?.service == ValidationReport.platformLabel)
        #expect(ValidationReportFormat.text.render(report, toolVersion: "test").contains("GhostService/appsettings.Staging.json:1:1: error:"))

        let one = try await Self.validate(copy, "staging", services: ["userservice"])
        #expect(one.platformDiagnostics.isEmpty)
    }

    @Test("in development, a secret, JSON key or parameter the seed lacks is an error at the reference, naming the key")
    func seedMissing() async throws {
        let copy = try Self.copyOfTree()
        defer { try? FileManager.default.removeItem(atPath: copy) }
        let seed = copy + "/platform/dev-seed.json"
        try Self.edit(seed, #""adminKey": "fake-dev-api-admin-key","#, "")
        try Self.edit(seed, #""/qsl/development/config/eventbridge/bus": "qsl-development-core","#, "")
        try Self.edit(seed, #""qsl/development/appinsights": {"#, #""qsl/development/appinsights-retired": {"#)
        let shared = copy + "/platform/QuantunSkyLink_v2.AppHost/appsettings.Development.json"

        let report = try await Self.validate(copy, "development")
        let missing = report.uniqueDiagnostics.map(\.diagnostic).filter { $0.rule == "seed-missing" }
        #expect(report.exitStatus == 1)
        #expect(missing.allSatisfy { $0.severity == .error })

        let adminKey = try #require(missing.first { $0.message.contains("JSON key adminKey") })
        #expect(adminKey.location?.file == shared)
        #expect(adminKey.location?.line == (try Self.line(of: "qsl/development/api:adminKey", in: shared)))
        #expect(adminKey.keyPath?.hasSuffix("AdminApiKey") == true)
        #expect(adminKey.message.contains("internalKey"), "the message lists the keys the seed has")

        let bus = try #require(missing.first { $0.message.contains("parameter /qsl/development/config/eventbridge/bus") })
        #expect(bus.location?.file == shared)
        #expect(bus.location?.line == (try Self.line(of: "config/eventbridge/bus", in: shared)))

        #expect(missing.contains { $0.message.contains("secret qsl/development/appinsights,") })
        #expect(Set(missing.compactMap(\.location?.file)).allSatisfy { $0.hasPrefix(copy + "/platform/") })

        // Staging allows no plaintext and has no seed: the same tree is clean there.
        let staging = try await Self.validate(copy, "staging")
        #expect(staging.exitStatus == 0)
        #expect(!staging.diagnostics.contains { $0.rule == "seed-missing" })
    }

    @Test("a seed file the development definition names must exist; a seeded name outside the prefix is reported")
    func namedSeed() async throws {
        let copy = try Self.copyOfTree()
        defer { try? FileManager.default.removeItem(atPath: copy) }
        let definition = copy + "/environments/development.json"
        try Self.edit(definition, #""plainSecretsAllowed": true,"#, #""plainSecretsAllowed": true, "seed": "platform/other-seed.json","#)
        let report = try await Self.validate(copy, "development")
        let finding = try #require(report.platformDiagnostics.first)
        #expect(finding.rule == "seed")
        #expect(finding.location?.file == definition)
        #expect(finding.message.contains("platform/other-seed.json"))
        #expect(report.exitStatus == 1)

        // Named and present: that file is the one checked.
        try FileManager.default.moveItem(atPath: copy + "/platform/dev-seed.json", toPath: copy + "/platform/other-seed.json")
        try Self.edit(copy + "/platform/other-seed.json", #""qsl/development/api": {"#, #""qsl/staging/api": {"#)
        let moved = try await Self.validate(copy, "development")
        #expect(moved.platformDiagnostics.contains { $0.rule == "seed" && $0.message.contains("qsl/staging/api") })
        #expect(moved.diagnostics.contains { $0.rule == "seed-missing" && $0.message.contains("secret qsl/development/api,") })
    }
}
