import Foundation
import QSLConfig
import QSLConfigCore
import QSLConfigOperations
import Testing

/// `migrate`'s discovery on a planted platform root (`Fixtures/planted/`): one fake credential of
/// every shape the classifier knows, and decoys beside them, checked entry by entry against the
/// tree's answer key (`Fixtures/planted/expected.json`). scripts/bench-detect.sh scores the same
/// tree, and detect-secrets beside it.
@Suite("migrate: discovery on the planted tree")
struct MigrationDiscoveryTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/planted")

    /// One answer-key entry: where a value is, and what migrate must make of it.
    struct Expected: Decodable, CustomStringConvertible {
        var file: String
        var key: String
        /// `migrate`, `access-key`, `review` or `none` (a decoy).
        var outcome: String
        var shape: String
        var description: String { "\(file) '\(key)' (\(shape))" }
    }

    static func answerKey() throws -> [Expected] {
        try JSONDecoder().decode([Expected].self, from: Data(contentsOf: fixture.appendingPathComponent("expected.json")))
    }

    /// The planted root copied into a scratch folder (a dry run writes nothing, but a test must
    /// not depend on that) with an empty local store beside it.
    static func dryRun(include: [String] = []) async throws -> (report: MigrationReport, root: String) {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("qsl-migrate-discovery-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: fixture, to: scratch)
        let storePath = scratch.appendingPathComponent(".qsl/store.json").path
        var request = MigrationRequest(root: scratch.path, from: "smoke", to: "production") { _ in LocalSecretStore(path: storePath) }
        request.dryRun = true
        request.include = include
        let report = try await MigrationOperation().run(request)
        return (report, scratch.path)
    }

    /// What the report did with each site: `file|KEY` (file relative to the root, key folded).
    static func outcomes(_ report: MigrationReport, root: String) -> [String: String] {
        func id(_ site: CredentialSite) -> String {
            let file = site.file.hasPrefix(root + "/") ? String(site.file.dropFirst(root.count + 1)) : site.file
            return file + "|" + site.key.folded
        }
        var out: [String: String] = [:]
        for secret in report.plan.secrets { for site in secret.sites { out[id(site)] = "migrate" } }
        for site in report.plan.accessKeys { out[id(site)] = "access-key" }
        for site in report.plan.review { out[id(site)] = "review" }
        return out
    }

    @Test("every planted credential is found with its outcome, and no decoy is")
    func answerKeyHolds() async throws {
        let key = try Self.answerKey()
        let (report, root) = try await Self.dryRun()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let found = Self.outcomes(report, root: root)
        for entry in key {
            let got = found[entry.file + "|" + ConfigKey.fold(entry.key)] ?? "none"
            #expect(got == entry.outcome, "\(entry): expected \(entry.outcome), got \(got)")
        }
        let keyed = Set(key.map { $0.file + "|" + ConfigKey.fold($0.key) })
        let unkeyed = found.keys.filter { !keyed.contains($0) }.sorted()
        #expect(unkeyed.isEmpty, "found sites the answer key does not list: \(unkeyed)")
        #expect(report.plan.unmigratable.isEmpty, "\(report.plan.unmigratable)")
        #expect(!report.wrote)
    }

    @Test("the counts are pinned: 22 secrets to migrate, 2 AWS keys, 1 for review, 40 decoys")
    func countsArePinned() async throws {
        let key = try Self.answerKey()
        #expect(key.filter { $0.outcome == "migrate" }.count == 22)
        #expect(key.filter { $0.outcome == "access-key" }.count == 2)
        #expect(key.filter { $0.outcome == "review" }.count == 1)
        #expect(key.filter { $0.outcome == "none" }.count == 40)
        let (report, root) = try await Self.dryRun()
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(report.plan.secrets.flatMap(\.sites).count == 22)
        #expect(report.plan.accessKeys.count == 2)
        #expect(report.plan.review.count == 1)
        // Every shape the issue lists has at least one planted credential.
        let shapes = Set(key.filter { $0.outcome != "none" }.map(\.shape))
        #expect(shapes == ["writeOnly", "name", "npgsql", "ado", "redis", "url-userinfo", "url-path-key", "url-query", "aws", "stripe", "github", "slack", "pem", "jwt", "entropy"])
    }

    @Test("--include KEY turns the review item into a migrated secret")
    func includeMigratesReviewItem() async throws {
        let (report, root) = try await Self.dryRun(include: ["Analytics:IngestCode"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let found = Self.outcomes(report, root: root)
        #expect(found["services/payments/appsettings.json|ANALYTICS:INGESTCODE"] == "migrate")
        #expect(report.plan.review.isEmpty)
        #expect(report.plan.secrets.flatMap(\.sites).count == 23)
        let secret = report.plan.secrets.first { $0.sites.contains { $0.key.folded == "ANALYTICS:INGESTCODE" } }
        #expect(secret?.name == "qsl/production/payments/analytics")
    }
}
