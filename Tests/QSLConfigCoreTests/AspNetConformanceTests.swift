import Foundation
import QSLConfigCore
import Testing

/// Every layered case and environment-name case of `aspnet-configuration-cases.json`, in both
/// compatibility modes.
struct AspNetConformanceTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let raw: [String: any Sendable]
        var testDescription: String { name }
    }

    static let cases: [Case] = {
        let root = try! ConformanceData.json("aspnet-configuration-cases.json")
        return (root["cases"] as! [[String: Any]]).map { Case(name: $0["name"] as! String, raw: $0.mapValues { $0 as! any Sendable }) }
    }()

    static let environmentCases: [Case] = {
        let root = try! ConformanceData.json("aspnet-configuration-cases.json")
        return (root["environmentSelection"] as! [[String: Any]]).map { Case(name: $0["name"] as! String, raw: $0.mapValues { $0 as! any Sendable }) }
    }()

    /// Where .NET 9 differs from the .NET 10 values the cases file holds (rules J5, J7, E3).
    static let dotnet9Expectations: [String: [String: String?]] = [
        "json-null-value-is-null": ["a": "", "b:c": ""],
        "json-empty-array-is-empty-string": ["a": nil, "b:c": nil],
        "json-null-and-empty-inside-array": ["a:0": "", "a:1": "x", "a:2": nil, "a:3": nil],
        "layers-empty-array-does-not-clear-items": ["ip": nil, "ip:0": "a", "ip:1": "b"],
        "layers-null-section-keeps-earlier-children": ["A": "", "A:B": "1"],
        "layers-null-shadows-earlier-value": ["A": ""],
        "env-connection-string-prefixes": [
            "ConnectionStrings:db1": "c1",
            "ConnectionStrings:db2": "c2", "ConnectionStrings:db2_ProviderName": "System.Data.SqlClient",
            "ConnectionStrings:db3": "c3", "ConnectionStrings:db3_ProviderName": "MySql.Data.MySqlClient",
            "ConnectionStrings:db4": "c4", "ConnectionStrings:db4_ProviderName": "System.Data.SqlClient",
            "POSTGRESQLCONNSTR_db5": "c5", "REDISCACHECONNSTR_cache": "c6", "SERVICEBUSCONNSTR_bus": "c7",
            "APPSETTING_AppName": "n", "CommonEnv": "v",
        ],
    ]

    static func run(_ testCase: Case, _ mode: AspNetCompatibility) throws -> [ConfigKey: String?] {
        var configuration = LayeredConfiguration()
        for layer in testCase.raw["layers"] as! [[String: Any]] {
            switch layer["kind"] as! String {
            case "json":
                let document = try JSONDocument(parsing: Array((layer["content"] as! String).utf8), file: layer["path"] as! String)
                configuration.add(try .json(document, compatibility: mode))
            case "env":
                configuration.add(.environment(layer["content"] as! [String: String], prefix: layer["prefix"] as? String, compatibility: mode))
            case "args":
                configuration.add(try .commandLine(layer["content"] as! [String], switchMappings: layer["switchMappings"] as? [String: String]))
            default:
                Issue.record("unknown layer kind \(layer["kind"]!)")
            }
        }
        return configuration.flattened
    }

    static func expectation(_ raw: Any) -> [ConfigKey: String?] {
        var result: [ConfigKey: String?] = [:]
        for (key, value) in raw as! [String: Any] {
            result[ConfigKey(key)] = value is NSNull ? .some(nil) : .some(value as? String)
        }
        return result
    }

    @Test("layered case, .NET 10 semantics", arguments: cases)
    func dotnet10(_ testCase: Case) throws {
        try check(testCase, mode: .dotnet10, expected: testCase.raw["expected"].map(Self.expectation))
    }

    @Test("layered case, .NET 9 semantics (the default)", arguments: cases)
    func dotnet9(_ testCase: Case) throws {
        let expected = Self.dotnet9Expectations[testCase.name].map { table in
            Dictionary(uniqueKeysWithValues: table.map { (ConfigKey($0.key), $0.value) })
        } ?? testCase.raw["expected"].map(Self.expectation)
        try check(testCase, mode: .dotnet9, expected: expected)
        #expect(AspNetCompatibility.default == .dotnet9)
    }

    func check(_ testCase: Case, mode: AspNetCompatibility, expected: [ConfigKey: String?]?) throws {
        if let expected {
            let actual = try Self.run(testCase, mode)
            #expect(actual == expected, "\(testCase.name) [\(mode)]")
            return
        }
        let error = testCase.raw["error"] as! [String: String]
        do {
            _ = try Self.run(testCase, mode)
            Issue.record("\(testCase.name): expected \(error["exception"]!) but loading succeeded")
        } catch let diagnostic as Diagnostic {
            // The .NET message names the offending key or switch in quotes; ours must name the same one.
            let message = error["message"]!
            if let quoted = message.split(separator: "'").dropFirst().first, !message.contains("Top-level") {
                #expect(diagnostic.message.contains("'\(quoted)'"), "\(diagnostic.message) should name '\(quoted)'")
            }
            if message.hasPrefix("Top-level") {
                #expect(diagnostic.message.contains("an array"))
                #expect(diagnostic.location?.line == 1)
            }
            if error["exception"] == "FormatException", testCase.raw["layers"].map({ ($0 as! [[String: Any]]).first?["kind"] as? String }) == "json" {
                #expect(diagnostic.location != nil, "a file error must carry a position")
            }
        }
    }

    @Test("the .NET 9 table lists exactly the cases whose results differ between releases")
    func differencesAreExactlyTheDocumentedOnes() throws {
        var differing: Set<String> = []
        for testCase in Self.cases where testCase.raw["expected"] != nil {
            if try Self.run(testCase, .dotnet9) != Self.run(testCase, .dotnet10) { differing.insert(testCase.name) }
        }
        #expect(differing == Set(Self.dotnet9Expectations.keys))
    }

    @Test("environment name selection", arguments: environmentCases)
    func environmentName(_ testCase: Case) throws {
        let builder = HostEnvironment.Builder(rawValue: testCase.raw["builder"] as! String)!
        let name = HostEnvironment.name(
            builder: builder, environment: testCase.raw["env"] as! [String: String], arguments: testCase.raw["args"] as! [String])
        #expect(name == testCase.raw["expectedEnvironmentName"] as! String)
        #expect(HostEnvironment.jsonFiles(forEnvironment: name) == testCase.raw["expectedJsonFiles"] as! [String])
    }

    @Test("all 60 layered and 9 environment cases are present")
    func counts() {
        #expect(Self.cases.count == 60)
        #expect(Self.environmentCases.count == 9)
    }
}
