import Foundation
import QSLConfig
import QSLConfigAWS
import QSLConfigCore
import QSLConfigOperations
import QSLConfigTesting
import Testing
import QSLConfigAWSURLSession

/// `MigrationOperation` against stores: the calls it makes on the wire, and what it does with
/// secrets that already exist.
@Suite("migrate against stores", .serialized)
struct MigrationStoreTests {
    /// A fresh copy of the repository's demo platform.
    static func copyTree() throws -> String {
        let copy = try PlatformFixtures.temporaryDirectory("migrate")
        for folder in ["environments", "platform", "schemas"] {
            try FileManager.default.copyItem(atPath: PlatformFixtures.repositoryRoot + "/" + folder, toPath: copy + "/" + folder)
        }
        return copy
    }

    static func request(_ root: String, services: [String] = [], store: any SecretStore) -> MigrationRequest {
        MigrationRequest(root: root, from: "smoke", to: "production", services: services) { _ in store }
    }

    /// Every file under the root but `.qsl/`, by relative path.
    static func files(_ root: String) throws -> [String: Data] {
        var result: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: root)!
        while let relative = enumerator.nextObject() as? String {
            if relative == ".qsl" || relative.hasPrefix(".qsl/") { continue }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: root + "/" + relative, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            result[relative] = try Data(contentsOf: URL(fileURLWithPath: root + "/" + relative))
        }
        return result
    }

    /// name → (AWSCURRENT value, versions).
    static func secrets(_ store: any SecretStore) async throws -> [String: [String]] {
        var result: [String: [String]] = [:]
        for description in try await store.listSecrets(prefix: nil) {
            let secret = try await store.getSecret(SecretVersionSelector(secretId: description.name))
            guard case .string(let value) = secret.payload else { continue }
            result[description.name] = [value.unsafeRevealed, "\(try await store.listSecretVersions(description.name).count)"]
        }
        return result
    }

    @Test("the 22-service tree on the wire: ceil(n/20) BatchGetSecretValue to read, one CreateSecret a secret, ceil(n/20) to read back; the report counts what was sent; a second run sends nothing")
    func callCounts() async throws {
        let moto = try await MotoServer.start()
        defer { moto.stop() }
        let root = try Self.copyTree()
        let transport = RecordingTransport(URLSessionTransport())
        let store = try PlatformOnMotoTests.store(moto, transport: transport)

        let report = try await MigrationOperation().run(Self.request(root, store: store))
        #expect(report.exitStatus == 0, "\(report.text())")
        let created = report.plan.secrets.filter { $0.action == .create }.count
        #expect(created == report.plan.secrets.count)
        #expect(created == 56, "the repository's tree: \(created) secrets")
        let batches = (created + 19) / 20
        let operations = transport.operations
        #expect(report.calls.reads == batches)
        #expect(report.calls.writes == created)
        #expect(report.calls.readBacks == batches)
        #expect(operations.filter { $0 == "secretsmanager.CreateSecret" }.count == created)
        // Reads, read-backs and the end check are all BatchGetSecretValue.
        #expect(operations.filter { $0 == "secretsmanager.BatchGetSecretValue" }.count == 2 * batches + report.calls.endCheck, "\(operations)")
        #expect(operations.count == report.calls.total, "\(operations)")
        // In order: the reads, the writes, the read-backs; nothing else.
        #expect(Array(operations.prefix(batches)) == Array(repeating: "secretsmanager.BatchGetSecretValue", count: batches))
        #expect(Array(operations.dropFirst(batches).prefix(created)) == Array(repeating: "secretsmanager.CreateSecret", count: created))
        // Every CreateSecret carries a request token, so a retry adds no version.
        for record in transport.records where record.target == "secretsmanager.CreateSecret" {
            #expect((record.jsonBody?["ClientRequestToken"] as? String)?.count == 36)
        }
        #expect(Set(transport.records.compactMap { ($0.jsonBody?["SecretIdList"] as? [String])?.count }).allSatisfy { $0 <= 20 })

        let secondTransport = RecordingTransport(URLSessionTransport())
        let second = try await MigrationOperation().run(Self.request(root, store: try PlatformOnMotoTests.store(moto, transport: secondTransport)))
        #expect(second.isNothingToDo, "\(second.text())")
        #expect(second.calls.total == 0)
        #expect(secondTransport.operations.isEmpty, "\(secondTransport.operations)")
    }

    @Test("a store that already holds some secrets: the same values are unchanged (no version), another value is a conflict that writes nothing, --update-existing puts one version")
    func preExistingStore() async throws {
        // The values an uninterrupted migration writes, from a first copy.
        let a = try Self.copyTree()
        let storeA = LocalSecretStore(path: a + "/.qsl/prod.json")
        #expect(try await MigrationOperation().run(Self.request(a, services: ["userservice"], store: storeA)).exitStatus == 0)
        let written = try await Self.secrets(storeA)
        let names = written.keys.sorted()
        #expect(names.count == 8, "\(names)")
        let same = Array(names.prefix(3))
        let other = try #require(names.last)

        // A second copy whose store already holds three of them with these values, one with another.
        let b = try Self.copyTree()
        let before = try Self.files(b)
        let store = LocalSecretStore(path: b + "/.qsl/prod.json")
        for name in same + [other] {
            let value = name == other ? "Host=elsewhere;Password=another-value" : written[name]![0]
            _ = try await store.createSecret(CreateSecretRequest(name: name, value: .string(SecretValue(value)), clientRequestToken: UUID().uuidString))
        }
        let seeded = try await Self.secrets(store)

        let conflicting = try await MigrationOperation().run(Self.request(b, services: ["userservice"], store: store))
        #expect(conflicting.exitStatus == 1)
        #expect(conflicting.plan.conflicts.map(\.name) == [other])
        #expect(conflicting.text().contains("error: \(other) exists in production's store with another value"), "\(conflicting.text())")
        #expect(!conflicting.wrote)
        // It says what it would have done, never that it did it.
        let said = conflicting.text()
        #expect(!said.contains("rewrote ") && said.contains("would rewrite "), "\(said)")
        #expect(conflicting.summary().contains(" to create,") && !conflicting.summary().contains(" created,"), "\(conflicting.summary())")
        #expect(try Self.files(b) == before, "a conflict rewrites no file")
        #expect(try await Self.secrets(store) == seeded, "a conflict writes no secret")

        var update = Self.request(b, services: ["userservice"], store: store)
        update.updateExisting = true
        let updated = try await MigrationOperation().run(update)
        #expect(updated.exitStatus == 0, "\(updated.text())")
        let actions = Dictionary(uniqueKeysWithValues: updated.plan.secrets.map { ($0.name, $0.action) })
        for name in same { #expect(actions[name] == .unchanged, "\(name)") }
        #expect(actions[other] == .update)
        let after = try await Self.secrets(store)
        #expect(Set(after.keys) == Set(names))
        for name in names {
            #expect(after[name]?[0] == written[name]![0], "\(name) holds the migrated value")
            #expect(after[name]?[1] == (name == other ? "2" : "1"), "\(name): \(after[name]?[1] ?? "-") versions")
        }
        // AWSCURRENT moved to the new version; the old one is AWSPREVIOUS.
        let versions = try await store.listSecretVersions(other)
        let current = try await store.getSecret(SecretVersionSelector(secretId: other))
        #expect(versions.first { $0.stages.contains("AWSCURRENT") }?.versionId == current.versionId)
        #expect(versions.contains { $0.stages.contains("AWSPREVIOUS") })
        #expect(try Self.files(b) == (try Self.files(a)), "the files end as the uninterrupted run's")
    }
}
