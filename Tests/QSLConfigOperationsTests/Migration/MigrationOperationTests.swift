import Foundation
import QSLConfig
import QSLConfigCore
import QSLConfigOperations
import QSLConfigTesting
import Synchronization
import Testing

/// `migrate --from smoke --to production` on a copy of the repository's own tree, against the
/// embedded store: what the issue's proof asks of the main use.
@Suite("migrate on the repository's tree")
struct MigrationOperationTests {
    /// A copy of `environments/`, `platform/` and `schemas/`.
    static func copyOfRepository() throws -> String {
        let copy = try PlatformFixtures.temporaryDirectory("migrate")
        for folder in ["environments", "platform", "schemas"] {
            try FileManager.default.copyItem(atPath: PlatformFixtures.repositoryRoot + "/" + folder, toPath: copy + "/" + folder)
        }
        return copy
    }

    /// Every file under the tree but `.qsl/`, by relative path.
    static func snapshot(_ root: String) throws -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        let enumerator = FileManager.default.enumerator(atPath: root)
        while let path = enumerator?.nextObject() as? String {
            guard !path.hasPrefix(".qsl"), !path.hasPrefix("out") else { continue }
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: root + "/" + path, isDirectory: &isDirectory)
            if !isDirectory.boolValue { files[path] = try FileBytes.read(root + "/" + path, maxBytes: 16 << 20) }
        }
        return files
    }

    static func request(_ root: String, store: LocalSecretStore) -> MigrationRequest {
        MigrationRequest(root: root, from: "smoke", to: "production") { _ in store }
    }

    /// `root` migrated smoke → production into an embedded store under it, expected to succeed
    /// and write; the store and the report.
    static func migrated(_ root: String) async throws -> (store: LocalSecretStore, report: MigrationReport) {
        let store = LocalSecretStore(path: root + "/.qsl/production.json")
        let report = try await MigrationOperation().run(request(root, store: store))
        #expect(report.exitStatus == 0 && report.wrote, "\(report.text())")
        return (store, report)
    }

    /// The smoke-test values the fake platform holds, which nothing may print.
    static let plantedValues = ["npg_FAKE0000example", "fake-smoke-redis-pass", "fake-smoke-kestra-password", "FAKE-smoke-jwt-signing-secret"]

    @Test("smoke → production moves every credential, passes its end check, leaves production clean for validate and ecs, then has nothing to do; rollback restores every byte")
    func repositoryTree() async throws {
        let root = try Self.copyOfRepository()
        let original = try Self.snapshot(root)
        let store = LocalSecretStore(path: root + "/.qsl/production.json")

        let report = try await MigrationOperation().run(Self.request(root, store: store))
        #expect(report.exitStatus == 0, "\(report.text())")
        #expect(report.endCheckFailures.isEmpty)
        #expect(report.plan.unmigratable.isEmpty && report.plan.conflicts.isEmpty)
        #expect(report.wrote)
        #expect(report.plan.secrets.count >= 50 && report.plan.secrets.allSatisfy { $0.action == .create })
        // The 18 Neon strings (and the two service files that repeat them) share one password.
        #expect(report.plan.sharedValues.contains { $0.part == "password" && $0.sites.count >= 18 })
        let text = report.text() + report.json()
        for value in Self.plantedValues { #expect(!text.contains(value), "the report shows a value") }

        // Named by production's own references where it has them, by its naming rules elsewhere.
        let names = Set(report.plan.secrets.map(\.name))
        #expect(names.isSuperset(of: ["qsl/production/neon/userservice", "qsl/production/redis/connection", "qsl/production/jwt", "qsl/production/kestra"]))
        let stored = try await store.listSecrets(prefix: "qsl/production/")
        #expect(Set(stored.map(\.name)) == names)
        let kinds = Dictionary(uniqueKeysWithValues: stored.map { ($0.name, $0.tags["qsl:kind"]) })
        #expect(kinds["qsl/production/neon/userservice"] == "postgres" && kinds["qsl/production/redis/connection"] == "redis" && kinds["qsl/production/jwt"] == "generated")
        #expect(stored.allSatisfy { $0.tags["Environment"] == "production" && $0.tags["qsl:migrated-from"] == "smoke" })

        // Rewritten in place: the base file now references, relative to the prefix; comments stay.
        let base = String(decoding: try FileBytes.read(root + "/platform/QuantunSkyLink_v2.AppHost/appsettings.json"), as: UTF8.self)
        #expect(base.contains(#""Secret": "${aws:secrets:./jwt:secret}","#))
        #expect(base.contains("// All 18 Neon databases share one host, owner and password"))
        #expect(!base.contains("npg_FAKE0000example"))

        // validate: production holds no plaintext secret any more.
        let validation = try await ValidationOperation().run(ValidationRequest(.catalogue(root: root, environment: "production", services: [])))
        let plaintext = validation.services.flatMap(\.diagnostics).filter { $0.rule == "plaintext-secret" }
        #expect(plaintext.isEmpty, "\(plaintext.map(\.description))")
        for environment in ["development", "staging"] {
            let other = try await ValidationOperation().run(ValidationRequest(.catalogue(root: root, environment: environment, services: [])))
            #expect(other.exitStatus == 0, "\(environment) still validates: \(other.services.flatMap(\.diagnostics).filter { $0.severity == .error }.map(\.description))")
        }

        // ecs: with every other secret production references in the store, all 22 bundle.
        let platform = try PlatformRoot(path: root)
        let seed = try await PlatformFixtures.syntheticSeed("production", root: platform)
        let missing = StoreSeed(secrets: seed.secrets.filter { !names.contains($0.name) }, parameters: seed.parameters)
        _ = try await missing.apply(to: store)
        let bundle = try await BundleOperation(root: platform, environment: try platform.environment("production"), store: store, format: .ecs).build(services: [])
        #expect(bundle.services.count == 22)

        // A second run has nothing to do and calls nothing.
        let second = try await MigrationOperation().run(Self.request(root, store: store))
        #expect(second.isNothingToDo && !second.wrote && second.calls.total == 0, "\(second.text())")
        #expect(second.text().contains("nothing to do"))

        // Rollback: every file as it was, byte for byte; the created overlay removed.
        let outcome = try await MigrationRollback().run(root: root) { _ in store }
        let restored = try Self.snapshot(root)
        #expect(restored.keys.sorted() == original.keys.sorted())
        for (path, bytes) in original where restored[path] != bytes { Issue.record("\(path) differs after rollback") }
    }

    @Test("the journal keeps paths relative to the root: a copy of a migrated tree rolls back its own files, never the original's")
    func copiedTreeRollsBackItsOwnFiles() async throws {
        let original = try Self.copyOfRepository()
        let before = try Self.snapshot(original)
        _ = try await Self.migrated(original)
        let migrated = try Self.snapshot(original)
        #expect(migrated != before)

        let journal = String(decoding: try FileBytes.read(original + "/.qsl/migrate-journal.json"), as: UTF8.self)
        #expect(!journal.contains(original), "the journal names files by root-relative paths")
        #expect(journal.contains(#""path" : "platform"#))

        // The whole tree, journal and store included, copied elsewhere; rolled back there.
        let copy = try PlatformFixtures.temporaryDirectory("migrate-copy") + "/tree"
        try FileManager.default.copyItem(atPath: original, toPath: copy)
        let copyStore = LocalSecretStore(path: copy + "/.qsl/production.json")
        let outcome = try await MigrationRollback().run(root: copy) { _ in copyStore }
        #expect(!outcome.restored.isEmpty)
        #expect(outcome.restored.allSatisfy { $0.hasPrefix(copy + "/") }, "\(outcome.restored)")
        #expect(try Self.snapshot(copy) == before, "the copy is back to its state before the migration")
        #expect(try Self.snapshot(original) == migrated, "the original is untouched")
    }

    @Test("a file edited since the migration stops the rollback before any file is touched, journal kept; put back, the rollback finishes")
    func rollbackRefusesAnEditedFile() async throws {
        let root = try Self.copyOfRepository()
        let before = try Self.snapshot(root)
        let (store, report) = try await Self.migrated(root)
        let migrated = try Self.snapshot(root)
        let edited = try #require(report.plan.files.map(\.path).first { $0.hasSuffix("/appsettings.json") && $0.hasPrefix(root + "/") })
        let relative = String(edited.dropFirst(root.count + 1))
        #expect(before[relative] != nil && migrated[relative] != before[relative])
        let migratedBytes = try FileBytes.read(edited)
        try AtomicFile.write(migratedBytes + Array("\n".utf8), to: edited)

        let error = await #expect(throws: MigrationError.self) { try await MigrationRollback().run(root: root) { _ in store } }
        #expect(error?.diagnostics.map(\.location?.file) == [edited], "\(String(describing: error?.diagnostics))")
        #expect(error?.diagnostics.first?.message.contains("changed since the migration wrote it; nothing was rolled back") == true)
        var now = try Self.snapshot(root)
        now[relative] = migrated[relative]
        #expect(now == migrated, "no other file was touched")
        #expect(FileBytes.exists(root + "/.qsl/migrate-journal.json"), "the journal stays for the next rollback")

        try AtomicFile.write(migratedBytes, to: edited)
        let outcome = try await MigrationRollback().run(root: root) { _ in store }
        #expect(!outcome.restored.isEmpty)
        #expect(try Self.snapshot(root) == before)
    }

    @Test("a store that fails during the end check is a store failure (exit 3), not a finding; the report is still printed and says the migration itself is done")
    func endCheckStoreFailure() async throws {
        let root = try Self.copyOfRepository()
        let local = LocalSecretStore(path: root + "/.qsl/production.json")
        // The migration's own reads and read-back pass; the end check's reads fail.
        let reads = Mutex(0)
        let store = InterceptingSecretStore(local) { base, selectors throws(StoreError) in
            let call = reads.withLock { count -> Int in
                count += 1
                return count
            }
            guard call <= 2 else { throw StoreError(.unavailable, "the store stopped answering") }
            return try await base.getSecrets(selectors)
        }
        var request = Self.request(root, store: local)
        request.makeStore = { _ in store }
        let report = try await MigrationOperation().run(request)
        #expect(report.exitStatus == 3 && report.endCheckStoreFailure && report.wrote, "\(report.text())")
        #expect(report.json().contains(#""endCheckStoreFailure" : true"#), "\(report.json())")
        #expect(report.text().contains("the migration itself is done"), "\(report.text())")
        #expect(report.summary().contains(" files rewritten"), "the report is still printed: \(report.summary())")
        #expect(reads.withLock { $0 } >= 3, "the end check read the store")
    }

    @Test("a journal naming files by absolute paths outside the root (an older version's, in another copy) is refused, and nothing changes")
    func journalWithPathsOutsideTheRoot() async throws {
        let original = try Self.copyOfRepository()
        let store = LocalSecretStore(path: original + "/.qsl/production.json")
        let report = try await MigrationOperation().run(Self.request(original, store: store))
        #expect(report.exitStatus == 0 && report.wrote)
        let migrated = try Self.snapshot(original)

        // What version 1 wrote for a run given an absolute root: the paths as given.
        let journalPath = original + "/.qsl/migrate-journal.json"
        var object = try #require(try JSONSerialization.jsonObject(with: Data(FileBytes.read(journalPath))) as? [String: Any])
        object["version"] = 1
        object["files"] = (object["files"] as? [[String: Any]] ?? []).map { file in
            var file = file
            file["path"] = original + "/" + (file["path"] as! String)
            return file
        }
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: journalPath))

        // A copy of the tree carries that journal, whose paths name the original's files.
        let copy = try PlatformFixtures.temporaryDirectory("migrate-v1") + "/tree"
        try FileManager.default.copyItem(atPath: original, toPath: copy)
        do {
            _ = try await MigrationRollback().run(root: copy) { _ in LocalSecretStore(path: copy + "/.qsl/production.json") }
            Issue.record("a journal naming another tree's files was accepted")
        } catch {
            #expect(error.diagnostics.contains { $0.message.contains("outside") && $0.message.contains("another copy of the tree") }, "\(error.diagnostics)")
        }
        #expect(try Self.snapshot(original) == migrated, "the other tree is untouched")
        #expect(try Self.snapshot(copy) == migrated, "nothing changed in the copy either")

        let outcome = try await MigrationRollback().run(root: original) { _ in store }
        #expect(!outcome.restored.isEmpty, "a version 1 journal in its own tree still rolls back")
    }

    @Test("a dry run writes nothing, to the files or the store, and prints no value")
    func dryRun() async throws {
        let root = try Self.copyOfRepository()
        let original = try Self.snapshot(root)
        let store = LocalSecretStore(path: root + "/.qsl/production.json")
        var request = Self.request(root, store: store)
        request.dryRun = true
        let report = try await MigrationOperation().run(request)
        #expect(report.exitStatus == 0 && !report.wrote)
        #expect(report.plan.secrets.count >= 50 && report.plan.files.count >= 10)
        #expect(try Self.snapshot(root) == original)
        #expect(try await store.listSecrets(prefix: nil).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: root + "/.qsl/migrate-journal.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any])
        let secrets = try #require(json["secrets"] as? [[String: Any]])
        let occurrences = secrets.flatMap { ($0["occurrences"] as? [[String: Any]]) ?? [] }
        #expect(occurrences.allSatisfy { $0["file"] is String && $0["line"] is Int && $0["key"] is String })
        let text = report.text() + report.json()
        for value in Self.plantedValues { #expect(!text.contains(value)) }
    }
}

