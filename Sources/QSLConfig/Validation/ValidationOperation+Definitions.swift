import QSLConfigCore
import QSLConfigSchema

extension ValidationOperation {
    /// Checks the platform's own definition files — the service catalogue and the environment's
    /// definition — against the schema each names in `$schema`, so that a broken catalogue or
    /// environment is reported at its `FILE:LINE:COL` before any service is validated.
    ///
    /// A file that names no `$schema` is not checked here (``PlatformRoot`` still decodes it).
    ///
    /// - Returns: every failure of every file; empty when they are valid.
    static func definitionFileProblems(root: String, environment: String) -> [Diagnostic] {
        let files = ["environments/services.json", "environments/\(environment.lowercased()).json"].map { PlatformRoot.join(root, $0) }
        var problems: [Diagnostic] = []
        for file in files {
            let document: JSONDocument
            do {
                document = try JSONDocument(parsing: try FileBytes.read(file, maxBytes: 4 << 20), file: file)
            } catch {
                problems.append(error)
                continue
            }
            guard let declared = document.root["$schema"] else { continue }
            guard let reference = declared.stringValue, !reference.contains("://") else {
                problems.append(
                    Diagnostic(
                        at: declared.location, "$schema must name a schema file of the repository by relative path (for example \"../schemas/environment.schema.json\")",
                        rule: "schema-file"))
                continue
            }
            let directory = file.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
            let schema = PlatformRoot.join(directory.isEmpty ? "." : directory, reference)
            guard FileBytes.exists(schema) else {
                problems.append(Diagnostic(at: declared.location, "$schema names \(schema), which does not exist", rule: "schema-file"))
                continue
            }
            do {
                var registry = SchemaRegistry()
                _ = try registry.addFileWithReferences(atPath: schema)
                let validator = try SchemaValidator(schemaFile: schema, registry: registry, options: SchemaValidationOptions(assertFormats: true))
                problems += validator.validate(document.root).failures.map(\.diagnostic)
            } catch {
                problems.append(error.diagnostic)
            }
        }
        return problems
    }
}
