import QSLConfigCore
@testable import QSLConfigSchema
import Testing

@Suite("Annotations")
struct AnnotationTests {
    static let schema = """
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "$id": "https://qsl.example/schemas/annotations.json",
          "properties": {
            "Security": {
              "properties": {
                "JWT": { "properties": { "Secret": { "type": "string", "writeOnly": true } } }
              }
            },
            "Jwt": {
              "properties": {
                "Key": { "writeOnly": true, "deprecated": true, "x-qsl-preferred": "Security:JWT:Secret" }
              }
            },
            "Store": {
              "anyOf": [
                { "type": "string", "writeOnly": true },
                { "type": "object", "x-qsl-kind": "store" }
              ]
            },
            "Flag": { "not": { "type": "string", "writeOnly": true } }
          }
        }
        """

    @Test("writeOnly, deprecated and x-qsl-* are reported with the instance location")
    func reported() throws {
        let validator = try SchemaFixtures.validator(Self.schema)
        let document = try SchemaFixtures.document("""
            {
              "Security": { "JWT": { "Secret": "placeholder" } },
              "Jwt": { "Key": "placeholder" },
              "Store": { "Kind": "aws" },
              "Flag": true
            }
            """)
        let result = validator.validate(document.root)
        #expect(result.isValid)

        let secrets = result.annotations(named: "writeOnly")
        #expect(secrets.map(\.keyPath) == ["Security:JWT:Secret", "Jwt:Key"])
        #expect(secrets.first?.instanceLocation?.line == 2)
        #expect(secrets.first?.instanceLocation?.column == 36)
        #expect(secrets.first?.valueText == "true")
        #expect(secrets.first?.schemaLocation == "https://qsl.example/schemas/annotations.json#/properties/Security/properties/JWT/properties/Secret/writeOnly")

        let preferred = try #require(result.annotations(named: "x-qsl-preferred").first)
        #expect(preferred.instancePointer == "/Jwt/Key")
        #expect(preferred.valueText == "\"Security:JWT:Secret\"")
        #expect(result.annotations(named: "deprecated").map(\.keyPath) == ["Jwt:Key"])

        // Only the anyOf branch that matched contributes; nothing under "not" does.
        #expect(result.annotations(named: "x-qsl-kind").map(\.keyPath) == ["Store"])
        #expect(!result.annotations.contains { $0.keyPath == "Store" && $0.keyword == "writeOnly" })
        #expect(!result.annotations.contains { $0.keyPath == "Flag" })
    }

    @Test("annotations survive a failure elsewhere in the instance")
    func keptOnFailure() throws {
        let validator = try SchemaFixtures.validator(Self.schema)
        let result = validator.validate(try SchemaFixtures.document(#"{"Security": {"JWT": {"Secret": 5}}}"#).root)
        #expect(!result.isValid)
        #expect(result.annotations(named: "writeOnly").map(\.keyPath) == ["Security:JWT:Secret"])
    }

    @Test("isValid collects nothing and agrees with validate")
    func fastPath() throws {
        let validator = try SchemaFixtures.validator(Self.schema)
        let value = try SchemaFixtures.document(#"{"Store": 5}"#).root
        #expect(validator.isValid(value) == validator.validate(value).isValid)
        #expect(!validator.isValid(value))
    }
}

@Suite("Sharing")
struct SharingTests {
    @Test("one compiled validator serves concurrent validations")
    func concurrent() async throws {
        let validator = try SchemaFixtures.validator(ValidatorTests.kestrelSchema)
        let document = try SchemaFixtures.document(ValidatorTests.kestrelInstance)
        let counts = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<16 {
                group.addTask {
                    var total = 0
                    for _ in 0..<50 { total += validator.validate(document.root).failures.count }
                    return total
                }
            }
            return await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(counts == Array(repeating: 200, count: 16))
    }

    @Test("compiled regular expressions are shared safely")
    func concurrentPatterns() async throws {
        let validator = try SchemaFixtures.validator(#"{"patternProperties": {"^[A-Z][a-z]+\\d*$": {"pattern": "^(?:[a-f0-9]{2}:){3}[a-f0-9]{2}$"}}}"#)
        let good = try SchemaFixtures.value(#"{"Mac1": "aa:bb:cc:dd", "Other": "00:11:22:33"}"#)
        let bad = try SchemaFixtures.value(#"{"Mac2": "aa:bb:cc"}"#)
        let results = await withTaskGroup(of: Bool.self) { group in
            for i in 0..<32 {
                group.addTask { (0..<100).allSatisfy { _ in validator.isValid(i % 2 == 0 ? good : bad) == (i % 2 == 0) } }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0 })
    }
}
