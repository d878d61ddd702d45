import Foundation
import QSLConfig
import QSLConfigAWS
import QSLConfigCore
import QSLConfigTesting
import Testing

@Suite("AWS secret store description")
struct AWSSecretStoreDescriptionTests {
    @Test("printing an AWSSecretStore shows neither the access key secret nor the rest of the environment")
    func redacted() throws {
        let environment = [
            "AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": "/nonexistent/config", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials",
            "AWS_ACCESS_KEY_ID": "AKIAENVIRONMENT00001", "AWS_SECRET_ACCESS_KEY": "store-secret-canary", "QSL_OTHER": "store-unrelated-canary",
        ]
        let store = AWSSecretStore(context: try AWSContext(
            region: "us-east-1", environment: environment, runtime: AWSRuntime(transport: ScriptedTransport())))
        for text in [String(describing: store), String(reflecting: store)] {
            #expect(!text.contains("store-secret-canary"))
            #expect(!text.contains("store-unrelated-canary"))
            #expect(text.contains("AWSContext(profile: default, region: us-east-1"))
        }
    }
}
