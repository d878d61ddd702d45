import Foundation
import QSLConfigTesting
import QSLConfig
import QSLConfigOperations
import QSLConfigCore
import QSLCrypto

/// The repository's demo platform (`environments/`, `platform/`) and stores seeded for it.
enum PlatformFixtures {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    static func root() throws -> PlatformRoot { try PlatformRoot(path: repositoryRoot) }

    /// A copy of the demo platform whose AppHost Production file also defines the connection
    /// strings the platform's template omits that hold a credential (`cache`,
    /// `surrealdb-connection`, and the Infura URLs with the project id in their path, as
    /// staging writes them), so that no service falls back to the plaintext smoke-test values
    /// of the base file.
    static func completedProductionRoot() throws -> PlatformRoot {
        let copy = try temporaryDirectory("platform")
        for folder in ["environments", "platform", "schemas"] {
            try FileManager.default.copyItem(atPath: repositoryRoot + "/" + folder, toPath: copy + "/" + folder)
        }
        let file = copy + "/platform/QuantunSkyLink_v2.AppHost/appsettings.Production.json"
        let original = String(decoding: try FileBytes.read(file), as: UTF8.self)
        let anchor = #""surrealdb": "${aws:secrets:qsl/production/surrealdb/connection}""#
        precondition(original.contains(anchor), "the AppHost Production file changed; update completedProductionRoot()")
        let completed = original.replacing(
            anchor,
            with: anchor + #",\#n    "cache": "${aws:secrets:qsl/production/redis/connection}",\#n    "surrealdb-connection": "${aws:secrets:qsl/production/surrealdb/connection}""#
                + #",\#n    "ethereum-sepolia": "https://sepolia.infura.io/v3/${aws:secrets:qsl/production/infura:projectId}""#
                + #",\#n    "polygon-mumbai": "https://polygon-mumbai.infura.io/v3/${aws:secrets:qsl/production/infura:projectId}""#
                + #",\#n    "arbitrum-sepolia": "https://arbitrum-sepolia.infura.io/v3/${aws:secrets:qsl/production/infura:projectId}""#)
        try AtomicFile.write(Array(completed.utf8), to: file, mode: 0o644)
        return try PlatformRoot(path: copy)
    }

    /// The 22 deployables, in the catalogue's order.
    static let serviceIDs = [
        "userservice", "accountservice", "complianceservice", "feeservice", "securityservice", "tokenservice",
        "governanceservice", "treasuryservice", "paymentgatewayservice", "liquidationservice", "infrastructureservice",
        "identityverificationservice", "aireviewservice", "notificationservice", "signatureservice",
        "orchestrationservice", "marketplaceservice", "unifiedcartservice", "quantumledgerhub", "webapigateway",
        "adminapigateway", "mobileapigateway",
    ]

    static func temporaryDirectory(_ label: String = "bundle") throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("qsl-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    /// A local store seeded once from `platform/dev-seed.json`, copied by ``developmentStore()``.
    static let seededTemplate = Task { () throws -> String in
        let path = try temporaryDirectory("seeded") + "/store.json"
        let platform = try PlatformFixtures.root()
        _ = try await StoreSeed(file: repositoryRoot + "/platform/dev-seed.json").apply(to: LocalSecretStore(path: path), environment: try platform.environment("development"))
        return path
    }

    /// A store seeded anew (its own ARN suffixes).
    static func freshlySeededStore() async throws -> LocalSecretStore {
        let store = LocalSecretStore(path: try temporaryDirectory("fresh") + "/store.json")
        _ = try await StoreSeed(file: repositoryRoot + "/platform/dev-seed.json").apply(to: store, environment: try root().environment("development"))
        return store
    }

    /// `path mode sha256` of every file, for comparisons whose failures stay readable.
    static func digests(_ result: BundleOperation.Result) -> [String] {
        result.allFiles.map { "\($0.path) \(String($0.mode, radix: 8)) \(Crypto.hex(Crypto.sha256($0.bytes)))" }
    }

    /// A fresh copy of a local store seeded from `platform/dev-seed.json` (its own file and key,
    /// so tests never share one).
    static func developmentStore() async throws -> LocalSecretStore {
        let template = try await seededTemplate.value
        let path = try temporaryDirectory("store") + "/store.json"
        for suffix in ["", ".key"] {
            try FileManager.default.copyItem(atPath: template + suffix, toPath: path + suffix)
        }
        return LocalSecretStore(path: path)
    }

    /// Every service's layers in `environment` with references kept, for tests that need to know
    /// what the tree references.
    static func layers(_ environment: String, root: PlatformRoot? = nil) async throws -> [String: LayeredConfiguration] {
        let root = try root ?? PlatformFixtures.root()
        let definition = try root.environment(environment)
        var result: [String: LayeredConfiguration] = [:]
        for id in serviceIDs {
            let options = try root.options(
                service: id, environment: definition, environmentVariables: [:], environmentIsLayer: false, store: nil, keepAWSReferences: true)
            result[id] = try await ConfigurationLoader().layers(options).configuration
        }
        return result
    }

    /// A seed with a fake value for every secret and parameter the environment's tree
    /// references: JSON objects for secrets used with keys, plain text otherwise; plus one
    /// parameter per service-independent setting under the Parameter Store prefix.
    static func syntheticSeed(_ environment: String, root: PlatformRoot? = nil) async throws -> StoreSeed {
        var keys: [String: Set<String>] = [:]
        var parameters: Set<String> = []
        for configuration in try await layers(environment, root: root).values {
            for site in ReferenceScan(configuration).sites {
                switch site.reference {
                case .secret(let secret):
                    keys[secret.secretId, default: []].formUnion(secret.jsonKey.map { [$0] } ?? [])
                case .parameter(let parameter):
                    parameters.insert(parameter.name)
                case .environment:
                    break
                }
            }
        }
        let secrets = keys.map { name, fields -> StoreSeed.Entry in
            let slug = name.replacing("/", with: "-")
            guard !fields.isEmpty else { return StoreSeed.Entry(name: name, value: "fake-\(slug)") }
            let members = fields.sorted().map { "\"\($0)\":\"fake-\(slug)-\($0)\"" }
            return StoreSeed.Entry(name: name, value: "{" + members.joined(separator: ",") + "}")
        }
        return StoreSeed(
            secrets: secrets,
            parameters: parameters.map { StoreSeed.Entry(name: $0, value: "https://fake\($0.replacing("/", with: "-")).example") })
    }

    /// Runs a program and returns its exit status and standard output.
    static func run(_ arguments: [String], environment: [String: String], input: String? = nil) throws -> ChildProcess.Result {
        try ChildProcess.run(URL(fileURLWithPath: "/usr/bin/env"), arguments, environment: environment, input: input)
    }

    /// A `PATH`-only environment for child processes.
    static var pathEnvironment: [String: String] {
        ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"]
    }
}

/// Reads a file the way `docker run --env-file` does: each line's leading whitespace trimmed,
/// blank and `#` lines skipped, the name up to the first `=` (no whitespace allowed), the value
/// everything after it, literally. Written from docker's documented behaviour, to read bundles
/// back independently of the writer.
enum DockerEnvFile {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func parse(_ text: String) throws -> [String: String] {
        var variables: [String: String] = [:]
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.drop { $0 == " " || $0 == "\t" }
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let equals = line.firstIndex(of: "=") else {
                throw Failure(description: "line \(number + 1) has no '=': docker would copy the variable from the host")
            }
            let name = String(line[..<equals])
            guard !name.isEmpty, !name.contains(where: \.isWhitespace) else { throw Failure(description: "line \(number + 1): bad name '\(name)'") }
            variables[name] = String(line[line.index(after: equals)...])
        }
        return variables
    }
}
