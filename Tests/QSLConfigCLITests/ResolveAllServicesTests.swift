import Foundation
import QSLConfigTesting
import Testing

@Suite("qsl-config resolve --all-services")
struct ResolveAllServicesTests {
    static let root = CLIRunner.repositoryRoot.path

    @Test("every service of the catalogue, one JSON object keyed by service id")
    func allServices() throws {
        let result = try CLIRunner.run(
            ["resolve", "--root", Self.root, "--environment", "production", "--all-services", "--keep-references"], environment: CLIRunner.environment())
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: [String: Any]])
        #expect(object.count == 22)
        #expect(object["userservice"]?["Logto:ClientId"] as? String == "${aws:secrets:qsl/production/logto:clientId}")
        #expect(object["webapigateway"] != nil)
        // The same as resolving the one service alone.
        let single = try CLIRunner.run(
            ["resolve", "--root", Self.root, "--environment", "production", "--service", "userservice", "--keep-references"], environment: CLIRunner.environment())
        let alone = try #require(try JSONSerialization.jsonObject(with: Data(single.stdout.utf8)) as? [String: Any])
        #expect(NSDictionary(dictionary: alone) == NSDictionary(dictionary: object["userservice"]!))
    }

    @Test("bad combinations are usage errors (exit 2)")
    func usage() throws {
        for arguments in [
            ["resolve", "--root", Self.root, "--environment", "production", "--all-services", "--format", "env"],
            ["resolve", "--root", Self.root, "--environment", "production", "--all-services", "--service", "userservice"],
            ["resolve", "--config-dir", ".", "--all-services"],
            ["resolve", "--root", Self.root, "--environment", "production"],
        ] {
            let result = try CLIRunner.run(arguments, environment: CLIRunner.environment())
            #expect(result.status == 2, "\(arguments.joined(separator: " ")): \(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
        let noService = try CLIRunner.run(["resolve", "--root", Self.root, "--environment", "production"], environment: CLIRunner.environment())
        #expect(noService.stderr.contains("--root needs --service ID"))
    }
}