extension MigrationOperationTests {
    @Test("AWS access keys are taken out of the file, not migrated, and listed for deactivation; the rest of the file stays")
    func accessKeysRemoved() async throws {
        let (root, file) = try Self.plantedCopy("planted") { $0 }
        let before = String(decoding: try FileBytes.read(file), as: UTF8.self)
        #expect(before.contains("AKIA"))
        let store = LocalSecretStore(path: root + "/.qsl/production.json")
        let report = try await MigrationOperation().run(Self.request(root, store: store))
        #expect(report.exitStatus == 0, "\(report.text())")
        #expect(Set(report.plan.accessKeys.map(\.key.spelling)) == ["AWS:AccessKeyId", "AWS:SecretAccessKey"])
        #expect(report.text().contains("deactivate it"))
        let after = String(decoding: try FileBytes.read(file), as: UTF8.self)
        #expect(!after.contains("AKIA") && !after.contains("AccessKeyId") && !after.contains("SecretAccessKey"))
        let stored = try await store.listSecrets(prefix: nil)
        #expect(!stored.contains { $0.name.lowercased().contains("accesskey") }, "no access key is migrated")
        _ = try JSONDocument(parsing: Array(after.utf8), file: file)
        let again = try await MigrationOperation().run(Self.request(root, store: store))
        #expect(again.isNothingToDo)
    }

