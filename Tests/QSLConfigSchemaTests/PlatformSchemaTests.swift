import Foundation
import QSLConfigCore
@testable import QSLConfigSchema
import Testing

/// The platform's schemas in `schemas/`: they compile, they are valid 2020-12 schemas, and each
/// accepts a realistic configuration and rejects a broken one.
@Suite("Platform schemas")
struct PlatformSchemaTests {
    static let serviceIDs = [
        "userservice", "accountservice", "complianceservice", "feeservice", "securityservice", "tokenservice",
        "governanceservice", "treasuryservice", "paymentgatewayservice", "liquidationservice", "infrastructureservice",
        "identityverificationservice", "aireviewservice", "notificationservice", "signatureservice",
        "orchestrationservice", "marketplaceservice", "unifiedcartservice", "quantumledgerhub",
        "webapigateway", "adminapigateway", "mobileapigateway",
    ]

    static let schemaFiles: [String] = SchemaRegistry.jsonFiles(under: SchemaTestPaths.schemas)

    static let registry: SchemaRegistry = {
        var registry = SchemaRegistry()
        try! registry.addDirectory(atPath: SchemaTestPaths.schemas)
        return registry
    }()

    static func validator(_ relative: String, options: SchemaValidationOptions = SchemaValidationOptions()) throws -> SchemaValidator {
        try SchemaValidator(schemaFile: SchemaTestPaths.schemas + "/" + relative, registry: registry, options: options)
    }

    @Test("schemas/ holds the shared schema, 22 service schemas and the environment schemas")
    func inventory() {
        #expect(Self.schemaFiles.contains("appsettings.shared.schema.json"))
        #expect(Self.schemaFiles.contains("environment.schema.json"))
        #expect(Self.schemaFiles.contains("services-catalogue.schema.json"))
        #expect(Set(Self.schemaFiles.filter { $0.hasPrefix("services/") }) == Set(Self.serviceIDs.map { "services/\($0).schema.json" }))
    }

    @Test("every schema compiles and is valid against the 2020-12 meta-schema", arguments: schemaFiles)
    func compiles(_ file: String) throws {
        _ = try Self.validator(file)
        let metaschema = try SchemaValidator(registeredURI: SchemaDraft.draft2020_12.metaschemaURI, registry: Self.registry)
        let document = try SchemaJSON.parse(contentsOfFile: SchemaTestPaths.schemas + "/" + file)
        let result = metaschema.validate(document)
        #expect(result.isValid, "\(result.failures.map(\.description).joined(separator: "\n"))")
        let id = try #require(document.children.first { $0.key == "$id" }?.stringValue)
        #expect(id == "https://qsl.example/schemas/" + file)
    }

    // MARK: Services

    /// Settings every service carries, as the Production layer writes them (references, no values).
    static func baseSample(_ id: String) -> String {
        """
        {
          "Logging": { "LogLevel": { "Default": "Information", "Microsoft.AspNetCore": "Warning" } },
          "AllowedHosts": "*",
          "AWS": {
            "Region": "${AWS_REGION}",
            "ProjectName": "qsl",
            "UseSecretsManager": true,
            "SecretsManagerPrefix": "qsl/production/",
            "ParameterStorePrefix": "/qsl/production/config/",
            "Deployment": { "Environment": "production" },
            "EventBridge": { "Enabled": true, "CoreBusName": "qsl-production-core" }
          },
          "Security": { "JWT": { "Secret": "${aws:secrets:qsl/production/jwt:secret}", "Issuer": "https://api.quantumskylink.com", "ExpirationMinutes": 30 } },
          "Monitoring": { "OpenTelemetry": { "Endpoint": "${aws:parameter:/qsl/production/config/otel/endpoint}", "Headers": "api-key=${aws:secrets:qsl/production/otel:apiKey}", "SamplingRatio": 0.1 } },
          "ConnectionStrings": { "postgres-\(id)": "${aws:secrets:qsl/production/neon/\(id)}", "cache": "${aws:secrets:qsl/production/redis/connection}" }
          SECTIONS
        }
        """
    }

