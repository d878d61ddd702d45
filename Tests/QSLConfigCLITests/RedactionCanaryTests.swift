import Foundation
import QSLConfig
import QSLConfigCore
import QSLConfigTesting
import Testing

/// A canary value stored as a secret (whole, as a JSON field, as binary), as a SecureString
/// parameter and in the Parameter Store prefix layer, then every command and failure path run
/// on both stores with trace logging: without `--show-secrets` the canary never appears in
/// stdout or stderr, and nothing in the workspace holds it in the clear.
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
        return w
    }

    /// One run of the CLI and the exit status it must end with.
    struct Run: CustomStringConvertible {
        var command: [String]
        var tail: [String]? = nil
        var stdin: String? = nil
        var environment: [String: String] = [:]
        var status: Int32
        var description: String { (command + (tail.map { ["--"] + $0 } ?? [])).joined(separator: " ") }
    }

    static func runs(_ w: StoreWorkspace) throws -> [Run] {
        let valueFile = w.root.appendingPathComponent("value.txt")
        try Data(canary.utf8).write(to: valueFile)
        var runs: [Run] = []
        // Successes.
        for format in ["json", "env", "tree"] {
            runs.append(Run(command: ["resolve", "--config-dir", "svc", "--format", format], status: 0))
        }
        for name in ["qsl/dev/kestra", "qsl/dev/db", "qsl/dev/cert"] {
            runs.append(Run(command: ["secret", "get", name], status: 0))
        }
        runs += [
            Run(command: ["secret", "get", "qsl/dev/kestra", "--stage", "AWSCURRENT"], status: 0),
            Run(command: ["secret", "describe", "qsl/dev/db"], status: 0),
            Run(command: ["secret", "describe", "qsl/dev/db", "--format", "json"], status: 0),
            Run(command: ["secret", "list"], status: 0),
            Run(command: ["secret", "list", "--format", "json", "--prefix", "qsl/"], status: 0),
            Run(command: ["secret", "put", "qsl/dev/kestra"], stdin: canary, status: 0),
            Run(command: ["secret", "put", "qsl/dev/from-file", "--value-file", valueFile.path], status: 0),
            Run(command: ["exec", "--config-dir", "svc"], tail: ["/bin/true"], status: 0),
            Run(command: ["exec", "--from-environment"], tail: ["/bin/true"], environment: ["Kestra__Password": "${aws:secrets:qsl/dev/kestra}"], status: 0),
        ]
        // Failures.
        runs += [
            Run(command: ["resolve", "--config-dir", "bad"], status: 2),
            Run(command: ["resolve", "--config-dir", "bad", "--format", "env"], status: 2),
            Run(command: ["exec", "--config-dir", "bad"], tail: ["/bin/true"], status: 2),
            Run(command: ["exec", "--config-dir", "svc"], tail: ["qsl-no-such-command"], status: 127),
            Run(command: ["exec", "--from-environment"], tail: ["/bin/true"], environment: ["Kestra__Password": "${aws:secrets:qsl/dev/kestra:nokey}"], status: 2),
            Run(command: ["secret", "get", "qsl/dev/none"], status: 2),
            Run(command: ["secret", "get", "qsl/dev/kestra", "--stage", "NOSUCHSTAGE"], status: 2),
            Run(command: ["secret", "get", "qsl/dev/kestra", "--version-id", "00000000-0000-0000-0000-000000000000"], status: 2),
            Run(command: ["secret", "put", "qsl/dev/empty"], stdin: "", status: 2),
            Run(command: ["secret", "put", "qsl/dev/tagged", "--tag", "no-equals-sign"], stdin: canary, status: 2),
            Run(command: ["secret", "get", "qsl/dev/kestra", "--stage", "AWSCURRENT", "--version-id", "x"], status: 2),
        ]
        return runs
    }

    /// Failures of the store itself: a wrong key for the local store; unreachable or
    /// unauthenticated AWS.
    static func storeFailures(_ w: StoreWorkspace) async throws -> [(Run, [String])] {
        switch w.kind {
        case .local:
            let otherKey = Data(repeating: 9, count: 32).base64EncodedString()
            return [
                (Run(command: ["resolve", "--config-dir", "svc"], environment: ["QSL_LOCAL_STORE_KEY": otherKey], status: 3), w.storeArguments),
                (Run(command: ["secret", "get", "qsl/dev/kestra"], environment: ["QSL_LOCAL_STORE_KEY": otherKey], status: 3), w.storeArguments),
            ]
        case .aws:
            let closed = ["--store", "aws", "--endpoint-url", "http://127.0.0.1:\(try LoopbackPort.unused())"]
            return [
                (Run(command: ["resolve", "--config-dir", "svc"], status: 3), closed),
                (Run(command: ["secret", "get", "qsl/dev/kestra"], status: 3), closed),
                (Run(command: ["exec", "--config-dir", "svc"], tail: ["/bin/true"], status: 3), closed),
            ]
        }
    }

    @Test("the canary never appears without --show-secrets", arguments: StoreWorkspace.Kind.allCases)
    func canaryNeverPrinted(kind: StoreWorkspace.Kind) async throws {
        let w = try await Self.seeded(kind)
        let base64 = Data(Self.canary.utf8).base64EncodedString()
        func check(_ run: Run, storeArguments: [String]? = nil) throws {
            var environment = run.environment
            environment["QSL_LOG_LEVEL"] = "trace"
            let arguments = run.command + (storeArguments ?? w.storeArguments)
            let result = try CLIRunner.run(
                arguments + (run.tail.map { ["--"] + $0 } ?? []), environment: w.environment.merging(environment) { $1 }, stdin: run.stdin, directory: w.root)
            #expect(result.status == run.status, "\(kind): \(run) exited \(result.status): \(result.stderr)")
            for (stream, text) in [("stdout", result.stdout), ("stderr", result.stderr)] {
                #expect(!text.contains(Self.canary), "\(kind): \(stream) of \(run)")
                #expect(!text.contains(base64), "\(kind): \(stream) of \(run) holds the canary in base64")
            }
        }
        for run in try Self.runs(w) { try check(run) }
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

        // The store failing.
        for (run, arguments) in try await Self.storeFailures(w) { try check(run, storeArguments: arguments) }
        if kind == .aws {
            // Credentials moto does not know, with signature checking on: access denied, exit 3.
            let strict = try await MotoServer.start(initialNoAuthActionCount: 0)
            defer { strict.stop() }
            let denied = Run(command: ["resolve", "--config-dir", "svc"], status: 3)
            try check(denied, storeArguments: ["--store", "aws", "--endpoint-url", strict.endpointURL])
        }

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

        // Nothing in the workspace holds the canary in the clear (the test's own value file aside).
        let enumerator = try #require(FileManager.default.enumerator(atPath: w.root.path))
        for case let file as String in enumerator where file != "value.txt" {
            let data = (try? Data(contentsOf: w.root.appendingPathComponent(file))) ?? Data()
            #expect(!String(decoding: data, as: UTF8.self).contains(Self.canary), "\(kind): \(file) holds the canary")
        }
    }
}