    @Test("a rollback stopped after restoring a file the migration took access keys out of is finished by the next one, which takes that file as done")
    func rollbackStoppedPartwayFinishes() async throws {
        let (root, file) = try Self.plantedCopy("planted-rollback") { $0 }
        let store = LocalSecretStore(path: root + "/.qsl/production.json")
        let report = try await MigrationOperation().run(Self.request(root, store: store))
        #expect(report.exitStatus == 0 && !report.plan.accessKeys.isEmpty, "\(report.text())")
        let first = try await MigrationRollback().run(root: root) { _ in store }
        #expect(first.restored.contains(file) && !first.notRestored.isEmpty, "\(first.text())")
        let restored = try Self.snapshot(root)
        // As if the first rollback had been stopped after its files, before retiring its journal.
        let journal = root + "/.qsl/migrate-journal.json"
        try FileManager.default.moveItem(atPath: journal + ".rolled-back", toPath: journal)

        let second = try await MigrationRollback().run(root: root) { _ in store }
        #expect(second.restored.isEmpty && second.removed.isEmpty, "\(second.text())")
        #expect(try Self.snapshot(root) == restored, "nothing rewritten")
        #expect(!FileManager.default.fileExists(atPath: journal), "the journal is retired")
    }

    @Test("an AWS access key in an array element is taken out, never kept in the journal, and rollback does not put it back")
    func accessKeyInArrayNotJournalled() async throws {
        let keyId = "AKIAQSLARRAY0FAKE222"
        let (root, file) = try Self.plantedCopy("planted-array") {
            $0.replacingOccurrences(of: "  \"Fees\": {", with: "  \"Backup\": {\n    \"KeyIds\": [\"\(keyId)\"]\n  },\n  \"Fees\": {")
        }
        let store = LocalSecretStore(path: root + "/.qsl/production.json")
        let report = try await MigrationOperation().run(Self.request(root, store: store))
        #expect(report.exitStatus == 0, "\(report.text())")
        #expect(report.plan.accessKeys.contains { $0.key.spelling == "Backup:KeyIds:0" })
        let after = String(decoding: try FileBytes.read(file), as: UTF8.self)
        #expect(!after.contains(keyId))
        let journal = String(decoding: try FileBytes.read(root + "/.qsl/migrate-journal.json"), as: UTF8.self)
        #expect(!journal.contains(keyId), "the journal holds no access key")

        let outcome = try await MigrationRollback().run(root: root) { _ in store }
        let restored = String(decoding: try FileBytes.read(file), as: UTF8.self)
        #expect(!restored.contains(keyId), "rollback does not restore an access key")
        #expect(outcome.notRestored.contains { $0.hasSuffix("Backup:KeyIds:0") }, "\(outcome.notRestored)")
    }

