import Foundation
import QSLConfigTesting
import Testing

@Suite("qsl-config resolve")
struct ResolveCommandTests {
    func folder(_ files: [String: String]) throws -> URL {
        let directory = try CLIRunner.temporaryDirectory()
        for (name, content) in files {
            try Data(content.utf8).write(to: directory.appendingPathComponent(name))
        }
        return directory
    }

    @Test("layers files, environment and arguments, and prints flat JSON")
    func layersAndPrintsJSON() throws {
        let dir = try folder([
            "appsettings.json": #"{"A": {"B": "base", "C": 1}, "List": ["x", "y"], "N": null, "Url": "${SVC_URL:http://default}"}"#,
            "appsettings.Staging.json": #"{"A": {"B": "staging"}}"#,
        ])
        let result = try CLIRunner.run(
            ["resolve", "--config-dir", dir.path, "--", "--List:1=z"],
            environment: CLIRunner.environment(["DOTNET_ENVIRONMENT": "Staging", "A__C": "2"]))
        #expect(result.status == 0, "\(result.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        #expect(json["A:B"] as? String == "staging")
        #expect(json["A:C"] as? String == "2")
        #expect(json["List:0"] as? String == "x")
        #expect(json["List:1"] as? String == "z")
        #expect(json["N"] as? String == "", ".NET 9 turns JSON null into an empty string")
        #expect(json["Url"] as? String == "http://default")
        #expect(json["DOTNET_ENVIRONMENT"] as? String == "Staging")
    }

