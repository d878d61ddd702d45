import Foundation
import QSLConfig
import QSLConfigCore
import QSLConfigTesting
import Testing

/// A canary value stored as a secret (whole, as a JSON field, as binary), as a SecureString
/// parameter and in the Parameter Store prefix layer, written into files beside syntax errors,
/// as a plain connection-string password and as AWS credentials; then every command of the CLI
/// (read from its configuration, see ``CommandTree``) and its failure paths run on both stores
/// with trace logging: without `--show-secrets` the canary never appears in stdout or stderr,
/// the ecs bundle files hold no value, and nothing in the workspace holds it in the clear.
///
/// Adding a subcommand means adding one entry to ``table``; until then
/// ``everySubcommandHasCanaryCases()`` fails.
@Suite("redaction canary on every command and failure path")
struct RedactionCanaryTests {
    static let canary = "canary-9f2c41d7-never-print-me"

    /// Seeds the canary everywhere and writes a good and a broken service folder.
    static func seeded(_ kind: StoreWorkspace.Kind) async throws -> StoreWorkspace {
        let w = try await StoreWorkspace.make(kind)
        #expect(try w.run(["secret", "put", "qsl/dev/kestra"], stdin: canary + "\n").status == 0)
        #expect(try w.run(["secret", "put", "qsl/dev/db"], stdin: #"{"username":"svc","password":"\#(canary)"}"#).status == 0)
        let store = try w.store()
        _ = try await store.createSecret(CreateSecretRequest(name: "qsl/dev/cert", value: .binary(Array(canary.utf8)), clientRequestToken: UUID().uuidString))
        try await store.putParameter("/qsl/dev/config/token", value: canary, secure: true)
        try await store.putParameter("/qsl/dev/layer/Api/Key", value: canary, secure: true)
        try await store.putParameter("/qsl/dev/layer/Plain/Value", value: "plain-from-layer", secure: false)
        try w.write(
            """
            {
              "AWS": { "ParameterStorePrefix": "/qsl/dev/layer/" },
              "Kestra": { "Password": "${aws:secrets:qsl/dev/kestra}", "User": "${aws:secrets:qsl/dev/db:username}" },
              "Greeting": "${aws:secrets:qsl/dev/kestra}",
              "Endpoint": "https://svc:${aws:secrets:qsl/dev/db:password}@kestra.example",
              "Api": { "Token": "${aws:parameter:/qsl/dev/config/token}" },
              "Plain": "visible-value"
            }
            """, to: "svc/appsettings.json")
        try w.write(
            """
            {
              "A": "${aws:secrets:qsl/dev/kestra:field}",
              "B": "${aws:secrets:qsl/dev/db:nokey}",
              "C": "${aws:secrets:qsl/dev/gone}",
              "D": "${aws:secrets:qsl/dev/cert}",
              "E": "${aws:parameter:/qsl/dev/config/gone}",
              "F": "${QSL_UNSET_VARIABLE_FOR_CANARY}",
              "G": "${aws:secrets:qsl/dev/db:password}"
            }
            """, to: "bad/appsettings.json")
        try writePlatform(w)
        return w
    }

    /// One run of the CLI and the exit status it must end with.
    struct Run: CustomStringConvertible {
        var command: [String]
        var tail: [String]? = nil
        var stdin: String? = nil
        var environment: [String: String] = [:]
        /// The store (or AWS) options; `nil` for the workspace's own store.
        var storeArguments: [String]? = nil
        /// Files the run writes (relative to the workspace) that must exist and hold no value.
        var valueFree: [String] = []
        var status: Int32
        var description: String { (command + (tail.map { ["--"] + $0 } ?? [])).joined(separator: " ") }
    }

    /// What a table entry builds its runs from.
    struct Fixture {
        var workspace: StoreWorkspace
        /// A folder outside the workspace for bundles that legitimately hold values (dotenv,
        /// json, k8s), so the final sweep of the workspace still means something.
        var valueOutput: URL
        /// Options and environment under which the store fails: a closed port for AWS, a wrong
        /// key for the local store. Exit 3.
        var storeFailure: (arguments: [String], environment: [String: String])
        /// AWS options that reach nothing (a closed loopback port), for commands without --store.
        var unreachable: [String]
        /// moto with signature checking on, which denies unknown credentials (AWS runs only).
        var strict: MotoServer?
        var kind: StoreWorkspace.Kind { workspace.kind }
        var storeArguments: [String] { workspace.storeArguments }
    }

