import Foundation
import QSLConfig
import QSLConfigOperations
import QSLConfigCore
import QSLConfigTesting
import QSLCrypto
import Testing

@Suite("bundles for all 22 services of the demo platform")
struct BundleOperationTests {
    static func expectedFiles(_ format: BundleFormat) -> [String] {
        switch format {
        case .dotenv: ["service.env"]
        case .json: ["config.json"]
        case .ecs: ["container-definition.json", "iam-policy.json"]
        case .k8s: ["configmap.yaml", "secret.yaml"]
        }
    }

    static func build(_ format: BundleFormat, store: any SecretStore, services: [String] = []) async throws -> BundleOperation.Result {
        let root = try PlatformFixtures.root()
        return try await BundleOperation(root: root, environment: try root.environment("development"), store: store, format: format).build(services: services)
    }

    /// Each service's configuration as `resolve --root --service` gives it, by variable name.
    static func resolvedByService(store: any SecretStore) async throws -> [String: [String: String]] {
        let root = try PlatformFixtures.root()
        let development = try root.environment("development")
        var result: [String: [String: String]] = [:]
        for id in PlatformFixtures.serviceIDs {
            let options = try root.options(service: id, environment: development, environmentVariables: [:], environmentIsLayer: false, store: store)
            let resolved = try await ConfigurationLoader().load(options)
            result[id] = Dictionary(uniqueKeysWithValues: resolved.values.map { (EnvironmentName.variable(for: $0.key), $0.unsafeRevealedValue ?? "") })
        }
        return result
    }

