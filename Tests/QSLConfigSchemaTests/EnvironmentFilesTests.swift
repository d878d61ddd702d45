import Foundation
import QSLConfigCore
import QSLConfigSchema
import Testing

/// The repository's own `environments/` files against their schemas in `schemas/`.
@Suite("environments/ validates against schemas/")
struct EnvironmentFilesTests {
    static let environments = SchemaTestPaths.packageRoot.appendingPathComponent("environments").path

    static func validate(_ file: String, against schema: String) throws -> SchemaValidationResult {
        var registry = SchemaRegistry()
        try registry.addDirectory(atPath: SchemaTestPaths.schemas)
        let validator = try SchemaValidator(schemaFile: SchemaTestPaths.schemas + "/" + schema, registry: registry)
        let path = environments + "/" + file
        let document = try JSONDocument(parsing: try FileBytes.read(path), file: path)
        return validator.validate(document.root)
    }

    @Test("each environment definition validates", arguments: ["development.json", "smoke.json", "staging.json", "production.json"])
    func environment(_ file: String) throws {
        let result = try Self.validate(file, against: "environment.schema.json")
        #expect(result.isValid, "\(result.failures.map(\.description))")
    }

    @Test("the catalogue validates and lists all 22 deployables, 3 of them gateways")
    func catalogue() throws {
        let result = try Self.validate("services.json", against: "services-catalogue.schema.json")
        #expect(result.isValid, "\(result.failures.map(\.description))")
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.environments + "/services.json"))) as? [String: Any])
        let services = try #require(object["services"] as? [[String: Any]])
        #expect(services.count == 22)
        #expect(Set(services.compactMap { $0["id"] as? String }).count == 22)
        #expect(services.filter { $0["kind"] as? String == "gateway" }.count == 3)
        for service in services {
            let folder = try #require(service["folder"] as? String)
            #expect(FileManager.default.fileExists(atPath: SchemaTestPaths.packageRoot.appendingPathComponent(folder + "/appsettings.json").path), "\(folder)")
        }
    }

    @Test("an unknown key in the catalogue is still rejected where it is")
    func catalogueRejectsUnknownKeys() throws {
        var registry = SchemaRegistry()
        try registry.addDirectory(atPath: SchemaTestPaths.schemas)
        let validator = try SchemaValidator(schemaFile: SchemaTestPaths.schemas + "/services-catalogue.schema.json", registry: registry)
        let document = try JSONDocument(parsing: Array(#"{"shared": {"folder": "platform/AppHost", "extra": 1}, "services": []}"#.utf8), file: "services.json")
        let result = validator.validate(document.root)
        #expect(result.failures.contains { $0.instancePointer == "/shared/extra" && $0.keyword == "additionalProperties" }, "\(result.failures.map { ($0.instancePointer, $0.keyword) })")
    }
}
