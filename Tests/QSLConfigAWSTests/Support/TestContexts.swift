import Foundation
import QSLConfigCore
import QSLConfigTesting

@testable import QSLConfigAWS
import QSLConfigAWSURLSession

/// Builders for contexts and runtimes used across the tests.
enum TestContexts {
    static let dummyCredentials = AWSCredentials(
        accessKeyId: "AKIDEXAMPLE", secretAccessKey: SecretValue("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"), source: "test")

    /// A context whose network is `transport` and whose sleeps are recorded, not waited.
    static func scripted(
        _ transport: ScriptedTransport,
        sleeps: SleepRecorder = SleepRecorder(),
        environment: [String: String] = [:],
        credentials: AWSCredentials? = dummyCredentials,
        profile: String? = nil,
        region: String? = "us-east-1",
        random: @escaping @Sendable () -> Double = { 0.5 },
        now: @escaping @Sendable () -> Date = { Date() },
        containerBaseURL: String? = nil
    ) throws -> AWSContext {
        var env = isolatedEnvironment
        env.merge(environment) { $1 }
        return try AWSContext(
            profile: profile, region: region, credentials: credentials, environment: env,
            runtime: AWSRuntime(transport: transport, sleep: sleeps.sleep, now: now, random: random),
            containerBaseURL: containerBaseURL)
    }

    /// A context against a real server (moto, or a proxy in front of it) over URLSession.
    static func live(
        endpoint: String,
        environment: [String: String] = [:],
        credentials: AWSCredentials? = nil,
        profile: String? = nil,
        sleeps: SleepRecorder? = nil,
        transport: (any AWSHTTPTransport)? = nil
    ) throws -> AWSContext {
        var env = isolatedEnvironment
        env["AWS_ENDPOINT_URL"] = endpoint
        env["AWS_REGION"] = "us-east-1"
        env.merge(environment) { $1 }
        let network: any AWSHTTPTransport = transport ?? URLSessionTransport()
        var runtime = AWSRuntime(
            transport: network,
            metadataTransport: URLSessionTransport(connectTimeout: .seconds(2), requestTimeout: .seconds(5)))
        if let sleeps { runtime.sleep = sleeps.sleep }
        return try AWSContext(profile: profile, credentials: credentials, environment: env, runtime: runtime)
    }

    /// No shared files, no instance metadata: nothing from the machine leaks into a test.
    static let isolatedEnvironment: [String: String] = [
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": "/nonexistent/qsl-config-test/config",
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/qsl-config-test/credentials",
        "HOME": "/nonexistent/qsl-config-test",
    ]

    /// A fresh temporary directory, removed when the returned value is dropped by the caller.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("qsl-aws-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func write(_ text: String, to url: URL) throws {
        try Data(text.utf8).write(to: url)
    }
}
