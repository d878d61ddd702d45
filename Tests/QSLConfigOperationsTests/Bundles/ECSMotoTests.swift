import Foundation
import QSLConfig
import QSLConfigAWS
import QSLConfigOperations
import QSLConfigCore
import QSLConfigTesting
import Testing
import QSLConfigAWSURLSession

/// The production ecs bundles against moto_server: registered with the real `aws` CLI, and the
/// generated policy enforced by moto's IAM checks.
@Suite("ecs bundles against moto_server")
struct ECSMotoTests {
    static func awsStore(_ moto: MotoServer, accessKey: String = "AKIDQSLTEST", secretKey: String = "test-secret") throws -> any SecretStore {
        try SecretStoreFactory.make(.aws, environment: moto.environment(["AWS_ACCESS_KEY_ID": accessKey, "AWS_SECRET_ACCESS_KEY": secretKey]))
    }

    static func productionBundles(root: PlatformRoot, store: any SecretStore, services: [String] = []) async throws -> BundleOperation.Result {
        try await BundleOperation(root: root, environment: try root.environment("production"), store: store, format: .ecs).build(services: services)
    }

    static func json(_ file: BundleFile?) throws -> [String: Any] {
        let file = try #require(file)
        return try #require(try JSONSerialization.jsonObject(with: Data(file.bytes)) as? [String: Any])
    }

    static func secretResources(_ policy: [String: Any]) -> Set<String> {
        let statements = policy["Statement"] as? [[String: Any]] ?? []
        return Set(statements.first { $0["Sid"] as? String == "ReadReferencedSecrets" }?["Resource"] as? [String] ?? [])
    }

    /// The `aws` CLI against moto with fake credentials and no shared files.
    static func aws(_ arguments: [String], moto: MotoServer, accessKey: String = "AKIDQSLTEST", secretKey: String = "test-secret") throws -> ChildProcess.Result {
        var environment = moto.environment(["AWS_ACCESS_KEY_ID": accessKey, "AWS_SECRET_ACCESS_KEY": secretKey, "AWS_DEFAULT_REGION": "us-east-1", "AWS_PAGER": ""])
        environment.merge(PlatformFixtures.pathEnvironment) { $1 }
        return try PlatformFixtures.run(["aws"] + arguments + ["--output", "json"], environment: environment)
    }

    @Test("every ecs fragment of all 22 services registers with aws ecs register-task-definition, its valueFrom ARNs those moto holds")
    func registerEveryFragment() async throws {
        let moto = try await MotoServer.start()
        defer { moto.stop() }
        let store = try Self.awsStore(moto)
        let root = try PlatformFixtures.completedProductionRoot()
        _ = try await PlatformFixtures.syntheticSeed("production", root: root).apply(to: store)
        let result = try await Self.productionBundles(root: root, store: store)
        // The one plain value named like a credential: Firebase's project id, which is public.
        #expect(result.warnings.map(\.keyPath) == ["MobileGateway:Firebase:ProjectId"], "\(result.warnings.map(\.description))")
        #expect(result.services == PlatformFixtures.serviceIDs)
        let secretARNs = Set(try await store.listSecrets(prefix: nil).map(\.arn))
        let directory = try PlatformFixtures.temporaryDirectory("ecs")

        var injected = 0
        var execEntrypoints = 0
        for id in PlatformFixtures.serviceIDs {
            var container = try Self.json(result.files.first { $0.path == "\(id)/container-definition.json" })
            let secrets = container["secrets"] as? [[String: String]] ?? []
            for secret in secrets {
                let valueFrom = try #require(secret["valueFrom"])
                if valueFrom.hasPrefix("arn:aws:secretsmanager:") {
                    let base = valueFrom.split(separator: ":", omittingEmptySubsequences: false).prefix(7).joined(separator: ":")
                    #expect(secretARNs.contains(base), "\(id): \(valueFrom) names a secret moto holds, random suffix included")
                } else {
                    #expect(valueFrom.hasPrefix("arn:aws:ssm:us-east-1:123456789012:parameter/qsl/production/config/"), "\(id): \(valueFrom)")
                }
            }
            injected += secrets.count
            if container["entryPoint"] != nil { execEntrypoints += 1 }
            container["image"] = "123456789012.dkr.ecr.us-east-1.amazonaws.com/qsl/\(id):1.0.0"
            container["essential"] = true
            let taskDefinition: [String: Any] = [
                "family": "qsl-production-\(id)",
                "networkMode": "awsvpc",
                "requiresCompatibilities": ["FARGATE"],
                "cpu": "256",
                "memory": "512",
                "executionRoleArn": "arn:aws:iam::123456789012:role/qsl-production-execution",
                "taskRoleArn": "arn:aws:iam::123456789012:role/qsl-production-\(id)",
                "containerDefinitions": [container],
            ]
            let path = directory + "/\(id).json"
            try JSONSerialization.data(withJSONObject: taskDefinition).write(to: URL(fileURLWithPath: path))
            let run = try Self.aws(["ecs", "register-task-definition", "--cli-input-json", "file://" + path], moto: moto)
            #expect(run.status == 0, "\(id): \(run.stderr)")
            let output = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            let registered = try #require(output["taskDefinition"] as? [String: Any])
            #expect(registered["family"] as? String == "qsl-production-\(id)")
            #expect(registered["status"] as? String == "ACTIVE")
            #expect((registered["taskDefinitionArn"] as? String)?.hasSuffix(":task-definition/qsl-production-\(id):1") == true)
            let back = try #require((registered["containerDefinitions"] as? [[String: Any]])?.first)
            #expect(back["name"] as? String == id)
            #expect(back["secrets"] as? [[String: String]] ?? [] == secrets, "\(id): secrets registered as written")
            #expect(back["environment"] as? [[String: String]] ?? [] == container["environment"] as? [[String: String]] ?? [])
            #expect(back["entryPoint"] as? [String] == container["entryPoint"] as? [String])
        }
        #expect(injected > 22 * 5, "most settings are injected by ECS: \(injected)")
        #expect(execEntrypoints == 22, "every service's OpenTelemetry header embeds a reference, so every fragment runs under qsl-config exec")
    }