    @Test("a reference error in a secret's value quotes none of it", arguments: [
        (#"{"Smtp": {"Password": "hunter${2 secret}"}}"#, [String: String](), "the value of 'Smtp:Password' holds a malformed reference", ["2 secret", "hunter"]),
        (#"{"ConnectionStrings": {"Db": "Host=db;Password=Tr0ub${ad0r}&x"}}"#, [:], "the value references an environment variable that is not set", ["ad0r", "Tr0ub"]),
        (#"{"Plain": "1"}"#, ["Api__Token": "tok${abc def}"], "the value of 'Api:Token' holds a malformed reference", ["abc def", "tok"]),
        // Keys not named like a credential, whose values hold one: a URL's password, a Redis one.
        (#"{"Messaging": {"BrokerUrl": "amqp://app:Tr0ub4dor&3${Hunter-2}@mq.internal:5672/"}}"#, [:], "the value of 'Messaging:BrokerUrl' holds a malformed reference", ["Hunter-2", "Tr0ub"]),
        (#"{"Messaging": {"Redis": "redis.internal:6380,password=Zq9${x y}Lm"}}"#, [:], "the value of 'Messaging:Redis' holds a malformed reference", ["x y", "Zq9"]),
        (#"{"Messaging": {"BrokerUrl": "amqp://app:Tr0ub${ad0r}x@mq/"}}"#, [:], "the value references an environment variable that is not set", ["ad0r", "Tr0ub"]),
    ])
    func referenceErrorsInSecretsQuoteNothing(_ file: String, _ variables: [String: String], _ expected: String, _ hidden: [String]) throws {
        let dir = try folder(["appsettings.json": file])
        let result = try CLIRunner.run(["resolve", "--config-dir", dir.path], environment: CLIRunner.environment(variables))
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains(expected), "\(result.stderr)")
        for fragment in hidden { #expect(!result.stderr.contains(fragment), "\(fragment) in \(result.stderr)") }
    }

    @Test("a reference error outside a secret still names what is wrong")
    func referenceErrorsElsewhereNameTheVariable() throws {
        let dir = try folder(["appsettings.json": #"{"Feature": {"Url": "https://x/${FEATURE_HOST_UNSET}"}, "Bad": "${2 x}"}"#])
        let result = try CLIRunner.run(["resolve", "--config-dir", dir.path], environment: CLIRunner.environment())
        #expect(result.status == 2)
        #expect(result.stderr.contains("'2 x' is not a valid environment variable name"), "\(result.stderr)")
        #expect(result.stderr.contains("(in the value of 'Bad')"), "\(result.stderr)")
        let unset = try CLIRunner.run(["resolve", "--config-dir", try folder(["appsettings.json": #"{"Feature": {"Url": "https://x/${FEATURE_HOST_UNSET}"}}"#]).path], environment: CLIRunner.environment())
        #expect(unset.status == 2)
        #expect(unset.stderr.contains("environment variable FEATURE_HOST_UNSET is not set"), "\(unset.stderr)")
    }

    @Test("ASPNETCORE_ and DOTNET_ variables also count with their prefix removed, beneath the files, as WebApplication.CreateBuilder adds them (rule L5)")
    func hostPrefixedVariables() throws {
        let dir = try folder(["appsettings.json": #"{"Feature": {"Owned": "file"}}"#])
        let result = try CLIRunner.run(
            ["resolve", "--config-dir", dir.path, "--keep-references"],
            environment: CLIRunner.environment([
                "DOTNET_Feature__Flag": "on", "ASPNETCORE_URLS": "http://+:8080", "DOTNET_Feature__Owned": "host",
                "ASPNETCORE_Both": "aspnetcore", "DOTNET_Both": "dotnet",
            ]))
        #expect(result.status == 0, "\(result.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        #expect(json["Feature:Flag"] as? String == "on")
        #expect(json["URLS"] as? String == "http://+:8080")
        #expect(json["Feature:Owned"] as? String == "file", "the files are above the host's variables")
        #expect(json["Both"] as? String == "dotnet", "DOTNET_ comes after ASPNETCORE_")
        #expect(json["DOTNET_Feature:Flag"] as? String == "on", "and every variable as it is, above the files")
    }

    @Test("--keep-references writes literal '${' escaped again, so the output reads back as the same configuration")
    func keptReferencesRoundTrip() throws {
        let dir = try folder(["appsettings.json": #"{"Mixed": "cost $${5} and ${aws:secrets:qsl/x}", "Only": "$${literal}", "FromDefault": "${UNSET_QSL_VAR:a$b}"}"#])
        let result = try CLIRunner.run(["resolve", "--config-dir", dir.path, "--keep-references"], environment: CLIRunner.environment())
        #expect(result.status == 0, "\(result.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        #expect(json["Mixed"] as? String == "cost $${5} and ${aws:secrets:qsl/x}")
        #expect(json["Only"] as? String == "$${literal}")
        #expect(json["FromDefault"] as? String == "a$b", "a `$` that starts nothing stays as it is")
        // Without --keep-references the escapes are undone, as a service reads them.
        let plain = try CLIRunner.run(["resolve", "--config-dir", try folder(["appsettings.json": #"{"Only": "$${literal}"}"#]).path], environment: CLIRunner.environment())
        #expect((try JSONSerialization.jsonObject(with: Data(plain.stdout.utf8)) as! [String: Any])["Only"] as? String == "${literal}")
    }

    @Test("--keep-references keeps a relative reference as written, with or without a prefix to resolve it under")
    func keptRelativeReferences() throws {
        for file in [#"{"Db": {"Conn": "${aws:secrets:./db:password}"}}"#, #"{"AWS": {"SecretsManagerPrefix": "qsl/prod/"}, "Db": {"Conn": "${aws:secrets:./db:password}"}}"#] {
            let dir = try folder(["appsettings.json": file])
            let result = try CLIRunner.run(["resolve", "--config-dir", dir.path, "--keep-references"], environment: CLIRunner.environment())
            #expect(result.status == 0, "\(result.stderr)")
            let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            #expect(json?["Db:Conn"] as? String == "${aws:secrets:./db:password}", "\(result.stdout)")
        }
    }

    @Test("QSL_LOG_LEVEL: a level turns logging on, an unknown one is bad usage (exit 2) naming the levels")
    func logLevel() throws {
        let dir = try folder(["appsettings.json": #"{"A": "1"}"#])
        let bad = try CLIRunner.run(["resolve", "--config-dir", dir.path], environment: CLIRunner.environment(["QSL_LOG_LEVEL": "verbose"]))
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("QSL_LOG_LEVEL is verbose, which is not a log level; use one of trace, debug, info"), "\(bad.stderr)")
        #expect(bad.stdout.isEmpty)
        let traced = try CLIRunner.run(["resolve", "--config-dir", dir.path], environment: CLIRunner.environment(["QSL_LOG_LEVEL": "TRACE"]))
        #expect(traced.status == 0, "\(traced.stderr)")
        #expect(!traced.stderr.isEmpty, "trace logging writes to standard error")
        let empty = try CLIRunner.run(["resolve", "--config-dir", dir.path], environment: CLIRunner.environment(["QSL_LOG_LEVEL": ""]))
        #expect(empty.status == 0 && empty.stderr.isEmpty, "an empty level leaves logging off")
    }

    @Test("--compat net10 keeps JSON null as null")
    func net10() throws {
        let dir = try folder(["appsettings.json": #"{"N": null, "E": []}"#])
        let result = try CLIRunner.run(["resolve", "--config-dir", dir.path, "--compat", "net10"], environment: CLIRunner.environment())
        #expect(result.status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        #expect(json["N"] is NSNull)
        #expect(json["E"] as? String == "")
    }

    @Test("env and tree formats")
    func envAndTree() throws {
        let dir = try folder(["appsettings.json": #"{"Logging": {"LogLevel": {"Default": "Warning"}}, "Port": 80}"#])
        let env = try CLIRunner.run(["resolve", "--config-dir", dir.path, "--format", "env"], environment: CLIRunner.environment())
        #expect(env.stdout.contains("Logging__LogLevel__Default=Warning\n"))
        #expect(env.stdout.contains("Port=80\n"))
        let tree = try CLIRunner.run(["resolve", "--config-dir", dir.path, "--format", "tree"], environment: CLIRunner.environment())
        #expect(tree.stdout.contains("Logging\n  LogLevel\n    Default = \"Warning\"\n"))
    }

    @Test("secret-looking keys and connection-string passwords are redacted unless --show-secrets")
    func redaction() throws {
        let canary = "canary-7f3a9c2e-do-not-print"
        let dir = try folder([
            "appsettings.json": """
            {"Security": {"JWT": {"Secret": "\(canary)"}},
             "ConnectionStrings": {"postgres-userservice": "Host=h;Password=\(canary);"},
             "Blockchain": {"RpcUrl": "https://user:\(canary)@rpc.example"},
             "Plain": "visible"}
            """
        ])
        for format in ["json", "env", "tree"] {
            let result = try CLIRunner.run(["resolve", "--config-dir", dir.path, "--format", format], environment: CLIRunner.environment())
            #expect(result.status == 0)
            #expect(!result.stdout.contains(canary), "\(format) leaked a secret")
            #expect(result.stdout.contains("visible"))
            #expect(result.stdout.contains("<redacted>"))
        }
        let shown = try CLIRunner.run(["resolve", "--config-dir", dir.path, "--show-secrets"], environment: CLIRunner.environment())
        #expect(shown.stdout.contains(canary))
    }

    /// Regression: a password holding a literal `${` (written `$${`, as the README says to) printed
    /// in clear: redaction read the resolved text's `${...}` as a reference.
    @Test("a resolved password holding a literal '${' is redacted like any other")
    func redactsPasswordsWithDollarBrace() throws {
        let dir = try folder([
            "appsettings.json": #"""
            {"Messaging": {"BrokerUrl": "amqp://app:Tr0ub$${4dor}x@mq.internal:5672/", "Redis": "redis.internal:6380,password=Zq9$${k}Lm,ssl=True"}}
            """#
        ])
        for format in ["json", "env", "tree"] {
            let result = try CLIRunner.run(["resolve", "--config-dir", dir.path, "--format", format], environment: CLIRunner.environment())
            #expect(result.status == 0, "\(result.stderr)")
            #expect(!result.stdout.contains("4dor") && !result.stdout.contains("Zq9"), "\(format): \(result.stdout)")
            #expect(result.stdout.contains("mq.internal") && result.stdout.contains("<redacted>"))
        }
        let shown = try CLIRunner.run(["resolve", "--config-dir", dir.path, "--show-secrets"], environment: CLIRunner.environment())
        #expect(shown.stdout.contains("Tr0ub${4dor}x"))
    }

    /// Regression: each of these printed in plaintext when redaction knew fewer key names and
    /// connection-string forms than the credential classifier.
    @Test("resolve --format json redacts Pwd, Passphrase, Cookie, Secrets:*, libpq and quoted passwords, and URL passwords with '/'")
    func redactionByClassifier() throws {
        let canaries = (1...7).map { "c4nary\($0)-never-print" }
        let dir = try folder([
            "appsettings.json": """
            {"Db": {"Pwd": "\(canaries[0])", "Passphrase": "\(canaries[1])"},
             "Session": {"Cookie": "\(canaries[2])"},
             "Secrets": {"Foo": "\(canaries[3])"},
             "Legacy": {
               "Dsn": "host=db password=\(canaries[4]) dbname=app",
               "Quoted": "Host=db;Password=\\"left-half;\(canaries[5])\\";Port=5432",
               "Url": "postgres://app:first/\(canaries[6])@db.example/app"
             },
             "Plain": "visible"}
            """
        ])
        let result = try CLIRunner.run(["resolve", "--config-dir", dir.path, "--format", "json"], environment: CLIRunner.environment())
        #expect(result.status == 0, "\(result.stderr)")
        for canary in canaries {
            #expect(!result.stdout.contains(canary), "leaked \(canary)")
            #expect(!result.stderr.contains(canary))
        }
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        #expect(json["Plain"] as? String == "visible")
        #expect(json["Db:Pwd"] as? String == "<redacted>")
        #expect(json["Secrets:Foo"] as? String == "<redacted>")
        #expect(json["Legacy:Dsn"] as? String == "host=db password=<redacted> dbname=app", "only the password is masked")
        #expect(json["Legacy:Quoted"] as? String == #"Host=db;Password="<redacted>";Port=5432"#)
        #expect(json["Legacy:Url"] as? String == "postgres://app:<redacted>@db.example/app")
        let shown = try CLIRunner.run(["resolve", "--config-dir", dir.path, "--format", "json", "--show-secrets"], environment: CLIRunner.environment())
        #expect(canaries.allSatisfy { shown.stdout.contains($0) })
    }

    /// Every key name, section and value form of the credential classifier's brief, through the
    /// CLI in all three formats: none of the canaries prints, and settings whose names only
    /// start like a credential word print as written.
    @Test("resolve redacts PASS, Auth, NPM_AUTH, Credentials:*, ApiKeys:*, quoted libpq and ADO passwords and URL passwords with /?#; Author, Authority, PassThrough and Passenger print")
    func redactionOfEveryClassifierForm() throws {
        let canaries = (1...12).map { "c4nary\($0)x-never-print" }
        let dir = try folder([
            "appsettings.json": """
            {"Redis": {"PASS": "\(canaries[0])"},
             "Proxy": {"Auth": "\(canaries[1])"},
             "NPM_AUTH": "\(canaries[2])",
             "Credentials": {"Smtp": {"User": "\(canaries[3])"}},
             "ApiKeys": {"Maps": "\(canaries[4])", "Search": ["\(canaries[5])"]},
             "Legacy": {
               "Dsn": "host=db user=app password='a b \(canaries[6])' dbname=x",
               "Ado": "Server=db;User ID=app;Password=\\"a;\(canaries[7])\\";Database=x",
               "Redis": "redis://:p/\(canaries[8])?s#s@host:6379",
               "Pg": "postgres://u:p%2F\(canaries[9])@h/db",
               "Pwd": "\(canaries[10])",
               "Passphrase": "\(canaries[11])"
             },
             "Book": {"Author": "Ursula", "Authority": "https://login.example/", "Passenger": "Ford"},
             "Routing": {"PassThrough": "true"}}
            """
        ])
        for format in ["json", "env", "tree"] {
            let result = try CLIRunner.run(["resolve", "--config-dir", dir.path, "--format", format], environment: CLIRunner.environment())
            #expect(result.status == 0, "\(result.stderr)")
            for canary in canaries {
                #expect(!result.stdout.contains(canary), "\(format) leaked \(canary)")
                #expect(!result.stderr.contains(canary), "\(format) leaked \(canary) on stderr")
            }
            for plain in ["Ursula", "https://login.example/", "Ford"] {
                #expect(result.stdout.contains(plain), "\(format) redacted \(plain)")
            }
        }
        let result = try CLIRunner.run(["resolve", "--config-dir", dir.path, "--format", "json"], environment: CLIRunner.environment())
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        #expect(json["Legacy:Dsn"] as? String == "host=db user=app password='<redacted>' dbname=x")
        #expect(json["Legacy:Ado"] as? String == #"Server=db;User ID=app;Password="<redacted>";Database=x"#)
        #expect(json["Legacy:Redis"] as? String == "redis://:<redacted>@host:6379")
        #expect(json["Legacy:Pg"] as? String == "postgres://u:<redacted>@h/db")
        #expect(json["Routing:PassThrough"] as? String == "true")
        #expect(json["ApiKeys:Search:0"] as? String == "<redacted>")
    }

    @Test("missing aws references fail with every position listed, or pass through with --keep-references")
    func awsReferences() throws {
        let dir = try folder([
            "appsettings.json": """
            {
              "A": "${aws:secrets:qsl/dev/a}",
              "B": "x=${aws:parameter:/qsl/dev/b}"
            }
            """
        ])
        let result = try CLIRunner.run(["resolve", "--config-dir", dir.path, "--store", "local"], environment: CLIRunner.environment(), directory: dir)
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty, "no partial output on failure")
        #expect(result.stderr.contains("appsettings.json:2:9: error: secret qsl/dev/a does not exist in the local store (referenced by 'A')"))
        #expect(result.stderr.contains("appsettings.json:3:11: error: parameter /qsl/dev/b does not exist"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent(".qsl").path), "reading an absent store creates nothing")
        let kept = try CLIRunner.run(["resolve", "--config-dir", dir.path, "--keep-references"], environment: CLIRunner.environment())
        #expect(kept.status == 0)
        #expect(kept.stdout.contains(#""B": "x=${aws:parameter:/qsl/dev/b}""#))
    }

    @Test("bad input exits 2 with FILE:LINE:COL and prints nothing on stdout", arguments: [
        ("{\n  \"a\": 1,\n  \"A\": 2\n}", "3:3", "duplicate key 'A'"),
        ("{\n  \"a\": [1, 2\n}", "3:1", "expected ',' or ']'"),
        ("[1]", "1:1", "must be an object"),
        ("{\"a\": \"\u{FF}\"}", "", "invalid UTF-8"),
        ("{\"a\": \"${aws:kms:x}\"}", "1:8", "unknown aws reference kind 'kms'"),
        ("{\"a\": \"${UNSET_VARIABLE_XYZ}\"}", "1:8", "UNSET_VARIABLE_XYZ is not set"),
    ])
    func badInput(content: String, position: String, message: String) throws {
        let dir = try CLIRunner.temporaryDirectory()
        var bytes = Data(content.utf8)
        if message == "invalid UTF-8" { bytes = Data([0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D]) }
        try bytes.write(to: dir.appendingPathComponent("appsettings.json"))
        let result = try CLIRunner.run(["resolve", "--config-dir", dir.path], environment: CLIRunner.environment())
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("appsettings.json:\(position.isEmpty ? "1:7" : position): error:"), "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test("a missing base file is an error, a missing environment file is not")
    func missingFiles() throws {
        let empty = try CLIRunner.temporaryDirectory()
        let missing = try CLIRunner.run(["resolve", "--config-dir", empty.path], environment: CLIRunner.environment())
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("appsettings.json:1:1: error: the base configuration file is missing"))
        let dir = try folder(["appsettings.json": "{}"])
        let ok = try CLIRunner.run(["resolve", "--config-dir", dir.path, "--environment", "Nowhere"], environment: CLIRunner.environment())
        #expect(ok.status == 0)
    }

    @Test("no command, or a command group with no subcommand, is bad usage (exit 2), so a script with an empty action fails; --help is exit 0")
    func missingSubcommand() throws {
        for (arguments, expected) in [([String](), "Name a command"), (["secret"], "Name what to do: qsl-config secret put|get|describe|list")] {
            let result = try CLIRunner.run(arguments, environment: CLIRunner.environment())
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(expected), "\(result.stderr)")
        }
        for arguments in [["--help"], ["secret", "--help"]] {
            #expect(try CLIRunner.run(arguments, environment: CLIRunner.environment()).status == 0, "\(arguments)")
        }
    }

    @Test("unknown options are bad usage (exit 2)")
    func badUsage() throws {
        let result = try CLIRunner.run(["resolve", "--config-dir", "x", "--no-such-option"], environment: CLIRunner.environment())
        #expect(result.status == 2)
        #expect(result.stderr.contains("--no-such-option"))
    }

    @Test("--format env writes a line break in a key as \\n, like one in a value: no line is injected")
    func envKeysCannotInjectLines() throws {
        let dir = try folder(["appsettings.json": #"{"Safe": "1", "Evil\nINJECTED": "2", "Value": "a\nINJECTED_TOO=3", "Cr\rLf": "4"}"#])
        let env = try CLIRunner.run(["resolve", "--config-dir", dir.path, "--format", "env"], environment: CLIRunner.environment())
        #expect(env.status == 0, "\(env.stderr)")
        let lines = env.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.allSatisfy { $0.contains("=") }, "every line is one NAME=VALUE: \(env.stdout)")
        #expect(lines.contains("Evil\\nINJECTED=2"), "\(env.stdout)")
        #expect(lines.contains("Cr\\rLf=4"), "\(env.stdout)")
        #expect(!lines.contains { $0.hasPrefix("INJECTED") })
    }

    @Test("--local-store naming a folder is exit 2 saying it is a directory")
    func localStoreFolder() throws {
        let dir = try folder(["appsettings.json": #"{"Db": "${aws:secrets:qsl/dev/db}"}"#])
        let store = dir.appendingPathComponent("store-folder")
        try FileManager.default.createDirectory(at: store, withIntermediateDirectories: true)
        let result = try CLIRunner.run(
            ["resolve", "--config-dir", dir.path, "--store", "local", "--local-store", store.path], environment: CLIRunner.environment())
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("local store \(store.path) is a directory"), "\(result.stderr)")
        #expect(!result.stderr.contains("does not exist"), "\(result.stderr)")
    }
}
