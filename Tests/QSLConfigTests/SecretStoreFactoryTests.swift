import Foundation
import QSLConfig
import Testing

/// `--store auto` picks AWS exactly when the credential chain would find something, judged from
/// an injected environment (never the test machine's).
@Suite("SecretStoreFactory.awsIsConfigured")
struct SecretStoreFactoryTests {
    /// A scratch HOME with `.aws/` holding the named files.
    static func home(files: [String] = []) throws -> String {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("qsl-factory-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home.appendingPathComponent(".aws"), withIntermediateDirectories: true)
        for file in files { try Data("[default]\nregion = us-east-1\n".utf8).write(to: home.appendingPathComponent(file)) }
        return home.path
    }

    /// Nothing configured: HOME with an empty `.aws/` and the shared files pointed nowhere.
    static func bare(_ home: String) -> [String: String] {
        ["HOME": home, "PATH": "/usr/bin:/bin"]
    }

    @Test("nothing set and no shared files: not configured (the control for the cases below)")
    func nothingConfigured() throws {
        #expect(!SecretStoreFactory.awsIsConfigured(environment: Self.bare(try Self.home())))
    }

    @Test("AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE with ~ expand to HOME", arguments: ["AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE"])
    func tildeExpanded(variable: String) throws {
        let home = try Self.home(files: [".aws/elsewhere"])
        var environment = Self.bare(home)
        environment[variable] = "~/.aws/elsewhere"
        #expect(SecretStoreFactory.awsIsConfigured(environment: environment), "\(variable)=~/.aws/elsewhere names \(home)/.aws/elsewhere")
        environment[variable] = "~/.aws/missing"
        #expect(!SecretStoreFactory.awsIsConfigured(environment: environment), "a ~ path to nothing is nothing")
    }

    @Test("the default ~/.aws/credentials and ~/.aws/config are found under the injected HOME", arguments: ["credentials", "config"])
    func defaultFiles(file: String) throws {
        #expect(SecretStoreFactory.awsIsConfigured(environment: Self.bare(try Self.home(files: [".aws/\(file)"]))))
    }

    @Test(
        "an endpoint for either service the store calls configures AWS",
        arguments: ["AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SECRETS_MANAGER", "AWS_ENDPOINT_URL_SSM"])
    func endpointVariables(variable: String) throws {
        var environment = Self.bare(try Self.home())
        environment[variable] = "http://127.0.0.1:5000"
        #expect(SecretStoreFactory.awsIsConfigured(environment: environment), "\(variable)")
        environment[variable] = ""
        #expect(!SecretStoreFactory.awsIsConfigured(environment: environment), "\(variable) set but empty is unset")
    }

    @Test("auto builds the AWS store when only AWS_ENDPOINT_URL_SSM is set, else the local store")
    func autoFollowsTheCheck() throws {
        var environment = Self.bare(try Self.home())
        environment["AWS_REGION"] = "us-east-1"
        #expect(try SecretStoreFactory.make(.auto, localStorePath: "/nonexistent/qsl/store.json", environment: environment) is LocalSecretStore)
        environment["AWS_ENDPOINT_URL_SSM"] = "http://127.0.0.1:5000"
        #expect(try SecretStoreFactory.make(.auto, localStorePath: "/nonexistent/qsl/store.json", environment: environment) is AWSSecretStore)
    }
}
