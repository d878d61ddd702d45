import Foundation
import FoundationXML
import QSLConfigTesting
import Testing

/// `qsl-config validate` end to end: exit codes, the five formats read back by real parsers,
/// and no secret value in any output.
@Suite("qsl-config validate")
struct ValidateCommandTests {
    static let canary = "canary-0b7e41-validate-never-print"

    /// A two-service platform root: `good` is clean, `bad` has a schema failure, a plaintext
    /// secret, a reference outside the prefix and an alternative spelling.
    static func platform() throws -> URL {
        let root = try CLIRunner.temporaryDirectory()
        func write(_ relative: String, _ text: String) throws {
            let url = root.appendingPathComponent(relative)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        try write("environments/production.json", """
            {"name": "production", "region": "us-east-1", "secretsPrefix": "qsl/production/",
             "parameterPrefix": "/qsl/production/config/", "store": {"kind": "aws"}}
            """)
        try write("environments/services.json", """
            {"services": [
              {"id": "good", "folder": "good", "kind": "service", "schema": "../schemas/service.schema.json", "connectionStrings": [], "sharedSections": []},
              {"id": "bad", "folder": "bad", "kind": "service", "schema": "../schemas/service.schema.json", "connectionStrings": [], "sharedSections": []}
            ]}
            """)
        try write("schemas/service.schema.json", """
            {
              "$schema": "https://json-schema.org/draft/2020-12/schema",
              "type": "object",
              "properties": {
                "Kestrel": {"type": "object", "properties": {"Port": {"type": "integer", "maximum": 65535}}},
                "ConnectionStrings": {"type": "object", "additionalProperties": {"type": "string", "writeOnly": true}},
                "Jwt": {"type": "object", "properties": {"Key": {"type": "string", "writeOnly": true, "deprecated": true, "x-qsl-preferred": "Security:JWT:Secret"}}}
              }
            }
            """)
        try write("good/appsettings.json", #"{"Kestrel": {"Port": 8080}, "ConnectionStrings": {"db": "${aws:secrets:qsl/production/db}"}}"#)
        try write("bad/appsettings.json", """
            {
              "Kestrel": { "Port": 99999 },
              "ConnectionStrings": {
                "db": "Host=db;Password=\(canary)",
                "100%,off": "${aws:secrets:qsl/staging/db}"
              },
              "Jwt": { "Key": "${aws:secrets:qsl/production/jwt:secret}" }
            }
            """)
        return root
    }

    static func validate(_ root: URL, _ extra: [String], environment: [String: String] = [:]) throws -> CLIRunner.Result {
        try CLIRunner.run(["validate", "--root", ".", "--environment", "production"] + extra, environment: CLIRunner.environment(environment), directory: root)
    }

    /// `FILE:LINE:COL: severity: message [rule]`.
    static func parseText(_ output: String) throws -> [(file: String, line: Int, column: Int, severity: String, message: String, rule: String)] {
        let pattern = try Regex(#"^(.+?):(\d+):(\d+): (error|warning|note): (.+) \[([a-z-]+)\]$"#)
        var found: [(String, Int, Int, String, String, String)] = []
        for line in output.split(separator: "\n") where !line.hasPrefix("qsl-config validate:") {
            let match = try #require(try pattern.wholeMatch(in: String(line)), "not compiler-style: \(line)")
            func group(_ i: Int) -> String { String(match.output[i].substring!) }
            found.append((group(1), Int(group(2))!, Int(group(3))!, group(4), group(5), group(6)))
        }
        return found
    }

    @Test("text is compiler-style with the summary last; exit 1 on findings, 0 when clean")
    func text() throws {
        let root = try Self.platform()
        let result = try Self.validate(root, [])
        #expect(result.status == 1, "\(result.stderr)")
        let lines = try Self.parseText(result.stdout)
        #expect(lines.contains { $0.file == "bad/appsettings.json" && $0.line == 2 && $0.column == 24 && $0.rule == "schema" && $0.severity == "error" })
        #expect(lines.contains { $0.line == 4 && $0.rule == "plaintext-secret" })
        #expect(lines.contains { $0.line == 5 && $0.rule == "reference-prefix" })
        #expect(lines.contains { $0.line == 7 && $0.rule == "spelling" && $0.severity == "warning" })
        #expect(result.stdout.hasSuffix("qsl-config validate: production: 2 services, 1 clean; 3 errors, 1 warning\n"))

        let clean = try Self.validate(root, ["--service", "good"])
        #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")
    }

    @Test("bad usage and unusable input exit 2 with one clear message")
    func unusableInput() throws {
        let none = try CLIRunner.run(["validate"], environment: CLIRunner.environment())
        #expect(none.status == 2)
        #expect(none.stderr.contains("--root DIR --environment ENV, or --config-dir DIR --schema FILE"))

        let root = try Self.platform()
        try Data("{\n  \"Kestrel\": { \"Port\": 1,, }\n}".utf8).write(to: root.appendingPathComponent("good/appsettings.json"))
        let broken = try Self.validate(root, ["--service", "good"])
        #expect(broken.status == 2)
        #expect(try Self.parseText(broken.stdout).first.map { "\($0.file):\($0.line)" } == "good/appsettings.json:2")

        let directory = try CLIRunner.run(
            ["validate", "--config-dir", root.appendingPathComponent("bad").path, "--schema", root.appendingPathComponent("schemas/nope.json").path],
            environment: CLIRunner.environment())
        #expect(directory.status == 2)
        #expect(directory.stderr.contains("nope.json:1:1: error: the schema file does not exist"))
    }

    @Test("a schema whose $refs loop without consuming the value is unusable input (exit 2) at the schema file, not a finding at the instance")
    func referenceLoop() throws {
        let root = try Self.platform()
        let loops = [
            "self.schema.json": ##"{"$ref": "#"}"##,
            "pair.schema.json": """
                {
                  "$defs": {
                    "a": { "$ref": "#/$defs/b" },
                    "b": { "$ref": "#/$defs/a" }
                  },
                  "$ref": "#/$defs/a"
                }
                """,
        ]
        for (name, text) in loops {
            let schema = root.appendingPathComponent("schemas/\(name)")
            try Data(text.utf8).write(to: schema)
            let result = try CLIRunner.run(
                ["validate", "--config-dir", root.appendingPathComponent("good").path, "--schema", schema.path], environment: CLIRunner.environment())
            #expect(result.status == 2, "\(name): \(result.stdout)\(result.stderr)")
            #expect(result.stderr.contains("\(schema.path):"), "\(name): \(result.stderr)")
            #expect(result.stderr.contains("without consuming it, so validating never ends"), "\(name): \(result.stderr)")
            #expect(!result.stdout.contains("good/appsettings.json"), "\(name): reported at the instance")
        }
    }

    @Test("json holds every service and finding with its position")
    func json() throws {
        let result = try Self.validate(try Self.platform(), ["--format", "json"])
        #expect(result.status == 1)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let summary = try #require(report["summary"] as? [String: Any])
        #expect(summary["errors"] as? Int == 3)
        #expect(summary["exitStatus"] as? Int == 1)
        let services = try #require(report["services"] as? [[String: Any]])
        #expect(services.map { $0["id"] as? String } == ["good", "bad"])
        #expect(services.map { $0["valid"] as? Bool } == [true, false])
        let diagnostics = try #require(services[1]["diagnostics"] as? [[String: Any]])
        let schema = try #require(diagnostics.first { $0["rule"] as? String == "schema" })
        #expect(schema["file"] as? String == "bad/appsettings.json")
        #expect(schema["line"] as? Int == 2)
        #expect(schema["column"] as? Int == 24)
        #expect(schema["key"] as? String == "Kestrel:Port")
    }

    @Test("github prints workflow commands the runner parses back to the same findings")
    func github() throws {
        let root = try Self.platform()
        let text = try Self.parseText(try Self.validate(root, []).stdout)
        let result = try Self.validate(root, ["--format", "github"])
        #expect(result.status == 1)
        let command = try Regex(#"^::(error|warning|notice) file=([^,:]+),line=(\d+),col=(\d+),title=([^:,]+)::(.*)$"#)
        var parsed: [(file: String, line: Int, column: Int, severity: String, message: String)] = []
        for line in result.stdout.split(separator: "\n") where line.hasPrefix("::") {
            let match = try #require(try command.wholeMatch(in: String(line)), "not a workflow command: \(line)")
            func group(_ i: Int) -> String { String(match.output[i].substring!) }
            func unescape(_ s: String) -> String {
                s.replacingOccurrences(of: "%0A", with: "\n").replacingOccurrences(of: "%0D", with: "\r")
                    .replacingOccurrences(of: "%3A", with: ":").replacingOccurrences(of: "%2C", with: ",").replacingOccurrences(of: "%25", with: "%")
            }
            #expect(unescape(group(5)).hasPrefix("qsl-config "))
            parsed.append((unescape(group(2)), Int(group(3))!, Int(group(4))!, group(1), unescape(group(6))))
        }
        #expect(parsed.count == text.count)
        for (command, line) in zip(parsed, text) {
            #expect(command.file == line.file && command.line == line.line && command.column == line.column)
            #expect(command.severity == (line.severity == "note" ? "notice" : line.severity))
            #expect(command.message == line.message)
        }
        #expect(result.stdout.contains("'ConnectionStrings:100%25,off'"), "'%' in a message is escaped")
    }

    @Test("junit is XML with one test case per service, failures for findings")
    func junit() throws {
        let result = try Self.validate(try Self.platform(), ["--format", "junit"])
        #expect(result.status == 1)
        let document = try XMLDocument(data: Data(result.stdout.utf8))
        let suites = try #require(document.rootElement())
        #expect(suites.name == "testsuites")
        #expect(suites.attribute(forName: "tests")?.stringValue == "2")
        #expect(suites.attribute(forName: "failures")?.stringValue == "1")
        let cases = try document.nodes(forXPath: "/testsuites/testsuite/testcase").compactMap { $0 as? XMLElement }
        #expect(cases.map { $0.attribute(forName: "name")?.stringValue } == ["good", "bad"])
        #expect(cases[0].elements(forName: "failure").isEmpty)
        let failure = try #require(cases[1].elements(forName: "failure").first)
        #expect(failure.attribute(forName: "message")?.stringValue?.hasPrefix("3 errors; the first: bad/appsettings.json:2:24") == true)
        #expect(failure.stringValue?.split(separator: "\n").count == 3)
        #expect(cases[1].elements(forName: "system-out").first?.stringValue?.contains("[spelling]") == true)
    }

    @Test("sarif is SARIF 2.1.0: a run with the tool, its rules, and located results")
    func sarif() throws {
        let result = try Self.validate(try Self.platform(), ["--format", "sarif"])
        #expect(result.status == 1)
        let log = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(log["version"] as? String == "2.1.0")
        #expect((log["$schema"] as? String)?.hasSuffix("sarif-schema-2.1.0.json") == true)
        let runs = try #require(log["runs"] as? [[String: Any]])
        #expect(runs.count == 1)
        let driver = try #require((runs[0]["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "qsl-config")
        let rules = try #require(driver["rules"] as? [[String: Any]])
        let ruleIds = rules.compactMap { $0["id"] as? String }
        #expect(Set(ruleIds).count == rules.count, "rule ids are unique")
        #expect(rules.allSatisfy { (($0["shortDescription"] as? [String: Any])?["text"] as? String)?.isEmpty == false })
        let results = try #require(runs[0]["results"] as? [[String: Any]])
        #expect(results.count == 4)
        for entry in results {
            let ruleId = try #require(entry["ruleId"] as? String)
            let index = try #require(entry["ruleIndex"] as? Int)
            #expect(ruleIds[index] == ruleId)
            #expect(["error", "warning", "note"].contains(entry["level"] as? String ?? ""))
            #expect(((entry["message"] as? [String: Any])?["text"] as? String)?.isEmpty == false)
            let location = try #require((entry["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
            #expect((location["artifactLocation"] as? [String: Any])?["uri"] as? String == "bad/appsettings.json")
            let region = try #require(location["region"] as? [String: Any])
            #expect((region["startLine"] as? Int ?? 0) >= 1)
            #expect((region["startColumn"] as? Int ?? 0) >= 1)
        }
        #expect(results.first { $0["ruleId"] as? String == "spelling" }?["level"] as? String == "warning")
    }

    @Test("no format ever shows a secret value, and the process environment is not a layer")
    func neverShowsSecrets() throws {
        let root = try Self.platform()
        let polluted = ["Kestrel__Port": "not-a-number", "ConnectionStrings__leak": Self.canary]
        for format in ["text", "json", "github", "junit", "sarif"] {
            let result = try Self.validate(root, ["--format", format], environment: polluted)
            #expect(result.status == 1)
            #expect(!result.stdout.contains(Self.canary) && !result.stderr.contains(Self.canary), "\(format) showed a secret")
            #expect(!result.stdout.contains("ConnectionStrings:leak"), "\(format): the environment became a layer")
        }
        let clean = try Self.validate(root, ["--service", "good"], environment: polluted)
        #expect(clean.status == 0)
    }

    @Test("no format shows the number of a writeOnly key that fails its schema")
    func neverShowsSecretNumbers() throws {
        let root = try Self.platform()
        let number = "84736251"
        let schema = root.appendingPathComponent("schemas/service.schema.json")
        let text = String(decoding: try Data(contentsOf: schema), as: UTF8.self)
        let withPin = text.replacing(#""properties": {"#, with: #""properties": {"Pin": {"type": "integer", "writeOnly": true, "maximum": 9999},"#)
        #expect(withPin != text)
        try Data(withPin.utf8).write(to: schema)
        try Data(#"{"Kestrel": {"Port": 8080}, "Pin": "\#(number)"}"#.utf8).write(to: root.appendingPathComponent("good/appsettings.json"))
        for format in ["text", "json", "github", "junit", "sarif"] {
            let result = try Self.validate(root, ["--service", "good", "--format", format])
            #expect(result.status == 1)
            #expect(result.stdout.contains("9999"), "\(format) names the limit")
            #expect(!result.stdout.contains(number) && !result.stderr.contains(number), "\(format) showed a secret number")
        }
    }

    @Test("--env-file adds a layer, reported at its own line and column")
    func envFile() throws {
        let root = try Self.platform()
        try Data("# overrides\nKestrel__Port=70000\nConnectionStrings__cache=\(Self.canary)\n".utf8).write(to: root.appendingPathComponent("deploy.env"))
        let result = try Self.validate(root, ["--service", "good", "--env-file", "deploy.env"])
        #expect(result.status == 1)
        let lines = try Self.parseText(result.stdout)
        #expect(lines.contains { $0.file == "deploy.env" && $0.line == 2 && $0.column == 15 && $0.rule == "schema" })
        #expect(lines.contains { $0.file == "deploy.env" && $0.line == 3 && $0.column == 26 && $0.rule == "plaintext-secret" })
        #expect(!result.stdout.contains(Self.canary))
    }

    @Test("--env-file naming a missing file says so; a FIFO is refused at once instead of hanging; both exit 2")
    func envFileNotARegularFile() throws {
        let root = try Self.platform()
        let missing = try Self.validate(root, ["--service", "good", "--env-file", "missing.env"])
        #expect(missing.status == 2, "\(missing.stderr)")
        #expect(missing.stderr.contains("missing.env:1:1: error: the file does not exist"), "\(missing.stderr)")
        #expect(!missing.stderr.contains("directory"), "\(missing.stderr)")

        let fifo = root.appendingPathComponent("deploy.fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        // No writer ever opens the FIFO: reading it would block forever.
        let refused = try Self.validate(root, ["--service", "good", "--env-file", "deploy.fifo"])
        #expect(refused.status == 2, "\(refused.stderr)")
        #expect(refused.stderr.contains("deploy.fifo:1:1: error: this is a FIFO (named pipe), not a regular file"), "\(refused.stderr)")

        let folder = try Self.validate(root, ["--service", "good", "--env-file", "good"])
        #expect(folder.status == 2)
        #expect(folder.stderr.contains("good:1:1: error: this is a directory, not a file"), "\(folder.stderr)")
    }

    @Test("directory mode: a schema $ref outside the schema's folder is exit 2 at the $ref unless --schema-root allows the folder")
    func schemaRoot() throws {
        let root = try CLIRunner.temporaryDirectory()
        try FileManager.default.createDirectory(at: root.appendingPathComponent("schemas/services"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("svc"), withIntermediateDirectories: true)
        try Data(#"{"$defs": {"port": {"type": "integer"}}}"#.utf8).write(to: root.appendingPathComponent("schemas/common.schema.json"))
        try Data(#"{"properties": {"Port": {"$ref": "../common.schema.json#/$defs/port"}}}"#.utf8)
            .write(to: root.appendingPathComponent("schemas/services/svc.schema.json"))
        try Data(#"{"Port": 8080}"#.utf8).write(to: root.appendingPathComponent("svc/appsettings.json"))
        let arguments = ["validate", "--config-dir", "svc", "--schema", "schemas/services/svc.schema.json"]
        let refused = try CLIRunner.run(arguments, environment: CLIRunner.environment(), directory: root)
        #expect(refused.status == 2, "\(refused.stdout)\(refused.stderr)")
        #expect(refused.stderr.contains("schemas/services/svc.schema.json:1:"), "\(refused.stderr)")
        #expect(refused.stderr.contains("which is outside schemas/services; a schema may only refer to files there [reference-outside-root]"), "\(refused.stderr)")
        let allowed = try CLIRunner.run(arguments + ["--schema-root", "schemas"], environment: CLIRunner.environment(), directory: root)
        #expect(allowed.status == 0, "\(allowed.stdout)\(allowed.stderr)")
    }

    @Test("a catalogue entry leading outside the root is exit 2 naming the catalogue file and the entry")
    func catalogueEscape() throws {
        let root = try Self.platform()
        let catalogue = root.appendingPathComponent("environments/services.json")
        let text = try String(contentsOf: catalogue, encoding: .utf8).replacing(#""folder": "bad""#, with: #""folder": "../../../etc""#)
        try Data(text.utf8).write(to: catalogue)
        let result = try Self.validate(root, [])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("environments/services.json:3:"), "\(result.stderr)")
        #expect(result.stderr.contains("the folder of service bad leads outside the platform root [catalogue-path]"), "\(result.stderr)")
    }

    @Test("--remote checks the references against moto through --endpoint-url")
    func remote() async throws {
        let moto = try await MotoServer.start()
        defer { moto.stop() }
        let root = try Self.platform()
        let credentials = ["AWS_ACCESS_KEY_ID": "AKIDCLI", "AWS_SECRET_ACCESS_KEY": "cli-secret", "AWS_EC2_METADATA_DISABLED": "true"]
        let missing = try Self.validate(root, ["--service", "good", "--remote", "--endpoint-url", moto.endpointURL], environment: credentials)
        #expect(missing.status == 1, "\(missing.stderr)")
        #expect(try Self.parseText(missing.stdout).map(\.rule) == ["secret-missing"])
        #expect(missing.stdout.contains("secrets and parameters checked remotely"))

        let created = try CLIRunner.run(
            ["secret", "put", "qsl/production/db", "--store", "aws", "--endpoint-url", moto.endpointURL, "--region", "us-east-1"],
            environment: CLIRunner.environment(credentials), stdin: "Host=db;Password=x")
        try #require(created.status == 0, "\(created.stderr)")
        let found = try Self.validate(root, ["--service", "good", "--remote", "--endpoint-url", moto.endpointURL], environment: credentials)
        #expect(found.status == 0, "\(found.stdout)\(found.stderr)")
    }

    @Test("the repository's own tree validates clean in development, as the demo runs it")
    func repositoryTree() throws {
        let result = try CLIRunner.run(
            ["validate", "--root", ".", "--environment", "development"], environment: CLIRunner.environment(), directory: CLIRunner.repositoryRoot)
        #expect(result.status == 0, "\(result.stdout.suffix(2000))\(result.stderr)")
        #expect(result.stdout.hasSuffix("qsl-config validate: development: 22 services, 22 clean; 0 errors, 70 warnings\n"))
    }

    /// A development platform under `platform/`: one listed service whose references the seed
    /// partly covers, and one folder the catalogue does not list.
    static func developmentPlatform() throws -> URL {
        let root = try CLIRunner.temporaryDirectory()
        func write(_ relative: String, _ text: String) throws {
            let url = root.appendingPathComponent(relative)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        try write("environments/development.json", """
            {"name": "development", "region": "us-east-1", "secretsPrefix": "qsl/development/",
             "parameterPrefix": "/qsl/development/config/", "store": {"kind": "local"}, "plainSecretsAllowed": true}
            """)
        try write("environments/services.json", """
            {"services": [
              {"id": "good", "folder": "platform/good", "kind": "service", "schema": "../schemas/service.schema.json", "connectionStrings": [], "sharedSections": []}
            ]}
            """)
        try write("schemas/service.schema.json", #"{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object"}"#)
        try write("platform/good/appsettings.json", """
            {
              "Db": { "Password": "${aws:secrets:qsl/development/db:password}" },
              "Kestra": { "Url": "${aws:parameter:/qsl/development/config/kestra/url}" }
            }
            """)
        try write("platform/ghost/appsettings.json", "{}")
        try write("platform/dev-seed.json", #"{"secrets": {"qsl/development/db": {"user": "dev"}}, "parameters": {}}"#)
        return root
    }

    @Test("development: an unlisted folder and references the seed lacks are errors at their files; fixed, the tree is clean")
    func catalogueAndSeedCoverage() throws {
        let root = try Self.developmentPlatform()
        let run = { try CLIRunner.run(["validate", "--root", ".", "--environment", "development"], environment: CLIRunner.environment(), directory: root) }
        let result = try run()
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        let lines = try Self.parseText(result.stdout)
        #expect(lines.contains { $0.file == "platform/ghost/appsettings.json" && $0.line == 1 && $0.rule == "catalogue-unlisted" && $0.severity == "error" })
        #expect(lines.contains {
            $0.file == "platform/good/appsettings.json" && $0.line == 2 && $0.rule == "seed-missing" && $0.message.contains("'Db:Password' reads JSON key password")
        })
        #expect(lines.contains {
            $0.file == "platform/good/appsettings.json" && $0.line == 3 && $0.rule == "seed-missing"
                && $0.message.contains("parameter /qsl/development/config/kestra/url")
        })
        #expect(result.stdout.hasSuffix("qsl-config validate: development: 1 service, 0 clean; 3 errors, 0 warnings\n"))

        let sarif = try CLIRunner.run(
            ["validate", "--root", ".", "--environment", "development", "--format", "sarif"], environment: CLIRunner.environment(), directory: root)
        #expect(sarif.stdout.contains("\"catalogue-unlisted\"") && sarif.stdout.contains("\"seed-missing\""))

        try FileManager.default.removeItem(at: root.appendingPathComponent("platform/ghost"))
        try Data(#"{"secrets": {"qsl/development/db": {"password": "dev"}}, "parameters": {"/qsl/development/config/kestra/url": "http://localhost:8080"}}"#.utf8)
            .write(to: root.appendingPathComponent("platform/dev-seed.json"))
        let clean = try run()
        #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")
    }
}