    @Test("every format writes every service's files and a manifest with their sha256", arguments: BundleFormat.allCases)
    func everyServiceEveryFormat(format: BundleFormat) async throws {
        let result = try await Self.build(format, store: try await PlatformFixtures.developmentStore())
        #expect(result.services == PlatformFixtures.serviceIDs)
        let expected = PlatformFixtures.serviceIDs.flatMap { id in Self.expectedFiles(format).map { "\(id)/\($0)" } } + ["manifest.json"]
        #expect(result.allFiles.map(\.path) == expected.sorted())

        let manifestFile = try #require(result.allFiles.first { $0.path == "manifest.json" })
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(manifestFile.bytes)) as? [String: Any])
        #expect(manifest["environment"] as? String == "development")
        #expect(manifest["format"] as? String == format.rawValue)
        #expect(manifest["services"] as? [String] == PlatformFixtures.serviceIDs.sorted())
        let digests = try #require(manifest["files"] as? [String: String])
        #expect(digests.count == expected.count - 1)
        for file in result.files {
            #expect(digests[file.path] == "sha256:" + Crypto.hex(Crypto.sha256(file.bytes)), "\(file.path)")
            #expect(!file.bytes.isEmpty)
        }
        for file in result.allFiles {
            let secret = file.path.hasSuffix("service.env") || file.path.hasSuffix("config.json") || file.path.hasSuffix("secret.yaml")
            #expect(file.mode == (secret ? 0o600 : 0o644), "\(file.path)")
        }
    }

    @Test("json and dotenv bundles hold exactly what resolve gives each service")
    func valuesMatchResolution() async throws {
        let store = try await PlatformFixtures.developmentStore()
        let expected = try await Self.resolvedByService(store: store)
        let json = try await Self.build(.json, store: store)
        let dotenv = try await Self.build(.dotenv, store: store)
        for id in PlatformFixtures.serviceIDs {
            let want = try #require(expected[id])
            #expect(want.count > 10, "\(id) has a realistic configuration")

            let config = try #require(json.files.first { $0.path == "\(id)/config.json" })
            let object = try #require(try JSONSerialization.jsonObject(with: Data(config.bytes)) as? [String: Any])
            let fromJSON = Dictionary(uniqueKeysWithValues: object.map { (ConfigKey($0.key), $0.value) }.map { key, value in
                (EnvironmentName.variable(for: key), value as? String ?? "")
            })
            #expect(fromJSON == want, "\(id)/config.json")

            let env = try #require(dotenv.files.first { $0.path == "\(id)/service.env" })
            #expect(try DockerEnvFile.parse(String(decoding: env.bytes, as: UTF8.self)) == want, "\(id)/service.env")
        }
    }

    @Test("k8s: secret values only in the Secret, plain values in the ConfigMap, as a YAML parser reads them")
    func kubernetesManifests() async throws {
        let store = try await PlatformFixtures.developmentStore()
        let expected = try await Self.resolvedByService(store: store)
        let result = try await Self.build(.k8s, store: store)
        let directory = try PlatformFixtures.temporaryDirectory("k8s")
        try result.write(to: directory)
        // PyYAML, an independent parser, reads every manifest; secrets are base64-decoded.
        let script = """
            import base64, json, sys, yaml
            out = {}
            for path in sys.argv[1:]:
                doc = yaml.safe_load(open(path, encoding="utf-8"))
                data = doc.get("data") or {}
                if doc["kind"] == "Secret":
                    data = {k: base64.b64decode(v).decode("utf-8") for k, v in data.items()}
                out[path] = {"kind": doc["kind"], "name": doc["metadata"]["name"], "data": data}
            print(json.dumps(out))
            """
        let paths = PlatformFixtures.serviceIDs.flatMap { ["\(directory)/\($0)/configmap.yaml", "\(directory)/\($0)/secret.yaml"] }
        let run = try PlatformFixtures.run(["python3", "-c", script] + paths, environment: PlatformFixtures.pathEnvironment)
        #expect(run.status == 0, "\(run.stderr)")
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: [String: Any]])
        let seed = try StoreSeed(file: PlatformFixtures.repositoryRoot + "/platform/dev-seed.json")
        let seededValues = Set(seed.secrets.flatMap { entry -> [String] in
            guard let document = try? JSONDocument(parsingAnyValue: Array(entry.value.unsafeRevealed.utf8), file: entry.name), document.root.kind == .object else { return [entry.value.unsafeRevealed] }
            return document.root.members.compactMap { $0.value.stringValue }
        }.filter { $0.count > 8 })
        for id in PlatformFixtures.serviceIDs {
            let configMap = try #require(parsed["\(directory)/\(id)/configmap.yaml"])
            let secret = try #require(parsed["\(directory)/\(id)/secret.yaml"])
            #expect(configMap["kind"] as? String == "ConfigMap")
            #expect(configMap["name"] as? String == "\(id)-config")
            #expect(secret["kind"] as? String == "Secret")
            #expect(secret["name"] as? String == "\(id)-secrets")
            let plain = configMap["data"] as? [String: String] ?? [:]
            let secrets = secret["data"] as? [String: String] ?? [:]
            #expect(Set(plain.keys).isDisjoint(with: secrets.keys))
            #expect(plain.merging(secrets) { a, _ in a } == expected[id], "\(id)")
            #expect(!secrets.isEmpty, "\(id) has secrets")
            for value in plain.values {
                #expect(!seededValues.contains(value), "\(id): a seeded secret value is in its ConfigMap")
            }
        }
    }

    @Test("a secret that every service references is fetched once for all 22 bundles")
    func oneResolutionPass() async throws {
        let counting = CountingSecretStore(try await PlatformFixtures.developmentStore())
        let layers = try await PlatformFixtures.layers("development")
        var users: [String: Set<String>] = [:]
        for (id, configuration) in layers {
            for site in ReferenceScan(configuration).sites {
                if case .secret(let secret) = site.reference { users[secret.secretId, default: []].insert(id) }
            }
        }
        let (shared, services) = try #require(users.max { $0.value.count < $1.value.count })
        #expect(services.count >= 20, "\(shared) is referenced by \(services.count) services")

        for format in [BundleFormat.json, .dotenv, .k8s] {
            let before = counting.secretBatches.count
            let result = try await Self.build(format, store: counting)
            let batches = counting.secretBatches[before...]
            #expect(batches.count == 1, "\(format): one batched read for all services")
            #expect(batches.flatMap { $0 }.filter { $0.secretId == shared }.count == 1, "\(format): \(shared) requested once")
            #expect(batches.flatMap { $0 }.count == users.count, "\(format): every referenced secret requested exactly once")
            #expect(result.statistics.uniqueSecrets == users.count)
        }
        #expect(counting.calls["getParameters"] == 3, "one parameter batch per run")
        #expect(counting.calls["getSecret"] == nil, "no per-secret reads")
    }

    @Test("the effective configuration holds only the shared settings the catalogue gives the service")
    func sharedSettingsFiltered() async throws {
        let result = try await Self.build(.json, store: try await PlatformFixtures.developmentStore(), services: ["userservice", "paymentgatewayservice"])
        #expect(result.services == ["userservice", "paymentgatewayservice"])
        let user = try #require(result.files.first { $0.path == "userservice/config.json" })
        let object = try #require(try JSONSerialization.jsonObject(with: Data(user.bytes)) as? [String: Any])
        let connections = object.keys.filter { $0.hasPrefix("ConnectionStrings:") }.sorted()
        #expect(connections == ["ConnectionStrings:cache", "ConnectionStrings:DefaultConnection", "ConnectionStrings:postgres-userservice"].sorted())
        #expect((object["ConnectionStrings:postgres-userservice"] as? String)?.contains("Database=quantumskylink_userservice") == true)
        #expect(object.keys.contains { $0.hasPrefix("DotsDev:") } == false, "DotsDev is not in userservice's shared sections")
        let payment = try #require(result.files.first { $0.path == "paymentgatewayservice/config.json" })
        let paymentObject = try #require(try JSONSerialization.jsonObject(with: Data(payment.bytes)) as? [String: Any])
        #expect(paymentObject.keys.contains("ConnectionStrings:postgres-paymentgatewayservice"))
        #expect(!paymentObject.keys.contains("ConnectionStrings:postgres-userservice"))
    }

    @Test("output is byte-identical from run to run, and value formats across independently seeded stores", arguments: BundleFormat.allCases)
    func deterministic(format: BundleFormat) async throws {
        let store = try await PlatformFixtures.developmentStore()
        let first = try await Self.build(format, store: store)
        let second = try await Self.build(format, store: store)
        #expect(PlatformFixtures.digests(first) == PlatformFixtures.digests(second))

        let a = try PlatformFixtures.temporaryDirectory("det-a")
        let b = try PlatformFixtures.temporaryDirectory("det-b")
        try first.write(to: a)
        try second.write(to: b)
        for file in first.allFiles {
            let left = try FileBytes.read(a + "/" + file.path)
            let right = try FileBytes.read(b + "/" + file.path)
            #expect(left == right, "\(file.path)")
            #expect(left == file.bytes)
        }

        let other = try await Self.build(format, store: try await PlatformFixtures.freshlySeededStore())
        if format == .ecs {
            // ARNs carry each store's random suffix; everything else is the same.
            #expect(other.allFiles.map(\.path) == first.allFiles.map(\.path))
            #expect(PlatformFixtures.digests(other) != PlatformFixtures.digests(first))
        } else {
            #expect(PlatformFixtures.digests(other) == PlatformFixtures.digests(first))
        }
    }

    @Test("write then check: up to date; edits, mode changes, deletions and leftovers are drift")
    func checkDetectsDrift() async throws {
        let store = try await PlatformFixtures.developmentStore()
        let result = try await Self.build(.dotenv, store: store)
        // A folder that does not exist yet: an existing one at 0755 would also be drift (its mode).
        let directory = try PlatformFixtures.temporaryDirectory("drift") + "/out"
        #expect(result.drift(in: directory).count == result.allFiles.count, "everything missing before the first write")
        try result.write(to: directory)
        #expect(result.drift(in: directory).isEmpty)
        for file in result.allFiles {
            var info = stat()
            #expect(stat(directory + "/" + file.path, &info) == 0)
            #expect(UInt32(info.st_mode) & 0o777 == file.mode, "\(file.path) is written with its mode")
        }
        var info = stat()
        #expect(stat(directory + "/userservice", &info) == 0)
        #expect(UInt32(info.st_mode) & 0o777 == 0o700)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory + "/userservice") == ["service.env"], "no temporary files left")

        let env = directory + "/userservice/service.env"
        var bytes = try FileBytes.read(env)
        bytes.append(contentsOf: Array("EXTRA=1\n".utf8))
        try AtomicFile.write(bytes, to: env, mode: 0o600)
        chmod(directory + "/feeservice/service.env", 0o644)
        unlink(directory + "/tokenservice/service.env")
        try AtomicFile.write(Array("x".utf8), to: directory + "/feeservice/unrelated.txt", mode: 0o644)
        let drift = result.drift(in: directory)
        #expect(drift.map(\.description) == [
            "feeservice/service.env: mode 644, expected 600",
            "tokenservice/service.env: missing",
            "userservice/service.env: content differs",
        ])

        // Writing again repairs all of it and leaves files it never wrote alone.
        try result.write(to: directory)
        #expect(result.drift(in: directory).isEmpty)
        #expect(FileBytes.exists(directory + "/feeservice/unrelated.txt"))
    }

    @Test("--service updates those bundles in place; a different environment or format replaces the folder")
    func subsetRunsMerge() async throws {
        let store = try await PlatformFixtures.developmentStore()
        let full = try await Self.build(.json, store: store)
        let directory = try PlatformFixtures.temporaryDirectory("merge")
        try full.write(to: directory)
        let one = try await Self.build(.json, store: store, services: ["userservice"])
        #expect(one.drift(in: directory).isEmpty, "a subset of an up-to-date folder is up to date")
        try one.write(to: directory)
        #expect(try FileBytes.read(directory + "/manifest.json") == full.manifest.bytes, "the manifest still lists all 22")
        #expect(full.drift(in: directory).isEmpty)

        // ecs into the json folder: the json files are stale, then removed.
        let ecs = try await Self.build(.ecs, store: store, services: ["userservice"])
        let drift = ecs.drift(in: directory)
        #expect(drift.filter { $0.kind == .stale }.count == 22)
        try ecs.write(to: directory)
        #expect(ecs.drift(in: directory).isEmpty)
        #expect(!FileBytes.exists(directory + "/feeservice/config.json"))
        #expect(FileBytes.exists(directory + "/userservice/container-definition.json"))
    }

    /// The folder's manifest edited in place.
    static func editManifest(in directory: String, _ edit: (inout [String: Any]) -> Void) throws {
        let path = directory + "/manifest.json"
        var manifest = try #require(try JSONSerialization.jsonObject(with: Data(FileBytes.read(path))) as? [String: Any])
        edit(&manifest)
        try AtomicFile.write(Array(try JSONSerialization.data(withJSONObject: manifest)), to: path, mode: 0o644)
    }

    @Test("a run of the whole catalogue removes the bundle of a service the catalogue no longer lists, and --check says it is stale")
    func wholeRunRemovesUnlistedServices() async throws {
        let store = try await PlatformFixtures.developmentStore()
        let full = try await Self.build(.json, store: store)
        let directory = try PlatformFixtures.temporaryDirectory("retired")
        try full.write(to: directory)
        // As a folder bundled when the catalogue still listed `retiredservice` holds it.
        try FileManager.default.createDirectory(atPath: directory + "/retiredservice", withIntermediateDirectories: true)
        try AtomicFile.write(Array(#"{"Db": {"Password": "old-live-secret"}}"#.utf8), to: directory + "/retiredservice/config.json", mode: 0o600)
        try Self.editManifest(in: directory) { manifest in
            manifest["services"] = ((manifest["services"] as? [String]) ?? []) + ["retiredservice"]
            var files = (manifest["files"] as? [String: String]) ?? [:]
            files["retiredservice/config.json"] = "sha256:" + Crypto.hex(Crypto.sha256(Array(#"{"Db": {"Password": "old-live-secret"}}"#.utf8)))
            manifest["files"] = files
        }
        #expect(full.drift(in: directory).map(\.description) == ["manifest.json: content differs", "retiredservice/config.json: no longer part of the bundle"])
        let notes = try full.write(to: directory)
        #expect(notes == ["removed retiredservice's bundle: the catalogue no longer lists it"])
        #expect(!FileBytes.exists(directory + "/retiredservice/config.json"))
        #expect(try FileBytes.read(directory + "/manifest.json") == full.manifest.bytes, "the manifest lists the 22 the catalogue has")
        #expect(full.drift(in: directory).isEmpty)

        // A --service run still keeps the others.
        let one = try await Self.build(.json, store: store, services: ["userservice"])
        #expect(try one.write(to: directory).isEmpty)
        #expect(full.drift(in: directory).isEmpty)
    }

    @Test("after a --service run killed mid-write, another --service run removes that service's files and its manifest entry, and says so")
    func interruptedServiceLeavesTheManifest() async throws {
        let store = try await PlatformFixtures.developmentStore()
        let full = try await Self.build(.json, store: store)
        let directory = try PlatformFixtures.temporaryDirectory("killed")
        try full.write(to: directory)
        // What a `--service userservice` run killed after its provisional manifest leaves.
        try Self.editManifest(in: directory) { manifest in
            var files = (manifest["files"] as? [String: String]) ?? [:]
            files["userservice/config.json"] = "pending"
            manifest["files"] = files
        }
        let other = try await Self.build(.json, store: store, services: ["accountservice"])
        let notes = try other.write(to: directory)
        #expect(notes == ["removed userservice's bundle, which an interrupted run left incomplete; bundle it again with --service userservice"])
        #expect(!FileBytes.exists(directory + "/userservice/config.json"))
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(FileBytes.read(directory + "/manifest.json"))) as? [String: Any])
        #expect(!((manifest["services"] as? [String]) ?? []).contains("userservice"))
        #expect(((manifest["services"] as? [String]) ?? []).count == 21)
        #expect(other.drift(in: directory).isEmpty, "the folder vouches for what it lists")
        #expect(full.drift(in: directory).map(\.description) == ["manifest.json: content differs", "userservice/config.json: missing"])
    }

    @Test("a file a killed run marked pending but never reached (its bytes still the digest the mark keeps) is kept by a --service run of another service")
    func pendingButUntouchedIsKept() async throws {
        let store = try await PlatformFixtures.developmentStore()
        let full = try await Self.build(.json, store: store)
        let directory = try PlatformFixtures.temporaryDirectory("untouched")
        try full.write(to: directory)
        let feeDigest = "sha256:" + Crypto.hex(Crypto.sha256(try FileBytes.read(directory + "/feeservice/config.json")))
        // A full run killed after its provisional manifest: feeservice's file marked pending with
        // its earlier digest, never rewritten; userservice's rewritten by the killed run.
        try AtomicFile.write(Array(#"{"half": "written"}"#.utf8), to: directory + "/userservice/config.json", mode: 0o600)
        let userDigest = "sha256:" + Crypto.hex(Crypto.sha256(Array("something else".utf8)))
        try Self.editManifest(in: directory) { manifest in
            var files = (manifest["files"] as? [String: String]) ?? [:]
            files["feeservice/config.json"] = "pending " + feeDigest
            files["userservice/config.json"] = "pending " + userDigest
            manifest["files"] = files
        }
        let other = try await Self.build(.json, store: store, services: ["accountservice"])
        let notes = try other.write(to: directory)
        #expect(notes == ["removed userservice's bundle, which an interrupted run left incomplete; bundle it again with --service userservice"])
        #expect(FileBytes.exists(directory + "/feeservice/config.json"), "the untouched file stays")
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(FileBytes.read(directory + "/manifest.json"))) as? [String: Any])
        #expect((manifest["files"] as? [String: String])?["feeservice/config.json"] == feeDigest)
        #expect(((manifest["services"] as? [String]) ?? []).contains("feeservice"))
        #expect(!((manifest["services"] as? [String]) ?? []).contains("userservice"))
    }

    @Test("a manifest tampered to list a path below a service folder (through a link there) removes nothing outside the folder")
    func tamperedManifestStaysInside() async throws {
        let store = try await PlatformFixtures.developmentStore()
        let result = try await Self.build(.json, store: store)
        let scratch = try PlatformFixtures.temporaryDirectory("tampered")
        let directory = scratch + "/out"
        try result.write(to: directory)
        try FileManager.default.createDirectory(atPath: scratch + "/victim", withIntermediateDirectories: true)
        try AtomicFile.write(Array("keep".utf8), to: scratch + "/victim/data")
        try FileManager.default.createSymbolicLink(atPath: directory + "/userservice/sub", withDestinationPath: scratch + "/victim")
        let manifestPath = directory + "/manifest.json"
        var manifest = try JSONSerialization.jsonObject(with: Data(try FileBytes.read(manifestPath))) as! [String: Any]
        var files = manifest["files"] as! [String: String]
        files["userservice/sub/data"] = "sha256:" + String(repeating: "0", count: 64)
        manifest["files"] = files
        try AtomicFile.write(Array(try JSONSerialization.data(withJSONObject: manifest)), to: manifestPath)

        try result.write(to: directory)
        #expect(FileBytes.exists(scratch + "/victim/data"), "nothing outside the output folder was removed")
        #expect(result.drift(in: directory).isEmpty)
    }

    @Test("an unknown service, or a reference the store lacks, fails with nothing written")
    func badInputWritesNothing() async throws {
        let root = try PlatformFixtures.root()
        let development = try root.environment("development")
        let unknown = await #expect(throws: ResolutionError.self) {
            try await BundleOperation(root: root, environment: development, store: try await PlatformFixtures.developmentStore(), format: .json)
                .build(services: ["nosuchservice"])
        }
        #expect(unknown?.diagnostics.first?.message.contains("there is no service nosuchservice in the catalogue") == true)

        // An empty store: every reference is missing, each reported at its file:line:col.
        let empty = LocalSecretStore(path: try PlatformFixtures.temporaryDirectory("empty") + "/store.json")
        for format in BundleFormat.allCases {
            let error = await #expect(throws: ResolutionError.self) {
                try await BundleOperation(root: root, environment: development, store: empty, format: format).build(services: [])
            }
            let diagnostics = try #require(error?.diagnostics)
            #expect(diagnostics.contains { $0.description.contains("platform/QuantunSkyLink_v2.AppHost/appsettings.Development.json:") })
            #expect(diagnostics.allSatisfy { $0.location != nil }, "\(format): every problem has a position")
        }
    }
}
