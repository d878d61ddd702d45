import Foundation
@testable import QSLConfig
import QSLConfigAWS
import QSLConfigCore
import QSLConfigTesting
import Testing
import QSLConfigAWSURLSession

/// The AWS store against moto_server: the compat suite, and resolution with its call counts
/// proven twice, at our HTTP layer and in moto's own request recording.
@Suite("AWS secret store against moto", .serialized)
struct AWSSecretStoreTests {
    static let credentials = AWSCredentials(accessKeyId: "testing", secretAccessKey: SecretValue("testing"), source: "test")

    /// A store whose requests go through `transport` (a plain URLSession one by default) to moto.
    static func store(_ moto: MotoServer, transport: (any AWSHTTPTransport)? = nil) throws -> AWSSecretStore {
        let context = try AWSContext(
            credentials: credentials, environment: moto.environment(), runtime: AWSRuntime(transport: transport ?? URLSessionTransport()))
        return AWSSecretStore(context: context)
    }

    static func token() -> String { UUID().uuidString }

    @Test("GetParameters calls hold at most 10 names and never one name twice, in the fewest calls that allows")
    func parameterBatching() {
        func names(_ batches: [[ParameterReference]]) -> [[String]] { batches.map { $0.map(\.name) } }
        let unique = (0..<23).map { ParameterReference(name: "/p\($0)") }
        #expect(AWSSecretStore.parameterBatches(unique).map(\.count) == [8, 8, 7])
        // Ten names plus one name at two selectors: two calls, the two selectors apart.
        let mixed = (0..<10).map { ParameterReference(name: "/p\($0)") } + [ParameterReference(name: "/k"), ParameterReference(name: "/k", selector: "1")]
        let batches = AWSSecretStore.parameterBatches(mixed)
        #expect(batches.count == 2)
        #expect(names(batches).allSatisfy { Set($0).count == $0.count && $0.count <= 10 })
        #expect(Set(batches.joined()) == Set(mixed))
        // One name at three selectors needs three calls whatever the total.
        let three = [ParameterReference(name: "/k"), ParameterReference(name: "/k", selector: "1"), ParameterReference(name: "/k", selector: "blue")]
        #expect(AWSSecretStore.parameterBatches(three).count == 3)
        #expect(AWSSecretStore.parameterBatches([]).isEmpty)
    }

    @Test("KMS refusals and account quotas are store failures (exit 3); malformed requests are bad input; only a missing resource is not found")
    func errorCodes() {
        for code in ["DecryptionFailure", "EncryptionFailure", "KMSAccessDeniedException", "AccessDeniedException", "ExpiredTokenException"] {
            #expect(AWSSecretStore.code(for: code, status: 400) == .accessDenied, "\(code)")
        }
        #expect(AWSSecretStore.code(for: "LimitExceededException", status: 400) == .unavailable)
        #expect(AWSSecretStore.code(for: "InternalServiceError", status: 500) == .unavailable)
        for code in ["InvalidParameterException", "InvalidRequestException", "ValidationException"] {
            #expect(AWSSecretStore.code(for: code, status: 400) == .invalidRequest, "\(code)")
        }
        #expect(AWSSecretStore.code(for: "ResourceNotFoundException", status: 400) == .notFound)
        #expect(StoreError(AWSSecretStore.code(for: "DecryptionFailure", status: 400), "x").isStoreFailure)
    }