    /// Per service: extra sections of a valid file, and a broken section with the pointer of the
    /// value that must be reported.
    static let samples: [String: (valid: String, broken: String, pointer: String)] = [
        "userservice": (#""Logto": {"Authority": "https://auth.quantumskylink.com", "ClientSecret": "${aws:secrets:qsl/production/logto:clientSecret}", "EnableSso": true}, "WalletManagement": {"SupportedNetworks": ["ethereum", "polygon"]}"#,
                        #""WalletManagement": {"SupportedNetworks": "ethereum"}"#, "/WalletManagement/SupportedNetworks"),
        "accountservice": (#""services": {"userservice": {"https": ["https://userservice:8443"]}}"#,
                           #""ConnectionStrings": {"postgres-accountservice": 5}"#, "/ConnectionStrings/postgres-accountservice"),
        "complianceservice": (#""ComplyCube": {"ApiKey": "${aws:secrets:qsl/production/complycube:apiKey}", "BaseUrl": "https://api.complycube.com"}, "AWS": {"SQS": {"ComplianceQueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/qsl-production-compliance-inbox"}}"#,
                              #""ComplyCube": {"BaseUrl": "not a url"}"#, "/ComplyCube/BaseUrl"),
        "feeservice": (#""ExternalApis": {"CoinGecko": {"ApiKey": "${aws:secrets:qsl/production/coingecko:apiKey}", "BaseUrl": "https://api.coingecko.com/api/v3"}}"#,
                       #""ExternalApis": {"Binance": {"ApiKey": 12345}}"#, "/ExternalApis/Binance/ApiKey"),
        "securityservice": (#""Security": {"JWT": {"Secret": "${aws:secrets:qsl/production/jwt:secret}", "ValidateIssuer": true}}"#,
                            #""Security": {"JWT": {"ValidateIssuer": "sometimes"}}"#, "/Security/JWT/ValidateIssuer"),
        "tokenservice": (#""QuantumLedger": {"ApiKey": "${aws:secrets:qsl/production/quantumledger:apiKey}", "BaseUrl": "https://ledger.internal"}"#,
                         #""QuantumLedger": {"BaseUrl": "ledger"}"#, "/QuantumLedger/BaseUrl"),
        "governanceservice": (#""Blockchain": {"NetworkId": 11155111, "GovernanceTokenAddress": "0x00000000000000000000000000000000000000aa"}"#,
                              #""Blockchain": {"TreasuryAddress": "0x123"}"#, "/Blockchain/TreasuryAddress"),
        "treasuryservice": (#""Fireblocks": {"ApiKey": "${aws:secrets:qsl/production/fireblocks:apiKey}", "PrivateKey": "${aws:secrets:qsl/production/fireblocks:privateKey}"}"#,
                            #""Fireblocks": {"Enabled": "maybe"}"#, "/Fireblocks/Enabled"),
        "paymentgatewayservice": (#""Square": {"ApplicationId": "sq0idp-example", "AccessToken": "${aws:secrets:qsl/production/square:accessToken}"}, "Hangfire": {"WorkerCount": 4, "Queues": ["default", "payments"]}, "AWS": {"SQS": {"PaymentQueueUrl": "${aws:parameter:/qsl/production/config/sqs/prefix}"}}"#,
                                  #""Hangfire": {"WorkerCount": 0}"#, "/Hangfire/WorkerCount"),
        "liquidationservice": (#""Redis": {"InstanceName": "liquidation:", "DefaultExpiration": "00:30:00"}, "Serilog": {"MinimumLevel": {"Default": "Verbose", "Override": {"Microsoft": "Warning"}}}, "AllowedOrigins": ["https://app.quantumskylink.com"], "Services": {"PaymentGatewayUrl": "https://paymentgatewayservice"}"#,
                               #""Redis": {"DefaultExpiration": "half an hour"}"#, "/Redis/DefaultExpiration"),
        "infrastructureservice": (#""SixNetworkConfiguration": {"Network1_MultiChain": {"RpcUrl": "${aws:parameter:/qsl/production/config/multichain/url}", "Username": "${aws:secrets:qsl/production/multichain:username}"}, "Network2_Ethereum": {"Name": "Sepolia", "ChainId": 11155111, "IsTestnet": true, "RpcUrl": "${aws:secrets:qsl/production/infura:sepoliaUrl}"}}"#,
                                  #""SixNetworkConfiguration": {"Network3_Polygon": {"ChainId": "eighty-thousand"}}"#, "/SixNetworkConfiguration/Network3_Polygon/ChainId"),
        "identityverificationservice": (#""Twilio": {"AccountSid": "${aws:secrets:qsl/production/twilio:accountSid}", "AuthToken": "${aws:secrets:qsl/production/twilio:authToken}"}"#,
                                        #""Twilio": {"AuthToken": 123}"#, "/Twilio/AuthToken"),
        "aireviewservice": (#""OpenAI": {"ApiKey": "${aws:secrets:qsl/production/openai:apiKey}"}, "AWS": {"SQS": {"AIReviewQueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/qsl-production-aireview-inbox"}}"#,
                            #""AWS": {"SQS": {"AIReviewQueueUrl": "qsl-production-aireview-inbox"}}"#, "/AWS/SQS/AIReviewQueueUrl"),
        "notificationservice": (#""SendGrid": {"ApiKey": "${aws:secrets:qsl/production/sendgrid:apiKey}", "FromEmail": "noreply@quantumskylink.com"}, "Twilio": {"FromNumber": "+15555550100"}"#,
                                #""SendGrid": {"FromEmail": "noreply at quantumskylink"}"#, "/SendGrid/FromEmail"),
        "signatureservice": (#""AWS": {"KMS": {"MasterKeyId": "alias/qsl-production"}, "S3": {"BucketName": "qsl-production-signatures"}}, "SURREALDB_URL": "ws://surrealdb:8000/rpc", "SURREALDB_PASS": "${aws:secrets:qsl/production/surrealdb:password}""#,
                             #""AWS": {"S3": {"BucketName": "Signatures_Bucket"}}"#, "/AWS/S3/BucketName"),
        "orchestrationservice": (#""Kestra": {"BaseUrl": "${aws:parameter:/qsl/production/config/kestra/url}", "Username": "${aws:secrets:qsl/production/kestra:username}", "Password": "${aws:secrets:qsl/production/kestra:password}"}"#,
                                 #""Kestra": {"BaseUrl": "kestra 8080"}"#, "/Kestra/BaseUrl"),
        "marketplaceservice": (#""CloudFront": {"CdnDomain": "cdn.quantumskylink.com"}, "Hangfire": {"WorkerCount": 2}"#,
                               #""CloudFront": {"CdnDomain": "https://cdn.quantumskylink.com/"}"#, "/CloudFront/CdnDomain"),
        "unifiedcartservice": (#""ConnectionStrings": {"surrealdb-connection": "${aws:secrets:qsl/production/surrealdb/connection}"}, "SURREALDB_DB": "carts""#,
                               #""SURREALDB_URL": "not a url""#, "/SURREALDB_URL"),
        "quantumledgerhub": (#""ConnectionStrings": {"ql-accounts": "${aws:secrets:qsl/production/neon/quantumledger}"}, "KeyManagement": {"Provider": "AWS", "AWS": {"KeyId": "alias/qsl-ledger"}}"#,
                             #""KeyManagement": {"Provider": "HSM"}"#, "/KeyManagement/Provider"),
        "webapigateway": (#""ReverseProxy": {"Routes": {}, "Clusters": {}}, "RateLimiting": {"EnableRateLimiting": true, "PermitLimit": 100}, "Cors": {"AllowedOrigins": ["https://app.quantumskylink.com"]}"#,
                          #""RateLimiting": {"PermitLimit": -1}"#, "/RateLimiting/PermitLimit"),
        "adminapigateway": (#""ServiceUrls": {"UserService": "https://userservice"}, "Gateway": {"RequestTimeout": "00:00:30"}"#,
                            #""ServiceUrls": {"UserService": "//userservice:8080"}"#, "/ServiceUrls/UserService"),
        "mobileapigateway": (#""MobileGateway": {"Firebase": {"ServerKey": "${aws:secrets:qsl/production/firebase:serverKey}", "ProjectId": "qsl-mobile"}, "APNS": {"CertificatePassword": "${aws:secrets:qsl/production/apns:password}", "UseSandbox": false}}"#,
                             #""MobileGateway": {"APNS": {"UseSandbox": "no"}}"#, "/MobileGateway/APNS/UseSandbox"),
    ]

    /// The base sample with `sections` merged in (a file may not repeat a key, so sections the
    /// sample also sets are merged member by member).
    static func sample(_ id: String, _ sections: String) throws -> JSONDocument {
        func object(_ text: String) throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        }
        func merge(_ base: [String: Any], _ extra: [String: Any]) -> [String: Any] {
            var merged = base
            for (key, value) in extra {
                if let inner = value as? [String: Any], let existing = merged[key] as? [String: Any] {
                    merged[key] = merge(existing, inner)
                } else {
                    merged[key] = value
                }
            }
            return merged
        }
        let base = try object(baseSample(id).replacingOccurrences(of: "SECTIONS", with: ""))
        let combined = merge(base, try object("{" + sections + "}"))
        let data = try JSONSerialization.data(withJSONObject: combined, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return try JSONDocument(parsing: Array(data), file: "src/\(id)/appsettings.Production.json")
    }

    @Test("each service schema accepts a realistic file and rejects a broken one", arguments: serviceIDs)
    func service(_ id: String) throws {
        let validator = try Self.validator("services/\(id).schema.json")
        let sample = try #require(Self.samples[id])

        let good = validator.validate(try Self.sample(id, sample.valid).root)
        #expect(good.isValid, "\(good.failures.map(\.description).joined(separator: "\n"))")
        let secrets = Set(good.annotations(named: "writeOnly").map(\.keyPath))
        #expect(secrets.contains("Security:JWT:Secret"))
        #expect(secrets.contains("ConnectionStrings:postgres-\(id)"))
        #expect(secrets.contains("Monitoring:OpenTelemetry:Headers"))

        let bad = validator.validate(try Self.sample(id, sample.broken).root)
        #expect(!bad.isValid)
        #expect(bad.failures.contains { $0.instancePointer == sample.pointer }, "\(bad.failures.map(\.description))")
        for failure in bad.failures {
            #expect(failure.instanceLocation?.file == "src/\(id)/appsettings.Production.json")
        }
    }

    @Test("a broken shared section is reported by every service schema")
    func sharedSection() throws {
        let validator = try Self.validator("services/notificationservice.schema.json")
        let document = try Self.sample("notificationservice", #""Logging": {"LogLevel": {"Default": "Verbose"}}"#)
        let failures = validator.validate(document.root).failures
        #expect(failures.map(\.instancePointer) == ["/Logging/LogLevel/Default"])
        #expect(failures.first?.absoluteKeywordLocation == "https://qsl.example/schemas/appsettings.shared.schema.json#/$defs/logLevel/enum")
    }

    @Test("alternative spellings are deprecated and name the canonical key path")
    func preferredSpellings() throws {
        let validator = try Self.validator("services/liquidationservice.schema.json")
        let document = try JSONDocument(parsing: Array("""
            {
              "JwtSettings": { "SecretKey": "dev-only", "ExpirationInMinutes": 60 },
              "Jwt": { "Key": "dev-only", "ExpiryInMinutes": 60 },
              "Logto": { "Endpoint": "https://example.logto.app", "AppSecret": "dev-only" },
              "ConnectionStrings": { "Redis": "localhost:6379", "DefaultConnection": "Host=localhost" },
              "Moonpay": { "ApiKey": "dev-only" },
              "AWS": { "SecretsManager": { "Enabled": true }, "EventBridge": { "BusName": "qsl-dev-core" } }
            }
            """.utf8), file: "appsettings.Development.json")
        let result = validator.validate(document.root)
        #expect(result.isValid, "\(result.failures.map(\.description))")
        let preferred = Dictionary(result.annotations(named: "x-qsl-preferred").map { ($0.keyPath, $0.valueText) }, uniquingKeysWith: { a, _ in a })
        #expect(preferred["JwtSettings:SecretKey"] == "\"Security:JWT:Secret\"")
        #expect(preferred["Jwt:Key"] == "\"Security:JWT:Secret\"")
        #expect(preferred["JwtSettings:ExpirationInMinutes"] == "\"Security:JWT:ExpirationMinutes\"")
        #expect(preferred["Jwt:ExpiryInMinutes"] == "\"Security:JWT:ExpirationMinutes\"")
        #expect(preferred["Logto:Endpoint"] == "\"Logto:Authority\"")
        #expect(preferred["Logto:AppSecret"] == "\"Logto:ClientSecret\"")
        #expect(preferred["ConnectionStrings:Redis"] == "\"ConnectionStrings:cache\"")
        #expect(preferred["ConnectionStrings:DefaultConnection"] == "\"ConnectionStrings:postgres-liquidationservice\"")
        #expect(preferred["Moonpay"] == "\"MoonPay\"")
        #expect(preferred["AWS:SecretsManager:Enabled"] == "\"AWS:UseSecretsManager\"")
        #expect(preferred["AWS:EventBridge:BusName"] == "\"AWS:EventBridge:CoreBusName\"")
        let secrets = Set(result.annotations(named: "writeOnly").map(\.keyPath))
        #expect(secrets.isSuperset(of: ["JwtSettings:SecretKey", "Jwt:Key", "Logto:AppSecret", "ConnectionStrings:Redis", "Moonpay:ApiKey"]))
        #expect(Set(result.annotations(named: "deprecated").map(\.keyPath)).contains("Moonpay"))
    }

    @Test("with coerceScalarStrings, numeric strings from environment variables pass")
    func coercedEnvironmentValues() throws {
        let validator = try Self.validator("services/userservice.schema.json", options: SchemaValidationOptions(coerceScalarStrings: true))
        let document = try JSONDocument(parsing: Array(#"{"Security": {"JWT": {"ExpirationMinutes": "30", "ValidateIssuer": "True"}}, "AWS": {"SQS": {"WaitTimeSeconds": "25"}}}"#.utf8), file: "env")
        let failures = validator.validate(document.root).failures
        #expect(failures.count == 1)
        #expect(failures.first?.instancePointer == "/AWS/SQS/WaitTimeSeconds")
    }

    // MARK: Environments

    static let production = """
        {
          "name": "production",
          "aspnetEnvironment": "Production",
          "region": "us-east-1",
          "account": "${AWS_ACCOUNT_ID}",
          "secretsPrefix": "qsl/production/",
          "parameterPrefix": "/qsl/production/config/",
          "kmsKeyAlias": "alias/qsl-production",
          "store": { "kind": "aws" },
          "rotation": {
            "generated": { "intervalDays": 90, "length": 64 },
            "postgres": { "intervalDays": 30, "windowHours": 4 },
            "redis": { "intervalDays": 30 },
            "iam-access-key": { "intervalDays": 90, "enabled": false }
          },
          "naming": { "postgres": "{prefix}neon/{slug}", "redis": "{prefix}redis/connection", "default": "{prefix}{service}/{section}" },
          "plainSecretsAllowed": false,
          "tags": { "project": "qsl" }
        }
        """

    @Test("environment files: valid production and development definitions")
    func environments() throws {
        let validator = try Self.validator("environment.schema.json")
        #expect(validator.validate(try SchemaFixtures.document(Self.production, file: "environments/production.json").root).isValid)
        let development = """
            {"name": "development", "region": "us-east-1", "account": "000000000000", "secretsPrefix": "qsl/development/",
             "parameterPrefix": "/qsl/development/config/", "store": {"kind": "emulator", "endpointUrl": "http://127.0.0.1:4566"},
             "plainSecretsAllowed": true}
            """
        let result = validator.validate(try SchemaFixtures.document(development).root)
        #expect(result.isValid, "\(result.failures.map(\.description))")
    }

    @Test("environment files: broken definitions are rejected where they are wrong", arguments: [
        (#""plainSecretsAllowed": false"#, #""plainSecretsAllowed": true"#, "/name"),
        (#""secretsPrefix": "qsl/production/""#, #""secretsPrefix": "qsl/production""#, "/secretsPrefix"),
        (#""parameterPrefix": "/qsl/production/config/""#, #""parameterPrefix": "qsl/production/config""#, "/parameterPrefix"),
        (#""store": { "kind": "aws" }"#, #""store": { "kind": "emulator" }"#, "/store"),
        (#""kmsKeyAlias": "alias/qsl-production""#, #""kmsKeyAlias": "qsl-production""#, "/kmsKeyAlias"),
        (#""region": "us-east-1""#, #""region": "US East""#, "/region"),
        (#""account": "${AWS_ACCOUNT_ID}""#, #""account": "12345""#, "/account"),
        (#""redis": { "intervalDays": 30 }"#, #""memcached": { "intervalDays": 30 }"#, "/rotation/memcached"),
        (#""redis": { "intervalDays": 30 }"#, #""redis": { "intervalDays": 0 }"#, "/rotation/redis/intervalDays"),
        (#""postgres": "{prefix}neon/{slug}""#, #""postgres": "{prefix}neon/{database}""#, "/naming/postgres"),
    ])
    func brokenEnvironment(_ replacement: (String, String, String)) throws {
        let validator = try Self.validator("environment.schema.json")
        #expect(Self.production.contains(replacement.0))
        let text = Self.production.replacingOccurrences(of: replacement.0, with: replacement.1)
        let result = validator.validate(try SchemaFixtures.document(text, file: "environments/production.json").root)
        #expect(!result.isValid)
        #expect(result.failures.contains { $0.instancePointer == replacement.2 }, "\(result.failures.map(\.description))")
    }

    // MARK: Catalogue

    static func catalogue(dropping dropped: String? = nil, kindOf override: (String, String)? = nil) -> String {
        let entries = serviceIDs.filter { $0 != dropped }.map { id -> String in
            let gateway = id.hasSuffix("apigateway")
            let kind = override?.0 == id ? override!.1 : (gateway ? "gateway" : "service")
            let connections = id == "unifiedcartservice" ? #"["surrealdb-connection"]"# : gateway ? "[]" : #"["postgres-\#(id)", "cache"]"#
            let queue = id == "notificationservice" ? #""qsl-{env}-notification-inbox""# : "null"
            let bus = id == "notificationservice" ? #""core""# : "null"
            return #"{"id": "\#(id)", "folder": "src/\#(id)", "kind": "\#(kind)", "connectionStrings": \#(connections), "sharedSections": ["Logging", "AWS", "Security"], "queue": \#(queue), "bus": \#(bus)}"#
        }
        return #"{"services": [\#(entries.joined(separator: ",\n"))]}"#
    }

    @Test("the services catalogue lists all 22 deployables exactly once")
    func servicesCatalogue() throws {
        let validator = try Self.validator("services-catalogue.schema.json")
        let good = validator.validate(try SchemaFixtures.document(Self.catalogue()).root)
        #expect(good.isValid, "\(good.failures.map(\.description))")

        let missing = validator.validate(try SchemaFixtures.document(Self.catalogue(dropping: "treasuryservice")).root)
        #expect(missing.failures.contains { $0.keyword == "minItems" })
        #expect(missing.failures.contains { $0.keyword == "contains" && $0.keywordLocation.hasPrefix("/properties/services/allOf/7/") })

        let wrongKind = validator.validate(try SchemaFixtures.document(Self.catalogue(kindOf: ("mobileapigateway", "service"))).root)
        #expect(wrongKind.failures.map(\.instancePointer) == ["/services/21/kind"])
    }
}