    /// The planted fixture copied into a new folder, with `edit` applied to payments' file (whose
    /// path is returned with the root).
    static func plantedCopy(_ label: String, editing edit: (String) -> String) throws -> (root: String, file: String) {
        let root = try PlatformFixtures.temporaryDirectory(label)
        let planted = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/planted").path
        for item in try FileManager.default.contentsOfDirectory(atPath: planted) {
            try FileManager.default.copyItem(atPath: planted + "/" + item, toPath: root + "/" + item)
        }
        let file = root + "/services/payments/appsettings.json"
        let text = String(decoding: try FileBytes.read(file), as: UTF8.self)
        let edited = edit(text)
        try Data(edited.utf8).write(to: URL(fileURLWithPath: file))
        return (root, file)
    }

    @Test("a credential written with an escaped `$$` is stored as the service reads it, and resolves to the same text")
    func escapedDollarStoredUnescaped() async throws {
        let (root, file) = try Self.plantedCopy("planted-escape") { $0.replacingOccurrences(of: "violet-anchor-7319", with: "violet-$${anchor-7319") }
        let original = try FileBytes.read(file)
        #expect(String(decoding: original, as: UTF8.self).contains(#""BankPin": "violet-$${anchor-7319","#))
        let store = LocalSecretStore(path: root + "/.qsl/production.json")
        let report = try await MigrationOperation().run(Self.request(root, store: store))
        #expect(report.exitStatus == 0, "\(report.text())")
        let after = String(decoding: try FileBytes.read(file), as: UTF8.self)
        #expect(!after.contains("anchor-7319"), "\(report.text())")
        let stored = try await store.getSecret(SecretVersionSelector(secretId: "qsl/production/payments/settlement"))
        guard case .string(let text) = stored.payload else { Issue.record("not a string secret"); return }
        let object = try JSONSerialization.jsonObject(with: Data(text.unsafeRevealed.utf8)) as? [String: String]
        #expect(object?["bankPin"] == "violet-${anchor-7319", "the value the service read, not the file's escape")
        #expect(report.endCheckFailures.isEmpty)

        let outcome = try await MigrationRollback().run(root: root) { _ in store }
        // Byte for byte but for the AWS access keys, which rollback never restores.
        let restored = String(decoding: try FileBytes.read(file), as: UTF8.self)
        let expected = String(decoding: original, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.contains("AKIA") && !$0.contains("SecretAccessKey") }
        #expect(restored.split(separator: "\n", omittingEmptySubsequences: false) == expected, "rollback writes the escape back: \(restored)")
    }

