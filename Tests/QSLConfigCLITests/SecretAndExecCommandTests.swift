import Foundation
import QSLConfigTesting
import Synchronization
import Testing

@Suite("qsl-config secret and exec on the local store")
struct SecretAndExecCommandTests {
    /// A folder with a local store and a service whose configuration references it.
    struct Workspace {
        let root: URL
        var storePath: String { root.appendingPathComponent(".qsl/local-store.json").path }
        var service: URL { root.appendingPathComponent("svc") }

        func run(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:]) throws -> CLIRunner.Result {
            try CLIRunner.run(arguments, environment: CLIRunner.environment(environment), stdin: stdin, directory: root)
        }
    }

    static let canary = "canary-5d1f0b7e-never-print-me"

    func workspace() throws -> Workspace {
        let root = try CLIRunner.temporaryDirectory()
        let workspace = Workspace(root: root)
        try FileManager.default.createDirectory(at: workspace.service, withIntermediateDirectories: true)
        try Data(
            """
            {
              "Kestra": {
                "Password": "${aws:secrets:qsl/dev/kestra}",
                "User": "${aws:secrets:qsl/dev/db:username}",
                "Url": "https://user:${aws:secrets:qsl/dev/db:password}@kestra.example"
              },
              "Plain": "visible-value"
            }
            """.utf8
        ).write(to: workspace.service.appendingPathComponent("appsettings.json"))
        #expect(try workspace.run(["secret", "put", "qsl/dev/kestra", "--store", "local"], stdin: Self.canary + "\n").status == 0)
        #expect(try workspace.run(["secret", "put", "qsl/dev/db", "--store", "local"], stdin: #"{"username":"svc","password":"\#(Self.canary)"}"#).status == 0)
        return workspace
    }

    @Test("put, get, describe and list; values only with --show-secrets")
    func secretCommands() throws {
        let w = try workspace()
        let get = try w.run(["secret", "get", "qsl/dev/kestra", "--store", "local"])
        #expect(get.status == 0)
        #expect(!get.stdout.contains(Self.canary))
        #expect(get.stdout.contains("<redacted>"))
        let shown = try w.run(["secret", "get", "qsl/dev/kestra", "--store", "local", "--show-secrets"])
        #expect(shown.stdout == Self.canary + "\n", "one trailing newline from stdin is removed")

        let update = try w.run(["secret", "put", "qsl/dev/kestra", "--store", "local"], stdin: "second")
        #expect(update.stdout.hasPrefix("updated qsl/dev/kestra version "))
        let previous = try w.run(["secret", "get", "qsl/dev/kestra", "--store", "local", "--stage", "AWSPREVIOUS", "--show-secrets"])
        #expect(previous.stdout == Self.canary + "\n")

        let describe = try w.run(["secret", "describe", "qsl/dev/kestra", "--store", "local", "--format", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(describe.stdout.utf8)) as! [String: Any]
        #expect(object["Name"] as? String == "qsl/dev/kestra")
        #expect((object["VersionIdsToStages"] as? [String: [String]])?.count == 2)
        let list = try w.run(["secret", "list", "--store", "local", "--prefix", "qsl/dev/"])
        #expect(list.stdout.split(separator: "\n").map { String($0.split(separator: "\t")[0]) } == ["qsl/dev/db", "qsl/dev/kestra"])

        let valueFile = w.root.appendingPathComponent("value.txt")
        try Data("from-file".utf8).write(to: valueFile)
        #expect(try w.run(["secret", "put", "qsl/dev/file", "--store", "local", "--value-file", valueFile.path]).status == 0)
        #expect(try w.run(["secret", "get", "qsl/dev/file", "--store", "local", "--show-secrets"]).stdout == "from-file\n")

        let missing = try w.run(["secret", "get", "qsl/dev/none", "--store", "local"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("qsl/dev/none does not exist"))
        let empty = try w.run(["secret", "put", "qsl/dev/empty", "--store", "local"], stdin: "")
        #expect(empty.status == 2)
    }

    @Test("secret put takes a value of exactly 65,536 bytes with echo's newline, refuses one byte more, and says so without the value")
    func putSizeLimit() throws {
        let w = try workspace()
        let largest = String(repeating: "k", count: 65_536)
        let fits = try w.run(["secret", "put", "qsl/dev/largest", "--store", "local"], stdin: largest + "\n")
        #expect(fits.status == 0, "\(fits.stderr)")
        let tooLarge = try w.run(["secret", "put", "qsl/dev/large", "--store", "local"], stdin: largest + "k")
        #expect(tooLarge.status == 2)
        #expect(tooLarge.stderr.contains("secret qsl/dev/large: the value is 65537 bytes, above the limit of 65536 bytes"), "\(tooLarge.stderr)")
        #expect(!tooLarge.stderr.contains("kkkk"))
    }

    @Test("a local store key file others can read is exit 2 naming the file and chmod 600")
    func keyFileReadableByOthers() throws {
        let w = try workspace()
        let key = w.root.appendingPathComponent(".qsl/local-store.json.key").path
        #expect(chmod(key, 0o644) == 0)
        let result = try w.run(["resolve", "--config-dir", "svc", "--store", "local"])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("chmod 600 .qsl/local-store.json.key"), "\(result.stderr)")
    }

    @Test("resolve reads the local store and fetches each secret once")
    func resolve() throws {
        let w = try workspace()
        let result = try w.run(["resolve", "--config-dir", "svc", "--store", "local", "--show-secrets"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        #expect(json["Kestra:Password"] as? String == Self.canary)
        #expect(json["Kestra:User"] as? String == "svc")
        #expect(json["Kestra:Url"] as? String == "https://user:\(Self.canary)@kestra.example")
    }

    @Test("exec replaces its process and hands secrets to the child's environment only")
    func exec() throws {
        let w = try workspace()
        let script = #"printf '%s|%s|%s|%s' "$$" "$Kestra__Password" "$Kestra__User" "$Plain""#
        let process = Process()
        process.executableURL = CLIRunner.executable
        process.arguments = ["exec", "--config-dir", "svc", "--store", "local", "--", "/bin/sh", "-c", script]
        process.currentDirectoryURL = w.root
        process.environment = CLIRunner.environment()
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let fields = output.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        #expect(fields.count == 4)
        #expect(fields.first == String(process.processIdentifier), "the child has qsl-config's pid: the process was replaced, not forked")
        #expect(fields[1] == Self.canary)
        #expect(fields[2] == "svc")
        #expect(fields[3] == "visible-value")

        // Signals reach the command: none is blocked, and SIGTERM ends it as it would without qsl-config.
        let mask = try w.run(["exec", "--config-dir", "svc", "--store", "local", "--", "grep", "^SigBlk:", "/proc/self/status"])
        #expect(mask.stdout == "SigBlk:\t0000000000000000\n", "\(mask.stdout)")
        let terminated = try w.run(["exec", "--config-dir", "svc", "--store", "local", "--", "/bin/sh", "-c", "kill -TERM $$; echo survived"])
        #expect(terminated.stdout.isEmpty && terminated.signal == SIGTERM, "stdout \(terminated.stdout), status \(terminated.status), signal \(String(describing: terminated.signal))")

        let notFound = try w.run(["exec", "--config-dir", "svc", "--store", "local", "--", "no-such-command-qsl"])
        #expect(notFound.status == 127)
        #expect(!notFound.stderr.contains(Self.canary))
        let noCommand = try w.run(["exec", "--config-dir", "svc", "--store", "local"])
        #expect(noCommand.status == 2)
    }

    @Test("the local store's key is redacted by resolve and never handed to exec's child")
    func storeKeyStaysWithQSLConfig() throws {
        let w = try workspace()
        let key = Data((0..<32).map { UInt8($0 * 7 % 256) }).base64EncodedString()
        let keyed = ["QSL_LOCAL_STORE_KEY": key]
        // A store keyed from the environment, so the key is really in use.
        let store = w.root.appendingPathComponent("keyed/store.json").path
        #expect(try w.run(["secret", "put", "qsl/dev/kestra", "--store", "local", "--local-store", store], stdin: "v", environment: keyed).status == 0)
        let service = w.root.appendingPathComponent("keyed-svc")
        try FileManager.default.createDirectory(at: service, withIntermediateDirectories: true)
        try Data(#"{"Kestra": {"Password": "${aws:secrets:qsl/dev/kestra}"}}"#.utf8).write(to: service.appendingPathComponent("appsettings.json"))
        let resolved = try w.run(["resolve", "--config-dir", "keyed-svc", "--store", "local", "--local-store", store], environment: keyed)
        #expect(resolved.status == 0, "\(resolved.stderr)")
        #expect(!resolved.stdout.contains(key))
        #expect(resolved.stdout.contains(#""QSL_LOCAL_STORE_KEY": "<redacted>""#))
        let child = try w.run(
            ["exec", "--config-dir", "keyed-svc", "--store", "local", "--local-store", store, "--", "/bin/sh", "-c", #"printf '[%s][%s]' "$QSL_LOCAL_STORE_KEY" "$Kestra__Password""#],
            environment: keyed)
        #expect(child.status == 0, "\(child.stderr)")
        #expect(child.stdout == "[][v]", "the child received qsl-config's store key, or not its configuration")
    }

    @Test("exec passes a value read from a connection-string variable under its resolved name only")
    func connectionStringVariables() throws {
        let w = try workspace()
        let child = try w.run(
            ["exec", "--config-dir", "svc", "--store", "local", "--", "/bin/sh", "-c", #"printf '[%s][%s]' "${CUSTOMCONNSTR_Db-unset}" "$ConnectionStrings__Db""#],
            environment: ["CUSTOMCONNSTR_Db": "${aws:secrets:qsl/dev/kestra}"])
        #expect(child.status == 0, "\(child.stderr)")
        #expect(child.stdout == "[unset][\(Self.canary)]", "the unresolved variable reached the child")
    }

    @Test("exec passes variables it resolves nothing in as they are: case twins stay two variables, bytes that are not UTF-8 stay bytes")
    func unchangedVariablesPassThrough() throws {
        let w = try workspace()
        let twins = try w.run(
            ["exec", "--config-dir", "svc", "--store", "local", "--", "/bin/sh", "-c", #"printf '[%s][%s][%s][%s]' "$HTTP_PROXY" "$http_proxy" "$no_proxy" "$NO_PROXY""#],
            environment: ["HTTP_PROXY": "http://p:3128", "http_proxy": "http://q:3128", "no_proxy": "localhost", "NO_PROXY": "localhost,169.254.169.254"])
        #expect(twins.status == 0, "\(twins.stderr)")
        #expect(twins.stdout == "[http://p:3128][http://q:3128][localhost][localhost,169.254.169.254]")

        // A connection-string variable of a provider prefix, unchanged: it reaches the child as
        // it is (its two keys, the string and the provider name, are not split up); with a
        // reference, both keys are set under their own names and the variable goes.
        let provider = try w.run(
            ["exec", "--config-dir", "svc", "--store", "local", "--", "/bin/sh", "-c",
             #"printf '[%s][%s][%s]' "${SQLCONNSTR_Db-unset}" "${ConnectionStrings__Db-unset}" "${ConnectionStrings__Db_ProviderName-unset}""#],
            environment: ["SQLCONNSTR_Db": "Server=db;Database=app"])
        #expect(provider.stdout == "[Server=db;Database=app][unset][unset]", "\(provider.stdout)")
        let providerResolved = try w.run(
            ["exec", "--config-dir", "svc", "--store", "local", "--", "/bin/sh", "-c",
             #"printf '[%s][%s][%s]' "${SQLCONNSTR_Db-unset}" "${ConnectionStrings__Db-unset}" "${ConnectionStrings__Db_ProviderName-unset}""#],
            environment: ["SQLCONNSTR_Db": "Server=db;Password=${aws:secrets:qsl/dev/kestra}"])
        #expect(providerResolved.stdout == "[unset][Server=db;Password=\(Self.canary)][System.Data.SqlClient]", "\(providerResolved.stdout)")
        // A DOTNET_ variable with a reference is read as itself and as its unprefixed key: both
        // are set, whatever the order.
        let host = try w.run(
            ["exec", "--config-dir", "svc", "--store", "local", "--", "/bin/sh", "-c", #"printf '[%s][%s]' "${DOTNET_Feature__Key-unset}" "${Feature__Key-unset}""#],
            environment: ["DOTNET_Feature__Key": "${aws:secrets:qsl/dev/db:username}"])
        #expect(host.stdout == "[svc][svc]", "\(host.stdout)")

        // Process takes only String environments: a shell puts the raw bytes in place.
        let script = #"BIN=$(printf '\377\376'); export BIN; exec "$QSL" exec --config-dir svc --store local -- /bin/sh -c 'printf %s "$BIN" | od -An -tx1'"#
        let raw = try CLIRunner.run(
            ["-c", script], environment: CLIRunner.environment(["QSL": CLIRunner.executable.path]), directory: w.root, program: URL(fileURLWithPath: "/bin/sh"))
        #expect(raw.status == 0, "\(raw.stderr)")
        #expect(raw.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "ff fe", "\(raw.stdout)")
    }

    @Test(
        "exec refuses a key that becomes a variable name no environment carries: one holding '=' (read as another variable), an empty one, one holding a NUL",
        arguments: [(#"{"A=B": "v"}"#, "'A=B' becomes the variable name 'A=B'", "it holds '='"), (#"{"": "v"}"#, "variable name ''", "it is empty"), (#"{"A\u0000B": "v"}"#, "variable name", "it holds a NUL")])
    func execRefusesUnusableNames(_ json: String, _ named: String, _ reason: String) throws {
        let w = try workspace()
        try Data(json.utf8).write(to: w.service.appendingPathComponent("appsettings.json"))
        let result = try w.run(["exec", "--config-dir", "svc", "--store", "local", "--", "/usr/bin/env"])
        #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains(named) && result.stderr.contains("(\(reason))"), "\(result.stderr)")
        #expect(!result.stdout.contains("=v"), "the command did not run")
    }

    @Test("exec --from-environment writes each resolved variable back under its own name; names that differ only in case, one holding a reference, are refused")
    func fromEnvironmentKeepsNames() throws {
        let w = try workspace()
        let own = try w.run(
            ["exec", "--from-environment", "--store", "local", "--", "/bin/sh", "-c", #"printf '%s|%s' "$Db_Password" "${DB_PASSWORD-unset}""#],
            environment: ["Db_Password": "${aws:secrets:qsl/dev/kestra}"])
        #expect(own.status == 0, "\(own.stderr)")
        #expect(own.stdout == Self.canary + "|unset", "\(own.stdout)")
        // A name with ':' (which a key would write as '__') is kept too.
        let colon = try w.run(["exec", "--from-environment", "--store", "local", "--", "/usr/bin/env"], environment: ["Svc:Key": "${aws:secrets:qsl/dev/kestra}"])
        #expect(colon.status == 0, "\(colon.stderr)")
        #expect(colon.stdout.contains("Svc:Key=" + Self.canary) && !colon.stdout.contains("Svc__Key="))

        for pair in [["Db_Password": "${aws:secrets:qsl/dev/kestra}", "DB_PASSWORD": "unrelated-value"], ["DB_PASSWORD": "${aws:secrets:qsl/dev/kestra}", "Db_Password": "unrelated-value"]] {
            let clash = try w.run(["exec", "--from-environment", "--store", "local", "--", "/bin/sh", "-c", "echo ran"], environment: pair)
            #expect(clash.status == 2, "\(clash.stdout)\(clash.stderr)")
            #expect(clash.stderr.contains("the variables DB_PASSWORD and Db_Password differ only in case"), "\(clash.stderr)")
            #expect(!clash.stdout.contains("ran") && !clash.stderr.contains(Self.canary))
        }
        // Two spellings with no reference between them pass through as they are, a `$` in them
        // (a proxy password) included.
        let plain = try w.run(
            ["exec", "--from-environment", "--store", "local", "--", "/bin/sh", "-c", #"printf '%s|%s' "$http_proxy" "$HTTP_PROXY""#],
            environment: ["http_proxy": "http://u:pa$w0rd@proxy:3128", "HTTP_PROXY": "b$"])
        #expect(plain.status == 0 && plain.stdout == "http://u:pa$w0rd@proxy:3128|b$", "\(plain.stdout)\(plain.stderr)")
    }

    @Test("exec refuses a value holding a NUL, which the command would read cut short, naming the key and not the value")
    func execRefusesNulValues() throws {
        let w = try workspace()
        try Data(#"{"Db": {"Password": "Part1\u0000Part2"}, "Plain": "x"}"#.utf8).write(to: w.service.appendingPathComponent("appsettings.json"))
        let result = try w.run(["exec", "--config-dir", "svc", "--store", "local", "--", "/usr/bin/env"])
        #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("'Db:Password' holds a NUL"), "\(result.stderr)")
        #expect(!result.stderr.contains("Part1") && !result.stdout.contains("Part1"))
    }

    @Test("secret put never ignores an option: --stage needs an existing secret, --description a new one")
    func putRefusesIgnoredOptions() throws {
        let w = try workspace()
        let staged = try w.run(["secret", "put", "qsl/dev/new", "--store", "local", "--stage", "AWSPENDING"], stdin: "v")
        #expect(staged.status == 2)
        #expect(staged.stderr.contains("--stage needs an existing secret"), "\(staged.stderr)")
        let described = try w.run(["secret", "put", "qsl/dev/kestra", "--store", "local", "--description", "again"], stdin: "other")
        #expect(described.status == 2)
        #expect(described.stderr.contains("already exists"), "\(described.stderr)")
        let both = try w.run(["secret", "put", "qsl/dev/new", "--store", "local", "--description", "d", "--stage", "FOO"], stdin: "v")
        #expect(both.status == 2)
        #expect(both.stderr.contains("--stage stages a version of an existing secret"), "\(both.stderr)")
        let listed = try w.run(["secret", "list", "--store", "local"])
        #expect(!listed.stdout.contains("qsl/dev/new"), "nothing was created")
        let current = try w.run(["secret", "get", "qsl/dev/kestra", "--store", "local", "--show-secrets"])
        #expect(current.stdout.contains(Self.canary), "the existing secret kept its value")
        let pending = try w.run(["secret", "put", "qsl/dev/kestra", "--store", "local", "--stage", "AWSPENDING"], stdin: "next")
        #expect(pending.status == 0, "\(pending.stderr)")
        #expect(try w.run(["secret", "get", "qsl/dev/kestra", "--store", "local", "--show-secrets"]).stdout.contains(Self.canary), "AWSPENDING left AWSCURRENT alone")
    }

    @Test("secret put run several times at once on a new name: every run ends with its value written, none 'already exists'")
    func concurrentPutsOfANewSecret() throws {
        let w = try workspace()
        let runs = 12
        let statuses = Mutex([Int32](repeating: -1, count: runs))
        let stderr = Mutex([String](repeating: "", count: runs))
        let group = DispatchGroup()
        for index in 0..<runs {
            group.enter()
            Thread {
                defer { group.leave() }
                let result = try? w.run(["secret", "put", "qsl/dev/raced", "--store", "local"], stdin: "value-\(index)")
                statuses.withLock { $0[index] = result?.status ?? -2 }
                stderr.withLock { $0[index] = result?.stderr ?? "" }
            }.start()
        }
        group.wait()
        #expect(statuses.withLock { $0 } == [Int32](repeating: 0, count: runs), "\(stderr.withLock { $0 })")
        let got = try w.run(["secret", "get", "qsl/dev/raced", "--store", "local", "--show-secrets"])
        #expect(got.status == 0 && got.stdout.hasPrefix("value-"), "\(got.stdout)")
    }

    @Test("secret list --format json prints an array however many secrets match, one included; describe prints an object")
    func listJSONIsAlwaysAnArray() throws {
        let w = try workspace()
        for (prefix, count) in [("qsl/dev/kestra", 1), ("qsl/dev/", 2), ("qsl/none/", 0)] {
            let listed = try w.run(["secret", "list", "--store", "local", "--prefix", prefix, "--format", "json"])
            #expect(listed.status == 0, "\(listed.stderr)")
            let array = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]]
            #expect(array?.count == count, "\(prefix): \(listed.stdout)")
        }
        let described = try w.run(["secret", "describe", "qsl/dev/kestra", "--store", "local", "--format", "json"])
        #expect((try JSONSerialization.jsonObject(with: Data(described.stdout.utf8)) as? [String: Any])?["Name"] as? String == "qsl/dev/kestra")
    }

    @Test("--local-store chooses the local store even where AWS is configured; options that name two stores are refused")
    func storeChoice() throws {
        let w = try workspace()
        // AWS is configured (credentials and an endpoint where nothing listens): `auto` would pick it.
        let aws = ["AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "x", "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": "http://127.0.0.1:9"]
        let elsewhere = w.root.appendingPathComponent("other/store.json").path
        let put = try w.run(["secret", "put", "qsl/dev/chosen", "--local-store", elsewhere], stdin: "v", environment: aws)
        #expect(put.status == 0, "\(put.stderr)")
        #expect(put.stdout.contains("in local store"), "\(put.stdout)")
        #expect(FileManager.default.fileExists(atPath: elsewhere))
        let read = try w.run(["secret", "get", "qsl/dev/chosen", "--local-store", elsewhere, "--show-secrets"], environment: aws)
        #expect(read.stdout == "v\n", "\(read.stderr)")

        for (arguments, message) in [
            (["--store", "aws", "--local-store", elsewhere], "--local-store names the embedded store, but --store aws was given"),
            (["--store", "local", "--endpoint-url", "http://127.0.0.1:9"], "--endpoint-url is for AWS, but --store local was given"),
            (["--store", "local", "--profile", "p", "--endpoint-url", "http://127.0.0.1:9"], "--endpoint-url and --profile are for AWS, but --store local was given"),
            (["--local-store", elsewhere, "--profile", "p"], "--local-store names the embedded store and --profile AWS"),
        ] {
            let refused = try w.run(["secret", "list"] + arguments)
            #expect(refused.status == 2, "\(arguments)")
            #expect(refused.stderr.contains(message), "\(arguments): \(refused.stderr)")
        }
    }

    @Test("with --root, --endpoint-url sends an environment whose store is local to AWS, as the help says")
    func endpointOverridesTheEnvironmentsLocalStore() throws {
        let root = CLIRunner.repositoryRoot.path
        // Nothing listens on port 9: the command reaches for AWS and fails as a network failure (3),
        // where before it read the local store and succeeded.
        let result = try CLIRunner.run(
            ["resolve", "--root", root, "--environment", "development", "--service", "userservice", "--endpoint-url", "http://127.0.0.1:9"],
            environment: CLIRunner.environment(["AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "x", "AWS_REGION": "us-east-1", "AWS_MAX_ATTEMPTS": "1"]))
        #expect(result.status == 3, "\(result.stderr)")
    }
}
