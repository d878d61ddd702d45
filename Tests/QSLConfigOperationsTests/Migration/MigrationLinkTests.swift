import Foundation
import QSLConfig
import QSLConfigCore
import QSLConfigOperations
import QSLConfigTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A service's appsettings file may be a symbolic link to a file elsewhere inside the root.
/// `migrate` rewrites the file the link leads to, so the plaintext does not stay there under the
/// old name, and rollback restores it there; two catalogued paths that are one file are refused
/// before anything is written.
@Suite("migrate through symbolic links")
struct MigrationLinkTests {
    static let linkPath = "platform/src/ComplianceService/appsettings.json"

    static func isLink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFLNK
    }

    static func text(_ path: String) throws -> String {
        String(decoding: try FileBytes.read(path), as: UTF8.self)
    }

    @Test("a service file that is a link: the file it leads to is rewritten, the link stays, rollback restores the target byte for byte")
    func linkedFileRewrittenAtItsTarget() async throws {
        let root = try MigrationOperationTests.copyOfRepository()
        let link = root + "/" + Self.linkPath
        let target = root + "/platform/linked/compliance.json"
        try FileManager.default.createDirectory(atPath: root + "/platform/linked", withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: link, toPath: target)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "../../linked/compliance.json")
        chmod(target, 0o640)
        let original = try FileBytes.read(target)
        let plaintext = #""ComplyCubeApiUrl": "https://api.complycube.example/v1""#
        #expect(try Self.text(target).contains(plaintext), "the fixture holds the credential this test follows")

        let store = LocalSecretStore(path: root + "/.qsl/production.json")
        let report = try await MigrationOperation().run(MigrationOperationTests.request(root, store: store))
        #expect(report.exitStatus == 0 && report.wrote, "\(report.text())")
        #expect(report.endCheckFailures.isEmpty)

        #expect(Self.isLink(link), "the link is still a link")
        let rewritten = try Self.text(target)
        #expect(!rewritten.contains(plaintext), "the plaintext is gone from the file the link leads to")
        #expect(rewritten.contains(#""ComplyCubeApiUrl": "${aws:secrets:"#))
        #expect(FileBytes.permissions(of: target) == 0o640, "the target keeps its mode")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: root + "/platform/linked")
        #expect(leftovers == ["compliance.json"], "no temporary file beside the target: \(leftovers)")

        let outcome = try await MigrationRollback().run(root: root) { _ in store }
        #expect(Self.isLink(link), "rollback keeps the link")
        #expect(try FileBytes.read(target) == original, "rollback restores the target byte for byte")
    }

    @Test("two catalogued paths that are one file are refused before anything is written")
    func twoPathsOneFileRefused() async throws {
        let root = try MigrationOperationTests.copyOfRepository()
        let link = root + "/" + Self.linkPath
        // InfrastructureService's own file holds credentials migrate rewrites; ComplianceService
        // now reads the same file.
        try FileManager.default.removeItem(atPath: link)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "../InfrastructureService/appsettings.json")
        let before = try MigrationOperationTests.snapshot(root)

        let store = LocalSecretStore(path: root + "/.qsl/production.json")
        let report = try await MigrationOperation().run(MigrationOperationTests.request(root, store: store))
        #expect(report.exitStatus != 0 && !report.wrote)
        let refusal = report.plan.unmigratable.filter { $0.rule == "migrate-file" && $0.message.contains("the same file as") }
        #expect(refusal.count == 1, "\(report.plan.unmigratable.map(\.description))")
        #expect(refusal.first?.description.contains("InfrastructureService/appsettings.json") == true)
        #expect(refusal.first?.description.contains("ComplianceService/appsettings.json") == true)
        #expect(try MigrationOperationTests.snapshot(root) == before, "no file changed")
        #expect(try await store.listSecrets(prefix: "qsl/production/").isEmpty, "no secret written")
    }
}
