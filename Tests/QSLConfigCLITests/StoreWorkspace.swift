import Foundation
import QSLConfig
import QSLConfigAWS
import QSLConfigCore
import QSLConfigTesting

/// A scratch folder plus the store CLI tests run commands against: the embedded local store in
/// that folder, or Secrets Manager and Parameter Store on a fresh moto_server reached with
/// `--endpoint-url` and fake environment credentials.
final class StoreWorkspace: Sendable {
    enum Kind: String, CaseIterable, Sendable, CustomStringConvertible {
        case local, aws
        var description: String { rawValue }
    }

    let kind: Kind
    let root: URL
    let moto: MotoServer?

    private init(kind: Kind, root: URL, moto: MotoServer?) {
        self.kind = kind
        self.root = root
        self.moto = moto
    }

    static func make(_ kind: Kind) async throws -> StoreWorkspace {
        let root = try CLIRunner.temporaryDirectory()
        return StoreWorkspace(kind: kind, root: root, moto: kind == .aws ? try await MotoServer.start() : nil)
    }

    deinit { moto?.stop() }

    var storePath: String { root.appendingPathComponent(".qsl/local-store.json").path }

    /// The options that select this store on any command that reads secrets.
    var storeArguments: [String] {
        switch kind {
        case .local: ["--store", "local"]
        case .aws: ["--store", "aws", "--endpoint-url", moto!.endpointURL]
        }
    }

    /// What every run sees: PATH, a scratch HOME and, for AWS, fake credentials, a region and no
    /// shared files or instance metadata.
    var environment: [String: String] {
        var environment = CLIRunner.environment()
        if kind == .aws {
            environment.merge([
                "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1",
                "AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": "/nonexistent/qsl-cli-test/config",
                "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/qsl-cli-test/credentials", "AWS_MAX_ATTEMPTS": "2",
            ]) { $1 }
        }
        return environment
    }

    /// Runs `qsl-config command [store options] [-- tail]` in the workspace.
    func run(
        _ command: [String], tail: [String]? = nil, stdin: String? = nil, environment extra: [String: String] = [:], storeOptions: Bool = true
    ) throws -> CLIRunner.Result {
        var arguments = command + (storeOptions ? storeArguments : [])
        if let tail { arguments += ["--"] + tail }
        return try CLIRunner.run(arguments, environment: environment.merging(extra) { $1 }, stdin: stdin, directory: root)
    }

    /// The same store, opened by the test itself to seed what the CLI cannot write (binary
    /// secrets, parameters).
    func store() throws -> any SecretStore {
        switch kind {
        case .local:
            return LocalSecretStore(path: storePath)
        case .aws:
            let context = try AWSContext(
                credentials: AWSCredentials(accessKeyId: "testing", secretAccessKey: SecretValue("testing"), source: "test"),
                environment: moto!.environment())
            return AWSSecretStore(context: context)
        }
    }

    /// Writes `text` to `relative` under the root, creating folders.
    func write(_ text: String, to relative: String) throws {
        let url = root.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }
}
