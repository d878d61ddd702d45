import Foundation
import QSLConfig
import QSLConfigOperations
import QSLConfigCore

/// A scratch service folder and schema for validation tests.
struct ValidationFixture {
    let directory: URL

    /// A value no report may ever show: it sits in secret keys.
    static let canary = "canary-5d1e8b-never-print-me"

    /// The test schema: a sibling file holds the secret definition, so references across files
    /// are exercised too.
    static let schema = """
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "type": "object",
          "required": ["Kestrel"],
          "properties": {
            "Kestrel": { "type": "object", "properties": { "Port": { "type": "integer", "maximum": 65535 } } },
            "Hosts": { "type": "array", "items": { "type": "string", "format": "hostname" } },
            "Security": { "type": "object", "properties": { "JWT": { "type": "object", "properties": {
              "Secret": { "$ref": "common.schema.json#/$defs/secret" },
              "Issuer": { "type": "string" } } } } },
            "ConnectionStrings": { "type": "object", "additionalProperties": { "$ref": "common.schema.json#/$defs/secret" } },
            "Jwt": { "type": "object", "properties": {
              "Key": { "$ref": "common.schema.json#/$defs/secret", "deprecated": true, "x-qsl-preferred": "Security:JWT:Secret" } } }
          }
        }
        """

    static let common = """
        { "$defs": { "secret": { "type": "string", "writeOnly": true } } }
        """

    init(_ files: [String: String]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("qsl-validate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("service"), withIntermediateDirectories: true)
        try write("service.schema.json", Self.schema)
        try write("common.schema.json", Self.common)
        // appsettings files go into the service folder, anything else beside it.
        for (name, text) in files { try write(name.hasPrefix("appsettings") ? "service/" + name : name, text) }
    }

    func write(_ relative: String, _ text: String) throws {
        let url = directory.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    func path(_ relative: String) -> String { directory.appendingPathComponent(relative).path }

    var serviceFolder: String { path("service") }

    /// Directory-mode request for the fixture's service.
    func request(environment: String? = "Production", envFiles: [String] = [], secretsPrefix: String? = "qsl/production/",
                 parameterPrefix: String? = "/qsl/production/config/") -> ValidationRequest {
        ValidationRequest(
            .directory(path: serviceFolder, schema: path("service.schema.json"), environment: environment),
            environmentFiles: envFiles.map(path), secretsPrefix: secretsPrefix, parameterPrefix: parameterPrefix)
    }

    func run(_ request: ValidationRequest) async throws -> ValidationReport {
        try await ValidationOperation().run(request)
    }

    /// The report for a service holding `settings` (its `appsettings.json`) against `schema`,
    /// in production.
    static func report(settings: String, schema: String) async throws -> ValidationReport {
        let fixture = try ValidationFixture(["appsettings.json": settings])
        try fixture.write("service.schema.json", schema)
        return try await fixture.run(fixture.request())
    }

    /// Every string a report can print, in every format.
    static func allOutput(_ report: ValidationReport) -> String {
        ValidationReportFormat.allCases.map { $0.render(report, toolVersion: "test") }.joined(separator: "\n")
    }
}

extension ValidationReport {
    var diagnostics: [Diagnostic] { platformDiagnostics + services.flatMap(\.diagnostics) }
    /// The failures the schema reported.
    var schemaFailures: [Diagnostic] { diagnostics.filter { $0.rule == "schema" } }
    func rules(_ severity: Diagnostic.Severity = .error) -> [String] {
        diagnostics.filter { $0.severity == severity }.compactMap(\.rule)
    }
}
