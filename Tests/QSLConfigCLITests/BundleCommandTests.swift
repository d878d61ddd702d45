import Foundation
import QSLConfigTesting
import Testing

/// The demo flow and the bundle, seed, resolve --service and exec --service commands, run as
/// the built binary on a copy of the repository's demo platform.
@Suite("qsl-config bundle, seed and --service on the demo platform")
struct BundleCommandTests {
    /// A copy of `environments/`, `platform/`, `schemas/` and `scripts/` in a fresh folder.
    static func platformCopy() throws -> URL {
        let directory = try CLIRunner.temporaryDirectory()
        for folder in ["environments", "platform", "schemas", "scripts"] {
            try FileManager.default.copyItem(
                at: CLIRunner.repositoryRoot.appendingPathComponent(folder), to: directory.appendingPathComponent(folder))
        }
        return directory
    }

    /// A platform copy whose local store is seeded.
    static func seededPlatform() throws -> URL {
        let root = try Self.platformCopy()
        let seed = try CLIRunner.run(
            ["seed", "--root", ".", "--environment", "development", "--from", "platform/dev-seed.json"], environment: CLIRunner.environment(),
            directory: root)
        #expect(seed.status == 0, "\(seed.stderr)")
        return root
    }

    static func mode(_ url: URL) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: url.path))?[.posixPermissions] as? Int
    }

    @Test("scripts/demo.sh seeds, bundles all 22 services in every format and says where; the next commands then work as typed")
    func demoScript() throws {
        let root = try Self.platformCopy()
        var environment = CLIRunner.environment(["QSL_CONFIG_BIN": CLIRunner.executable.path])
        environment["PATH"] = "/usr/bin:/bin:" + (environment["PATH"] ?? "")
        let first = try CLIRunner.run(["scripts/demo.sh"], environment: environment, directory: root, program: URL(fileURLWithPath: "/bin/bash"))
        #expect(first.status == 0, "\(first.stdout)\n\(first.stderr)")
        #expect(first.stdout.contains("51 secrets (51 created, 0 updated, 0 unchanged), 8 parameters (8 written, 0 unchanged)"))
        #expect(first.stdout.contains("Bundles for all 22 services are in \(root.resolvingSymlinksInPath().path)/out") || first.stdout.contains("Bundles for all 22 services are in \(root.path)/out"))
        for format in ["dotenv", "json", "ecs", "k8s"] {
            #expect(first.stdout.contains("wrote 22 \(format) bundles for development"), "\(format)")
            #expect(first.stdout.contains("out/\(format): 22 \(format) bundles for development are up to date"))
        }
        #expect(!first.stdout.contains("fake-dev-password"), "the demo prints no secret")
        // The migration of a scratch copy: planned, run, nothing to do the second time, and
        // production validating clean; no smoke-test value printed.
        #expect(first.stdout.contains("migrate smoke → production: 56 created, 0 unchanged"))
        #expect(first.stdout.contains("migrate smoke → production: nothing to do (22 services, 0 calls)"))
        #expect(first.stdout.contains("qsl-config validate: production: 22 services, 22 clean; 0 errors"))
        #expect(!first.stdout.contains("npg_FAKE0000example") && !first.stdout.contains("fake-smoke-redis-pass"))
        // Rotation on the same embedded store: nothing due yet, then the JWT key rotated.
        #expect(first.stdout.contains("rotate production --check: 56 secrets:"))
        #expect(first.stdout.contains("rotate production: 1 secrets: 1 rotated"))
        let env = root.appendingPathComponent("out/dotenv/userservice/service.env")
        #expect(Self.mode(env) == 0o600)
        #expect(try String(contentsOf: env, encoding: .utf8).contains("ConnectionStrings__postgres-userservice=Host=localhost;Port=5432;Database=quantumskylink_userservice;"))
        #expect(Self.mode(root.appendingPathComponent(".qsl/local-store.json")) == 0o600)
        #expect(Self.mode(root.appendingPathComponent(".qsl/local-store.json.key")) == 0o600)

        // Run again: the seed writes nothing, the bundles are unchanged.
        let manifest = try Data(contentsOf: root.appendingPathComponent("out/ecs/manifest.json"))
        let second = try CLIRunner.run(["scripts/demo.sh"], environment: environment, directory: root, program: URL(fileURLWithPath: "/bin/bash"))
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("51 secrets (0 created, 0 updated, 51 unchanged), 8 parameters (0 written, 8 unchanged)"))
        #expect(try Data(contentsOf: root.appendingPathComponent("out/ecs/manifest.json")) == manifest)

        // The commands a user types next, from the root, with no extra set-up.
        let bundle = try CLIRunner.run(
            ["bundle", "--root", ".", "--environment", "development", "--format", "json", "--output", "out/"], environment: CLIRunner.environment(),
            directory: root)
        #expect(bundle.status == 0, "\(bundle.stderr)")
        #expect(bundle.stdout.hasPrefix("wrote 22 json bundles for development (23 files) to out/"))
        let config = try Data(contentsOf: root.appendingPathComponent("out/userservice/config.json"))
        let object = try #require(try JSONSerialization.jsonObject(with: config) as? [String: String])
        #expect(object["Security:JWT:Secret"] == "fake-dev-jwt-signing-key-0000000000000000000000000000000000000000")

        let resolve = try CLIRunner.run(
            ["resolve", "--root", ".", "--environment", "development", "--service", "userservice"], environment: CLIRunner.environment(),
            directory: root)
        #expect(resolve.status == 0, "\(resolve.stderr)")
        let resolved = try #require(try JSONSerialization.jsonObject(with: Data(resolve.stdout.utf8)) as? [String: String])
        #expect(resolved["ConnectionStrings:postgres-userservice"] == "<redacted>")
        #expect(resolved["Logto:Authority"] == "http://localhost:3001/oidc", "a parameter from the local store")
        #expect(resolved["ConnectionStrings:postgres-accountservice"] == nil, "only the service's own database")
    }

    @Test("--check exits 0 when up to date and 1 on drift, naming each file and writing nothing")
    func check() throws {
        let root = try Self.seededPlatform()
        let arguments = ["bundle", "--root", ".", "--environment", "development", "--format", "dotenv", "--output", "out"]
        #expect(try CLIRunner.run(arguments, environment: CLIRunner.environment(), directory: root).status == 0)
        let clean = try CLIRunner.run(arguments + ["--check"], environment: CLIRunner.environment(), directory: root)
        #expect(clean.status == 0, "\(clean.stderr)")
        #expect(clean.stdout == "out: 22 dotenv bundles for development are up to date\n")

        let env = root.appendingPathComponent("out/feeservice/service.env")
        try Data("# edited\n".utf8).write(to: env)
        let drift = try CLIRunner.run(arguments + ["--check"], environment: CLIRunner.environment(), directory: root)
        #expect(drift.status == 1)
        #expect(drift.stderr.contains("out/feeservice/service.env: content differs"))
        #expect(drift.stderr.contains("out: 1 file(s) differ from what `qsl-config bundle` would write"))
        #expect(try String(contentsOf: env, encoding: .utf8) == "# edited\n", "--check writes nothing")
    }

    @Test("an unreadable manifest stops the write (its files could not be cleaned up); stale files go before the new manifest")
    func manifestGuardsCleanup() throws {
        let root = try Self.seededPlatform()
        let arguments = ["bundle", "--root", ".", "--environment", "development", "--format", "dotenv", "--output", "out"]
        #expect(try CLIRunner.run(arguments, environment: CLIRunner.environment(), directory: root).status == 0)
        // A file an earlier run listed that this bundle no longer has is removed, and the new
        // manifest no longer lists it.
        let manifest = root.appendingPathComponent("out/manifest.json")
        var listed = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: manifest)) as? [String: Any])
        var files = try #require(listed["files"] as? [String: String])
        files["retired/service.env"] = "sha256:00"
        listed["files"] = files
        try JSONSerialization.data(withJSONObject: listed).write(to: manifest)
        let retired = root.appendingPathComponent("out/retired/service.env")
        try FileManager.default.createDirectory(at: retired.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("OLD=1\n".utf8).write(to: retired)
        #expect(try CLIRunner.run(arguments, environment: CLIRunner.environment(), directory: root).status == 0)
        #expect(!FileManager.default.fileExists(atPath: retired.path))
        #expect(!(try String(contentsOf: manifest, encoding: .utf8)).contains("retired/"))

        try Data("not a manifest".utf8).write(to: manifest)
        let env = root.appendingPathComponent("out/feeservice/service.env")
        try Data("# kept\n".utf8).write(to: env)
        let refused = try CLIRunner.run(arguments, environment: CLIRunner.environment(), directory: root)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("out/manifest.json:1:1: error: this is not a qsl-config bundle manifest"), "\(refused.stderr)")
        #expect(try String(contentsOf: env, encoding: .utf8) == "# kept\n", "nothing was written")
        let check = try CLIRunner.run(arguments + ["--check"], environment: CLIRunner.environment(), directory: root)
        #expect(check.status == 1)
    }

    @Test("bad input exits 2 with one clear error and creates nothing")
    func badInput() throws {
        let root = try Self.seededPlatform()
        let unknown = try CLIRunner.run(
            ["bundle", "--root", ".", "--environment", "development", "--service", "nosuch", "--format", "json", "--output", "out"],
            environment: CLIRunner.environment(), directory: root)
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("error: there is no service nosuch in the catalogue; the services are: userservice accountservice"))
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("out").path))

        let environment = try CLIRunner.run(
            ["bundle", "--root", ".", "--environment", "qa", "--format", "json", "--output", "out"], environment: CLIRunner.environment(), directory: root)
        #expect(environment.status == 2)
        #expect(environment.stderr.contains("there is no environment named qa; the environments are: development, production, smoke, staging"))

        let format = try CLIRunner.run(
            ["bundle", "--root", ".", "--environment", "development", "--format", "yaml", "--output", "out"], environment: CLIRunner.environment(), directory: root)
        #expect(format.status == 2)

        // A reference the store lacks: every position listed, nothing written.
        let broken = root.appendingPathComponent("platform/src/FeeService/appsettings.Development.json")
        try Data(#"{"FeeService": {"ApiKey": "${aws:secrets:qsl/development/nosuch:key}"}}"#.utf8).write(to: broken)
        let missing = try CLIRunner.run(
            ["bundle", "--root", ".", "--environment", "development", "--format", "dotenv", "--output", "out"], environment: CLIRunner.environment(),
            directory: root)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("platform/src/FeeService/appsettings.Development.json:1:28: error: secret qsl/development/nosuch does not exist"))
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("out").path))

        // Seeding fake values into an AWS environment is refused.
        let seed = try CLIRunner.run(
            ["seed", "--root", ".", "--environment", "production", "--from", "platform/dev-seed.json"], environment: CLIRunner.environment(), directory: root)
        #expect(seed.status == 2)
        #expect(seed.stderr.contains("environment production does not allow plaintext secrets"))
    }

    @Test("resolve and exec take --service with --root and --environment")
    func serviceOptions() throws {
        let root = try Self.seededPlatform()
        let exec = try CLIRunner.run(
            ["exec", "--root", ".", "--environment", "development", "--service", "paymentgatewayservice", "--", "/usr/bin/env"],
            environment: CLIRunner.environment(), directory: root)
        #expect(exec.status == 0, "\(exec.stderr)")
        let variables = exec.stdout.split(separator: "\n")
        #expect(variables.contains { $0.hasPrefix("ConnectionStrings__postgres-paymentgatewayservice=Host=localhost;Port=5432;Database=quantumskylink_paymentgateway;") })
        #expect(!variables.contains { $0.hasPrefix("ConnectionStrings__postgres-userservice=") })

        let usage = try CLIRunner.run(["resolve", "--root", ".", "--service", "userservice"], environment: CLIRunner.environment(), directory: root)
        #expect(usage.status == 2)
        #expect(usage.stderr.contains("--root needs --environment"))
        let unknown = try CLIRunner.run(
            ["resolve", "--root", ".", "--environment", "development", "--service", "nosuch"], environment: CLIRunner.environment(), directory: root)
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("there is no service nosuch in the catalogue"))
    }

    @Test("an ecs fragment's entrypoint resolves exactly its --variable list inside the container and leaves every other variable alone")
    func ecsEntrypointRunsExec() throws {
        let root = try Self.seededPlatform()
        let bundle = try CLIRunner.run(
            ["bundle", "--root", ".", "--environment", "development", "--service", "userservice", "--format", "ecs", "--output", "out"],
            environment: CLIRunner.environment(), directory: root)
        #expect(bundle.status == 0, "\(bundle.stderr)")
        let data = try Data(contentsOf: root.appendingPathComponent("out/userservice/container-definition.json"))
        let definition = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let entryPoint = try #require(definition["entryPoint"] as? [String])
        #expect(entryPoint == ["/usr/local/bin/qsl-config", "exec", "--from-environment", "--variable=Monitoring__OpenTelemetry__Headers", "--"])
        #expect(definition["command"] as? [String] == ["dotnet", "UserService.dll"])

        // The container: the fragment's environment, plus a value ECS injected that looks like a reference.
        var environment = CLIRunner.environment(["INJECTED_BY_ECS": "pa$${aws:secrets:qsl/development/nosuch}ss"])
        for variable in definition["environment"] as? [[String: String]] ?? [] {
            environment[variable["name"]!] = variable["value"]!
        }
        #expect(environment["Monitoring__OpenTelemetry__Headers"] == "api-key=${aws:secrets:qsl/development/otel:apiKey}")
        let run = try CLIRunner.run(Array(entryPoint.dropFirst()) + ["/usr/bin/env"], environment: environment, directory: root)
        #expect(run.status == 0, "\(run.stderr)")
        let lines = Set(run.stdout.split(separator: "\n").map(String.init))
        #expect(lines.contains("Monitoring__OpenTelemetry__Headers=api-key=fake-dev-otel-api-key"))
        #expect(lines.contains("INJECTED_BY_ECS=pa$${aws:secrets:qsl/development/nosuch}ss"), "not in --variable: untouched")
        #expect(lines.contains("AllowedHosts=*"))
    }

    /// A two-service root (plain values only, so no store is read) whose values carry `version`.
    static func twoServiceRoot(version: String, at existing: URL? = nil) throws -> URL {
        let root = try existing ?? CLIRunner.temporaryDirectory()
        func write(_ relative: String, _ text: String) throws {
            let url = root.appendingPathComponent(relative)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        try write("environments/development.json", """
            {"name": "development", "aspnetEnvironment": "Development", "region": "us-east-1", "secretsPrefix": "qsl/development/",
             "parameterPrefix": "/qsl/development/config/", "store": {"kind": "local", "path": ".qsl/local-store.json"}, "plainSecretsAllowed": true}
            """)
        try write("environments/services.json", """
            {"services": [
              {"id": "alpha", "folder": "alpha", "kind": "service", "connectionStrings": [], "sharedSections": []},
              {"id": "beta", "folder": "beta", "kind": "service", "connectionStrings": [], "sharedSections": []}
            ]}
            """)
        for id in ["alpha", "beta"] { try write("\(id)/appsettings.json", #"{"App": {"Version": "\#(version)", "Password": "fake-\#(id)-pw"}}"#) }
        return root
    }

    static func bundle(_ root: URL, _ extra: [String] = [], format: String = "dotenv", environment: [String: String] = [:]) throws -> CLIRunner.Result {
        try CLIRunner.run(
            ["bundle", "--root", ".", "--environment", "development", "--format", format, "--output", "out"] + extra,
            environment: CLIRunner.environment(environment), directory: root)
    }

    /// A two-service root bundled at version 1, then changed to version 2 and bundled by a run
    /// killed after its first file (alpha's).
    static func killedAfterFirstFile() throws -> URL {
        let root = try twoServiceRoot(version: "1")
        #expect(try bundle(root).status == 0)
        _ = try twoServiceRoot(version: "2", at: root)
        let killed = try bundle(root, environment: ["QSL_FAULT_KILL_AFTER_STEP": "1"])
        #expect(killed.signal == SIGKILL, "\(killed.stdout)\(killed.stderr)")
        return root
    }

    @Test("a temporary file left by a killed run: --check exits 1 naming it, the next run removes it")
    func leftoverTemporaryFile() throws {
        let root = try Self.twoServiceRoot(version: "1")
        #expect(try Self.bundle(root).status == 0)
        let leftover = root.appendingPathComponent("out/alpha/.service.env.tmp-Q1w2E3")
        try Data("App__Password=fake-alpha-pw\n".utf8).write(to: leftover)
        let check = try Self.bundle(root, ["--check"])
        #expect(check.status == 1, "\(check.stdout)\(check.stderr)")
        #expect(check.stderr.contains("out/alpha/.service.env.tmp-Q1w2E3: temporary file left by an interrupted run"), "\(check.stderr)")
        #expect(!check.stdout.contains("up to date"))

        let again = try Self.bundle(root)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(!FileManager.default.fileExists(atPath: leftover.path))
        #expect(try Self.bundle(root, ["--check"]).status == 0)

        // A run for one service sees, and sweeps, the leftovers of the others it keeps.
        let other = root.appendingPathComponent("out/beta/.service.env.tmp-Z9y8X7")
        try Data("App__Password=fake-beta-pw\n".utf8).write(to: other)
        let subsetCheck = try Self.bundle(root, ["--service", "alpha", "--check"])
        #expect(subsetCheck.status == 1, "\(subsetCheck.stdout)\(subsetCheck.stderr)")
        #expect(subsetCheck.stderr.contains("out/beta/.service.env.tmp-Z9y8X7: temporary file left by an interrupted run"), "\(subsetCheck.stderr)")
        #expect(try Self.bundle(root, ["--service", "alpha"]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: other.path))
    }

    @Test("a run killed after its first file leaves old and new services; --check reports the rest, the next run finishes")
    func killedMidRun() throws {
        let root = try Self.killedAfterFirstFile()
        let alpha = try String(contentsOf: root.appendingPathComponent("out/alpha/service.env"), encoding: .utf8)
        let beta = try String(contentsOf: root.appendingPathComponent("out/beta/service.env"), encoding: .utf8)
        #expect(alpha.contains("App__Version=2") && beta.contains("App__Version=1"), "the kill left a mix, which --check must see")

        let check = try Self.bundle(root, ["--check"])
        #expect(check.status == 1)
        #expect(check.stderr.contains("out/beta/service.env: content differs"), "\(check.stderr)")
        #expect(check.stderr.contains("out/manifest.json: content differs"), "\(check.stderr)")
        #expect(!check.stderr.contains("fake-"), "no value in the report")

        #expect(try Self.bundle(root).status == 0)
        #expect(try Self.bundle(root, ["--check"]).status == 0)
        #expect(try String(contentsOf: root.appendingPathComponent("out/beta/service.env"), encoding: .utf8).contains("App__Version=2"))
    }

    @Test("a run of another format killed after its first file: --check of the bundle there reports the file, the next run removes it")
    func killedRunOfAnotherFormat() throws {
        let root = try Self.twoServiceRoot(version: "1")
        func run(_ format: String, _ extra: [String] = [], environment: [String: String] = [:]) throws -> CLIRunner.Result {
            try Self.bundle(root, extra, format: format, environment: environment)
        }
        #expect(try run("ecs").status == 0)
        let killed = try run("dotenv", environment: ["QSL_FAULT_KILL_AFTER_STEP": "1"])
        #expect(killed.signal == SIGKILL, "\(killed.stdout)\(killed.stderr)")
        let written = root.appendingPathComponent("out/alpha/service.env")
        #expect(FileManager.default.fileExists(atPath: written.path), "the killed run wrote a file of values")

        let check = try run("ecs", ["--check"])
        #expect(check.status == 1, "\(check.stdout)\(check.stderr)")
        #expect(check.stderr.contains("out/alpha/service.env: no longer part of the bundle"), "\(check.stderr)")
        #expect(!check.stderr.contains("fake-"), "no value in the report")
        #expect(try run("ecs").status == 0)
        #expect(!FileManager.default.fileExists(atPath: written.path), "the next run removed it")
        #expect(try run("ecs", ["--check"]).status == 0)
    }

    @Test("a reference error in a secret's value quotes none of it, in every format", arguments: ["dotenv", "ecs"])
    func referenceErrorsInSecretsQuoteNothing(_ format: String) throws {
        let root = try Self.twoServiceRoot(version: "1")
        for (file, expected) in [
            (#"{"ConnectionStrings": {"Db": "Host=db;Password=Tr0ub${ad0r}&x"}}"#, "the value references an environment variable that is not set"),
            (#"{"Smtp": {"Password": "hunter${2 secret}"}}"#, "the value of 'Smtp:Password' holds a malformed reference"),
        ] {
            try Data(file.utf8).write(to: root.appendingPathComponent("alpha/appsettings.json"))
            let result = try Self.bundle(root, format: format)
            #expect(result.status == 2, "\(result.stderr)")
            #expect(result.stderr.contains(expected), "\(result.stderr)")
            for fragment in ["ad0r", "Tr0ub", "2 secret", "hunter"] { #expect(!result.stderr.contains(fragment), "\(fragment): \(result.stderr)") }
        }
    }

    @Test("a file a killed run replaced is kept by no later run: a --service run for another service removes it")
    func killedRunsFilesAreNotKept() throws {
        let root = try Self.killedAfterFirstFile()
        let alpha = root.appendingPathComponent("out/alpha/service.env")
        #expect(try String(contentsOf: alpha, encoding: .utf8).contains("App__Version=2"), "the killed run replaced alpha's file")

        // The manifest vouched for alpha's old content; the file holds the new: a run for beta
        // alone must not keep it under the old digest.
        #expect(try Self.bundle(root, ["--service", "beta"]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: alpha.path), "a file no manifest vouches for is removed")
        let manifest = try String(contentsOf: root.appendingPathComponent("out/manifest.json"), encoding: .utf8)
        #expect(!manifest.contains("alpha/service.env"), "\(manifest)")
        #expect(try Self.bundle(root).status == 0)
        #expect(try Self.bundle(root, ["--check"]).status == 0)
    }

    @Test("rotate and rollback take --profile and --endpoint-url for their AWS identity without moving a local store to AWS")
    func rotateKeepsTheLocalStore() throws {
        let root = try Self.seededPlatform()
        for extra in [["--profile", "nonexistent"], ["--endpoint-url", "http://127.0.0.1:9"], ["--local-store", ".qsl/local-store.json", "--profile", "nonexistent"]] {
            let check = try CLIRunner.run(
                ["rotate", "--root", ".", "--environment", "development", "--check"] + extra, environment: CLIRunner.environment(), directory: root)
            #expect(check.status == 0, "\(extra): \(check.stderr)")
            #expect(check.stdout.contains("rotate development --check: 51 secrets"), "\(extra): \(check.stdout)")
        }
    }

    @Test("an existing output folder at 0755 becomes 0700; --check reports a service folder at 0755")
    func folderModes() throws {
        let root = try Self.twoServiceRoot(version: "1")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("out/alpha"), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        chmod(root.appendingPathComponent("out").path, 0o755)
        #expect(try Self.bundle(root).status == 0)
        #expect(Self.mode(root.appendingPathComponent("out")) == 0o700)
        #expect(Self.mode(root.appendingPathComponent("out/alpha")) == 0o700)
        chmod(root.appendingPathComponent("out/beta").path, 0o755)
        let check = try Self.bundle(root, ["--check"])
        #expect(check.status == 1)
        #expect(check.stderr.contains("out/beta/: mode 755, expected 700"), "\(check.stderr)")
    }

    @Test("a catalogue id leading outside --output is exit 2 naming the catalogue entry; nothing is written")
    func catalogueIdEscape() throws {
        let root = try Self.twoServiceRoot(version: "1")
        let catalogue = root.appendingPathComponent("environments/services.json")
        let text = try String(contentsOf: catalogue, encoding: .utf8).replacing(#""id": "beta""#, with: #""id": "../escape""#)
        try Data(text.utf8).write(to: catalogue)
        let result = try Self.bundle(root)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("environments/services.json:3:"), "\(result.stderr)")
        #expect(result.stderr.contains("service id \"../escape\" is not a plain name"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("escape").path))
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("out").path))
    }
}
