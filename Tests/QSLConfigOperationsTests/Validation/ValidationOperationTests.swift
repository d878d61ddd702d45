import Foundation
import QSLConfig
import QSLConfigOperations
import QSLConfigCore
import Testing

@Suite("validate: schema, layers and policies")
struct ValidationOperationTests {
    static let canary = ValidationFixture.canary

    @Test("a schema failure points into the layer that supplied the value")
    func layerPositions() async throws {
        let fixture = try ValidationFixture([
            "appsettings.json": """
            {
              "Kestrel": { "Port": 80 },
              "Hosts": ["api.example.com", "not a host!"]
            }
            """,
            "appsettings.Production.json": """
            {
              "Kestrel": {
                "Port": 70000
              }
            }
            """,
        ])
        let report = try await fixture.run(fixture.request())
        let failures = report.diagnostics.filter { $0.rule == "schema" }
        #expect(failures.count == 2, "\(failures)")
        let port = try #require(failures.first { $0.keyPath == "Kestrel:Port" })
        #expect(port.location?.file == fixture.path("service/appsettings.Production.json"))
        #expect(port.location.map { [$0.line, $0.column] } == [3, 13])
        #expect(port.message.contains("65535"))
        let host = try #require(failures.first { $0.keyPath == "Hosts:1" })
        #expect(host.location?.file == fixture.path("service/appsettings.json"))
        #expect(host.location.map { [$0.line, $0.column] } == [3, 32])
        #expect(report.exitStatus == 1)
    }

