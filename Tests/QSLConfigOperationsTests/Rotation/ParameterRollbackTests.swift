import Foundation
import QSLConfig
import QSLConfigAWS
import QSLConfigCore
import QSLConfigOperations
import QSLConfigTesting
import Testing

/// `ParameterRollback` on both stores: the same checks against the local store and against
/// Parameter Store on moto.
@Suite("Parameter rollback", .serialized)
struct ParameterRollbackTests {
    static func local() -> LocalSecretStore {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("qsl-rollback-\(UUID().uuidString)/store.json").path
        return LocalSecretStore(path: path)
    }

    static func aws(_ moto: MotoServer) throws -> AWSSecretStore {
        let context = try AWSContext(
            credentials: AWSCredentials(accessKeyId: "testing", secretAccessKey: SecretValue("testing"), source: "test"),
            environment: moto.environment())
        return AWSSecretStore(context: context)
    }

    static func current(_ name: String, _ store: any SecretStore) async throws -> StoredParameter? {
        let reference = ParameterReference(name: name)
        return try await store.getParameters([reference]).parameters[reference]
    }

    func rotationError(_ body: () async throws(RotationError) -> Void) async -> RotationError? {
        do {
            try await body()
            return nil
        } catch {
            return error
        }
    }

    /// Every check, on one store.
    func checks(_ store: any SecretStore) async throws {
        let rollback = ParameterRollback()

        // A SecureString: version 2 undone as version 3, still secure, version 1's value.
        let secure = "/qsl/test/rollback/db-password"
        try await store.putParameter(secure, value: "first-password", secure: true)
        try await store.putParameter(secure, value: "second-password", secure: true)
        let moved = try await rollback.run(name: secure, store: store)
        #expect(moved.from == 2 && moved.to == 1 && moved.newVersion == 3, "\(moved)")
        let restored = try #require(try await Self.current(secure, store))
        #expect(restored.version == 3)
        #expect(restored.value.unsafeRevealed == "first-password")
        #expect(restored.isSecure, "a SecureString stays secure")
        // Undoing the rollback is a rollback too: version 2's value comes back as version 4.
        let again = try await rollback.run(name: secure, store: store)
        #expect(again.from == 3 && again.to == 2 && again.newVersion == 4, "\(again)")
        #expect(try await Self.current(secure, store)?.value.unsafeRevealed == "second-password")

        // A plain String stays a String.
        let plain = "/qsl/test/rollback/url"
        for url in ["https://one.example", "https://two.example", "https://three.example"] {
            try await store.putParameter(plain, value: url, secure: false)
        }
        let plainMoved = try await rollback.run(name: plain, store: store)
        #expect(plainMoved.from == 3 && plainMoved.to == 2 && plainMoved.newVersion == 4, "\(plainMoved)")
        let plainNow = try #require(try await Self.current(plain, store))
        #expect(plainNow.value.unsafeRevealed == "https://two.example")
        #expect(plainNow.type == "String")

        // One version only: nothing to roll back to, and nothing written.
        let single = "/qsl/test/rollback/single"
        try await store.putParameter(single, value: "only", secure: true)
        let refused = await rotationError { () async throws(RotationError) in _ = try await rollback.run(name: single, store: store) }
        #expect(refused?.message.contains("has only version 1") == true, "\(refused?.message ?? "no error")")
        #expect(refused?.step == .rollback)
        #expect(refused?.isStoreFailure == false)
        #expect(refused?.description.contains("only\n") == false)
        #expect(try await Self.current(single, store)?.version == 1)

        // A missing parameter is named.
        let missing = await rotationError { () async throws(RotationError) in _ = try await rollback.run(name: "/qsl/test/rollback/missing", store: store) }
        #expect(missing?.message.contains("parameter /qsl/test/rollback/missing does not exist") == true, "\(missing?.message ?? "no error")")
    }

    @Test("on the local store: the previous version comes back as a new one, type kept; one version is refused")
    func localStore() async throws {
        try await checks(Self.local())
    }

    @Test("on Parameter Store (moto): the previous version comes back as a new one, type kept; one version is refused")
    func parameterStore() async throws {
        let moto = try await MotoServer.start()
        defer { moto.stop() }
        try await checks(Self.aws(moto))
    }

    /// On moto only: the local store keeps one type per parameter, not per version, so there the
    /// String write makes the whole history String and the earlier SecureString is not visible.
    @Test("a parameter whose previous version was a SecureString is restored secure though its latest version is a String")
    func secureIfEitherWasSecure() async throws {
        let moto = try await MotoServer.start()
        defer { moto.stop() }
        let store = try Self.aws(moto)
        let name = "/qsl/test/rollback/downgraded"
        try await store.putParameter(name, value: "secret-value", secure: true)
        try await store.putParameter(name, value: "placeholder", secure: false)
        _ = try await ParameterRollback().run(name: name, store: store)
        let now = try #require(try await Self.current(name, store))
        #expect(now.value.unsafeRevealed == "secret-value")
        #expect(now.isSecure)
    }
}
