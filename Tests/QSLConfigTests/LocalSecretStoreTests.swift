import Foundation
import QSLConfig
import QSLConfigCore
import QSLConfigTesting
import Testing

@Suite("embedded local store")
struct LocalSecretStoreTests {
    static func temporaryStorePath() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qsl-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent(".qsl/local-store.json").path
    }

    static func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as! NSNumber).intValue
    }

    /// The store error `body` fails with, or `nil` (recorded as an issue) when it succeeds.
    static func failure(_ body: () async throws -> StoredSecret) async -> StoreError? {
        do {
            _ = try await body()
            Issue.record("expected a store error")
            return nil
        } catch {
            return error as? StoreError
        }
    }

    @Test("passes the secret store compat suite")
    func compat() async throws {
        try await SecretStoreCompatSuite(store: LocalSecretStore(path: Self.temporaryStorePath())).run()
    }

    @Test("passes the compat suite with a key from QSL_LOCAL_STORE_KEY")
    func compatWithEnvironmentKey() async throws {
        let key = Data((0..<32).map { UInt8($0) }).base64EncodedString()
        let path = try Self.temporaryStorePath()
        try await SecretStoreCompatSuite(store: LocalSecretStore(path: path, environment: ["QSL_LOCAL_STORE_KEY": key])).run()
        #expect(!FileManager.default.fileExists(atPath: path + ".key"), "no key file when the key comes from the environment")
    }

    @Test("the store and its key file are mode 0600 and the store holds no plaintext")
    func encryptedAtRest() async throws {
        let path = try Self.temporaryStorePath()
        let store = LocalSecretStore(path: path)
        let canary = "canary-\(UUID().uuidString)"
        _ = try await store.createSecret(CreateSecretRequest(name: "qsl/development/canary", value: .string(SecretValue(canary)), clientRequestToken: UUID().uuidString))
        try await store.putParameter("/qsl/development/config/canary", value: canary, secure: true)
        #expect(try Self.mode(path) == 0o600)
        #expect(try Self.mode(path + ".key") == 0o600)
        let raw = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!raw.contains(canary))
        #expect(!raw.contains("qsl/development/canary"), "names are encrypted too")
        #expect(raw.contains("AES-256-GCM"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: (path as NSString).deletingLastPathComponent).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty, "no temporary files left behind")
    }

    @Test("a wrong key or an altered file is a clear error, not garbage")
    func wrongKeyAndTampering() async throws {
        let path = try Self.temporaryStorePath()
        _ = try await LocalSecretStore(path: path).createSecret(CreateSecretRequest(name: "s", value: .string(SecretValue("v")), clientRequestToken: UUID().uuidString))
        let otherKey = Data(repeating: 7, count: 32).base64EncodedString()
        let wrongKey = await Self.failure { try await LocalSecretStore(path: path, key: otherKey).getSecret(SecretVersionSelector(secretId: "s")) }
        #expect(wrongKey?.message.contains("cannot be decrypted with the key in QSL_LOCAL_STORE_KEY") == true)
        let malformed = await Self.failure { try await LocalSecretStore(path: path, key: "not base64").getSecret(SecretVersionSelector(secretId: "s")) }
        #expect(malformed?.message.contains("exactly 32 bytes") == true)
        // Flip one byte of the ciphertext: a base64 letter or digit, never the `/` of a JSON `\/`
        // escape (flipping that one made the file no JSON at all, about one run in thirty).
        var text = try String(contentsOfFile: path, encoding: .utf8)
        let marker = text.range(of: "\"data\":\"")!.upperBound
        var index = text.index(marker, offsetBy: 30)
        while !(text[index].isASCII && (text[index].isLetter || text[index].isNumber)) || text[text.index(before: index)] == "\\" {
            index = text.index(after: index)
        }
        text.replaceSubrange(index...index, with: text[index] == "A" ? "B" : "A")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let altered = await Self.failure { try await LocalSecretStore(path: path).getSecret(SecretVersionSelector(secretId: "s")) }
        #expect(altered?.message.contains("altered") == true)
    }

    @Test("concurrent writers through separate handles lose no update")
    func concurrentWriters() async throws {
        let path = try Self.temporaryStorePath()
        let seed = LocalSecretStore(path: path)
        _ = try await seed.createSecret(CreateSecretRequest(name: "counter", value: .string(SecretValue("0")), clientRequestToken: UUID().uuidString))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<24 {
                group.addTask {
                    // A new store value per task: separate file descriptors, as separate processes have.
                    let store = LocalSecretStore(path: path)
                    try await store.putParameter("/p/\(i)", value: "\(i)", secure: false)
                }
            }
            try await group.waitForAll()
        }
        let all = try await seed.getParameters(underPath: "/p")
        #expect(all.count == 24)
    }

    @Test("listing the versions of a missing secret is not found")
    func listVersionsOfMissingSecret() async throws {
        let store = LocalSecretStore(path: try Self.temporaryStorePath())
        _ = try await store.createSecret(CreateSecretRequest(name: "present", value: .string(SecretValue("v")), clientRequestToken: UUID().uuidString))
        do {
            _ = try await store.listSecretVersions("absent")
            Issue.record("expected a not-found error")
        } catch {
            #expect(error.code == .notFound)
            #expect(error.message == "secret absent does not exist in the local store")
        }
    }

    /// A store path not yet written (`path`, in `folder`) and a `vault` folder beside `folder`
    /// holding a store with secret `a` (`real`), for tests that reach it through links.
    static func storeInVault() async throws -> (path: String, folder: String, vault: String, real: String) {
        let path = try temporaryStorePath()
        let folder = (path as NSString).deletingLastPathComponent
        let vault = (folder as NSString).deletingLastPathComponent + "/vault"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: vault, withIntermediateDirectories: true)
        let real = vault + "/store.json"
        _ = try await LocalSecretStore(path: real).createSecret(CreateSecretRequest(name: "a", value: .string(SecretValue("1")), clientRequestToken: UUID().uuidString))
        return (path, folder, vault, real)
    }

    @Test("a store path that is a symbolic link is written where it leads, and stays a link")
    func storeThroughLink() async throws {
        let (path, _, elsewhere, _) = try await Self.storeInVault()
        let store = LocalSecretStore(path: elsewhere + "/store.json")
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: elsewhere + "/store.json")
        try FileManager.default.copyItem(atPath: elsewhere + "/store.json.key", toPath: path + ".key")

        _ = try await LocalSecretStore(path: path).createSecret(CreateSecretRequest(name: "b", value: .string(SecretValue("2")), clientRequestToken: UUID().uuidString))
        let type = try FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType
        #expect(type == .typeSymbolicLink, "the store path is still a link")
        let names = try await store.listSecrets(prefix: nil).map(\.name).sorted()
        #expect(names == ["a", "b"], "the secret written through the link is in the file it leads to")
        #expect(try Self.mode(elsewhere + "/store.json") == 0o600)
    }

    @Test("writers through a symbolic link and through the file's own path take one lock and lose no update")
    func oneLockThroughLinks() async throws {
        let (path, _, _, real) = try await Self.storeInVault()
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: real)
        try FileManager.default.copyItem(atPath: real + ".key", toPath: path + ".key")

        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<24 {
                group.addTask {
                    // Half through the link, half through the file's own path, each a handle of its own.
                    try await LocalSecretStore(path: i.isMultiple(of: 2) ? path : real).putParameter("/p/\(i)", value: "\(i)", secure: false)
                }
            }
            try await group.waitForAll()
        }
        #expect(try await LocalSecretStore(path: real).getParameters(underPath: "/p").count == 24)
        #expect(FileManager.default.fileExists(atPath: real + ".lock"), "the lock is beside the file the link leads to")
        #expect(!FileManager.default.fileExists(atPath: path + ".lock"), "no second lock beside the link")
    }

    @Test("a relative link to a link shares the lock too; a link that leads to no file is refused before anything is created")
    func linkChainsAndDanglingLinks() async throws {
        let (path, folder, vault, real) = try await Self.storeInVault()
        // path → ./middle.json (relative) → ../vault/store.json (relative)
        try FileManager.default.createSymbolicLink(atPath: folder + "/middle.json", withDestinationPath: "../vault/store.json")
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: "middle.json")
        try FileManager.default.copyItem(atPath: real + ".key", toPath: path + ".key")
        _ = try await LocalSecretStore(path: path).createSecret(
            CreateSecretRequest(name: "b", value: .string(SecretValue("2")), clientRequestToken: UUID().uuidString))
        #expect(try await LocalSecretStore(path: real).listSecrets(prefix: nil).map(\.name).sorted() == ["a", "b"])
        #expect(!FileManager.default.fileExists(atPath: path + ".lock") && !FileManager.default.fileExists(atPath: folder + "/middle.json.lock"))

        // A link to a store that does not exist yet: refused, with no key, lock or store made.
        let dangling = folder + "/dangling.json"
        try FileManager.default.createSymbolicLink(atPath: dangling, withDestinationPath: "../vault/new-store.json")
        var refused: StoreError?
        do {
            _ = try await LocalSecretStore(path: dangling).createSecret(
                CreateSecretRequest(name: "c", value: .string(SecretValue("LEAKCHECK")), clientRequestToken: UUID().uuidString))
            Issue.record("expected a store error")
        } catch {
            refused = error
        }
        #expect(refused?.message == "local store \(dangling) is a symbolic link that leads to no file; create the store where it leads, or name the store's own path")
        for leftover in [dangling + ".key", dangling + ".lock", vault + "/new-store.json", vault + "/new-store.json.lock"] {
            #expect(!FileManager.default.fileExists(atPath: leftover), "\(leftover) was created")
        }
    }

    @Test("the key file is created once and reused")
    func keyFileReused() async throws {
        let path = try Self.temporaryStorePath()
        _ = try await LocalSecretStore(path: path).createSecret(CreateSecretRequest(name: "a", value: .string(SecretValue("1")), clientRequestToken: UUID().uuidString))
        let key = try String(contentsOfFile: path + ".key", encoding: .utf8)
        _ = try await LocalSecretStore(path: path).createSecret(CreateSecretRequest(name: "b", value: .string(SecretValue("2")), clientRequestToken: UUID().uuidString))
        #expect(try String(contentsOfFile: path + ".key", encoding: .utf8) == key)
        try FileManager.default.removeItem(atPath: path + ".key")
        let noKey = await Self.failure { try await LocalSecretStore(path: path).getSecret(SecretVersionSelector(secretId: "a")) }
        #expect(noKey?.message.contains("key file") == true)
    }

    @Test("an existing store whose key is gone is an error naming the fix, never re-keyed")
    func missingKeyIsNeverReplaced() async throws {
        let key = Data((0..<32).map { UInt8(255 - $0) }).base64EncodedString()
        let path = try Self.temporaryStorePath()
        _ = try await LocalSecretStore(path: path, key: key).createSecret(
            CreateSecretRequest(name: "svc/db", value: .string(SecretValue("v1")), clientRequestToken: UUID().uuidString))
        let unkeyed = LocalSecretStore(path: path)
        let written = await #expect(throws: StoreError.self) {
            try await unkeyed.putSecretValue("svc/db", value: .string(SecretValue("v2")), stages: nil, clientRequestToken: UUID().uuidString)
        }
        let read = await #expect(throws: StoreError.self) { try await unkeyed.getSecret(SecretVersionSelector(secretId: "svc/db")) }
        for error in [written, read] {
            #expect(error?.message.contains("key file") == true, "\(error?.message ?? "")")
            #expect(error?.message.contains("QSL_LOCAL_STORE_KEY") == true, "\(error?.message ?? "")")
        }
        #expect(!FileManager.default.fileExists(atPath: path + ".key"), "a key the store was not encrypted with was created")
        let value = try await LocalSecretStore(path: path, key: key).getSecret(SecretVersionSelector(secretId: "svc/db"))
        #expect(value.payload == .string(SecretValue("v1")), "the store is intact")
    }

    @Test("a key file its group or others can read is refused, naming the file and chmod 600, never the key")
    func keyFileMode() async throws {
        let path = try Self.temporaryStorePath()
        _ = try await LocalSecretStore(path: path).createSecret(CreateSecretRequest(name: "a", value: .string(SecretValue("1")), clientRequestToken: UUID().uuidString))
        let key = try String(contentsOfFile: path + ".key", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        for mode: mode_t in [0o644, 0o640, 0o604, 0o660] {
            chmod(path + ".key", mode)
            let error = await Self.failure { try await LocalSecretStore(path: path).getSecret(SecretVersionSelector(secretId: "a")) }
            #expect(error?.code == .invalidRequest)
            #expect(error?.message.contains(path + ".key") == true, "\(error?.message ?? "")")
            #expect(error?.message.contains("chmod 600 \(path).key") == true, "\(error?.message ?? "")")
            #expect(error?.message.contains(String(mode, radix: 8)) == true, "\(error?.message ?? "")")
            #expect(error?.message.contains(key.prefix(8)) == false)
        }
        chmod(path + ".key", 0o400)
        #expect(try await LocalSecretStore(path: path).getSecret(SecretVersionSelector(secretId: "a")).payload == .string(SecretValue("1")))
    }

    @Test("a store path that is a directory is an error saying so, not an empty store")
    func storePathIsDirectory() async throws {
        let folder = try Self.temporaryStorePath()
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let read = await Self.failure { try await LocalSecretStore(path: folder).getSecret(SecretVersionSelector(secretId: "a")) }
        #expect(read?.code == .invalidRequest)
        #expect(read?.message.contains("local store \(folder) is a directory") == true, "\(read?.message ?? "")")
        let written = await #expect(throws: StoreError.self) {
            try await LocalSecretStore(path: folder).createSecret(CreateSecretRequest(name: "a", value: .string(SecretValue("1")), clientRequestToken: UUID().uuidString))
        }
        #expect(written?.message.contains("is a directory") == true)
    }
}
