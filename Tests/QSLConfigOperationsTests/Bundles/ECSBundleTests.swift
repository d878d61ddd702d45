import Foundation
import QSLConfig
import QSLConfigOperations
import QSLConfigCore
import Testing

/// The ECS rules on a small platform written for each test.
@Suite("ecs bundles: valueFrom ARNs, the exec rule for embedded references, least-privilege policies")
struct ECSBundleTests {
    struct MiniPlatform {
        var root: PlatformRoot
        var environment: EnvironmentDefinition
        var store: LocalSecretStore
        var path: String
    }

    /// One service `svc` whose appsettings.json is `settings`, in an environment that allows
    /// plaintext secrets or not, with a local store holding `secrets` and `parameters`.
    static func platform(
        _ settings: String, plainSecretsAllowed: Bool = false, secrets: [String: String] = [:], parameters: [String: String] = [:]
    ) async throws -> MiniPlatform {
        let path = try PlatformFixtures.temporaryDirectory("mini")
        try FileManager.default.createDirectory(atPath: path + "/environments", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: path + "/src/Svc", withIntermediateDirectories: true)
        try Data(
            """
            {"services": [{"id": "svc", "folder": "src/Svc", "kind": "service", "connectionStrings": [], "sharedSections": [], "queue": null, "bus": null}]}
            """.utf8
        ).write(to: URL(fileURLWithPath: path + "/environments/services.json"))
        try Data(
            """
            {"name": "prod", "region": "eu-west-1", "account": "111122223333", "secretsPrefix": "qsl/prod/", "parameterPrefix": "/qsl/prod/config/",
             "kmsKeyAlias": "alias/qsl-prod", "store": {"kind": "local", "path": "store.json"}, "plainSecretsAllowed": \(plainSecretsAllowed)}
            """.utf8
        ).write(to: URL(fileURLWithPath: path + "/environments/prod.json"))
        try Data(settings.utf8).write(to: URL(fileURLWithPath: path + "/src/Svc/appsettings.json"))
        let store = LocalSecretStore(path: path + "/store.json")
        let seed = StoreSeed(
            secrets: secrets.map { StoreSeed.Entry(name: $0.key, value: $0.value) }, parameters: parameters.map { StoreSeed.Entry(name: $0.key, value: $0.value) })
        _ = try await seed.apply(to: store)
        let root = try PlatformRoot(path: path)
        return MiniPlatform(root: root, environment: try root.environment("prod"), store: store, path: path)
    }

    static func bundle(_ platform: MiniPlatform, variables: [String: String] = [:]) async throws -> (definition: [String: Any], policy: [String: Any]) {
        let result = try await BundleOperation(
            root: platform.root, environment: platform.environment, store: platform.store, format: .ecs, environmentVariables: variables
        ).build(services: [])
        let definition = try #require(result.files.first { $0.path == "svc/container-definition.json" })
        let policy = try #require(result.files.first { $0.path == "svc/iam-policy.json" })
        return (
            try #require(try JSONSerialization.jsonObject(with: Data(definition.bytes)) as? [String: Any]),
            try #require(try JSONSerialization.jsonObject(with: Data(policy.bytes)) as? [String: Any])
        )
    }

    static func pairs(_ list: Any?, _ valueKey: String) -> [String: String] {
        Dictionary(uniqueKeysWithValues: ((list as? [[String: String]]) ?? []).map { ($0["name"]!, $0[valueKey]!) })
    }

    static func statement(_ policy: [String: Any], _ sid: String) -> [String: Any]? {
        (policy["Statement"] as? [[String: Any]])?.first { $0["Sid"] as? String == sid }
    }

