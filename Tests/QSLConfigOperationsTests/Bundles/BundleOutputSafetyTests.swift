import Foundation
import QSLConfig
import QSLConfigCore
import QSLConfigOperations
import Testing

/// A small platform root in a scratch folder: one environment (development, local store) and a
/// catalogue written by the test, so entries can be as hostile as a test needs.
struct MiniPlatform {
    let root: String

    static let development = """
        {"name": "development", "aspnetEnvironment": "Development", "region": "us-east-1", "secretsPrefix": "qsl/development/",
         "parameterPrefix": "/qsl/development/config/", "store": {"kind": "local", "path": ".qsl/local-store.json"}, "plainSecretsAllowed": true}
        """

    /// A catalogue entry with the given id and folder.
    static func entry(id: String, folder: String, schema: String? = nil) -> String {
        let schemaMember = schema.map { ", \"schema\": \(JSONStringEncoding.quoted($0))" } ?? ""
        return #"{"id": \#(JSONStringEncoding.quoted(id)), "folder": \#(JSONStringEncoding.quoted(folder)), "kind": "service", "connectionStrings": [], "sharedSections": []\#(schemaMember)}"#
    }

    /// A root whose catalogue lists `entries` (JSON objects), with `shared` as its shared folder
    /// and an `appsettings.json` in `svc/`.
    init(entries: [String], shared: String? = nil) throws {
        root = try PlatformFixtures.temporaryDirectory("mini")
        try write("environments/development.json", Self.development)
        let sharedMember = shared.map { "\"shared\": {\"folder\": \(JSONStringEncoding.quoted($0))},\n  " } ?? ""
        try write("environments/services.json", "{\n  \(sharedMember)\"services\": [\n    \(entries.joined(separator: ",\n    "))\n  ]\n}\n")
        try write("svc/appsettings.json", #"{"App": {"Name": "mini", "Password": "fake-mini-password"}}"#)
    }

    func write(_ relative: String, _ text: String) throws {
        let path = root + "/" + relative
        try FileManager.default.createDirectory(atPath: AtomicFile.parentDirectory(of: path), withIntermediateDirectories: true)
        try AtomicFile.write(Array(text.utf8), to: path, mode: 0o644)
    }

    var catalogueFile: String { root + "/environments/services.json" }

    /// The problems `PlatformRoot(path:)` reports, none when it opens.
    func rootProblems() -> [Diagnostic] {
        do {
            _ = try PlatformRoot(path: root)
            return []
        } catch {
            return error.diagnostics
        }
    }

    /// A bundle of every service of the catalogue.
    func bundle(_ format: BundleFormat = .json) async throws -> BundleOperation.Result {
        let platform = try PlatformRoot(path: root)
        let store = LocalSecretStore(path: root + "/.qsl/local-store.json", key: PlatformFixtures.testKey)
        return try await BundleOperation(root: platform, environment: try platform.environment("development"), store: store, format: format)
            .build(services: [])
    }
}

extension PlatformFixtures {
    /// A fixed base64 key for stores that tests open without a key file.
    static let testKey = Data(repeating: 7, count: 32).base64EncodedString()
}

@Suite("catalogue paths stay inside the root")
struct CataloguePathTests {
    struct Hostile: Sendable, CustomTestStringConvertible {
        var entry: String
        var shared: String?
        /// What the diagnostic says, and the line of the catalogue it points at.
        var fragment: String
        var line: Int
        var testDescription: String { fragment + " " + entry }
    }

    @Test("an id that is not a plain name, or a folder or schema leading outside the root, is refused at its entry", arguments: [
        Hostile(entry: MiniPlatform.entry(id: "../escape", folder: "svc"), fragment: "service id \"../escape\" is not a plain name", line: 3),
        Hostile(entry: MiniPlatform.entry(id: "/tmp/absolute", folder: "svc"), fragment: "is not a plain name", line: 3),
        Hostile(entry: MiniPlatform.entry(id: "a/b", folder: "svc"), fragment: "is not a plain name", line: 3),
        Hostile(entry: MiniPlatform.entry(id: "..", folder: "svc"), fragment: "is not a plain name", line: 3),
        Hostile(entry: MiniPlatform.entry(id: "svc", folder: "../../../etc"), fragment: "the folder of service svc leads outside the platform root", line: 3),
        Hostile(entry: MiniPlatform.entry(id: "svc", folder: "/etc"), fragment: "the folder of service svc is absolute", line: 3),
        Hostile(entry: MiniPlatform.entry(id: "svc", folder: "svc/../../x"), fragment: "leads outside the platform root", line: 3),
        Hostile(entry: MiniPlatform.entry(id: "svc", folder: "svc", schema: "../../outside.schema.json"), fragment: "the schema of service svc leads outside", line: 3),
        Hostile(entry: MiniPlatform.entry(id: "svc", folder: "svc"), shared: "../elsewhere", fragment: "the shared folder ../elsewhere leads outside", line: 2),
    ])
    func refused(_ hostile: Hostile) throws {
        let platform = try MiniPlatform(entries: [hostile.entry], shared: hostile.shared)
        let problems = platform.rootProblems()
        #expect(problems.count == 1, "\(problems)")
        let problem = try #require(problems.first)
        #expect(problem.message.contains(hostile.fragment), "\(problem)")
        #expect(problem.location?.file == platform.catalogueFile)
        #expect(problem.location?.line == hostile.line, "\(problem)")
        #expect(problem.rule == "catalogue-path")
    }