    @Test("a required section missing from every layer is reported at the service's base file")
    func requiredSection() async throws {
        let fixture = try ValidationFixture(["appsettings.json": #"{"Hosts": ["a.example"]}"#])
        let report = try await fixture.run(fixture.request())
        let failure = try #require(report.diagnostics.first { $0.rule == "schema" })
        #expect(failure.message.contains("Kestrel"))
        #expect(failure.location?.file == fixture.path("service/appsettings.json"))
        #expect(failure.location?.line == 1)
    }

    @Test("numbers and booleans from environment files are read as ASP.NET binds them, at the file's line and column")
    func environmentFileLayer() async throws {
        let fixture = try ValidationFixture([
            "appsettings.json": #"{"Kestrel": {"Port": 80}}"#,
            "good.env": "# deploy overrides\nKestrel__Port=8080\n",
            "bad.env": "\nKestrel__Port=eighty\n",
        ])
        let good = try await fixture.run(fixture.request(envFiles: ["good.env"]))
        #expect(good.exitStatus == 0, "\(good.diagnostics)")
        #expect(good.services[0].files.last == fixture.path("good.env"))

        let bad = try await fixture.run(fixture.request(envFiles: ["good.env", "bad.env"]))
        let failure = try #require(bad.diagnostics.first { $0.rule == "schema" })
        #expect(failure.location == SourceLocation(file: fixture.path("bad.env"), line: 2, column: 15, offset: failure.location!.offset))
        #expect(failure.keyPath == "Kestrel:Port")
    }

    @Test("a malformed environment file is unusable input, every bad line at once")
    func badEnvironmentFile() async throws {
        let fixture = try ValidationFixture(["appsettings.json": #"{"Kestrel": {}}"#, "broken.env": "A=1\nJUST_A_NAME\n = x\na=2\n"])
        do {
            _ = try await fixture.run(fixture.request(envFiles: ["broken.env"]))
            Issue.record("expected a validation error")
        } catch let error as ValidationError {
            #expect(error.diagnostics.map { $0.location?.line } == [2, 3, 4])
            #expect(error.diagnostics.map(\.rule) == ["env-file", "env-file", "duplicate-key"])
            #expect(!error.isStoreFailure)
        } catch {
            Issue.record("expected a ValidationError, got \(error)")
        }
    }

    @Test("files that do not parse make the service unusable (exit 2), each problem at its position")
    func parseErrors() async throws {
        let fixture = try ValidationFixture([
            "appsettings.json": "{\n  \"Kestrel\": {\"Port\": 1},\n  \"kestrel\": {\"Port\": 2}\n}",
            "appsettings.Production.json": "{\n  \"Kestrel\": {\"Port\": 1,,}\n}",
        ])
        let report = try await fixture.run(fixture.request())
        #expect(report.services[0].isUnusable)
        #expect(report.exitStatus == 2)
        let files = report.diagnostics.compactMap { $0.location?.file }
        #expect(files.contains(fixture.path("service/appsettings.json")))
        #expect(files.contains(fixture.path("service/appsettings.Production.json")))
        #expect(report.diagnostics.allSatisfy { $0.location != nil })
        #expect(!report.diagnostics.contains { $0.rule == "schema" }, "an unusable service is not schema-checked")
    }

    @Test("plaintext in a writeOnly key is an error outside Development, and the value is never shown")
    func plaintextSecrets() async throws {
        let fixture = try ValidationFixture([
            "appsettings.json": #"{"Kestrel": {"Port": 80}}"#,
            "appsettings.Production.json": """
            {
              "Security": { "JWT": { "Secret": "\(Self.canary)", "Issuer": "plain is fine here" } },
              "ConnectionStrings": {
                "literal-password": "Host=${aws:parameter:/qsl/production/config/db/host};Password=\(Self.canary)",
                "url-password": "redis://default:\(Self.canary)@${aws:parameter:/qsl/production/config/redis/host}:6379",
                "referenced": "Host=db;Password=${aws:secrets:qsl/production/db:password}",
                "whole": "${aws:secrets:qsl/production/db}",
                "from-deploy": "${DB_CONNECTION}",
                "empty": ""
              }
            }
            """,
        ])
        try fixture.copy("service/appsettings.Production.json", to: "service/appsettings.Development.json")
        let production = try await fixture.run(fixture.request())
        let plaintext = production.diagnostics.filter { $0.rule == "plaintext-secret" }
        #expect(Set(plaintext.compactMap(\.keyPath)) == ["Security:JWT:Secret", "ConnectionStrings:literal-password", "ConnectionStrings:url-password"])
        let secret = try #require(plaintext.first { $0.keyPath == "Security:JWT:Secret" })
        #expect(secret.location.map { [$0.line, $0.column] } == [2, 36])
        #expect(production.exitStatus == 1)
        #expect(!ValidationFixture.allOutput(production).contains(Self.canary))

        let development = try await fixture.run(fixture.request(environment: "Development", secretsPrefix: nil, parameterPrefix: nil))
        #expect(!development.diagnostics.contains { $0.rule == "plaintext-secret" })
    }

    /// Regression: a default, the value wherever its variable is unset, passed as "a reference".
    @Test("a variable's default is plaintext: in a writeOnly key, a credential-named key, or a password part")
    func defaultsArePlaintext() async throws {
        let fixture = try ValidationFixture([
            "appsettings.json": #"{"Kestrel": {"Port": 80}}"#,
            "appsettings.Production.json": """
            {
              "Security": { "JWT": { "Secret": "${JWT_SECRET:\(Self.canary)}" } },
              "Logto": { "AppSecret": "${LOGTO_APP_SECRET:lgt_live_9f8e7d6c5b4a}", "Authority": "${LOGTO_AUTHORITY:https://auth.example}" },
              "Api": { "Token": "${X:}Hunter2-MyRealPassword" },
              "ConnectionStrings": {
                "defaulted": "${PG:Host=ep.neon.tech;Password=\(Self.canary)}",
                "from-deploy": "${DB_CONNECTION}"
              }
            }
            """,
        ])
        let production = try await fixture.run(fixture.request())
        let plaintext = production.diagnostics.filter { $0.rule == "plaintext-secret" }
        #expect(
            Set(plaintext.compactMap(\.keyPath)) == ["Security:JWT:Secret", "Logto:AppSecret", "Api:Token", "ConnectionStrings:defaulted"],
            "\(production.diagnostics.map(\.description))")
        #expect(!ValidationFixture.allOutput(production).contains(Self.canary))
    }

    @Test("outside Development, keys the schema does not mark are checked by the credential classifier: by name and by what the value holds")
    func plaintextByClassifier() async throws {
        let token = "ghp_" + String(repeating: "Zq8Lw3Rt5Y", count: 3) + "u7Io9P"
        let fixture = try ValidationFixture([
            "appsettings.json": #"{"Kestrel": {"Port": 80}}"#,
            "appsettings.Production.json": """
            {
              "Db": { "Pwd": "\(Self.canary)", "Passphrase": "${aws:secrets:qsl/production/db:passphrase}" },
              "Secrets": { "Foo": "\(Self.canary)", "Provider": "aws" },
              "Session": { "Cookie": "\(Self.canary)", "CookieName": ".qsl" },
              "Legacy": {
                "Dsn": "host=db password=\(Self.canary) dbname=app",
                "Url": "amqp://app:\(Self.canary)/x@mq/vhost",
                "Referenced": "host=db password=${aws:secrets:qsl/production/db:password}",
                "Rpc": "https://mainnet.infura.io/v3/${aws:secrets:qsl/production/infura:projectId}"
              },
              "Ci": { "Note": "deploy with \(token)" },
              "PasswordPolicy": { "RequireUppercase": true, "MinLength": 12 },
              "Identity": { "TokenLifetime": "00:30:00", "Issuer": "https://issuer.example/" },
              "Firebase": { "ProjectId": "qsl-mobile" },
              "AWS": { "UseSecretsManager": true, "SecretsManagerPrefix": "qsl/production/" }
            }
            """,
        ])
        let report = try await fixture.run(fixture.request())
        let plaintext = report.diagnostics.filter { $0.rule == "plaintext-secret" }
        #expect(Set(plaintext.compactMap(\.keyPath)) == ["Db:Pwd", "Secrets:Foo", "Session:Cookie", "Legacy:Dsn", "Legacy:Url", "Ci:Note"])
        let named = try #require(plaintext.first { $0.keyPath == "Db:Pwd" })
        #expect(named.message.contains("'Db:Pwd' holds a plaintext value, but its name marks it a credential and Production allows no plaintext secrets"), "\(named.message)")
        let embedded = try #require(plaintext.first { $0.keyPath == "Ci:Note" })
        #expect(embedded.message.contains("but it holds a GitHub token and"), "\(embedded.message)")
        #expect(!ValidationFixture.allOutput(report).contains(Self.canary))
        #expect(!ValidationFixture.allOutput(report).contains(token))

        let development = try await fixture.run(fixture.request(environment: "Development", secretsPrefix: nil, parameterPrefix: nil))
        #expect(!development.diagnostics.contains { $0.rule == "plaintext-secret" })
    }

    @Test("a schema failure of a secret key says what is required without quoting the value, in every format")
    func secretNumbersNotQuoted() async throws {
        let canary = "84736251"
        let fixture = try ValidationFixture([
            "appsettings.json": """
            {
              "Kestrel": { "Port": 70000 },
              "Pin": "\(canary)",
              "Token": \(canary),
              "Vault": { "Code": "\(canary)" },
              "Limit": \(canary),
              "Salt": \(canary),
              "Db": { "Password": \(canary) }
            }
            """,
            "deploy.env": "Pin=\(canary)\n",
        ])
        try fixture.write("service.schema.json", """
            {
              "type": "object",
              "properties": {
                "Kestrel": { "type": "object", "properties": { "Port": { "type": "integer", "maximum": 65535 } } },
                "Pin": { "type": "integer", "writeOnly": true, "maximum": 9999 },
                "Token": { "type": "integer", "writeOnly": true, "enum": [1, 2] },
                "Vault": { "type": "object", "writeOnly": true, "properties": { "Code": { "type": "integer", "exclusiveMaximum": 100 } } },
                "Limit": { "writeOnly": true, "anyOf": [{ "type": "integer", "maximum": 10 }, { "type": "integer", "multipleOf": 7 }] },
                "Salt": { "writeOnly": true, "const": 5 },
                "Db": { "type": "object", "properties": { "Password": { "type": "integer", "minimum": 100000000 } } }
              }
            }
            """)
        for envFiles in [[], ["deploy.env"]] {
            let report = try await fixture.run(fixture.request(envFiles: envFiles))
            let failures = report.diagnostics.filter { $0.rule == "schema" }
            #expect(Set(failures.compactMap(\.keyPath)) == ["Kestrel:Port", "Pin", "Token", "Vault:Code", "Limit", "Salt", "Db:Password"])
            #expect(!ValidationFixture.allOutput(report).contains(canary), "a secret's number is quoted")
            func message(_ key: String) -> String { failures.first { $0.keyPath == key }?.message ?? "" }
            #expect(message("Pin") == #""Pin" is above the maximum 9999 (the value is not shown: the key is secret)"#)
            #expect(message("Token").hasPrefix(#""Token" must be one of 1, 2"#))
            #expect(message("Vault:Code").contains("must be below 100"), "a writeOnly section conceals what is below it")
            #expect(message("Limit").contains(#"closest is alternative 0: "Limit" is above the maximum 10"#))
            #expect(message("Salt").hasPrefix(#""Salt" must be exactly 5"#))
            #expect(message("Db:Password").hasPrefix(#""Password" is below the minimum 100000000"#), "a credential's name conceals too")
            #expect(message("Kestrel:Port") == "value 70000 is above the maximum 65535", "other numbers are still quoted")
        }
    }

    @Test("a writeOnly declared only inside failing anyOf branches still hides the value in every report format")
    func writeOnlyInFailingBranches() async throws {
        let canary = "84736251"
        let report = try await ValidationFixture.report(
            settings: """
            {
              "Kestrel": { "Port": 80 },
              "Pin": \(canary),
              "Code": \(canary),
              "Vault": { "Code": "\(canary)" },
              "Ref": "${aws:vault:\(canary)}"
            }
            """,
            schema: """
            {
              "type": "object",
              "$defs": { "secretInteger": { "type": "integer", "writeOnly": true, "maximum": 9999 } },
              "properties": {
                "Pin": { "anyOf": [{ "$ref": "#/$defs/secretInteger" }, { "type": "integer", "writeOnly": true, "multipleOf": 7 }] },
                "Code": { "anyOf": [{ "type": "string", "writeOnly": true }, { "type": "integer" }], "maximum": 9999 },
                "Vault": { "oneOf": [{ "type": "array", "writeOnly": true }, { "type": "null" }], "properties": { "Code": { "type": "integer", "maximum": 10 } } },
                "Ref": { "anyOf": [{ "type": "integer", "writeOnly": true }, { "type": "string" }] }
              }
            }
            """)
        let failures = report.schemaFailures
        #expect(Set(failures.compactMap(\.keyPath)).isSuperset(of: ["Pin", "Code", "Vault:Code"]))
        func message(_ key: String) -> String { failures.first { $0.keyPath == key }?.message ?? "" }
        #expect(message("Pin").contains("the value is not shown: the key is secret"))
        #expect(message("Code") == #""Code" is above the maximum 9999 (the value is not shown: the key is secret)"#)
        #expect(report.diagnostics.contains { $0.keyPath == "Ref" && $0.rule == "reference-kind" })
        #expect(!report.diagnostics.contains { $0.rule == "plaintext-secret" && $0.keyPath == "Code" }, "a failing branch's writeOnly conceals; it does not make the key secret-bearing")
        #expect(!ValidationFixture.allOutput(report).contains(canary), "a value marked writeOnly in a failing branch is quoted")
    }

    @Test("a writeOnly on a member inside a failing alternative, while the combination passes, still hides the member's value")
    func writeOnlyBelowAFailingAlternative() async throws {
        let canary = "48213577"
        let report = try await ValidationFixture.report(
            settings: """
            {
              "Kestrel": { "Port": 80 },
              "Sms": { "Provider": "none", "Pin": "\(canary)" },
              "Mail": { "Provider": "none", "Code": "\(canary)" }
            }
            """,
            schema: """
            {
              "type": "object",
              "properties": {
                "Sms": {
                  "oneOf": [
                    { "properties": { "Provider": { "const": "twilio" }, "Pin": { "writeOnly": true } } },
                    { "properties": { "Provider": { "const": "none" } } }
                  ],
                  "properties": { "Pin": { "type": "integer", "maximum": 9999 } }
                },
                "Mail": {
                  "anyOf": [
                    { "properties": { "Provider": { "const": "smtp" }, "Code": { "writeOnly": true } } },
                    { "properties": { "Provider": { "const": "none" } } }
                  ],
                  "properties": { "Code": { "enum": [1, 2] } }
                }
              }
            }
            """)
        let failures = report.schemaFailures
        #expect(Set(failures.compactMap(\.keyPath)) == ["Sms:Pin", "Mail:Code"], "\(failures.map(\.description))")
        #expect(failures.allSatisfy { $0.message.contains("the value is not shown: the key is secret") }, "\(failures.map(\.message))")
        #expect(!ValidationFixture.allOutput(report).contains(canary), "a value a failing alternative marks writeOnly is quoted")
    }

    @Test("malformed references and unknown kinds are errors at the reference's column")
    func referenceSyntax() async throws {
        let fixture = try ValidationFixture([
            "appsettings.json": """
            {
              "Kestrel": { "Port": 80 },
              "Security": { "JWT": { "Issuer": "x-${aws:vault:qsl/production/jwt}", "Secret": "${\(Self.canary)" } },
              "ConnectionStrings": { "db": "${aws:secrets:}", "other": "${aws:kms:\(Self.canary)}" }
            }
            """
        ])
        let report = try await fixture.run(fixture.request())
        let issuer = try #require(report.diagnostics.first { $0.keyPath == "Security:JWT:Issuer" })
        #expect(issuer.rule == "reference-kind")
        #expect(issuer.location.map { [$0.line, $0.column] } == [3, 39], "at the '$' of the reference")
        #expect(issuer.message.contains("vault"), "a non-secret key's reference is quoted to help fix it")
        let secret = try #require(report.diagnostics.first { $0.keyPath == "Security:JWT:Secret" })
        #expect(secret.rule == "reference")
        let db = try #require(report.diagnostics.first { $0.keyPath == "ConnectionStrings:db" })
        #expect(db.rule == "reference")
        let other = try #require(report.diagnostics.first { $0.keyPath == "ConnectionStrings:other" })
        #expect(other.rule == "reference-kind")
        #expect(!ValidationFixture.allOutput(report).contains(Self.canary), "nothing of a secret key's value is quoted")
        #expect(report.exitStatus == 1)
    }

    @Test("references outside the environment's prefixes are errors; ARNs are checked by their name")
    func referencePrefixes() async throws {
        let fixture = try ValidationFixture([
            "appsettings.json": """
            {
              "Kestrel": { "Port": 80 },
              "ConnectionStrings": {
                "inside": "${aws:secrets:qsl/production/neon/userservice}",
                "staging": "${aws:secrets:qsl/staging/neon/userservice}",
                "arn": "${aws:secrets:arn:aws:secretsmanager:us-east-1:123456789012:secret:qsl/staging/db-AbCdEf:password}",
                "arn-inside": "${aws:secrets:arn:aws:secretsmanager:us-east-1:123456789012:secret:qsl/production/db-AbCdEf}",
                "parameter": "Host=${aws:parameter:/qsl/config/db/host};Password=${aws:secrets:qsl/production/db:password}",
                "ssm-inside": "${aws:ssm:/qsl/production/config/db/host}"
              }
            }
            """
        ])
        let report = try await fixture.run(fixture.request())
        let outside = report.diagnostics.filter { $0.rule == "reference-prefix" }
        #expect(Set(outside.compactMap(\.keyPath)) == ["ConnectionStrings:staging", "ConnectionStrings:arn", "ConnectionStrings:parameter"])
        #expect(outside.allSatisfy { $0.severity == .error })
        let parameter = try #require(outside.first { $0.keyPath == "ConnectionStrings:parameter" })
        #expect(parameter.message.contains("/qsl/config/db/host") && parameter.message.contains("/qsl/production/config/"))
        #expect(parameter.location?.column == 24, "at the reference inside the value")
    }

    @Test("a number written as a string is checked as .NET's binder parses it: an integer takes digits and a sign only")
    func integersAsTheBinderParsesThem() async throws {
        let report = try await ValidationFixture.report(
            settings: #"{"Kestrel": {}, "N": {"Port": "8080.0", "Count": "1e3", "Good": " 42 ", "Signed": "-7", "Ratio": "1e3", "Half": "0.5"}}"#,
            schema: """
                {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "properties": {"N": {"type": "object", "properties": {
                  "Port": {"type": "integer"}, "Count": {"type": "integer"}, "Good": {"type": "integer"}, "Signed": {"type": "integer"},
                  "Ratio": {"type": "number"}, "Half": {"type": "number"}}}}}
                """)
        let failing = Set(report.diagnostics.filter { $0.rule == "schema" }.compactMap(\.keyPath))
        #expect(failing == ["N:Port", "N:Count"], "\(report.diagnostics.map(\.description))")
    }

    @Test("a JSON null is validated as ASP.NET reads it: the empty string under .NET 9, null under .NET 10")
    func nullAsTheBinderReadsIt() async throws {
        let fixture = try ValidationFixture(["appsettings.json": #"{"Kestrel": {}, "Name": null}"#])
        try fixture.write(
            "service.schema.json",
            #"{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "properties": {"Name": {"type": "string"}}}"#)
        var request = fixture.request()
        request.compatibility = .dotnet9
        let net9 = try await fixture.run(request)
        #expect(net9.rules() == [], "\(net9.diagnostics.map(\.description))")
        request.compatibility = .dotnet10
        let net10 = try await fixture.run(request)
        #expect(net10.rules() == ["schema"], "\(net10.diagnostics.map(\.description))")
    }

    @Test("in catalogue mode an ARN reference must name the environment's own partition, region and account")
    func arnPlaceIsTheEnvironments() async throws {
        let copy = try PlatformFixtures.temporaryDirectory("arn-place")
        for folder in ["environments", "platform", "schemas"] {
            try FileManager.default.copyItem(atPath: PlatformFixtures.repositoryRoot + "/" + folder, toPath: copy + "/" + folder)
        }
        let overlay = copy + "/platform/src/UserService/appsettings.Production.json"
        let text = String(decoding: try FileBytes.read(overlay), as: UTF8.self)
        let probe = """
            {
              "ArnProbe": {
                "OtherAccount": "${aws:secrets:arn:aws:secretsmanager:us-east-1:999999999999:secret:qsl/production/logto-AbCdEf:clientSecret}",
                "OtherRegion": "${aws:secrets:arn:aws:secretsmanager:eu-west-1:123456789012:secret:qsl/production/logto-AbCdEf}",
                "OtherParameterAccount": "${aws:parameter:arn:aws:ssm:us-east-1:999999999999:parameter/qsl/production/config/x}",
                "Own": "${aws:secrets:arn:aws:secretsmanager:us-east-1:123456789012:secret:qsl/production/logto-AbCdEf}",
                "OwnParameter": "${aws:parameter:arn:aws:ssm:us-east-1:123456789012:parameter/qsl/production/config/x}"
              },
            """
        try AtomicFile.write(Array(text.replacing(/^\{/, with: probe).utf8), to: overlay, mode: 0o644)
        let report = try await ValidationOperation().run(ValidationRequest(.catalogue(root: copy, environment: "production", services: ["userservice"])))
        let misplaced = report.services.flatMap(\.diagnostics).filter { $0.rule == "reference-prefix" }
        #expect(Set(misplaced.compactMap(\.keyPath)) == ["ArnProbe:OtherAccount", "ArnProbe:OtherRegion", "ArnProbe:OtherParameterAccount"], "\(misplaced.map(\.description))")
        let account = try #require(misplaced.first { $0.keyPath == "ArnProbe:OtherAccount" })
        #expect(account.message.contains("account 999999999999") && account.message.contains("account 123456789012"), "\(account.message)")

        // Development keeps its secrets in the local store, whose ARNs name region `local`.
        let developmentOverlay = copy + "/platform/src/UserService/appsettings.Development.json"
        let development = String(decoding: try FileBytes.read(developmentOverlay), as: UTF8.self)
        let local = #"{"ArnProbe": {"Local": "${aws:secrets:arn:aws:secretsmanager:local:000000000000:secret:qsl/development/jwt-AbCdEf:secret}"},"#
        try AtomicFile.write(Array(development.replacing(/^\{/, with: local).utf8), to: developmentOverlay, mode: 0o644)
        let localReport = try await ValidationOperation().run(ValidationRequest(.catalogue(root: copy, environment: "development", services: ["userservice"])))
        #expect(!localReport.services.flatMap(\.diagnostics).contains { $0.rule == "reference-prefix" && $0.keyPath == "ArnProbe:Local" })
    }

    @Test("directory mode takes the prefixes from AWS:SecretsManagerPrefix when none is given, else notes it checked none")
    func prefixFallback() async throws {
        let configured = try ValidationFixture([
            "appsettings.json": """
            {"Kestrel": {}, "AWS": {"SecretsManagerPrefix": "qsl/production/"},
             "ConnectionStrings": {"db": "${aws:secrets:qsl/staging/db}"}}
            """
        ])
        let report = try await configured.run(configured.request(secretsPrefix: nil, parameterPrefix: nil))
        #expect(report.rules() == ["reference-prefix"])

        let unconfigured = try ValidationFixture(["appsettings.json": #"{"Kestrel": {}, "ConnectionStrings": {"db": "${aws:secrets:anything/db}"}}"#])
        let noted = try await unconfigured.run(unconfigured.request(secretsPrefix: nil, parameterPrefix: nil))
        #expect(noted.rules() == [])
        #expect(noted.rules(.note) == ["reference-prefix"])
        #expect(noted.exitStatus == 0)
    }

    @Test("an alternative spelling is a warning naming the canonical key; warnings alone exit 0")
    func spellings() async throws {
        let fixture = try ValidationFixture([
            "appsettings.json": """
            {"Kestrel": {}, "Jwt": {"Key": "${aws:secrets:qsl/production/jwt:secret}"}}
            """
        ])
        let report = try await fixture.run(fixture.request())
        let warning = try #require(report.diagnostics.first { $0.rule == "spelling" })
        #expect(warning.severity == .warning)
        #expect(warning.keyPath == "Jwt:Key")
        #expect(warning.message.contains("'Security:JWT:Secret'"))
        #expect(warning.location.map { [$0.line, $0.column] } == [1, 25], "at the key")
        #expect(report.exitStatus == 0)

        try fixture.write("service/appsettings.Production.json", #"{"Security": {"JWT": {"Secret": "${aws:secrets:qsl/production/jwt:other}"}}}"#)
        let both = try await fixture.run(fixture.request())
        #expect(both.diagnostics.first { $0.rule == "spelling" }?.message.contains("sets both") == true)
    }

    @Test("without a catalogue, catalogue mode says so and validates nothing")
    func missingCatalogue() async throws {
        let fixture = try ValidationFixture([:])
        do {
            _ = try await ValidationOperation().run(ValidationRequest(.catalogue(root: fixture.directory.path, environment: "production", services: [])))
            Issue.record("expected a validation error")
        } catch let error as ValidationError {
            #expect(error.diagnostics.first?.message.contains("catalogue is missing") == true)
            #expect(error.diagnostics.first?.location?.file.hasSuffix("environments/services.json") == true)
        } catch {
            Issue.record("expected a ValidationError, got \(error)")
        }
    }

    @Test("a key of 20,000 segments makes the service unusable input at its position instead of exhausting the stack")
    func overlongKey() async throws {
        let key = Array(repeating: "a", count: 20_000).joined(separator: ":")
        let fixture = try ValidationFixture([
            "appsettings.json": "{\"Kestrel\": {},\n \"\(key)\": 1}",
            "deep.env": Array(repeating: "A", count: 300).joined(separator: "__") + "=1\n",
        ])
        let report = try await fixture.run(fixture.request())
        #expect(report.services[0].isUnusable)
        #expect(report.exitStatus == 2)
        #expect(report.diagnostics.count == 1)
        let diagnostic = try #require(report.diagnostics.first)
        #expect(diagnostic.rule == "too-deep")
        #expect(diagnostic.location.map { [$0.line, $0.column] } == [2, 2])
        #expect(diagnostic.message.contains("20000 segments"))
        #expect(diagnostic.message.count < 200, "the key is not repeated in full")

        try fixture.write("service/appsettings.json", #"{"Kestrel": {}}"#)
        let fromEnvironmentFile = await #expect(throws: ValidationError.self) {
            try await fixture.run(fixture.request(envFiles: ["deep.env"]))
        }
        #expect(fromEnvironmentFile?.diagnostics.map(\.rule) == ["too-deep"])
        #expect(fromEnvironmentFile?.diagnostics.first?.location?.file == fixture.path("deep.env"))
    }

    @Test("a schema whose $ref names a missing file is unusable input naming the reference")
    func brokenSchema() async throws {
        let fixture = try ValidationFixture(["appsettings.json": #"{"Kestrel": {}}"#])
        try fixture.write("service.schema.json", #"{"properties": {"A": {"$ref": "missing.schema.json"}}}"#)
        do {
            _ = try await fixture.run(fixture.request())
            Issue.record("expected a validation error")
        } catch let error as ValidationError {
            #expect(error.diagnostics.first?.rule == "unresolvable-reference")
            #expect(error.diagnostics.first?.location?.file == fixture.path("service.schema.json"))
        } catch {
            Issue.record("expected a ValidationError, got \(error)")
        }
    }

    @Test("a schema $ref to a file outside the schema's folder is refused at the $ref, unread; --schema-root allows it explicitly")
    func referenceOutsideSchemaFolder() async throws {
        let fixture = try ValidationFixture(["appsettings.json": #"{"Kestrel": {}}"#])
        let outside = fixture.directory.deletingLastPathComponent().appendingPathComponent("qsl-outside-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        try Data(#"{"$defs": {"name": {"type": "string"}}}"#.utf8).write(to: outside.appendingPathComponent("shared.schema.json"))
        let reference = "../\(outside.lastPathComponent)/shared.schema.json#/$defs/name"
        try fixture.write("service.schema.json", #"{"properties": {"A": {"$ref": "\#(reference)"}}}"#)
        do {
            _ = try await fixture.run(fixture.request())
            Issue.record("a $ref outside the schema's folder was followed")
        } catch let error as ValidationError {
            #expect(error.diagnostics.map(\.rule) == ["reference-outside-root"])
            #expect(error.diagnostics.first?.location?.file == fixture.path("service.schema.json"))
            #expect(error.diagnostics.first?.location?.column == 31, "at the $ref's value: \(error.diagnostics)")
        }
        var allowed = fixture.request()
        allowed.schemaRoot = fixture.directory.deletingLastPathComponent().path
        let report = try await fixture.run(allowed)
        #expect(report.services.count == 1)
    }

    @Test("a schema $ref to the local store's key file (inside the folder) never quotes the key in the error")
    func referenceToKeyFile() async throws {
        let fixture = try ValidationFixture(["appsettings.json": #"{"Kestrel": {}}"#])
        let key = "Cl39iFWEPubosUtvlB1rwrLK/2k5x0bq3mQ8WUnXcVho="
        try fixture.write(".qsl/local-store.json.key", key + "\n")
        try fixture.write("service.schema.json", #"{"properties": {"A": {"$ref": ".qsl/local-store.json.key"}}}"#)
        do {
            _ = try await fixture.run(fixture.request())
            Issue.record("a key file compiled as a schema")
        } catch let error as ValidationError {
            let text = error.diagnostics.map(\.description).joined(separator: "\n")
            #expect(error.diagnostics.map(\.rule) == ["unreadable-schema"], "\(text)")
            #expect(text.contains("unexpected bare word"), "\(text)")
            #expect(!text.contains("Cl39") && !text.contains("2k5x"), "\(text)")
        }
    }
}

extension ValidationFixture {
    func copy(_ from: String, to: String) throws {
        try FileManager.default.copyItem(atPath: path(from), toPath: path(to))
    }
}