    @Test("ecs lists the Parameter Store prefix and checks the referenced parameters without decryption, and reads no secret value, so the bundling machine needs no kms:Decrypt")
    func ecsReadsNoValue() async throws {
        let moto = try await MotoServer.start()
        defer { moto.stop() }
        let root = try PlatformFixtures.completedProductionRoot()
        let seeder = try Self.awsStore(moto)
        _ = try await PlatformFixtures.syntheticSeed("production", root: root).apply(to: seeder)
        let canary = "canary-ecs-5b1e-never-decrypted"
        try await seeder.putParameter("/qsl/production/config/Features/Canary", value: canary, secure: true)
        let ssm = SSMClient(context: try AWSContext(
            credentials: AWSCredentials(accessKeyId: "AKIDQSLTEST", secretAccessKey: SecretValue("test-secret"), source: "test"),
            environment: moto.environment(), runtime: AWSRuntime(transport: URLSessionTransport())))
        _ = try await ssm.putParameter(.init(name: "/qsl/production/config/Cors/Origins", value: SecretValue("https://a.example,https://b.example"), type: .stringList))

        let transport = RecordingTransport(URLSessionTransport())
        let context = try AWSContext(
            credentials: AWSCredentials(accessKeyId: "AKIDQSLTEST", secretAccessKey: SecretValue("test-secret"), source: "test"),
            environment: moto.environment(), runtime: AWSRuntime(transport: transport))
        let result = try await Self.productionBundles(root: root, store: AWSSecretStore(context: context), services: ["userservice"])

        // The prefix layer still gives its names, injected by ARN.
        let container = try Self.json(result.files.first { $0.path == "userservice/container-definition.json" })
        let secrets = container["secrets"] as? [[String: String]] ?? []
        #expect(secrets.contains { $0["name"] == "Features__Canary" && $0["valueFrom"] == "arn:aws:ssm:us-east-1:123456789012:parameter/qsl/production/config/Features/Canary" }, "\(secrets)")
        for file in result.files { #expect(!String(decoding: file.bytes, as: UTF8.self).contains(canary), "\(file.path)") }
        // A StringList, injected whole, is said to be read as one string.
        #expect(secrets.contains { $0["name"] == "Cors__Origins" })
        #expect(result.warnings.contains { $0.rule == "ecs-string-list" && $0.keyPath == "Cors:Origins" }, "\(result.warnings.map(\.description))")

        // At the HTTP layer: the prefix was listed, and the referenced parameters checked to
        // exist, never with decryption; no secret value was read.
        let listings = transport.records.filter { $0.target == "AmazonSSM.GetParametersByPath" }
        #expect(listings.count == 1, "\(transport.operations)")
        for record in transport.records where record.target?.hasPrefix("AmazonSSM.") == true {
            #expect(record.jsonBody?["WithDecryption"] as? Bool != true, "\(record.target ?? ""): \(String(decoding: record.body, as: UTF8.self))")
        }
        let valueReads: Set<String> = ["secretsmanager.GetSecretValue", "secretsmanager.BatchGetSecretValue", "AmazonSSM.GetParameter"]
        #expect(transport.operations.filter(valueReads.contains).isEmpty, "\(transport.operations)")
    }

    @Test("with moto's IAM checks on, userservice's generated policy resolves userservice and is denied paymentgatewayservice's secrets")
    func leastPrivilege() async throws {
        // Three unauthenticated calls create the administrator; everything after is signed and checked.
        let moto = try await MotoServer.start(initialNoAuthActionCount: 3, resourceLevelPolicies: true)
        defer { moto.stop() }
        let admin = try await moto.createUser(name: "qsl-admin")
        let adminStore = try Self.awsStore(moto, accessKey: admin.accessKeyId, secretKey: admin.secretAccessKey.unsafeRevealed)
        let root = try PlatformFixtures.completedProductionRoot()
        _ = try await PlatformFixtures.syntheticSeed("production", root: root).apply(to: adminStore)

        let bundles = try await Self.productionBundles(root: root, store: adminStore, services: ["userservice", "paymentgatewayservice"])
        let userPolicyFile = try #require(bundles.files.first { $0.path == "userservice/iam-policy.json" })
        let userPolicy = try Self.json(userPolicyFile)
        let paymentPolicy = try Self.json(bundles.files.first { $0.path == "paymentgatewayservice/iam-policy.json" })
        let allowed = Self.secretResources(userPolicy)
        let paymentOnly = Self.secretResources(paymentPolicy).subtracting(allowed)
        #expect(allowed.count >= 5)
        #expect(paymentOnly.contains { $0.contains(":secret:qsl/production/neon/paymentgateway-") }, "\(paymentOnly)")
        // Compact, as IAM stores it (and as moto's signature check needs form values).
        let policyText = String(decoding: try JSONSerialization.data(withJSONObject: userPolicy), as: UTF8.self)
        #expect(policyText.count <= 6144, "fits a managed policy: \(policyText.count) characters")

        let task = try await moto.createUser(name: "userservice-task", managedPolicy: policyText, signedBy: admin)
        let taskStore = try Self.awsStore(moto, accessKey: task.accessKeyId, secretKey: task.secretAccessKey.unsafeRevealed)
        let production = try root.environment("production")
        func resolve(_ id: String, _ store: any SecretStore) async throws -> [String: String] {
            let options = try root.options(service: id, environment: production, environmentVariables: [:], environmentIsLayer: false, store: store)
            let resolved = try await ConfigurationLoader().load(options)
            return Dictionary(uniqueKeysWithValues: resolved.values.map { ($0.key.spelling, $0.unsafeRevealedValue ?? "") })
        }

        // userservice resolves completely with nothing but its policy, to the same values.
        let asTask = try await resolve("userservice", taskStore)
        #expect(asTask == (try await resolve("userservice", adminStore)))
        #expect(asTask["ConnectionStrings:postgres-userservice"] == "fake-qsl-production-neon-userservice")

        // paymentgatewayservice's own secrets are denied, each by name.
        let error = await #expect(throws: ResolutionError.self) { try await resolve("paymentgatewayservice", taskStore) }
        let failure = try #require(error)
        #expect(failure.isStoreFailure, "AccessDenied is a store failure: exit code 3")
        let text = failure.diagnostics.map(\.description).joined(separator: "\n")
        #expect(text.contains("AccessDenied"), "\(text)")
        #expect(text.contains("qsl/production/neon/paymentgateway"), "\(text)")

        // Exact ARNs: every allowed secret reads, every payment-only one is denied.
        for arn in allowed.sorted() {
            let secret = try await taskStore.getSecret(SecretVersionSelector(secretId: arn))
            #expect(secret.arn == arn)
        }
        for arn in paymentOnly.sorted() {
            let denied = await #expect(throws: StoreError.self) { try await taskStore.getSecret(SecretVersionSelector(secretId: arn)) }
            #expect(denied?.code == .accessDenied, "\(arn)")
        }
        // And an independent client sees the same.
        let cli = try Self.aws(
            ["secretsmanager", "get-secret-value", "--secret-id", try #require(paymentOnly.sorted().first)], moto: moto,
            accessKey: task.accessKeyId, secretKey: task.secretAccessKey.unsafeRevealed)
        #expect(cli.status != 0)
        #expect(cli.stderr.contains("AccessDenied"), "\(cli.stderr)")
        let cliAllowed = try Self.aws(
            ["secretsmanager", "get-secret-value", "--secret-id", try #require(allowed.sorted().first), "--query", "ARN"], moto: moto,
            accessKey: task.accessKeyId, secretKey: task.secretAccessKey.unsafeRevealed)
        #expect(cliAllowed.status == 0, "\(cliAllowed.stderr)")
    }
}