    @Test("a credential with a reference inside it is refused, named by key and line, and nothing is written")
    func credentialWithReferenceRefused() async throws {
        let (root, _) = try Self.plantedCopy("planted-reference") {
            $0.replacingOccurrences(of: "xoxb-2741958301-5820391746-PlAnTeDfAkEsLaCkBoT9xQ", with: "xoxb-2741958301-5820391746-PlAnTeDfAkEsLaCkBoT9xQ${SLACK_SUFFIX:}")
        }
        let before = try Self.snapshot(root)
        let store = LocalSecretStore(path: root + "/.qsl/production.json")
        let report = try await MigrationOperation().run(Self.request(root, store: store))
        #expect(report.exitStatus != 0 && !report.wrote)
        let refusal = report.plan.unmigratable.filter { $0.rule == "migrate-reference" }
        #expect(refusal.count == 1 && refusal.first?.keyPath == "Chat:SlackBot", "\(report.plan.unmigratable.map(\.description))")
        #expect(refusal.first?.description.contains("PlAnTeD") == false, "no value in the message")
        #expect(try Self.snapshot(root) == before, "no file changed")
        #expect(try await store.listSecrets(prefix: nil).isEmpty, "no secret written")
    }

    @Test("a file edited while migrate runs is not rewritten over the edit; the next run plans from the edited file")
    func fileEditedDuringTheRun() async throws {
        let root = try Self.copyOfRepository()
        let file = root + "/platform/src/ComplianceService/appsettings.json"
        let before = try Self.snapshot(root)
        let store = LocalSecretStore(path: root + "/.qsl/production.json")
        var request = Self.request(root, store: store)
        request.afterStep = { step in
            guard step == "journal: started" else { return }
            // Someone saves the file between the plan and the rewrite.
            let text = String(decoding: (try? FileBytes.read(file)) ?? [], as: UTF8.self)
            try? AtomicFile.write(Array(text.replacingOccurrences(of: "{", with: "{\n  \"EditedByHand\": \"yes\",", options: [], range: text.range(of: "{")).utf8), to: file, mode: 0o644)
        }
        let error = await #expect(throws: MigrationError.self) { try await MigrationOperation().run(request) }
        let message = error?.diagnostics.map(\.description).joined(separator: "\n") ?? ""
        #expect(message.contains("changed while migrate ran") && message.contains("no file was rewritten"), "\(message)")
        let edited = String(decoding: try FileBytes.read(file), as: UTF8.self)
        #expect(edited.contains("EditedByHand") && edited.contains(#""ComplyCubeApiUrl": "https://"#), "the edit stays, nothing migrated over it")
        let relative = "platform/src/ComplianceService/appsettings.json"
        #expect(before[relative] != nil)
        #expect(try Self.snapshot(root).filter { $0.key != relative } == before.filter { $0.key != relative }, "no other file rewritten")

        let again = try await MigrationOperation().run(Self.request(root, store: store))
        #expect(again.exitStatus == 0 && again.endCheckFailures.isEmpty, "\(again.text())")
        let after = String(decoding: try FileBytes.read(file), as: UTF8.self)
        #expect(after.contains("EditedByHand") && after.contains(#""ComplyCubeApiUrl": "${aws:secrets:"#))
    }

