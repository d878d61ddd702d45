import Foundation
import QSLConfig
import QSLConfigAWS
import QSLConfigCore
import QSLConfigTesting
import QSLConfigAWSURLSession

/// `qsl-bench soak [SECONDS] [READERS] [local|moto]`: the ``RefreshSoak`` run of scripts/soak.sh.
/// Prints the report's `key=value` lines; exits 1 when a check fails.
enum SoakBench {
    static func run(_ arguments: [String]) async throws {
        let seconds = arguments.count > 0 ? Int(arguments[0]) ?? 600 : 600
        let readers = arguments.count > 1 ? Int(arguments[1]) ?? 50 : 50
        let storeKind = arguments.count > 2 ? arguments[2] : "local"
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qsl-soak-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }

        var moto: MotoServer?
        defer { moto?.stop() }
        let store: any SecretStore
        switch storeKind {
        case "local":
            store = LocalSecretStore(path: directory + "/.qsl/store.json")
        case "moto":
            let server = try await MotoServer.start()
            moto = server
            let credentials = AWSCredentials(accessKeyId: "testing", secretAccessKey: SecretValue("testing"), source: "soak")
            store = AWSSecretStore(context: try AWSContext(credentials: credentials, environment: server.environment(), runtime: AWSRuntime(transport: URLSessionTransport())))
        default:
            print("qsl-bench soak: store must be local or moto, not \(storeKind)")
            exit(2)
        }
        var options = RefreshSoak.Options(
            duration: .seconds(seconds), readers: readers, rotationPeriod: .seconds(3),
            policy: RefreshPolicy(interval: .seconds(10), minimumForcedInterval: .seconds(1)))
        options.promoteWithPut = storeKind == "moto"
        print("promotion=\(options.promoteWithPut ? "put" : "stage-move")")
        print("store=\(storeKind)")
        print("readers=\(readers)")
        print("rotation_period_s=3")
        print("refresh_interval_s=10")
        print("forced_min_interval_s=1")
        let report = try await RefreshSoak.run(store: store, directory: directory + "/service", options: options)
        print(report)
        if !report.holds { exit(1) }
    }
}