    @Test("whole secrets, JSON keys, stages, version ids and parameters become valueFrom ARNs; plain values stay plain")
    func valueFromForms() async throws {
        let platform = try await Self.platform(
            """
            {"ConnectionStrings": {"db": "${aws:secrets:qsl/prod/neon/svc}"},
             "Jwt": {"Key": "${aws:secrets:qsl/prod/jwt:secret}", "Old": "${aws:secrets:qsl/prod/jwt:secret:AWSPREVIOUS}",
                     "Whole": "${aws:secrets:qsl/prod/jwt::AWSPREVIOUS}", "Pinned": "${aws:secrets:qsl/prod/jwt::AWSCURRENT:0123456789abcdef0123456789abcdef}"},
             "Logto": {"Authority": "${aws:parameter:/qsl/prod/config/logto/authority}"},
             "Plain": {"Port": 8080, "Region": "${REGION:eu-west-1}", "Text": "a literal $${not-a-reference}"}}
            """,
            secrets: ["qsl/prod/neon/svc": "Host=db;Password=p", "qsl/prod/jwt": #"{"secret":"s"}"#],
            parameters: ["/qsl/prod/config/logto/authority": "https://auth.example"])
        let arns = Dictionary(uniqueKeysWithValues: try await platform.store.listSecrets(prefix: nil).map { ($0.name, $0.arn) })
        let neon = try #require(arns["qsl/prod/neon/svc"])
        let jwt = try #require(arns["qsl/prod/jwt"])
        #expect(neon.hasPrefix("arn:aws:secretsmanager:") && neon.count == "arn:aws:secretsmanager:local:000000000000:secret:qsl/prod/neon/svc".count + 7)

        let (definition, policy) = try await Self.bundle(platform)
        #expect(definition["name"] as? String == "svc")
        #expect(definition["entryPoint"] == nil, "no embedded reference, no exec entrypoint")
        #expect(Self.pairs(definition["secrets"], "valueFrom") == [
            "ConnectionStrings__db": neon,
            "Jwt__Key": jwt + ":secret::",
            "Jwt__Old": jwt + ":secret:AWSPREVIOUS:",
            "Jwt__Whole": jwt + "::AWSPREVIOUS:",
            "Jwt__Pinned": jwt + "::AWSCURRENT:0123456789abcdef0123456789abcdef",
            "Logto__Authority": "arn:aws:ssm:eu-west-1:111122223333:parameter/qsl/prod/config/logto/authority",
        ])
        #expect(Self.pairs(definition["environment"], "value") == [
            "Plain__Port": "8080", "Plain__Region": "eu-west-1", "Plain__Text": "a literal ${not-a-reference}",
        ])
        let bytes = try JSONSerialization.data(withJSONObject: definition)
        #expect(!String(decoding: bytes, as: UTF8.self).contains("Password=p"), "never a secret value")

        #expect(Self.statement(policy, "ReadReferencedSecrets")?["Resource"] as? [String] == [jwt, neon].sorted())
        #expect(Self.statement(policy, "ReadReferencedSecrets")?["Action"] as? [String] == ["secretsmanager:GetSecretValue"])
        #expect(Self.statement(policy, "ReadReferencedParameters")?["Resource"] as? [String] == [
            "arn:aws:ssm:eu-west-1:111122223333:parameter/qsl/prod/config/logto/authority"
        ])
        let kms = try #require(Self.statement(policy, "DecryptWithEnvironmentKey"))
        #expect(kms["Action"] as? [String] == ["kms:Decrypt"])
        #expect(kms["Resource"] as? [String] == ["arn:aws:kms:eu-west-1:111122223333:key/*"])
        let condition = try #require(kms["Condition"] as? [String: [String: [String]]])
        #expect(condition["ForAnyValue:StringEquals"]?["kms:ResourceAliases"] == ["alias/qsl-prod"])
        #expect(Self.statement(policy, "ReadParameterStorePrefix") == nil)
        let actions = (policy["Statement"] as? [[String: Any]] ?? []).flatMap { $0["Action"] as? [String] ?? [] }
        #expect(Set(actions) == ["secretsmanager:GetSecretValue", "secretsmanager:BatchGetSecretValue", "ssm:GetParameters", "kms:Decrypt"])
    }

    @Test("embedded references and pinned parameters run under qsl-config exec, literal ${ escaped, listed with --variable")
    func embeddedReferencesUseExec() async throws {
        let platform = try await Self.platform(
            """
            {"Monitoring": {"Headers": "api-key=${aws:secrets:qsl/prod/otel:apiKey};literal=$${x}"},
             "Feature": {"Flag": "${aws:parameter:/qsl/prod/config/flag:1}"},
             "Rpc": {"Url": "https://rpc.example/v3/${aws:secrets:qsl/prod/infura:projectId}"},
             "Plain": "$${kept}"}
            """,
            secrets: ["qsl/prod/otel": #"{"apiKey":"k"}"#, "qsl/prod/infura": #"{"projectId":"p"}"#],
            parameters: ["/qsl/prod/config/flag": "on"])
        let (definition, policy) = try await Self.bundle(platform)
        #expect(definition["entryPoint"] as? [String] == [
            "/usr/local/bin/qsl-config", "exec", "--from-environment",
            "--variable=Feature__Flag", "--variable=Monitoring__Headers", "--variable=Rpc__Url", "--",
        ])
        #expect(definition["command"] as? [String] == ["dotnet", "Svc.dll"])
        #expect(Self.pairs(definition["environment"], "value") == [
            "Feature__Flag": "${aws:parameter:/qsl/prod/config/flag:1}",
            "Monitoring__Headers": "api-key=${aws:secrets:qsl/prod/otel:apiKey};literal=$${x}",
            "Plain": "${kept}",
            "Rpc__Url": "https://rpc.example/v3/${aws:secrets:qsl/prod/infura:projectId}",
        ])
        #expect(Self.pairs(definition["secrets"], "valueFrom").isEmpty)
        let arns = try await platform.store.listSecrets(prefix: nil).map(\.arn).sorted()
        #expect(Self.statement(policy, "ReadReferencedSecrets")?["Resource"] as? [String] == arns, "exec reads them with the task role")
        #expect(Self.statement(policy, "ReadReferencedParameters")?["Resource"] as? [String] == [
            "arn:aws:ssm:eu-west-1:111122223333:parameter/qsl/prod/config/flag"
        ])
    }

    @Test("outside development, a plain value carrying a password is an error at its position; a credential-named one a warning")
    func plaintextCredentialsRejected() async throws {
        let settings = """
            {"Jwt": {"Key": "plain-signing-key", "ExpiryInMinutes": 60},
             "Db": {"Url": "Host=h;Username=u;Password=hunter2;", "Cache": "redis:6379,password=hunter3"},
             "Rpc": {"Url": "https://user:hunter4@rpc.example/v3"},
             "Env": {"Conn": "${DB_CONN:Host=h;Password=hunter5}"},
             "Empty": {"ApiKey": ""},
             "Fine": "value"}
            """
        let production = try await Self.platform(settings)
        let error = await #expect(throws: ResolutionError.self) { try await Self.bundle(production) }
        let messages = error?.diagnostics.map(\.description) ?? []
        #expect(messages.count == 4, "\(messages)")
        #expect(messages.contains { $0.contains("src/Svc/appsettings.json:2:16: error: svc: 'Db:Url' holds a plaintext credential") })
        #expect(messages.contains { $0.contains("src/Svc/appsettings.json:2:64: error: svc: 'Db:Cache' holds a plaintext credential") }, "\(messages)")
        #expect(messages.contains { $0.contains("src/Svc/appsettings.json:3:17: error: svc: 'Rpc:Url' holds a plaintext credential") })
        #expect(messages.contains { $0.contains("src/Svc/appsettings.json:4:18: error: svc: 'Env:Conn' holds a plaintext credential") }, "after ${VAR}")
        #expect(!messages.joined().contains("hunter"), "never the value")

        // Without the passwords it builds, warning about the key named like a credential.
        let warned = try await Self.platform(#"{"Jwt": {"Key": "plain-signing-key", "ExpiryInMinutes": 60}, "Empty": {"ApiKey": ""}}"#)
        let result = try await BundleOperation(root: warned.root, environment: warned.environment, store: warned.store, format: .ecs).build(services: [])
        #expect(result.warnings.map(\.description) == [
            "\(warned.path)/src/Svc/appsettings.json:1:17: warning: svc: 'Jwt:Key' is named like a credential but holds a plain value, which goes into the task definition as written; reference it from Secrets Manager if it is one [plaintext-secret]"
        ])

        let development = try await Self.platform(settings, plainSecretsAllowed: true)
        let (definition, _) = try await Self.bundle(development)
        #expect(Self.pairs(definition["environment"], "value")["Db__Url"] == "Host=h;Username=u;Password=hunter2;", "development allows it")
    }

    @Test("the credential classifier decides: tokens, URL keys and libpq passwords are errors, a literal password beside a reference too; credential names warn")
    func classifierRules() async throws {
        let token = "xoxb-" + "1234567890-" + String(repeating: "aBcDeFgHiJ", count: 2)
        let settings = """
            {"Chat": {"Hook": "\(token)"},
             "Rpc": {"Url": "https://mainnet.infura.io/v3/0123456789abcdef0123456789abcdef"},
             "Db": {"Dsn": "host=db password=hunter6 dbname=app", "Mixed": "Host=${aws:parameter:/qsl/prod/config/db/host};Password=hunter7"},
             "Secrets": {"Foo": "plain-secret-value"},
             "Session": {"Cookie": "plain-cookie-value", "CookieName": ".qsl"},
             "Identity": {"TokenLifetime": "00:30:00", "PasswordPolicy": {"RequireUppercase": true}}}
            """
        let production = try await Self.platform(settings, parameters: ["/qsl/prod/config/db/host": "db.internal"])
        let error = await #expect(throws: ResolutionError.self) { try await Self.bundle(production) }
        let errors = error?.diagnostics ?? []
        #expect(Set(errors.compactMap(\.keyPath)) == ["Chat:Hook", "Rpc:Url", "Db:Dsn", "Db:Mixed"], "\(errors.map(\.description))")
        #expect(errors.allSatisfy { $0.rule == "plaintext-secret" && $0.message.contains("holds a plaintext credential") })
        let printed = errors.map(\.description).joined()
        #expect(!printed.contains(token) && !printed.contains("hunter") && !printed.contains("0123456789abcdef"), "never the value")

        let warned = try await Self.platform(
            #"{"Secrets": {"Foo": "plain-secret-value"}, "Session": {"Cookie": "plain-cookie-value", "CookieName": ".qsl"}, "Identity": {"TokenLifetime": "00:30:00"}}"#)
        let result = try await BundleOperation(root: warned.root, environment: warned.environment, store: warned.store, format: .ecs).build(services: [])
        #expect(result.warnings.compactMap(\.keyPath).sorted() == ["Secrets:Foo", "Session:Cookie"])
        #expect(result.warnings.allSatisfy { $0.message.contains("is named like a credential but holds a plain value") })
    }

    @Test("a referenced secret that does not exist is reported at the reference, and nothing is built")
    func missingSecret() async throws {
        let platform = try await Self.platform(#"{"A": {"B": "x-${aws:secrets:qsl/prod/nope:key}"}, "C": "${aws:secrets:qsl/prod/absent}"}"#)
        let error = await #expect(throws: ResolutionError.self) { try await Self.bundle(platform) }
        #expect(error?.diagnostics.map(\.description).sorted() == [
            "\(platform.path)/src/Svc/appsettings.json:1:16: error: svc: secret qsl/prod/nope does not exist (referenced by 'A:B'); create it, or fix the name [missing-secret]",
            "\(platform.path)/src/Svc/appsettings.json:1:58: error: svc: secret qsl/prod/absent does not exist (referenced by 'C'); create it, or fix the name [missing-secret]",
        ])
    }

    @Test("a referenced parameter, or a pinned version of one, that does not exist is reported at the reference, and nothing is built")
    func missingParameter() async throws {
        let platform = try await Self.platform(
            #"{"A": "${aws:parameter:/qsl/prod/config/absent}", "B": "x-${aws:parameter:/qsl/prod/config/flag:7}", "C": "${aws:parameter:/qsl/prod/config/flag}"}"#,
            parameters: ["/qsl/prod/config/flag": "on"])
        let error = await #expect(throws: ResolutionError.self) { try await Self.bundle(platform) }
        #expect(error?.diagnostics.map(\.description).sorted() == [
            "\(platform.path)/src/Svc/appsettings.json:1:59: error: svc: parameter /qsl/prod/config/flag:7 does not exist (referenced by 'B'); create it, or fix the name [missing-parameter]",
            "\(platform.path)/src/Svc/appsettings.json:1:8: error: svc: parameter /qsl/prod/config/absent does not exist (referenced by 'A'); create it, or fix the name [missing-parameter]",
        ])
    }

    @Test("a Parameter Store prefix becomes valueFrom parameters and one GetParametersByPath grant on its path")
    func parameterStorePrefix() async throws {
        let platform = try await Self.platform(
            #"{"AWS": {"ParameterStorePrefix": "/qsl/prod/config/"}, "Kestra": {"BaseUrl": "http://placeholder"}}"#,
            parameters: ["/qsl/prod/config/Kestra/BaseUrl": "https://kestra.example", "/qsl/prod/config/Bus/Name": "qsl-prod-core"])
        let (definition, policy) = try await Self.bundle(platform)
        #expect(Self.pairs(definition["secrets"], "valueFrom") == [
            "Bus__Name": "arn:aws:ssm:eu-west-1:111122223333:parameter/qsl/prod/config/Bus/Name",
            "Kestra__BaseUrl": "arn:aws:ssm:eu-west-1:111122223333:parameter/qsl/prod/config/Kestra/BaseUrl",
        ])
        #expect(Self.pairs(definition["environment"], "value") == ["AWS__ParameterStorePrefix": "/qsl/prod/config/"])
        #expect(Self.statement(policy, "ReadParameterStorePrefix")?["Resource"] as? [String] == [
            "arn:aws:ssm:eu-west-1:111122223333:parameter/qsl/prod/config"
        ])
        #expect(Self.statement(policy, "ReadParameterStorePrefix")?["Action"] as? [String] == ["ssm:GetParametersByPath"])
        #expect((Self.statement(policy, "ReadReferencedParameters")?["Resource"] as? [String])?.count == 2)
    }

    @Test("the demo tree's Production omits cache, surrealdb-connection and the Infura URLs, so ecs refuses the base file's plaintext fallbacks")
    func productionGapIsReported() async throws {
        let root = try PlatformFixtures.root()
        let store = LocalSecretStore(path: try PlatformFixtures.temporaryDirectory("prod") + "/store.json")
        _ = try await PlatformFixtures.syntheticSeed("production").apply(to: store)
        let error = await #expect(throws: ResolutionError.self) {
            try await BundleOperation(root: root, environment: try root.environment("production"), store: store, format: .ecs).build(services: [])
        }
        let diagnostics = try #require(error?.diagnostics)
        let cache = diagnostics.filter { $0.keyPath == "ConnectionStrings:cache" }
        #expect(cache.count == 12, "every service that reads cache: \(diagnostics.map(\.description))")
        #expect(cache.allSatisfy { $0.location?.file.hasSuffix("platform/QuantunSkyLink_v2.AppHost/appsettings.json") == true && $0.location?.line == 161 })
        #expect(diagnostics.filter { $0.keyPath == "ConnectionStrings:surrealdb-connection" }.map { $0.message.prefix(19) } == ["unifiedcartservice:"])
        // The Infura URLs carry the project id (Infura's API key) in their path: validate calls
        // them plaintext secrets in production, and so does ecs.
        let infura = diagnostics.filter { $0.keyPath?.hasSuffix("-sepolia") == true || $0.keyPath?.hasSuffix("-mumbai") == true }
        #expect(Set(infura.compactMap(\.keyPath)) == ["ConnectionStrings:ethereum-sepolia", "ConnectionStrings:polygon-mumbai", "ConnectionStrings:arbitrum-sepolia"])
        #expect(infura.allSatisfy { $0.message.hasPrefix("infrastructureservice:") })
        #expect(diagnostics.count == 16)
        #expect(diagnostics.allSatisfy { $0.rule == "plaintext-secret" && !$0.message.contains("fake-redis-pass") })
    }
}