    @Test("a service folder or appsettings file that is a symbolic link out of the root is refused; a link inside the root is not")
    func symbolicLinks() throws {
        let outside = try PlatformFixtures.temporaryDirectory("outside")
        let platform = try MiniPlatform(entries: [MiniPlatform.entry(id: "svc", folder: "linked")])
        try FileManager.default.createSymbolicLink(atPath: platform.root + "/linked", withDestinationPath: outside)
        let problems = platform.rootProblems()
        #expect(problems.count == 1 && problems.first?.message.contains("through a symbolic link") == true, "\(problems)")

        let linkedFile = try MiniPlatform(entries: [MiniPlatform.entry(id: "svc", folder: "svc")])
        try Data(#"{"Stolen": "x"}"#.utf8).write(to: URL(fileURLWithPath: outside + "/appsettings.json"))
        try FileManager.default.createSymbolicLink(atPath: linkedFile.root + "/svc/appsettings.Development.json", withDestinationPath: outside + "/appsettings.json")
        #expect(linkedFile.rootProblems().map(\.message) == ["svc/appsettings.Development.json of service svc leads outside the platform root through a symbolic link"])

        let inside = try MiniPlatform(entries: [MiniPlatform.entry(id: "svc", folder: "linked")])
        try FileManager.default.createSymbolicLink(atPath: inside.root + "/linked", withDestinationPath: inside.root + "/svc")
        #expect(inside.rootProblems().isEmpty)
    }

    @Test("ids listed twice (ignoring case) are refused; plain names and folders inside the root open")
    func duplicatesAndPlainNames() throws {
        let twice = try MiniPlatform(entries: [MiniPlatform.entry(id: "svc", folder: "svc"), MiniPlatform.entry(id: "SVC", folder: "svc")])
        #expect(twice.rootProblems().map(\.message) == ["service id SVC is listed twice (as svc before); ids are compared ignoring case"])
        let fine = try MiniPlatform(entries: [MiniPlatform.entry(id: "user-service_2.api", folder: "./svc/../svc")])
        #expect(fine.rootProblems().isEmpty)
    }

    @Test("an environment name that is not a plain name is refused before any file is read")
    func environmentNames() throws {
        let platform = try MiniPlatform(entries: [MiniPlatform.entry(id: "svc", folder: "svc")])
        try platform.write("outside.json", MiniPlatform.development)
        let root = try PlatformRoot(path: platform.root)
        #expect(throws: DiagnosticList.self) { try root.environment("../outside") }
        #expect(throws: DiagnosticList.self) { try root.environment("/etc/passwd") }
        #expect(try root.environment("development").name == "development")
    }

    @Test("an environment's store path or seed file outside the root is refused at its member")
    func environmentPaths() throws {
        let platform = try MiniPlatform(entries: [MiniPlatform.entry(id: "svc", folder: "svc")])
        try platform.write("environments/development.json", MiniPlatform.development.replacing(".qsl/local-store.json", with: "../../tmp/store.json"))
        do {
            _ = try PlatformRoot(path: platform.root).environment("development")
            Issue.record("an environment whose store lies outside the root was accepted")
        } catch {
            #expect(error.diagnostics.map(\.message) == ["store.path leads outside the platform root"])
            #expect(error.diagnostics.first?.location?.line == 2)
        }
    }
}

@Suite("bundle output: modes, symbolic links, leftovers")
struct BundleOutputSafetyTests {
    static func mode(_ path: String) -> UInt32 {
        var info = stat()
        _ = lstat(path, &info)
        return UInt32(info.st_mode) & 0o777
    }