    /// The canary as AWS credentials: nothing must echo a secret access key or session token.
    static var canaryCredentials: [String: String] {
        [
            "AWS_ACCESS_KEY_ID": "AKIDCANARY", "AWS_SECRET_ACCESS_KEY": canary, "AWS_SESSION_TOKEN": canary, "AWS_REGION": "us-east-1",
            "AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": "/nonexistent/qsl-cli-test/config",
            "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/qsl-cli-test/credentials", "AWS_MAX_ATTEMPTS": "2",
        ]
    }

    /// Every runnable command (as `CommandTree` finds it in the CLI's configuration) and how it
    /// is exercised: successes and every failure path that can be provoked. A new subcommand
    /// (`migrate`, `rotate`, `rollback`, ...) needs one entry here, or
    /// ``everySubcommandHasCanaryCases()`` fails.
    static let table: [String: @Sendable (Fixture) throws -> [Run]] = [
        "resolve": { f in
            var runs = ["json", "env", "tree"].map { Run(command: ["resolve", "--config-dir", "svc", "--format", $0], status: 0) }
            runs += [
                // Plain passwords written in a file are redacted too (a connection string, a URL).
                Run(command: ["resolve", "--config-dir", "plainpw"], status: 0),
                // Missing secret, wrong JSON key, binary, missing parameter, unset variable, bad reference.
                Run(command: ["resolve", "--config-dir", "bad"], status: 2),
                Run(command: ["resolve", "--config-dir", "bad", "--format", "env"], status: 2),
                Run(command: ["resolve", "--config-dir", "badref"], status: 2),
                // The canary next to a syntax error, quoted and bare.
                Run(command: ["resolve", "--config-dir", "malformed"], status: 2),
                Run(command: ["resolve", "--config-dir", "unquoted"], status: 2),
                Run(command: ["resolve", "--config-dir", "svc"], environment: f.storeFailure.environment, storeArguments: f.storeFailure.arguments, status: 3),
            ]
            if let strict = f.strict {
                runs.append(Run(command: ["resolve", "--config-dir", "svc"], storeArguments: ["--store", "aws", "--endpoint-url", strict.endpointURL], status: 3))
            }
            return runs
        },
        "validate": { f in
            let platform = ["validate", "--root", ".", "--environment"]
            let directory = ["validate", "--config-dir", "svc", "--schema", "schema.json", "--secrets-prefix", "qsl/dev/", "--parameter-prefix", "/qsl/dev/"]
            var runs = [
                Run(command: platform + ["dev", "--service", "svc", "--remote"], status: 0),
                Run(command: directory + ["--remote"], status: 0),
                Run(command: directory + ["--env-file", "canary.env"], status: 0),
                // A referenced secret that does not exist: a finding.
                Run(command: platform + ["dev", "--service", "bad", "--remote"], status: 1),
                // Malformed: the service's file, an environment file, each with the canary beside the error.
                Run(command: platform + ["dev", "--service", "badref"], status: 1),
                Run(command: platform + ["dev", "--service", "malformed"], status: 2),
                Run(command: platform + ["dev", "--service", "unquoted"], status: 2),
                Run(command: directory + ["--env-file", "malformed.env"], status: 2),
                Run(command: platform + ["dev", "--service", "svc", "--remote"], environment: f.storeFailure.environment, storeArguments: f.storeFailure.arguments, status: 3),
            ]
            // A password in plain text where that is not allowed, in every report format.
            for format in ["text", "json", "github", "junit", "sarif"] {
                runs.append(Run(command: platform + ["prodlike", "--service", "plainpw", "--format", format], status: 1))
            }
            return runs
        },
        "bundle": { f in
            let bundle = ["bundle", "--root", ".", "--environment"]
            var runs: [Run] = []
            for format in ["dotenv", "json", "k8s"] {
                let output = f.valueOutput.appendingPathComponent(format).path
                runs += [
                    Run(command: bundle + ["dev", "--service", "svc", "--format", format, "--output", output], status: 0),
                    Run(command: bundle + ["dev", "--service", "svc", "--format", format, "--output", output, "--check"], status: 0),
                    Run(command: bundle + ["dev", "--service", "svc", "--format", format, "--output", output + "-drift", "--check"], status: 1),
                ]
            }
            runs += [
                Run(command: bundle + ["dev", "--service", "svc", "--format", "ecs", "--output", "out/ecs"], valueFree: ["out/ecs/svc/container-definition.json", "out/ecs/svc/iam-policy.json"], status: 0),
                Run(command: bundle + ["dev", "--service", "svc", "--format", "ecs", "--output", "out/ecs", "--check"], status: 0),
            ]
            let failing = f.valueOutput.appendingPathComponent("failing").path
            for format in ["dotenv", "json", "ecs", "k8s"] {
                runs += [
                    Run(command: bundle + ["dev", "--service", "bad", "--format", format, "--output", failing], status: 2),
                    Run(command: bundle + ["dev", "--service", "badref", "--format", format, "--output", failing], status: 2),
                    Run(command: bundle + ["dev", "--service", "malformed", "--format", format, "--output", failing], status: 2),
                    Run(command: bundle + ["dev", "--service", "unquoted", "--format", format, "--output", failing], status: 2),
                    Run(command: bundle + ["dev", "--service", "svc", "--format", format, "--output", failing], environment: f.storeFailure.environment, storeArguments: f.storeFailure.arguments, status: 3),
                ]
            }
            // A password in plain text cannot go into a task definition outside development.
            runs.append(Run(command: bundle + ["prodlike", "--service", "plainpw", "--format", "ecs", "--output", failing], status: 2))
            return runs
        },
        "exec": { f in
            [
                Run(command: ["exec", "--config-dir", "svc"], tail: ["/bin/true"], status: 0),
                Run(command: ["exec", "--from-environment"], tail: ["/bin/true"], environment: ["Kestra__Password": "${aws:secrets:qsl/dev/kestra}"], status: 0),
                Run(command: ["exec", "--from-environment"], tail: ["/bin/true"], environment: ["ConnectionStrings__db": "Host=db;Password=\(canary)"], status: 0),
                Run(command: ["exec", "--config-dir", "bad"], tail: ["/bin/true"], status: 2),
                Run(command: ["exec", "--config-dir", "badref"], tail: ["/bin/true"], status: 2),
                Run(command: ["exec", "--config-dir", "malformed"], tail: ["/bin/true"], status: 2),
                Run(command: ["exec", "--config-dir", "unquoted"], tail: ["/bin/true"], status: 2),
                Run(command: ["exec", "--config-dir", "svc"], tail: ["qsl-no-such-command"], status: 127),
                Run(command: ["exec", "--from-environment"], tail: ["/bin/true"], environment: ["Kestra__Password": "${aws:secrets:qsl/dev/kestra:nokey}"], status: 2),
                Run(command: ["exec", "--config-dir", "svc"], tail: ["/bin/true"], environment: f.storeFailure.environment, storeArguments: f.storeFailure.arguments, status: 3),
            ]
        },
        "secret put": { f in
            let valueFile = f.workspace.root.appendingPathComponent("value.txt")
            try Data(canary.utf8).write(to: valueFile)
            return [
                Run(command: ["secret", "put", "qsl/dev/kestra"], stdin: canary, status: 0),
                Run(command: ["secret", "put", "qsl/dev/from-file", "--value-file", valueFile.path], status: 0),
                Run(command: ["secret", "put", "qsl/dev/empty"], stdin: "", status: 2),
                Run(command: ["secret", "put", "qsl/dev/tagged", "--tag", "no-equals-sign"], stdin: canary, status: 2),
                Run(command: ["secret", "put", "qsl/dev/kestra", "--description", "exists already"], stdin: canary, status: 2),
                Run(command: ["secret", "put", "qsl/dev/staged-new", "--stage", "AWSPENDING"], stdin: canary, status: 2),
                Run(command: ["secret", "put", "qsl/dev/kestra"], stdin: canary, environment: f.storeFailure.environment, storeArguments: f.storeFailure.arguments, status: 3),
            ]
        },
        "secret get": { f in
            ["qsl/dev/kestra", "qsl/dev/db", "qsl/dev/cert"].map { Run(command: ["secret", "get", $0], status: 0) } + [
                Run(command: ["secret", "get", "qsl/dev/kestra", "--stage", "AWSCURRENT"], status: 0),
                Run(command: ["secret", "get", "qsl/dev/none"], status: 2),
                Run(command: ["secret", "get", "qsl/dev/kestra", "--stage", "NOSUCHSTAGE"], status: 2),
                Run(command: ["secret", "get", "qsl/dev/kestra", "--version-id", "00000000-0000-0000-0000-000000000000"], status: 2),
                Run(command: ["secret", "get", "qsl/dev/kestra", "--stage", "AWSCURRENT", "--version-id", "x"], status: 2),
                Run(command: ["secret", "get", "qsl/dev/kestra"], environment: f.storeFailure.environment, storeArguments: f.storeFailure.arguments, status: 3),
            ]
        },
        "secret describe": { f in
            [
                Run(command: ["secret", "describe", "qsl/dev/db"], status: 0),
                Run(command: ["secret", "describe", "qsl/dev/db", "--format", "json"], status: 0),
                Run(command: ["secret", "describe", "qsl/dev/none"], status: 2),
                Run(command: ["secret", "describe", "qsl/dev/db"], environment: f.storeFailure.environment, storeArguments: f.storeFailure.arguments, status: 3),
            ]
        },
        "secret list": { f in
            [
                Run(command: ["secret", "list"], status: 0),
                Run(command: ["secret", "list", "--format", "json", "--prefix", "qsl/"], status: 0),
                Run(command: ["secret", "list"], environment: f.storeFailure.environment, storeArguments: f.storeFailure.arguments, status: 3),
            ]
        },
        "migrate": { f in
            // A copy of the platform outside the workspace, since a real migration rewrites it.
            let copy = f.valueOutput.appendingPathComponent("migrate-root")
            try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
            for item in ["environments", "plainpw", "svc", "schema.json"] {
                try FileManager.default.copyItem(at: f.workspace.root.appendingPathComponent(item), to: copy.appendingPathComponent(item))
            }
            let migrate = ["migrate", "--root", copy.path, "--from", "dev", "--to", "prodlike", "--service", "plainpw"]
            return [
                Run(command: migrate + ["--dry-run"], status: 0),
                Run(command: migrate + ["--dry-run", "--format", "json"], status: 0),
                Run(command: ["migrate", "--root", ".", "--from", "dev", "--to", "prodlike", "--service", "malformed"], status: 2),
                // The store failing on its first read, in the workspace itself: nothing is written.
                Run(
                    command: ["migrate", "--root", ".", "--from", "dev", "--to", "prodlike", "--service", "plainpw"], environment: f.storeFailure.environment,
                    storeArguments: f.storeFailure.arguments, status: 3),
                Run(command: migrate, status: 0),
                // Again: nothing to do. Then the rollback.
                Run(command: migrate, status: 0),
                Run(command: ["migrate", "--root", copy.path, "--rollback"], status: 0),
            ]
        },
        "rollback": { f in
            // A secret with a previous version, both the canary.
            for suffix in ["-1", "-2"] {
                let put = try f.workspace.run(["secret", "put", "qsl/dev/rollme"], stdin: Self.canary + suffix + "\n")
                guard put.status == 0 else { throw CanaryError("secret put for rollback failed: \(put.stderr)") }
            }
            let rollback = ["rollback", "--root", ".", "--environment", "dev"]
            return [
                Run(command: rollback + ["--secret", "qsl/dev/rollme"], status: 0),
                Run(command: rollback + ["--secret", "qsl/dev/rollme"], status: 0),
                Run(command: rollback + ["--secret", "qsl/dev/kestra"], status: 2),
                Run(command: rollback + ["--secret", "qsl/dev/rollme"], environment: f.storeFailure.environment, storeArguments: f.storeFailure.arguments, status: 3),
            ]
        },
        "rotate": { f in
            let rotate = ["rotate", "--root", ".", "--environment", "dev"]
            return [
                Run(command: rotate + ["--check"], status: 0),
                Run(command: rotate + ["--kind", "generated", "--secret", "qsl/dev/rollme", "--dry-run"], status: 0),
                Run(command: rotate + ["--kind", "generated", "--secret", "qsl/dev/rollme", "--format", "json"], status: 0),
                Run(command: rotate + ["--kind", "generated", "--secret", "qsl/dev/rollme"], status: 0),
                Run(command: rotate + ["--kind", "nosuchkind"], status: 2),
                Run(command: rotate + ["--kind", "generated"], environment: f.storeFailure.environment, storeArguments: f.storeFailure.arguments, status: 3),
            ]
        },
        "seed": { f in
            let seed = ["seed", "--root", ".", "--environment"]
            return [
                Run(command: seed + ["dev", "--from", "seed.json"], status: 0),
                Run(command: seed + ["dev", "--from", "seed.json"], status: 0),
                Run(command: seed + ["dev", "--from", "malformed-seed.json"], status: 2),
                Run(command: seed + ["dev", "--from", "outside-seed.json"], status: 2),
                Run(command: seed + ["prodlike", "--from", "seed.json"], status: 2),
                Run(command: seed + ["dev", "--from", "seed.json"], environment: f.storeFailure.environment, storeArguments: f.storeFailure.arguments, status: 3),
            ]
        },
        "whoami": { f in
            // whoami takes no --store; the canary is the secret access key and session token.
            var runs = [Run(command: ["whoami"], environment: canaryCredentials, storeArguments: f.unreachable, status: 3)]
            if let moto = f.workspace.moto {
                runs += [
                    Run(command: ["whoami"], environment: canaryCredentials, storeArguments: ["--endpoint-url", moto.endpointURL], status: 0),
                    Run(command: ["whoami", "--format", "json"], environment: canaryCredentials, storeArguments: ["--endpoint-url", moto.endpointURL], status: 0),
                ]
            }
            if let strict = f.strict {
                runs.append(Run(command: ["whoami"], environment: canaryCredentials, storeArguments: ["--endpoint-url", strict.endpointURL], status: 3))
            }
            return runs
        },
    ]