    @Test("a second migration keeps the first one's journal: two rollbacks undo both, the latest first, back to the original bytes")
    func secondMigrationKeepsTheFirstJournal() async throws {
        let root = try Self.copyOfRepository()
        let original = try Self.snapshot(root)
        let (store, _) = try await Self.migrated(root)
        let afterFirst = try Self.snapshot(root)
        // A service the first migration left alone gets a new credential (development keeps a
        // value of its own); a second migration moves it.
        let untouched = try #require(
            afterFirst.keys.sorted().first {
                $0.hasPrefix("platform/src/") && $0.hasSuffix("/appsettings.json") && afterFirst[$0] == original[$0]
                    && afterFirst[$0.replacingOccurrences(of: "appsettings.json", with: "appsettings.Development.json")] != nil
            })
        let development = untouched.replacingOccurrences(of: "appsettings.json", with: "appsettings.Development.json")
        func inserting(_ member: String, into path: String) throws -> [UInt8] {
            let text = String(decoding: afterFirst[path]!, as: UTF8.self)
            let edited = text.replacingOccurrences(of: "{", with: "{\n  " + member + ",", options: [], range: text.range(of: "{"))
            try AtomicFile.write(Array(edited.utf8), to: root + "/" + path, mode: 0o644)
            return Array(edited.utf8)
        }
        let edited = try inserting(#""Partner": { "ApiKey": "sk_live_51SeCoNdMiGrAtIoN0Qx7Vb3Nm" }"#, into: untouched)
        let editedDevelopment = try inserting(#""Partner": { "ApiKey": "dev-partner-key" }"#, into: development)
        let second = try await MigrationOperation().run(Self.request(root, store: store))
        #expect(second.exitStatus == 0 && second.wrote, "\(second.text())")
        #expect(!String(decoding: try FileBytes.read(root + "/" + untouched), as: UTF8.self).contains("SeCoNdMiGrAtIoN"))
        #expect(FileBytes.exists(root + "/.qsl/migrate-journal.1.json"), "the first journal is kept aside")

        let undoSecond = try await MigrationRollback().run(root: root) { _ in store }
        #expect(undoSecond.earlierMigration, "\(undoSecond.text())")
        var expected = afterFirst
        expected[untouched] = edited
        expected[development] = editedDevelopment
        #expect(try Self.snapshot(root) == expected, "the second migration undone")
        let undoFirst = try await MigrationRollback().run(root: root) { _ in store }
        #expect(!undoFirst.earlierMigration, "\(undoFirst.text())")
        expected = original
        expected[untouched] = edited
        expected[development] = editedDevelopment
        #expect(try Self.snapshot(root) == expected, "the first migration undone too: every byte as before it")
        await #expect(throws: MigrationError.self) { try await MigrationRollback().run(root: root) { _ in store } }
        // Each rollback's record of the secrets it left in the store is kept.
        let journal = root + "/.qsl/migrate-journal.json"
        #expect(FileManager.default.fileExists(atPath: journal + ".rolled-back") && FileManager.default.fileExists(atPath: journal + ".rolled-back.2"))
    }

    @Test("rollback says so when a restored file is not byte for byte what it was (a value written with JSON escapes)")
    func rollbackNamesReencodedFiles() async throws {
        let (root, _) = try Self.plantedCopy("planted-escapes") { $0 }
        let file = root + "/services/orders/appsettings.json"
        let text = String(decoding: try FileBytes.read(file), as: UTF8.self)
        try AtomicFile.write(Array(text.replacingOccurrences(of: "blue-harbor-sunrise-42", with: #"blue-harbor-\u0073unrise-42"#).utf8), to: file, mode: 0o644)
        let store = LocalSecretStore(path: root + "/.qsl/production.json")
        let report = try await MigrationOperation().run(Self.request(root, store: store))
        #expect(report.exitStatus == 0, "\(report.text())")
        let outcome = try await MigrationRollback().run(root: root) { _ in store }
        #expect(outcome.reencoded == [file], "\(outcome.text())")
        #expect(outcome.text().contains("not byte for byte"))
        let restored = try JSONDocument(parsing: try FileBytes.read(file), file: file)
        #expect(restored.root["Partner"]?["Handshake"]?.stringValue == "blue-harbor-sunrise-42", "the same value")
        // The repository's tree, written without escapes, rolls back byte for byte and says nothing.
        let tree = try Self.copyOfRepository()
        let treeStore = LocalSecretStore(path: tree + "/.qsl/production.json")
        _ = try await MigrationOperation().run(Self.request(tree, store: treeStore))
        let clean = try await MigrationRollback().run(root: tree) { _ in treeStore }
        #expect(clean.reencoded.isEmpty && !clean.restored.isEmpty, "\(clean.text())")
    }

    /// Inserts a member at the top of `path`'s object, as an editor saving the file would.
    static func editByHand(_ path: String) {
        let text = String(decoding: (try? FileBytes.read(path)) ?? [], as: UTF8.self)
        guard let brace = text.range(of: "{") else { return }
        try? AtomicFile.write(Array(text.replacingCharacters(in: brace, with: "{\n  \"EditedByHand\": \"yes\",").utf8), to: path, mode: 0o644)
    }

    @Test("a file edited before the secrets are written stops the run with no secret written; one edited mid-rewrite stops it there, naming how many were rewritten")
    func fileEditedBeforeSecretsOrMidRewrite() async throws {
        let root = try Self.copyOfRepository()
        let file = root + "/platform/src/ComplianceService/appsettings.json"
        let store = LocalSecretStore(path: root + "/.qsl/production.json")
        let early = MigrationRequest(root: root, from: "smoke", to: "production") { _ in
            Self.editByHand(file)  // while the store is opened, after the plan
            return store
        }
        let error = await #expect(throws: MigrationError.self) { try await MigrationOperation().run(early) }
        #expect(error?.diagnostics.first?.description.contains("no file was rewritten") == true, "\(String(describing: error))")
        #expect(try await store.listSecrets(prefix: nil).isEmpty, "no secret written")
        #expect(!FileBytes.exists(root + "/.qsl/migrate-journal.json"))

        // Mid-rewrite: once the first file is written, a later one is saved by hand.
        let other = try Self.copyOfRepository()
        let otherStore = LocalSecretStore(path: other + "/.qsl/production.json")
        let edited = Mutex<String?>(nil)
        var late = Self.request(other, store: otherStore)
        late.afterStep = { step in
            guard step.hasPrefix("file: "), edited.withLock({ $0 == nil }) else { return }
            let written = String(step.dropFirst("file: ".count))
            let target = [other + "/platform/src/ComplianceService/appsettings.json", other + "/platform/src/InfrastructureService/appsettings.json"].first { $0 != written && $0 > written }!
            edited.withLock { $0 = target }
            Self.editByHand(target)
        }
        let lateError = await #expect(throws: MigrationError.self) { try await MigrationOperation().run(late) }
        let message = lateError?.diagnostics.first?.description ?? ""
        let editedPath = try #require(edited.withLock { $0 })
        #expect(message.contains("rewritten before it") && message.contains(editedPath), "\(message)")
        let kept = String(decoding: try FileBytes.read(editedPath), as: UTF8.self)
        #expect(kept.contains("EditedByHand") && !kept.contains("${aws:secrets:"), "the edit stays, nothing migrated over it")
        let again = try await MigrationOperation().run(Self.request(other, store: otherStore))
        #expect(again.exitStatus == 0 && again.endCheckFailures.isEmpty, "\(again.text())")
    }

    @Test("a run killed between keeping the last journal aside and saving its own: rollback takes up the kept journal")
    func rollbackFindsTheKeptJournal() async throws {
        let root = try Self.copyOfRepository()
        let original = try Self.snapshot(root)
        let store = LocalSecretStore(path: root + "/.qsl/production.json")
        _ = try await MigrationOperation().run(Self.request(root, store: store))
        try FileManager.default.moveItem(atPath: root + "/.qsl/migrate-journal.json", toPath: root + "/.qsl/migrate-journal.1.json")
        let outcome = try await MigrationRollback().run(root: root) { _ in store }
        #expect(!outcome.restored.isEmpty && !outcome.earlierMigration, "\(outcome.text())")
        #expect(try Self.snapshot(root) == original)
    }

    @Test("a tree whose files end their lines in CRLF keeps CRLF: in the lines a migration adds, and in the overlays it creates")
    func crlfTreeStaysCRLF() async throws {
        let root = try Self.copyOfRepository()
        // Without its production overlay, UserService reads its base credentials in production:
        // the migration creates the overlay to reference them.
        try FileManager.default.removeItem(atPath: root + "/platform/src/UserService/appsettings.Production.json")
        for (path, bytes) in try Self.snapshot(root) where path.hasPrefix("platform/") && path.hasSuffix(".json") {
            let text = String(decoding: bytes, as: UTF8.self)
            try AtomicFile.write(Array(text.replacing("\r\n", with: "\n").replacing("\n", with: "\r\n").utf8), to: root + "/" + path)
        }
        let original = try Self.snapshot(root)
        let (store, _) = try await Self.migrated(root)

        let migrated = try Self.snapshot(root)
        let created = Set(migrated.keys).subtracting(original.keys).filter { $0.hasPrefix("platform/") }
        #expect(created == ["platform/src/UserService/appsettings.Production.json"], "the migration creates the overlay: \(created)")
        for (path, bytes) in migrated where path.hasPrefix("platform/") && bytes != original[path] {
            let bareLineFeeds = bytes.indices.filter { bytes[$0] == UInt8(ascii: "\n") && ($0 == 0 || bytes[$0 - 1] != UInt8(ascii: "\r")) }
            #expect(bareLineFeeds.isEmpty, "\(path) (\(created.contains(path) ? "created" : "rewritten")) has \(bareLineFeeds.count) lines ended by a bare LF")
        }

        _ = try await MigrationRollback().run(root: root) { _ in store }
        #expect(try Self.snapshot(root) == original)
    }
}