    @Test("folders that already exist at 0755 become 0700, and drift reports a wrong folder mode")
    func folderModes() async throws {
        let platform = try MiniPlatform(entries: [MiniPlatform.entry(id: "svc", folder: "svc")])
        let result = try await platform.bundle()
        let out = try PlatformFixtures.temporaryDirectory("out") + "/bundle"
        try FileManager.default.createDirectory(atPath: out + "/svc", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        chmod(out, 0o755)
        let before = result.drift(in: out).map(\.description)
        #expect(before.contains(": mode 755, expected 700"), "\(before)")
        #expect(before.contains("svc/: mode 755, expected 700"), "\(before)")

        try result.write(to: out)
        #expect(Self.mode(out) == 0o700)
        #expect(Self.mode(out + "/svc") == 0o700)
        #expect(Self.mode(out + "/svc/config.json") == 0o600)
        #expect(result.drift(in: out).isEmpty)

        chmod(out + "/svc", 0o755)
        #expect(result.drift(in: out).map(\.description) == ["svc/: mode 755, expected 700"])
    }

    @Test("a service output folder that is a symbolic link is neither written nor deleted through")
    func symbolicLinkedServiceFolder() async throws {
        let platform = try MiniPlatform(entries: [MiniPlatform.entry(id: "svc", folder: "svc")])
        let result = try await platform.bundle()
        let out = try PlatformFixtures.temporaryDirectory("out")
        let elsewhere = try PlatformFixtures.temporaryDirectory("elsewhere")
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: elsewhere + "/config.json"))
        try FileManager.default.createSymbolicLink(atPath: out + "/svc", withDestinationPath: elsewhere)

        #expect(result.drift(in: out).map(\.description).contains("svc/: a symbolic link or not a folder, where the service's folder belongs"))
        do {
            try result.write(to: out)
            Issue.record("wrote through a symbolic link")
        } catch {
            #expect(error.diagnostics.first?.location?.file == out + "/svc", "\(error)")
            #expect(error.diagnostics.first?.message.contains("symbolic link") == true)
        }
        #expect(try String(contentsOfFile: elsewhere + "/config.json", encoding: .utf8) == "keep me")
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere) == ["config.json"])
        #expect(!FileManager.default.fileExists(atPath: out + "/manifest.json"))
    }

    @Test("a file the bundle no longer has is not deleted through a service folder replaced by a symbolic link")
    func staleRemovalThroughLink() async throws {
        let two = try MiniPlatform(entries: [MiniPlatform.entry(id: "svc", folder: "svc"), MiniPlatform.entry(id: "old", folder: "svc")])
        let out = try PlatformFixtures.temporaryDirectory("out")
        try await two.bundle().write(to: out)
        // `old`'s folder is now a link to a folder holding a file of the same name; a dotenv run
        // replaces the json bundle, so every json file is stale.
        let elsewhere = try PlatformFixtures.temporaryDirectory("elsewhere")
        try Data("not the bundle's".utf8).write(to: URL(fileURLWithPath: elsewhere + "/config.json"))
        try FileManager.default.removeItem(atPath: out + "/old")
        try FileManager.default.createSymbolicLink(atPath: out + "/old", withDestinationPath: elsewhere)
        try two.write("environments/services.json", "{\"services\": [\(MiniPlatform.entry(id: "svc", folder: "svc"))]}")
        let dotenv = try await two.bundle(.dotenv)
        #expect(throws: DiagnosticList.self) { try dotenv.write(to: out) }
        #expect(try String(contentsOfFile: elsewhere + "/config.json", encoding: .utf8) == "not the bundle's")
    }

    @Test("a temporary file an interrupted run left is drift, and the next run removes it")
    func leftovers() async throws {
        let platform = try MiniPlatform(entries: [MiniPlatform.entry(id: "svc", folder: "svc")])
        let result = try await platform.bundle()
        let out = try PlatformFixtures.temporaryDirectory("out")
        try result.write(to: out)
        #expect(result.drift(in: out).isEmpty)

        // What a run killed between writing a temporary file and renaming it leaves: fresh, unlocked.
        let leftover = out + "/svc/.config.json.tmp-Ab12Cd"
        try AtomicFile.write(Array("App__Password=fake-mini-password".utf8), to: leftover, mode: 0o600)
        let topLevel = out + "/.manifest.json.tmp-Zz9Yy8"
        try AtomicFile.write(Array("{}".utf8), to: topLevel, mode: 0o600)
        #expect(result.drift(in: out).map(\.description) == [
            ".manifest.json.tmp-Zz9Yy8: temporary file left by an interrupted run (it may hold secrets)",
            "svc/.config.json.tmp-Ab12Cd: temporary file left by an interrupted run (it may hold secrets)",
        ])

        try result.write(to: out)
        #expect(!FileManager.default.fileExists(atPath: leftover))
        #expect(!FileManager.default.fileExists(atPath: topLevel))
        #expect(result.drift(in: out).isEmpty)
    }
}