    /// The files the table's runs read: a small platform root (catalogue, a development and a
    /// production-like environment, a schema) whose services are the folders of ``seeded(_:)``,
    /// seed files and environment files, each holding the canary.
    static func writePlatform(_ w: StoreWorkspace) throws {
        let services = ["svc", "bad", "badref", "malformed", "unquoted", "plainpw"].map {
            #"{"id": "\#($0)", "folder": "\#($0)", "kind": "service", "schema": "../schema.json", "connectionStrings": [], "sharedSections": [], "queue": null, "bus": null}"#
        }
        try w.write(#"{"services": [\#(services.joined(separator: ","))]}"#, to: "environments/services.json")
        for (name, plain) in [("dev", true), ("prodlike", false)] {
            try w.write(
                #"""
                {"name": "\#(name)", "aspnetEnvironment": "\#(plain ? "Development" : "Production")", "region": "us-east-1", "account": "123456789012", "secretsPrefix": "qsl/dev/",
                 "parameterPrefix": "/qsl/dev/", "kmsKeyAlias": "alias/qsl-dev", "store": {"kind": "local", "path": ".qsl/local-store.json"},
                 "plainSecretsAllowed": \#(plain)}
                """#, to: "environments/\(name).json")
        }
        // Connection strings are write-only; Api:Password and Url have rules the canary breaks.
        try w.write(
            #"""
            {"type": "object", "properties": {
              "ConnectionStrings": {"type": "object", "additionalProperties": {"type": "string", "writeOnly": true}},
              "Api": {"type": "object", "properties": {"Password": {"type": "integer", "writeOnly": true, "enum": [1, 2]}}},
              "Url": {"type": "string", "maxLength": 8, "pattern": "^nomatch$", "enum": ["x"]}}}
            """#, to: "schema.json")
        // Malformed references, with the canary's secret named in them.
        try w.write(#"{"H": "x-${aws:nosuchkind:qsl/dev/kestra}", "I": "${aws:secrets:qsl/dev/kestra", "J": "Password=${aws:secrets:}"}"#, to: "badref/appsettings.json")
        try w.write("{\n  \"Password\": \"\(canary)\" \"Next\": 1\n}\n", to: "malformed/appsettings.json")
        try w.write("{\n  \"Password\": \(canary)\n}\n", to: "unquoted/appsettings.json")
        try w.write(
            #"{"ConnectionStrings": {"db": "Host=db;Username=svc;Password=\#(canary)"}, "Url": "https://svc:\#(canary)@db.example", "Api": {"Password": "\#(canary)"}}"#,
            to: "plainpw/appsettings.json")
        try w.write(
            #"{"secrets": {"qsl/dev/seeded": "\#(canary)", "qsl/dev/seeded-json": {"password": "\#(canary)"}}, "parameters": {"/qsl/dev/seeded/token": "\#(canary)"}}"#,
            to: "seed.json")
        try w.write(#"{"secrets": {"qsl/dev/seeded": "\#(canary)" "qsl/dev/other": "x"}}"#, to: "malformed-seed.json")
        try w.write(#"{"secrets": {"elsewhere/seeded": "\#(canary)"}}"#, to: "outside-seed.json")
        try w.write("Kestra__Password=${aws:secrets:qsl/dev/kestra}\nConnectionStrings__db=Host=db;Password=${aws:secrets:qsl/dev/db:password}\n", to: "canary.env")
        try w.write("Password \(canary)\nOther=1\n", to: "malformed.env")
    }

    @Test("every subcommand of the CLI's configuration has canary cases, and no case names a command that is gone")
    func everySubcommandHasCanaryCases() throws {
        let commands = Set(CommandTree.leaves.map { $0.joined(separator: " ") })
        #expect(commands.contains("resolve") && commands.contains("secret put"), "the command tree is read from the configuration: \(commands.sorted())")
        let missing = commands.subtracting(Self.table.keys)
        #expect(missing.isEmpty, "subcommands without a redaction canary case (add one table entry each): \(missing.sorted())")
        let stale = Set(Self.table.keys).subtracting(commands)
        #expect(stale.isEmpty, "table entries for commands the CLI no longer has: \(stale.sorted())")
    }

    @Test("the canary never appears without --show-secrets", arguments: StoreWorkspace.Kind.allCases)
    func canaryNeverPrinted(kind: StoreWorkspace.Kind) async throws {
        let w = try await Self.seeded(kind)
        let base64 = Data(Self.canary.utf8).base64EncodedString()
        // Whole, in base64, and the halves a truncated echo would show.
        let needles = [Self.canary, base64, "9f2c41d7", "never-print-me"]
        let strict = kind == .aws ? try await MotoServer.start(initialNoAuthActionCount: 0) : nil
        defer { strict?.stop() }
        let closed = ["--endpoint-url", "http://127.0.0.1:\(try LoopbackPort.unused())"]
        let fixture = Fixture(
            workspace: w, valueOutput: try CLIRunner.temporaryDirectory(),
            storeFailure: kind == .local
                ? (w.storeArguments, [LocalSecretStore.keyVariable: Data(repeating: 9, count: 32).base64EncodedString()])
                : (["--store", "aws"] + closed, [:]),
            unreachable: closed, strict: strict)

        func check(_ run: Run) throws {
            var environment = run.environment
            environment["QSL_LOG_LEVEL"] = "trace"
            let arguments = run.command + (run.storeArguments ?? w.storeArguments)
            let result = try CLIRunner.run(
                arguments + (run.tail.map { ["--"] + $0 } ?? []), environment: w.environment.merging(environment) { $1 }, stdin: run.stdin, directory: w.root)
            #expect(result.status == run.status, "\(kind): \(run) exited \(result.status): \(result.stderr)")
            for (stream, text) in [("stdout", result.stdout), ("stderr", result.stderr)] {
                for needle in needles { #expect(!text.contains(needle), "\(kind): \(stream) of \(run) holds \(needle == base64 ? "the canary in base64" : "the canary")") }
            }
            for file in run.valueFree {
                let data = try #require(FileManager.default.contents(atPath: w.root.appendingPathComponent(file).path), "\(kind): \(run) wrote no \(file)")
                let text = String(decoding: data, as: UTF8.self)
                for needle in needles { #expect(!text.contains(needle), "\(kind): \(file) of \(run) holds the canary") }
            }
        }
        for command in Self.table.keys.sorted() {
            let runs = try Self.table[command]!(fixture)
            #expect(!runs.isEmpty, "\(kind): no runs for \(command)")
            for run in runs {
                #expect(run.command.starts(with: command.split(separator: " ").map(String.init)), "\(kind): \(run) is filed under \(command)")
                try check(run)
            }
        }
        // The bundles that hold values do hold them (so the stream checks above are not vacuous),
        // and ecs names the canary's secret by ARN.
        let dotenv = try String(contentsOf: fixture.valueOutput.appendingPathComponent("dotenv/svc/service.env"), encoding: .utf8)
        #expect(dotenv.contains(Self.canary))
        let ecs = try String(contentsOf: w.root.appendingPathComponent("out/ecs/svc/container-definition.json"), encoding: .utf8)
        #expect(ecs.contains(":secret:qsl/dev/kestra-"), "\(ecs)")
        #expect(ecs.contains("parameter/qsl/dev/layer/Api/Key"), "the SecureString of the prefix layer, by ARN: \(ecs)")
        let seeded = try w.run(["secret", "get", "qsl/dev/seeded", "--show-secrets"])
        #expect(seeded.stdout == Self.canary + "\n", "seed wrote the canary: \(seeded.stderr)")
        if let moto = w.moto {
            let whoami = try CLIRunner.run(["whoami", "--endpoint-url", moto.endpointURL], environment: w.environment.merging(Self.canaryCredentials) { $1 })
            #expect(whoami.stdout.contains("AKIDCANARY"), "whoami ran with the canary credentials: \(whoami.stdout)")
        }

        // The failing resolve names every problem, and trace logging was really on.
        let bad = try w.run(["resolve", "--config-dir", "bad"], environment: ["QSL_LOG_LEVEL": "trace"])
        #expect(bad.stderr.contains("secret qsl/dev/kestra is not a JSON object, so it has no key 'field'"))
        #expect(bad.stderr.contains("secret qsl/dev/db has no JSON key 'nokey'"))
        #expect(bad.stderr.contains("qsl/dev/gone"))
        #expect(bad.stderr.contains("secret qsl/dev/cert holds binary data"))
        #expect(bad.stderr.contains("parameter /qsl/dev/config/gone does not exist"))
        #expect(bad.stderr.contains("QSL_UNSET_VARIABLE_FOR_CANARY is not set"))
        let good = try w.run(["resolve", "--config-dir", "svc"], environment: ["QSL_LOG_LEVEL": "trace"])
        #expect(good.stderr.contains("resolved configuration"), "trace logging is on, so log lines were checked too: \(good.stderr)")
        #expect(good.stderr.contains("loaded Parameter Store layer"))

        // Positive controls: the canary does reach the places it must, so the checks above could fail.
        let shown = try w.run(["resolve", "--config-dir", "svc", "--show-secrets"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: String])
        #expect(json["Kestra:Password"] == Self.canary)
        #expect(json["Greeting"] == Self.canary, "redaction follows where a value came from, not the key's name")
        #expect(json["Endpoint"] == "https://svc:\(Self.canary)@kestra.example")
        #expect(json["Api:Token"] == Self.canary)
        #expect(json["Api:Key"] == Self.canary, "the SecureString from the prefix layer")
        #expect(json["Plain:Value"] == "plain-from-layer")
        let redacted = try #require(try JSONSerialization.jsonObject(with: Data(try w.run(["resolve", "--config-dir", "svc"]).stdout.utf8)) as? [String: String])
        #expect(redacted["Plain"] == "visible-value")
        #expect(redacted["Plain:Value"] == "plain-from-layer")
        #expect(redacted["Kestra:User"] != nil)
        #expect(try w.run(["secret", "get", "qsl/dev/kestra", "--show-secrets"]).stdout == Self.canary + "\n")
        #expect(try w.run(["secret", "get", "qsl/dev/cert", "--show-secrets"]).stdout == base64 + "\n")
        let child = try w.run(["exec", "--config-dir", "svc"], tail: ["/bin/sh", "-c", #"printf '%s' "$Greeting""#])
        #expect(child.stdout == Self.canary, "exec hands the value to the child")

        // Nothing in the workspace holds the canary in the clear (the test's own input files aside).
        let enumerator = try #require(FileManager.default.enumerator(atPath: w.root.path))
        for case let file as String in enumerator where !["value.txt", "seed.json", "malformed-seed.json", "outside-seed.json", "malformed.env"].contains(file) && !file.hasPrefix("malformed/") && !file.hasPrefix("unquoted/") && !file.hasPrefix("plainpw/") && file != "schema.json" {
            let data = (try? Data(contentsOf: w.root.appendingPathComponent(file))) ?? Data()
            #expect(!String(decoding: data, as: UTF8.self).contains(Self.canary), "\(kind): \(file) holds the canary")
        }
    }
}

/// A set-up step of a canary table entry that failed.
struct CanaryError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
