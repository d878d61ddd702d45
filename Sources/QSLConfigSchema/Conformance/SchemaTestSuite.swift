import QSLConfigCore

/// Runs the official JSON Schema Test Suite (a copy laid out as upstream: `tests/<draft>/*.json`
/// and `remotes/`) through ``SchemaValidator``. Shared by the conformance tests and the
/// `qsl-bench schema-suite` benchmark, so both measure the same thing.
///
/// Remote references are served from `remotes/` as `http://localhost:1234/…`; files under
/// `remotes/draftN/` (and `remotes/v1/`) without `$schema` belong to draft N only and are left
/// out of other drafts' registries, as the suite's README asks. Each case's schema is compiled
/// once and then checked against every instance of the case.
package struct SchemaTestSuite: Sendable {
    /// One run: a draft's required tests, or the 2020-12 `optional/format` files with format
    /// assertion on.
    package enum Run: String, Sendable, CaseIterable, CustomStringConvertible {
        case draft2020 = "draft2020-12"
        case draft7 = "draft7"
        case format2020 = "draft2020-12/optional/format"

        package var description: String { rawValue }

        package var draft: SchemaDraft { self == .draft7 ? .draft7 : .draft2020_12 }

        /// The directory holding the run's files, relative to `tests/`.
        var directory: String { rawValue }

        /// The format files this project asserts (the others test formats it does not claim).
        static let assertedFormats = [
            "date-time", "date", "time", "duration", "email", "hostname", "ipv4", "ipv6", "uri",
            "uri-reference", "uuid", "regex",
        ]
    }

    /// The result of one test (one instance).
    package struct TestResult: Sendable {
        package var file: String
        package var caseDescription: String
        package var testDescription: String
        package var expectedValid: Bool
        package var passed: Bool
        /// Why it failed: the compile error, or what the validator said.
        package var detail: String

        package var name: String { "\(file): \(caseDescription) / \(testDescription)" }
    }

    package struct Summary: Sendable {
        package var run: Run
        package var results: [TestResult]
        package var passed: Int { results.filter(\.passed).count }
        package var total: Int { results.count }
        package var failures: [TestResult] { results.filter { !$0.passed } }
        package var line: String { "\(run.rawValue): \(passed)/\(total) passed" }
    }

    package let suiteDirectory: String

    package init(suiteDirectory: String) {
        self.suiteDirectory = suiteDirectory.hasSuffix("/") ? String(suiteDirectory.dropLast()) : suiteDirectory
    }

    /// The test files of a run, sorted.
    package func files(for run: Run) -> [String] {
        let directory = suiteDirectory + "/tests/" + run.directory
        let all = SchemaRegistry.jsonFiles(under: directory).filter { !$0.contains("/") }
        if run == .format2020 {
            return all.filter { Run.assertedFormats.contains(String($0.dropLast(".json".count))) }
        }
        return all
    }

    /// A registry with the meta-schemas and the suite's remotes for `draft`.
    package func registry(for draft: SchemaDraft) throws(SchemaError) -> SchemaRegistry {
        var registry = SchemaRegistry()
        let remotes = suiteDirectory + "/remotes"
        let own = draft == .draft7 ? "draft7/" : "draft2020-12/"
        for relative in SchemaRegistry.jsonFiles(under: remotes) {
            let value: JSONValue
            do {
                value = try SchemaJSON.parse(contentsOfFile: remotes + "/" + relative)
            } catch {
                throw SchemaError(.unreadableDocument, error.message, sourceLocation: error.location)
            }
            let declaresDraft = value.kind == .object && value.members.contains { $0.key == "$schema" }
            let draftSpecific = relative.hasPrefix("draft") || relative.hasPrefix("v1/")
            if draftSpecific && !declaresDraft && !relative.hasPrefix(own) { continue }
            registry.add(value, uri: "http://localhost:1234/" + relative, draft: draft)
        }
        return registry
    }

    /// Runs every test of `run`. With `crossCheck`, each instance is also run through
    /// ``SchemaValidator/validate(_:)`` and a disagreement with ``SchemaValidator/isValid(_:)``
    /// counts as a failure. With `compilePerTest`, the schema is compiled again for every
    /// instance (the naive way python-jsonschema's baseline runs the suite) instead of once per
    /// case.
    package func run(_ run: Run, crossCheck: Bool = false, compilePerTest: Bool = false) throws(SchemaError) -> Summary {
        let registry = try registry(for: run.draft)
        let options = SchemaValidationOptions(assertFormats: run == .format2020, defaultDraft: run.draft)
        var results: [TestResult] = []
        for file in files(for: run) {
            let path = suiteDirectory + "/tests/" + run.directory + "/" + file
            let groups: JSONValue
            do {
                groups = try SchemaJSON.parse(contentsOfFile: path)
            } catch {
                throw SchemaError(.unreadableDocument, error.message, sourceLocation: error.location)
            }
            for group in groups.children {
                let caseDescription = member(group, "description")?.stringValue ?? "?"
                let tests = member(group, "tests").map { Array($0.children) } ?? []
                guard let schema = member(group, "schema") else { continue }
                let validator: SchemaValidator
                do {
                    validator = try SchemaValidator(schema: schema, registry: registry, options: options)
                } catch {
                    for test in tests {
                        results.append(TestResult(
                            file: file, caseDescription: caseDescription,
                            testDescription: member(test, "description")?.stringValue ?? "?",
                            expectedValid: member(test, "valid")?.boolValue ?? true, passed: false,
                            detail: "schema does not compile: \(error)"))
                    }
                    continue
                }
                for test in tests {
                    let expected = member(test, "valid")?.boolValue ?? true
                    guard let data = member(test, "data") else { continue }
                    let valid = compilePerTest
                        ? try SchemaValidator(schema: schema, registry: registry, options: options).isValid(data)
                        : validator.isValid(data)
                    var passed = valid == expected
                    var detail = "expected \(expected ? "valid" : "invalid"), got \(valid ? "valid" : "invalid")"
                    if crossCheck {
                        let result = validator.validate(data)
                        if result.isValid != valid {
                            passed = false
                            detail = "isValid says \(valid) but validate found \(result.failures.count) failures"
                        } else if !result.isValid {
                            detail += ": " + result.failures.map(\.message).joined(separator: "; ")
                        }
                    }
                    results.append(TestResult(
                        file: file, caseDescription: caseDescription,
                        testDescription: member(test, "description")?.stringValue ?? "?",
                        expectedValid: expected, passed: passed, detail: detail))
                }
            }
        }
        return Summary(run: run, results: results)
    }

    /// The member called exactly `name` (the document model's subscript ignores case).
    private func member(_ object: JSONValue, _ name: String) -> JSONValue? {
        object.children.first { $0.key == name }
    }
}