    @Test("a StringList under the Parameter Store prefix becomes one key per item, Key:0, Key:1, ..., as AWS's .NET provider splits it")
    func stringListParameters() async throws {
        let moto = try await MotoServer.start()
        defer { moto.stop() }
        let store = try Self.store(moto)
        let context = try AWSContext(credentials: Self.credentials, environment: moto.environment(), runtime: AWSRuntime(transport: URLSessionTransport()))
        let ssm = SSMClient(context: context)
        _ = try await ssm.putParameter(.init(name: "/qsl/test/list/Cors/Origins", value: SecretValue("https://a.example,https://b.example,,c"), type: .stringList))
        _ = try await ssm.putParameter(.init(name: "/qsl/test/list/Cors/Mode", value: SecretValue("a,b"), type: .string))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("qsl-stringlist-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try #"{"AWS": {"ParameterStorePrefix": "/qsl/test/list/"}}"#.write(to: folder.appendingPathComponent("appsettings.json"), atomically: true, encoding: .utf8)
        let options = ConfigurationOptions(configDirectory: folder.path, environmentName: "Production", environmentVariables: [:], environmentIsLayer: false, store: store)
        let resolved = try await ConfigurationLoader().load(options)
        #expect(resolved.string("Cors:Origins:0") == "https://a.example")
        #expect(resolved.string("Cors:Origins:1") == "https://b.example")
        #expect(resolved.string("Cors:Origins:2") == "")
        #expect(resolved.string("Cors:Origins:3") == "c")
        #expect(!resolved.contains("Cors:Origins"), "the list itself is a section, not a value")
        #expect(resolved.string("Cors:Mode") == "a,b", "a String parameter is not split")
    }

    @Test("passes the secret store compat suite")
    func compat() async throws {
        let moto = try await MotoServer.start()
        defer { moto.stop() }
        // moto 5 differs from Secrets Manager in two ways the rotation checks would trip on
        // (see SecretStoreCompatSuite.KnownGap): BatchGetSecretValue still serves the old
        // AWSCURRENT after UpdateSecretVersionStage moves it, and reusing an AWSPENDING version's
        // client request token with another value overwrites that version instead of failing.
        // The local store's run proves both behaviours.
        try await SecretStoreCompatSuite(store: Self.store(moto), knownGaps: [.batchReadStaleAfterLabelMove, .pendingTokenReuseOverwrites]).run()
    }
}

// MARK: Resolution against moto

extension AWSSecretStoreTests {
    static let batchTarget = "secretsmanager.BatchGetSecretValue"
    static let parametersTarget = "AmazonSSM.GetParameters"

    /// Seeds moto with `secrets` JSON secrets `qsl/test/svc<i>` ({"user","password"}) and
    /// `parameters` parameters `/qsl/test/config/p<i>` (every third a SecureString).
    static func seed(_ store: AWSSecretStore, secrets: Int, parameters: Int) async throws {
        for i in 0..<secrets {
            let body = #"{"user":"user-\#(i)","password":"pw-\#(i)","port":\#(5000 + i)}"#
            _ = try await store.createSecret(CreateSecretRequest(name: "qsl/test/svc\(i)", value: .string(SecretValue(body)), clientRequestToken: token()))
        }
        for i in 0..<parameters {
            try await store.putParameter("/qsl/test/config/p\(i)", value: "param-\(i)", secure: i % 3 == 0)
        }
    }

