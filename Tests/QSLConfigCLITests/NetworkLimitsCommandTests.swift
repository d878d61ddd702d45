import Foundation
import QSLConfigAWS
import QSLConfigTesting
import Testing

/// The CLI against servers that misbehave: every call ends with exit 3 within the deadline times
/// the attempts, and bad network settings are exit 2.
@Suite("qsl-config against slow and misconfigured endpoints", .serialized)
struct NetworkLimitsCommandTests {
    /// Fake keys and a region: enough to sign, nothing from the machine.
    static func environment(_ extra: [String: String]) -> [String: String] {
        CLIRunner.environment([
            "AWS_ACCESS_KEY_ID": "AKIDNETWORKTEST00001", "AWS_SECRET_ACCESS_KEY": "network-test-secret",
            "AWS_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": "/nonexistent/qsl-net/config", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/qsl-net/credentials",
        ]).merging(extra) { $1 }
    }

    /// A run of qsl-config with the CPU time it used, measured by its parent shell (`times`
    /// reports the children's user and system time, from getrusage(RUSAGE_CHILDREN)).
    struct MeasuredRun {
        var result: CLIRunner.Result
        var wallSeconds: Double
        var cpuSeconds: Double
    }

    /// Runs `body` on a thread of its own, so a child process that takes seconds never holds one
    /// of the concurrency pool's few threads (other tests' deadlines need them).
    static func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }

    static func measured(_ arguments: [String], environment: [String: String]) async throws -> MeasuredRun {
        try await offPool { try measuredBlocking(arguments, environment: environment) }
    }

    static func measuredBlocking(_ arguments: [String], environment: [String: String]) throws -> MeasuredRun {
        let script = #""$0" "$@"; status=$?; times >&2; exit $status"#
        let start = ContinuousClock.now
        var result = try ChildProcess.run(
            URL(fileURLWithPath: "/bin/sh"), ["-c", script, CLIRunner.executable.path] + arguments,
            environment: environment, directory: try CLIRunner.temporaryDirectory())
        let wall = start.duration(to: .now)
        // `times` prints two lines: the shell's own user/system times, then its children's.
        let lines = result.stderr.split(separator: "\n")
        let children = lines.last.map(String.init) ?? ""
        result.stderr = lines.dropLast(2).joined(separator: "\n")
        let cpu = children.split(separator: " ").compactMap(Self.seconds).reduce(0, +)
        let (whole, atto) = wall.components
        return MeasuredRun(result: result, wallSeconds: Double(whole) + Double(atto) / 1e18, cpuSeconds: cpu)
    }

    /// `1m2.500000s` (dash and bash both print minutes and seconds) as seconds.
    static func seconds(_ text: Substring) -> Double? {
        guard let m = text.firstIndex(of: "m"), text.hasSuffix("s"), let minutes = Double(text[..<m]),
            let seconds = Double(text[text.index(after: m)..<text.index(before: text.endIndex)])
        else { return nil }
        return minutes * 60 + seconds
    }

    /// A server that answers every request one byte a second, forever in practice.
    static func tricklingServer() throws -> LocalHTTPServer {
        try LocalHTTPServer { _ in
            .trickle(AWSHTTPResponse(status: 200, body: [UInt8](repeating: UInt8(ascii: "{"), count: 4096)), every: .seconds(1))
        }
    }

    @Test(
        "secret get and whoami against a server trickling one byte a second end with exit 3 at the deadline times the attempts",
        arguments: [["secret", "get", "qsl/dev/slow", "--store", "aws"], ["whoami"]])
    func trickle(_ command: [String]) async throws {
        let server = try Self.tricklingServer()
        defer { server.stop() }
        // 2 s a try, 2 tries: about 4 s, plus the backoff (at most 0.1 s) and start-up.
        let env = Self.environment(["AWS_ENDPOINT_URL": server.baseURL, "QSL_HTTP_TIMEOUT": "2", "AWS_MAX_ATTEMPTS": "2"])
        let run = try await Self.measured(command, environment: env)
        #expect(run.result.status == 3, "stderr: \(run.result.stderr)")
        #expect(run.result.stderr.contains("timed out after 2 attempts"), "stderr: \(run.result.stderr)")
        #expect(run.result.stderr.contains("127.0.0.1:\(server.port)"))
        #expect(server.requests.count == 2)
        #expect(run.wallSeconds >= 3.5, "two attempts of 2 s each")
        #expect(run.wallSeconds < 30, "ended after \(run.wallSeconds) s")
        #expect(!run.result.stderr.contains("network-test-secret"))
    }

    /// Waits on a server that accepts the request and never answers, and returns the run.
    static func silentServerRun(ipv6: Bool) async throws -> MeasuredRun {
        let server = try LocalHTTPServer(ipv6: ipv6) { _ in .stall(.seconds(30)) }
        defer { server.stop() }
        let env = Self.environment(["AWS_ENDPOINT_URL": server.baseURL, "QSL_HTTP_TIMEOUT": "4", "AWS_MAX_ATTEMPTS": "1"])
        let run = try await Self.measured(["whoami"], environment: env)
        #expect(run.result.status == 3, "stderr: \(run.result.stderr)")
        #expect(run.result.stderr.contains("timed out"))
        #expect(run.wallSeconds >= 3.5)
        return run
    }

    /// Asleep, a 4 s wait costs next to nothing (start-up and the exchange take 0.02 to 0.05 s of
    /// CPU here); a tenth of the wall time is a generous bound that a busy wait (25 to 90 %) breaks.
    static let idleCPUShare = 0.10

    @Test("waiting on a silent IPv6 endpoint sleeps: CPU well under the wall time")
    func silentServerOwnClient() async throws {
        let run = try await Self.silentServerRun(ipv6: true)
        #expect(run.cpuSeconds < run.wallSeconds * Self.idleCPUShare, "used \(run.cpuSeconds) s of CPU in \(run.wallSeconds) s")
    }

    @Test("waiting on a container credentials endpoint that trickles (a byte every 0.5 s) sleeps, and ends at the deadline")
    func tricklingCredentialsEndpoint() async throws {
        let server = try LocalHTTPServer { _ in
            .trickle(AWSHTTPResponse(status: 200, body: [UInt8](repeating: UInt8(ascii: " "), count: 4096)), every: .milliseconds(500))
        }
        defer { server.stop() }
        var env = Self.environment([
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": server.baseURL + "/v2/credentials/x", "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
            "QSL_HTTP_TIMEOUT": "4", "AWS_MAX_ATTEMPTS": "1",
        ])
        env["AWS_ACCESS_KEY_ID"] = nil
        env["AWS_SECRET_ACCESS_KEY"] = nil
        let run = try await Self.measured(["whoami"], environment: env)
        #expect(run.result.status == 3, "stderr: \(run.result.stderr)")
        #expect(run.result.stderr.contains("127.0.0.1:\(server.port)"), "stderr: \(run.result.stderr)")
        #expect(run.result.stderr.contains("deadline for the whole exchange"), "stderr: \(run.result.stderr)")
        #expect(run.wallSeconds >= 3.5)
        #expect(run.cpuSeconds < run.wallSeconds * Self.idleCPUShare, "used \(run.cpuSeconds) s of CPU in \(run.wallSeconds) s")
    }

    /// swift-corelibs-foundation keeps the libdispatch write source it made for libcurl while the
    /// request was sent (`_SocketSources.createWriteSource` is never undone when libcurl asks for
    /// read readiness only), so through `URLSession` the always-writable socket woke the session's
    /// queue in a loop until the answer or the deadline (1.6 to 3.5 s of CPU in 4 s). AWS API calls
    /// now go through libcurl's easy interface directly (`CurlTransport`), which waits in `poll`.
    @Test("an endpoint that answers 200 with an empty body is a store failure (exit 3), never an empty secret or parameter, or a version that was not written")
    func emptyReplies() async throws {
        let server = try LocalHTTPServer { _ in .response(AWSHTTPResponse(status: 200, body: [])) }
        defer { server.stop() }
        let directory = try CLIRunner.temporaryDirectory()
        try Data(#"{"Db": "${aws:secrets:qsl/prod/db::AWSPREVIOUS}", "Other": "${aws:secrets:qsl/prod/other}"}"#.utf8)
            .write(to: directory.appendingPathComponent("appsettings.json"))
        let parameterOnly = try CLIRunner.temporaryDirectory()
        try Data(#"{"Url": "${aws:parameter:/qsl/prod/url}"}"#.utf8).write(to: parameterOnly.appendingPathComponent("appsettings.json"))
        let environment = Self.environment([:])
        for (arguments, stdin) in [
            (["resolve", "--config-dir", parameterOnly.path, "--store", "aws", "--endpoint-url", server.baseURL, "--show-secrets"], nil),
            (["secret", "get", "qsl/prod/db", "--store", "aws", "--endpoint-url", server.baseURL, "--show-secrets"], nil),
            (["resolve", "--config-dir", directory.path, "--store", "aws", "--endpoint-url", server.baseURL, "--show-secrets"], nil),
            (["secret", "put", "qsl/prod/db", "--store", "aws", "--endpoint-url", server.baseURL], "value"),
            (["secret", "describe", "qsl/prod/db", "--store", "aws", "--endpoint-url", server.baseURL], nil),
        ] as [([String], String?)] {
            let result = try await Self.offPool { try CLIRunner.run(arguments, environment: environment, stdin: stdin) }
            #expect(result.status == 3, "\(arguments[0]) \(arguments[1]): \(result.stdout)\(result.stderr)")
            #expect(result.stderr.contains("which AWS always returns"), "\(result.stderr)")
        }
    }

    @Test("credentials set up in a way that cannot work (a key id without its secret) are bad input, exit 2, on every path: resolve, secret get, validate --remote")
    func misconfiguredCredentials() async throws {
        let server = try LocalHTTPServer { _ in .response(AWSHTTPResponse(status: 500, body: [])) }
        defer { server.stop() }
        let directory = try CLIRunner.temporaryDirectory()
        try Data(#"{"Db": "${aws:secrets:qsl/prod/db}", "Url": "${aws:parameter:/qsl/prod/url}"}"#.utf8).write(to: directory.appendingPathComponent("appsettings.json"))
        try Data(#"{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object"}"#.utf8).write(to: directory.appendingPathComponent("schema.json"))
        var variables = Self.environment([:])
        variables["AWS_SECRET_ACCESS_KEY"] = nil
        variables["AWS_ACCESS_KEY_ID"] = "AKIDONLYTHEKEYID0001"
        let environment = variables
        for arguments in [
            ["resolve", "--config-dir", directory.path, "--store", "aws", "--endpoint-url", server.baseURL],
            ["secret", "get", "qsl/prod/db", "--store", "aws", "--endpoint-url", server.baseURL],
            ["validate", "--config-dir", directory.path, "--schema", directory.path + "/schema.json", "--remote", "--store", "aws", "--endpoint-url", server.baseURL],
        ] {
            let result = try await Self.offPool { try CLIRunner.run(arguments, environment: environment) }
            #expect(result.status == 2, "\(arguments[0]): \(result.stdout)\(result.stderr)")
            #expect(!result.stdout.contains("secret-missing") && !result.stderr.contains("secret-missing"), "\(arguments[0]): a finding made of a setup error")
        }
        #expect(server.requests.isEmpty, "nothing was sent")
    }

    @Test("whoami names why a service's endpoint setting cannot be used (a refused plain-http URL, a bad scheme), not 'no region configured'")
    func whoamiEndpointErrors() async throws {
        let sts = try LocalHTTPServer { _ in
            .response(AWSHTTPResponse(status: 200, headers: ["Content-Type": "text/xml"], body: Array(CredentialProcessSignalCommandTests.identity.utf8)))
        }
        defer { sts.stop() }
        let environment = Self.environment([
            "AWS_ENDPOINT_URL_STS": sts.baseURL, "AWS_ENDPOINT_URL_SSM": "http://10.1.2.3:4566", "AWS_ENDPOINT_URL_SECRETS_MANAGER": "ftp://127.0.0.1:5123",
        ])
        let result = try await Self.offPool { try CLIRunner.run(["whoami", "--format", "json"], environment: environment) }
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let sources = try #require(json["EndpointSources"] as? [String: String], "\(result.stdout)")
        #expect(sources["ssm"]?.contains("10.1.2.3") == true && sources["ssm"]?.contains("no region") == false, "\(sources)")
        #expect(sources["secretsmanager"]?.contains("ftp://127.0.0.1:5123") == true, "\(sources)")
    }

    @Test("waiting on a silent AWS endpoint (over libcurl, not URLSession) sleeps: CPU well under the wall time")
    func silentServerAPI() async throws {
        let run = try await Self.silentServerRun(ipv6: false)
        #expect(run.cpuSeconds < run.wallSeconds * Self.idleCPUShare, "used \(run.cpuSeconds) s of CPU in \(run.wallSeconds) s")
    }

    @Test("a QSL_HTTP_TIMEOUT that is not a number of seconds from 1 to 3600 is exit 2, naming the variable", arguments: ["soon", "0.5", "0", "-3", "99999"])
    func badTimeout(_ value: String) throws {
        let env = Self.environment(["AWS_ENDPOINT_URL": "http://127.0.0.1:9", "QSL_HTTP_TIMEOUT": value])
        let result = try CLIRunner.run(["whoami"], environment: env)
        #expect(result.status == 2, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("QSL_HTTP_TIMEOUT is `\(value)`"))
    }

    @Test(
        "plain-http container credentials off loopback and the ECS/EKS hosts are bad configuration: exit 2",
        arguments: [["whoami"], ["secret", "get", "qsl/dev/any", "--store", "aws"]])
    func insecureContainerURL(_ command: [String]) throws {
        var env = Self.environment(["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://203.0.113.7/v1/credentials", "AWS_ENDPOINT_URL": "http://127.0.0.1:9"])
        env["AWS_ACCESS_KEY_ID"] = nil
        env["AWS_SECRET_ACCESS_KEY"] = nil
        let result = try CLIRunner.run(command, environment: env)
        #expect(result.status == 2, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("AWS_CONTAINER_CREDENTIALS_FULL_URI `http://203.0.113.7/v1/credentials` is not allowed"))
    }
}

/// `credential_process` end to end, from a qsl-config whose parent made it ignore SIGCHLD.
@Suite("credential_process from a process that ignores SIGCHLD")
struct CredentialProcessSignalCommandTests {
    static let identity = """
        <GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>\
        <Arn>arn:aws:iam::123456789012:user/proc</Arn><UserId>AIDAPROCESS</UserId><Account>123456789012</Account>\
        </GetCallerIdentityResult><ResponseMetadata><RequestId>r-proc</RequestId></ResponseMetadata></GetCallerIdentityResponse>
        """

    @Test("whoami with a helper that waits for its own background job works when qsl-config starts with SIGCHLD ignored")
    func ignoredSIGCHLD() async throws {
        let sts = try LocalHTTPServer { _ in .response(AWSHTTPResponse(status: 200, headers: ["Content-Type": "text/xml"], body: Array(Self.identity.utf8))) }
        defer { sts.stop() }
        let directory = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let helper = directory.appendingPathComponent("helper.sh")
        try Data(#"""
            ignored=$(awk '/^SigIgn/ {print $2}' /proc/$$/status)
            if [ $(( 0x$ignored & 0x10000 )) -ne 0 ]; then echo "inherited an ignored SIGCHLD" >&2; exit 3; fi
            sleep 0.1 &
            wait $!
            echo '{"Version":1,"AccessKeyId":"AKIDPROCESS000000001","SecretAccessKey":"process-secret"}'
            """#.utf8).write(to: helper)
        let config = directory.appendingPathComponent("config")
        try Data("[profile proc]\ncredential_process = sh \(helper.path)\nregion = us-east-1\n".utf8).write(to: config)
        let env = CLIRunner.environment([
            "AWS_CONFIG_FILE": config.path, "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/qsl-net/credentials",
            "AWS_EC2_METADATA_DISABLED": "true",
        ])
        let arguments = [#"trap '' CHLD; exec "$0" "$@""#, CLIRunner.executable.path, "whoami", "--profile", "proc", "--endpoint-url", sts.baseURL, "--format", "json"]
        let result = try await NetworkLimitsCommandTests.offPool {
            try ChildProcess.run(URL(fileURLWithPath: "/bin/sh"), ["-c"] + arguments, environment: env, directory: directory)
        }
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(report?["CredentialSource"] as? String == "profile proc (credential_process)", "stdout: \(result.stdout)")
        #expect(sts.requests.first?.headers["Authorization"]?.contains("AKIDPROCESS000000001") == true)
        #expect(!result.stdout.contains("process-secret") && !result.stderr.contains("process-secret"))
    }
}
