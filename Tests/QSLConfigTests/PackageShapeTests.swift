import Foundation
import QSLConfigTesting
import Testing

/// The package's shape, read from `swift package describe --type json`: the start-up library a
/// service links stays small, and every module a target imports is declared.
@Suite("package shape")
struct PackageShapeTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct Target {
        var name: String
        var path: String
        var targets: [String]
        var products: [String]
    }

    /// The package's targets as SwiftPM describes them. A scratch path of its own keeps the call
    /// off the lock of the build folder that the running tests hold.
    static func describe() throws -> [String: Target] {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("qsl-describe-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let result = try ChildProcess.run(
            program: "swift", ["package", "--package-path", packageRoot.path, "--scratch-path", scratch, "describe", "--type", "json"])
        try #require(result.status == 0, "swift package describe failed: \(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let targets = try #require(json["targets"] as? [[String: Any]])
        return Dictionary(
            uniqueKeysWithValues: targets.map { target in
                let name = target["name"] as? String ?? ""
                return (
                    name,
                    Target(
                        name: name, path: target["path"] as? String ?? "", targets: target["target_dependencies"] as? [String] ?? [],
                        products: target["product_dependencies"] as? [String] ?? [])
                )
            })
    }

    /// Every target and product `name` reaches, itself included.
    static func closure(of name: String, in targets: [String: Target]) -> Set<String> {
        var seen: Set<String> = []
        var pending = [name]
        while let next = pending.popLast() {
            guard seen.insert(next).inserted, let target = targets[next] else { continue }
            pending += target.targets + target.products
        }
        return seen
    }

    /// The modules of the start-up library's closure: the core, the AWS client with libcurl, the crypto
    /// shim, swift-log and swift-collections. Growing it is a decision, made here.
    static let startUpClosure: Set<String> = ["QSLConfig", "QSLConfigCore", "QSLConfigAWS", "CLibCurl", "QSLCrypto", "CLibCrypto", "CLazyLibrary", "Logging", "OrderedCollections"]

    /// What the start-up library must never link: the schema validator, the platform operations,
    /// and the resource clients rotation uses (PostgreSQL, Redis) with their C libraries.
    static func isForbiddenAtStartUp(_ module: String) -> Bool {
        ["QSLConfigSchema", "QSLConfigOperations", "QSLConfigResources", "CLibPQ", "QSLConfigRedis", "CLibSSL", "ArgumentParser", "QSLConfigAWSURLSession"]
            .contains(module)
    }

    @Test("the start-up library and its swift-configuration adapter reach neither the schema validator nor a resource client")
    func startUpLibraryIsSmall() throws {
        let targets = try Self.describe()
        #expect(
            targets["QSLConfigSchema"] != nil && targets["QSLConfigOperations"] != nil && targets["QSLConfigRedis"] != nil,
            "the targets the test guards against exist")
        let library = Self.closure(of: "QSLConfig", in: targets)
        #expect(library.filter(Self.isForbiddenAtStartUp).isEmpty, "QSLConfig reaches \(library.filter(Self.isForbiddenAtStartUp).sorted())")
        #expect(library == Self.startUpClosure, "QSLConfig's closure changed: \(library.sorted())")
        let adapter = Self.closure(of: "QSLConfigSwiftConfiguration", in: targets)
        #expect(adapter.filter(Self.isForbiddenAtStartUp).isEmpty, "the adapter reaches \(adapter.filter(Self.isForbiddenAtStartUp).sorted())")
        // The platform operations do reach the validator: the test would notice a wrong graph.
        #expect(Self.closure(of: "QSLConfigOperations", in: targets).contains("QSLConfigSchema"))
        #expect(Self.closure(of: "QSLConfigRedis", in: targets).contains("CLibSSL"))
    }

    @Test("the CLI never reaches the URLSession transport, whose FoundationNetworking links libcurl at start-up")
    func cliLeavesURLSessionOut() throws {
        let targets = try Self.describe()
        #expect(targets["QSLConfigAWSURLSession"]?.targets == ["QSLConfigAWS"], "the target the test guards against exists")
        let cli = Self.closure(of: "qsl-config", in: targets)
        #expect(cli.contains("QSLConfigAWS") && cli.contains("CLibCurl") && cli.contains("CLibPQ"), "\(cli.sorted())")
        #expect(!cli.contains("QSLConfigAWSURLSession"), "qsl-config reaches QSLConfigAWSURLSession: \(cli.sorted())")
        // Nothing but the URLSession transport imports FoundationNetworking, and nothing FoundationXML.
        var importers: [String] = []
        for target in targets.values where !target.path.isEmpty && target.name != "QSLConfigAWSURLSession" {
            let folder = Self.packageRoot.appendingPathComponent(target.path)
            guard let files = FileManager.default.enumerator(atPath: folder.path) else { continue }
            for case let file as String in files where file.hasSuffix(".swift") && !target.path.hasPrefix("Tests/") {
                let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
                if text.contains("import FoundationNetworking") || text.contains("import FoundationXML") { importers.append("\(target.path)/\(file)") }
            }
        }
        #expect(importers.isEmpty, "\(importers.sorted())")
    }

    /// Modules that come with the toolchain, which a manifest does not declare.
    static let toolchainModules: Set<String> = [
        "Foundation", "FoundationNetworking", "FoundationXML", "FoundationEssentials", "Dispatch", "Glibc", "Musl", "Darwin",
        "Synchronization", "Testing", "XCTest", "_Concurrency", "os",
    ]

    @Test("every module a target imports is one it declares")
    func importsAreDeclared() throws {
        let targets = try Self.describe()
        var undeclared: [String] = []
        for target in targets.values where !target.path.isEmpty {
            // A target's module name is its name with `-` as `_` (`qsl-config` is `qsl_config`).
            let declared = Set((target.targets + target.products + [target.name]).flatMap { [$0, $0.replacing("-", with: "_")] })
            let folder = Self.packageRoot.appendingPathComponent(target.path)
            guard let files = FileManager.default.enumerator(atPath: folder.path) else { continue }
            for case let file as String in files where file.hasSuffix(".swift") {
                let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
                for line in text.split(separator: "\n") {
                    // `import M`, `@testable import M`, `public import M`, `import struct M.T`, at
                    // the start of a line (an indented `import` is inside a string).
                    guard line.first != " " else { continue }
                    let words = line.split(separator: " ")
                    guard let index = words.firstIndex(of: "import"),
                        words[..<index].allSatisfy({ $0.hasPrefix("@") || ["public", "package", "internal"].contains($0) }),
                        index + 1 < words.count
                    else { continue }
                    let kinds: Set<Substring> = ["struct", "class", "enum", "protocol", "func", "var", "let", "typealias"]
                    let named = kinds.contains(words[index + 1]) && index + 2 < words.count ? words[index + 2] : words[index + 1]
                    let module = String(named.split(separator: ".").first ?? "")
                    if !Self.toolchainModules.contains(module), !declared.contains(module) {
                        undeclared.append("\(target.path)/\(file) imports \(module), which target \(target.name) does not declare")
                    }
                }
            }
        }
        #expect(undeclared.isEmpty, "\(undeclared.sorted().joined(separator: "\n"))")
    }
}
