import Foundation
import QSLConfig
import QSLConfigTesting
import Testing

/// `secret`, `resolve --store aws` and `exec` end to end: the built binary against moto_server,
/// with fake environment credentials and the endpoint from `--endpoint-url` or `AWS_ENDPOINT_URL`.
/// The AWS CLI reads back what qsl-config wrote, as an independent client.
@Suite("qsl-config secret, resolve and exec on AWS (moto)", .serialized)
struct AWSStoreCommandTests {
    /// `aws ARGS --endpoint-url URL --output json` with the workspace's fake credentials.
    static func awsCLI(_ w: StoreWorkspace, _ arguments: [String]) throws -> [String: Any] {
        let result = try ChildProcess.run(
            program: "aws", arguments + ["--endpoint-url", w.moto!.endpointURL, "--output", "json"],
            environment: w.environment.merging(["AWS_DEFAULT_REGION": "us-east-1"]) { $1 })
        guard result.status == 0, let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] else {
            throw CLIFailure(description: "aws \(arguments.joined(separator: " ")) failed with status \(result.status)")
        }
        return object
    }

    struct CLIFailure: Error, CustomStringConvertible {
        var description: String
    }

    @Test("secret put, get, describe and list against Secrets Manager")
    func secretCommands() async throws {
        let w = try await StoreWorkspace.make(.aws)
        let created = try w.run(["secret", "put", "qsl/dev/kestra", "--tag", "Project=qsl", "--description", "Kestra password"], stdin: "first-value\n")
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.hasPrefix("created qsl/dev/kestra version "))
        #expect(created.stdout.hasSuffix(" in AWS (us-east-1)\n"))
        // The AWS CLI sees exactly what was written, trailing newline removed.
        #expect(try Self.awsCLI(w, ["secretsmanager", "get-secret-value", "--secret-id", "qsl/dev/kestra"])["SecretString"] as? String == "first-value")

        let updated = try w.run(["secret", "put", "qsl/dev/kestra"], stdin: "second-value")
        #expect(updated.status == 0)
        #expect(updated.stdout.hasPrefix("updated qsl/dev/kestra version "))
        let get = try w.run(["secret", "get", "qsl/dev/kestra"])
        #expect(get.status == 0)
        #expect(get.stdout.contains("<redacted>"))
        #expect(!get.stdout.contains("second-value"))
        #expect(try w.run(["secret", "get", "qsl/dev/kestra", "--show-secrets"]).stdout == "second-value\n")
        #expect(try w.run(["secret", "get", "qsl/dev/kestra", "--stage", "AWSPREVIOUS", "--show-secrets"]).stdout == "first-value\n")

        let describe = try w.run(["secret", "describe", "qsl/dev/kestra", "--format", "json"])
        #expect(describe.status == 0, "\(describe.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(describe.stdout.utf8)) as? [String: Any])
        #expect(object["Name"] as? String == "qsl/dev/kestra")
        #expect((object["ARN"] as? String)?.hasPrefix("arn:aws:secretsmanager:us-east-1:123456789012:secret:qsl/dev/kestra-") == true)
        #expect(object["Description"] as? String == "Kestra password")
        #expect(object["Tags"] as? [String: String] == ["Project": "qsl"])
        let stages = try #require(object["VersionIdsToStages"] as? [String: [String]])
        #expect(Set(stages.values.flatMap { $0 }) == ["AWSCURRENT", "AWSPREVIOUS"])
        let previousId = try #require(stages.first { $0.value.contains("AWSPREVIOUS") }?.key)
        #expect(try w.run(["secret", "get", "qsl/dev/kestra", "--version-id", previousId, "--show-secrets"]).stdout == "first-value\n")
        #expect(!describe.stdout.contains("value"), "describe never prints a value")

        let valueFile = w.root.appendingPathComponent("value.txt")
        try Data(#"{"username":"svc","password":"from-file"}"#.utf8).write(to: valueFile)
        #expect(try w.run(["secret", "put", "qsl/dev/db", "--value-file", valueFile.path]).status == 0)
        #expect(try w.run(["secret", "put", "qsl/other/x"], stdin: "x").status == 0)
        let list = try w.run(["secret", "list", "--prefix", "qsl/dev/"])
        #expect(list.status == 0)
        #expect(list.stdout.split(separator: "\n").map { String($0.split(separator: "\t")[0]) } == ["qsl/dev/db", "qsl/dev/kestra"])
        let all = try w.run(["secret", "list", "--format", "json"])
        let names = try #require(try JSONSerialization.jsonObject(with: Data(all.stdout.utf8)) as? [[String: Any]]).compactMap { $0["Name"] as? String }
        #expect(names == ["qsl/dev/db", "qsl/dev/kestra", "qsl/other/x"])

        let missing = try w.run(["secret", "get", "qsl/dev/none"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("qsl/dev/none"))
        #expect(missing.stderr.split(separator: "\n").count == 1, "one error line: \(missing.stderr)")
        let badStage = try w.run(["secret", "get", "qsl/dev/kestra", "--stage", "NOSUCHSTAGE"])
        #expect(badStage.status == 2)
    }

    @Test("resolve --store aws with the endpoint from AWS_ENDPOINT_URL, secrets and parameters in one pass")
    func resolve() async throws {
        let w = try await StoreWorkspace.make(.aws)
        #expect(try w.run(["secret", "put", "qsl/dev/db"], stdin: #"{"username":"svc","password":"pw-1"}"#).status == 0)
        try await w.store().putParameter("/qsl/dev/config/kestra/url", value: "https://kestra.example", secure: false)
        try await w.store().putParameter("/qsl/dev/config/token", value: "tok-1", secure: true)
        try w.write(
            """
            {
              "Db": { "User": "${aws:secrets:qsl/dev/db:username}", "Url": "postgres://svc:${aws:secrets:qsl/dev/db:password}@db" },
              "Kestra": { "Url": "${aws:parameter:/qsl/dev/config/kestra/url}" },
              "Api": { "Token": "${aws:ssm:/qsl/dev/config/token}" }
            }
            """, to: "svc/appsettings.json")
        let env = ["AWS_ENDPOINT_URL": w.moto!.endpointURL]
        let shown = try w.run(["resolve", "--config-dir", "svc", "--store", "aws", "--show-secrets"], environment: env, storeOptions: false)
        #expect(shown.status == 0, "\(shown.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
        #expect(json["Db:User"] as? String == "svc")
        #expect(json["Db:Url"] as? String == "postgres://svc:pw-1@db")
        #expect(json["Kestra:Url"] as? String == "https://kestra.example")
        #expect(json["Api:Token"] as? String == "tok-1")

        let redacted = try w.run(["resolve", "--config-dir", "svc", "--store", "aws", "--format", "env"], environment: env, storeOptions: false)
        #expect(redacted.status == 0)
        #expect(redacted.stdout.contains("Kestra__Url=https://kestra.example"))
        #expect(!redacted.stdout.contains("pw-1"))
        #expect(!redacted.stdout.contains("tok-1"), "a SecureString parameter is redacted")

        // The debug log counts the calls: one BatchGetSecretValue and one GetParameters.
        let logged = try w.run(["resolve", "--config-dir", "svc"], environment: ["QSL_LOG_LEVEL": "debug"])
        #expect(logged.status == 0)
        #expect(logged.stderr.contains("calls=2"), "\(logged.stderr)")
        #expect(logged.stderr.contains("secrets=1"))
        #expect(logged.stderr.contains("parameters=2"))

        // The Parameter Store prefix layer: /prefix/Section/Key becomes Section:Key, below the environment.
        try await w.store().putParameter("/qsl/dev/layer/Kestra/Url", value: "https://from-parameter-store.example", secure: false)
        try await w.store().putParameter("/qsl/dev/layer/Features/Beta", value: "true", secure: false)
        try w.write(#"{"AWS": {"ParameterStorePrefix": "/qsl/dev/layer/"}, "Kestra": {"Url": "https://from-file.example"}, "Features": {"Beta": "false"}}"#, to: "layered/appsettings.json")
        let layered = try w.run(["resolve", "--config-dir", "layered"], environment: ["Features__Beta": "from-environment"])
        #expect(layered.status == 0, "\(layered.stderr)")
        let layeredJSON = try #require(try JSONSerialization.jsonObject(with: Data(layered.stdout.utf8)) as? [String: Any])
        #expect(layeredJSON["Kestra:Url"] as? String == "https://from-parameter-store.example", "the prefix layer beats the files")
        #expect(layeredJSON["Features:Beta"] as? String == "from-environment", "the environment beats the prefix layer")

        try w.write(#"{"A": "${aws:secrets:qsl/dev/none}", "B": "${aws:parameter:/qsl/dev/none}"}"#, to: "broken/appsettings.json")
        let broken = try w.run(["resolve", "--config-dir", "broken"])
        #expect(broken.status == 2)
        let errors = broken.stderr.split(separator: "\n")
        #expect(errors.count == 2, "\(broken.stderr)")
        #expect(errors.contains { $0.hasPrefix("broken/appsettings.json:1:8: error: secret qsl/dev/none does not exist in Secrets Manager (referenced by 'A')") })
        #expect(errors.contains { $0.hasPrefix("broken/appsettings.json:1:44: error: parameter /qsl/dev/none does not exist in AWS (us-east-1) (referenced by 'B')") })
    }

    @Test("exec --store aws hands the resolved configuration to the child's environment only")
    func exec() async throws {
        let w = try await StoreWorkspace.make(.aws)
        #expect(try w.run(["secret", "put", "qsl/dev/kestra"], stdin: "kestra-pw").status == 0)
        try await w.store().putParameter("/qsl/dev/config/kestra/url", value: "https://kestra.example", secure: false)
        try w.write(#"{"Kestra": {"Password": "${aws:secrets:qsl/dev/kestra}", "Url": "${aws:parameter:/qsl/dev/config/kestra/url}"}}"#, to: "svc/appsettings.json")
        let result = try w.run(["exec", "--config-dir", "svc"], tail: ["/bin/sh", "-c", #"printf '%s|%s' "$Kestra__Password" "$Kestra__Url""#])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "kestra-pw|https://kestra.example")
        #expect(result.stderr.isEmpty)

        // --from-environment: the references are in the variables, as an ECS task definition sets them.
        let fromEnvironment = try w.run(
            ["exec", "--from-environment"], tail: ["/bin/sh", "-c", #"printf '%s' "$Kestra__Password""#],
            environment: ["Kestra__Password": "${aws:secrets:qsl/dev/kestra}"])
        #expect(fromEnvironment.status == 0, "\(fromEnvironment.stderr)")
        #expect(fromEnvironment.stdout == "kestra-pw")

        // AWS unreachable: exit 3, and the command never runs.
        let port = w.moto!.port
        w.moto!.stop()
        let unreachable = try w.run(["exec", "--config-dir", "svc"], tail: ["/bin/sh", "-c", "echo ran"])
        #expect(unreachable.status == 3, "\(unreachable.stderr)")
        #expect(!unreachable.stdout.contains("ran"))
        #expect(unreachable.stderr.contains("127.0.0.1:\(port)"), "\(unreachable.stderr)")
    }
}