    /// Two files, one key per line, each secret used by several keys (whole, by JSON key, inside
    /// a longer string) and each parameter through both spellings. Returns the layered
    /// configuration and the text of each file (for positions).
    static func configuration(
        secrets: Int, parameters: Int, missingSecrets: [String] = [], missingParameters: [String] = [], directory: URL
    ) throws -> (LayeredConfiguration, base: String, production: String) {
        var base = ["{"]
        for i in 0..<secrets {
            base.append(#"  "Secrets:S\#(i):User": "${aws:secrets:qsl/test/svc\#(i):user}","#)
            base.append(#"  "Secrets:S\#(i):Url": "postgres://u:${aws:secrets:qsl/test/svc\#(i):password}@db/\#(i)","#)
        }
        for i in 0..<parameters { base.append(#"  "Parameters:P\#(i)": "${aws:parameter:/qsl/test/config/p\#(i)}","#) }
        for (index, name) in missingSecrets.enumerated() { base.append(#"  "Missing:Secret\#(index)": "${aws:secrets:\#(name)}","#) }
        for (index, name) in missingParameters.enumerated() { base.append(#"  "Missing:Parameter\#(index)": "x=${aws:ssm:\#(name)}","#) }
        base.append(#"  "Plain": "visible""#)
        base.append("}")
        var production = ["{"]
        for i in 0..<secrets { production.append(#"  "Secrets:S\#(i):Whole": "${aws:secrets:qsl/test/svc\#(i)}","#) }
        for i in 0..<parameters { production.append(#"  "Again:P\#(i)": "${aws:ssm:/qsl/test/config/p\#(i)}","#) }
        production.append(#"  "Environment": "Production""#)
        production.append("}")
        let baseText = base.joined(separator: "\n")
        let productionText = production.joined(separator: "\n")
        let basePath = directory.appendingPathComponent("appsettings.json").path
        let productionPath = directory.appendingPathComponent("appsettings.Production.json").path
        let layered = LayeredConfiguration(layers: [
            try .json(JSONDocument(parsing: Array(baseText.utf8), file: basePath)),
            try .json(JSONDocument(parsing: Array(productionText.utf8), file: productionPath)),
        ])
        return (layered, baseText, productionText)
    }

    /// The `Names`/`SecretIdList` of every call to `target`.
    static func names(_ bodies: [(target: String?, json: [String: Any]?)], target: String, field: String) -> [[String]] {
        bodies.filter { $0.target == target }.map { ($0.json?[field] as? [String]) ?? [] }
    }

    @Test("45 secrets and 23 parameters resolve in 3 BatchGetSecretValue and 3 GetParameters calls, all in flight at once")
    func callCount() async throws {
        let moto = try await MotoServer.start()
        defer { moto.stop() }
        try await Self.seed(Self.store(moto), secrets: 45, parameters: 23)
        let directory = try ScratchDirectory.temporaryDirectory()
        let (configuration, _, _) = try Self.configuration(secrets: 45, parameters: 23, directory: directory)

        // Hold every request until six are in flight: a resolver that sent its calls one after
        // another would show maxInFlight 1.
        let transport = RecordingTransport(URLSessionTransport(), holdUntil: 6)
        try moto.startRecording()
        let (resolved, statistics) = try await ReferenceResolver(store: Self.store(moto, transport: transport), environmentVariables: [:])
            .resolveAll([configuration])
        try moto.stopRecording()

        // At our HTTP layer.
        let sent = transport.records.map { (target: $0.target, json: $0.jsonBody) }
        #expect(transport.operations.sorted() == (Array(repeating: Self.batchTarget, count: 3) + Array(repeating: Self.parametersTarget, count: 3)).sorted())
        let secretBatches = Self.names(sent, target: Self.batchTarget, field: "SecretIdList")
        #expect(secretBatches.allSatisfy { $0.count <= 20 }, "\(secretBatches.map(\.count))")
        #expect(secretBatches.joined().sorted() == (0..<45).map { "qsl/test/svc\($0)" }.sorted(), "each secret asked for exactly once")
        let parameterBatches = Self.names(sent, target: Self.parametersTarget, field: "Names")
        #expect(parameterBatches.allSatisfy { $0.count <= 10 }, "\(parameterBatches.map(\.count))")
        #expect(parameterBatches.joined().sorted() == (0..<23).map { "/qsl/test/config/p\($0)" }.sorted(), "each parameter asked for exactly once")
        #expect(sent.filter { $0.target == Self.parametersTarget }.allSatisfy { $0.json?["WithDecryption"] as? Bool == true })
        #expect(transport.maxInFlight == 6, "all six calls run concurrently")

        // In moto's own recording of what reached it.
        let recorded = try moto.recordedRequests()
        #expect(recorded.compactMap(\.target).sorted() == transport.operations.sorted())
        #expect(recorded.count == 6)
        let recordedSecretIds = Self.names(recorded.map { ($0.target, $0.jsonBody) }, target: Self.batchTarget, field: "SecretIdList")
        #expect(recordedSecretIds.joined().sorted() == secretBatches.joined().sorted())

        #expect([statistics.uniqueSecrets, statistics.uniqueParameters, statistics.secretCalls, statistics.parameterCalls] == [45, 23, 3, 3] as [Int])
        let values = resolved[0]
        for i in [0, 19, 20, 44] {
            #expect(values.string(ConfigKey("Secrets:S\(i):User")) == "user-\(i)")
            #expect(values.string(ConfigKey("Secrets:S\(i):Url")) == "postgres://u:pw-\(i)@db/\(i)")
            #expect(values.string(ConfigKey("Secrets:S\(i):Whole")) == #"{"user":"user-\#(i)","password":"pw-\#(i)","port":\#(5000 + i)}"#)
            #expect(values[ConfigKey("Secrets:S\(i):Url")]?.sensitivity == .fromSecret)
        }
        for i in [0, 1, 9, 10, 22] {
            #expect(values.string(ConfigKey("Parameters:P\(i)")) == "param-\(i)")
            #expect(values.string(ConfigKey("Again:P\(i)")) == "param-\(i)")
        }
        #expect(values[ConfigKey("Parameters:P3")]?.sensitivity == .fromSecret, "a SecureString is treated as a secret")
        #expect(values[ConfigKey("Parameters:P1")]?.sensitivity == .plain)
        #expect(values.string(ConfigKey("Plain")) == "visible")
    }

    @Test("every missing secret and parameter is reported at once with its name, key and FILE:LINE:COL, still in the fewest calls")
    func everythingMissingAtOnce() async throws {
        let moto = try await MotoServer.start()
        defer { moto.stop() }
        try await Self.seed(Self.store(moto), secrets: 45, parameters: 23)
        let directory = try ScratchDirectory.temporaryDirectory()
        let missingSecrets = ["qsl/test/gone-a", "qsl/test/gone-b", "qsl/test/gone-c", "qsl/test/gone-d"]
        let missingParameters = ["/qsl/test/config/gone-a", "/qsl/test/config/gone-b", "/qsl/test/config/gone-c"]
        let (configuration, baseText, _) = try Self.configuration(
            secrets: 45, parameters: 23, missingSecrets: missingSecrets, missingParameters: missingParameters, directory: directory)
        let transport = RecordingTransport(URLSessionTransport())
        let resolver = ReferenceResolver(store: try Self.store(moto, transport: transport), environmentVariables: [:])
        do {
            _ = try await resolver.resolveAll([configuration])
            Issue.record("resolution should fail")
        } catch {
            #expect(!error.isStoreFailure, "missing references are bad input (exit 2), not an AWS failure")
            let lines = error.diagnostics.map(\.description)
            #expect(lines.count == missingSecrets.count + missingParameters.count, "\(lines.joined(separator: "\n"))")
            let basePath = directory.appendingPathComponent("appsettings.json").path
            let fileLines = baseText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            /// Where `${` starts on the line that holds `needle`, 1-based, as an editor counts.
            func position(of needle: String) -> String {
                let line = fileLines.firstIndex { $0.contains(needle) }!
                let column = fileLines[line].distance(from: fileLines[line].startIndex, to: fileLines[line].range(of: "${")!.lowerBound)
                return "\(basePath):\(line + 1):\(column + 1)"
            }
            for (index, name) in missingSecrets.enumerated() {
                let expected = "\(position(of: "aws:secrets:\(name)}")): error: secret \(name) does not exist in Secrets Manager (referenced by 'Missing:Secret\(index)')"
                #expect(lines.contains { $0.hasPrefix(expected) }, "\(expected)")
                #expect(error.diagnostics.contains { $0.keyPath == "Missing:Secret\(index)" })
            }
            for (index, name) in missingParameters.enumerated() {
                let expected = "\(position(of: "aws:ssm:\(name)}")): error: parameter \(name) does not exist in AWS (us-east-1) (referenced by 'Missing:Parameter\(index)')"
                #expect(lines.contains { $0.hasPrefix(expected) }, "\(expected)")
            }
        }
        // 49 unique secrets and 26 unique parameters: still ceil(49/20) + ceil(26/10) calls.
        #expect(transport.operations.filter { $0 == Self.batchTarget }.count == 3)
        #expect(transport.operations.filter { $0 == Self.parametersTarget }.count == 3)
        #expect(transport.operations.count == 6)
    }

    @Test("a partial ARN names its own secret, not another whose name it begins (qsl/db and qsl/db-replica)")
    func partialARNMatchesExactly() async throws {
        let moto = try await MotoServer.start()
        defer { moto.stop() }
        let store = try Self.store(moto)
        // The replica is created first, so a prefix match would find it first in the batch.
        let replica = try await store.createSecret(CreateSecretRequest(name: "qsl/test/db-replica", value: .string(SecretValue("value-of-replica")), clientRequestToken: Self.token()))
        let primary = try await store.createSecret(CreateSecretRequest(name: "qsl/test/db", value: .string(SecretValue("value-of-db")), clientRequestToken: Self.token()))
        let partial = String(primary.arn.dropLast(7))
        #expect(primary.arn.hasPrefix(partial + "-") && !replica.arn.hasPrefix(primary.arn))
        let text = """
            {
              "Replica": "${aws:secrets:qsl/test/db-replica}",
              "ByPartialARN": "${aws:secrets:\(partial)}",
              "ByFullARN": "${aws:secrets:\(replica.arn)}"
            }
            """
        let configuration = LayeredConfiguration(layers: [try .json(JSONDocument(parsing: Array(text.utf8), file: "svc/appsettings.json"))])
        let resolved = try await ReferenceResolver(store: store, environmentVariables: [:]).resolve(configuration)
        #expect(resolved[ConfigKey("Replica")]?.unsafeRevealedValue == "value-of-replica")
        #expect(resolved[ConfigKey("ByPartialARN")]?.unsafeRevealedValue == "value-of-db")
        #expect(resolved[ConfigKey("ByFullARN")]?.unsafeRevealedValue == "value-of-replica")
        #expect(AWSSecretStore.arn(primary.arn, isRequested: partial))
        #expect(!AWSSecretStore.arn(replica.arn, isRequested: partial))
    }

    @Test("a non-JSON secret asked for a key, a missing JSON key and a binary secret each get a clear error")
    func valueShapeErrors() async throws {
        let moto = try await MotoServer.start()
        defer { moto.stop() }
        let store = try Self.store(moto)
        let canary = "canary-\(UUID().uuidString)"
        _ = try await store.createSecret(CreateSecretRequest(name: "qsl/test/plain", value: .string(SecretValue(canary)), clientRequestToken: Self.token()))
        _ = try await store.createSecret(
            CreateSecretRequest(name: "qsl/test/json", value: .string(SecretValue(#"{"user":"svc","password":"\#(canary)"}"#)), clientRequestToken: Self.token()))
        _ = try await store.createSecret(CreateSecretRequest(name: "qsl/test/binary", value: .binary([0, 1, 2, 255]), clientRequestToken: Self.token()))
        let text = """
            {
              "A": "${aws:secrets:qsl/test/plain:field}",
              "B": "${aws:secrets:qsl/test/json:nokey}",
              "C": "${aws:secrets:qsl/test/binary}",
              "D": "${aws:secrets:qsl/test/json:user}"
            }
            """
        let configuration = LayeredConfiguration(layers: [try .json(JSONDocument(parsing: Array(text.utf8), file: "svc/appsettings.json"))])
        let transport = RecordingTransport(URLSessionTransport())
        let resolver = ReferenceResolver(store: try Self.store(moto, transport: transport), environmentVariables: [:])
        do {
            _ = try await resolver.resolve(configuration)
            Issue.record("resolution should fail")
        } catch {
            let lines = error.diagnostics.map(\.description)
            #expect(lines.count == 3, "\(lines)")
            #expect(lines.contains {
                $0.hasPrefix("svc/appsettings.json:2:9: error: secret qsl/test/plain is not a JSON object, so it has no key 'field'; reference the whole secret as ${aws:secrets:qsl/test/plain}")
            })
            #expect(lines.contains { $0.hasPrefix("svc/appsettings.json:3:9: error: secret qsl/test/json has no JSON key 'nokey' (its keys: password, user)") })
            #expect(lines.contains {
                $0.hasPrefix("svc/appsettings.json:4:9: error: secret qsl/test/binary holds binary data (SecretBinary), which cannot be substituted into configuration text")
            })
            #expect(!lines.joined().contains(canary), "no secret value in any message")
            #expect(!error.isStoreFailure)
        }
        #expect(transport.operations == [Self.batchTarget], "three secrets, one call")
    }
}

/// Scratch folders for tests that write configuration files.
enum ScratchDirectory {
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("qsl-aws-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
