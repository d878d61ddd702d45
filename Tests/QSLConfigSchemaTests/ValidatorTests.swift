import QSLConfigCore
@testable import QSLConfigSchema
import Testing

@Suite("Validation results")
struct ValidatorTests {
    static let kestrelSchema = """
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "$id": "https://qsl.example/schemas/test.schema.json",
          "type": "object",
          "required": ["Issuer"],
          "properties": {
            "Kestrel": {
              "type": "object",
              "properties": {
                "Port": { "type": "integer" },
                "Max": { "type": "integer", "maximum": 65535 }
              }
            },
            "Name": { "type": "string" }
          }
        }
        """

    static let kestrelInstance = """
        {
          "Kestrel": {
            "Port": "eighty",
            "Max": 70000
          },
          // comments are fine in appsettings
          "Name": 5,
        }
        """

    /// `value` rebuilt as a ``ComposedInstance``: containers member by member, leaves (and, at
    /// `depth` 0, whole subtrees) as values of the document.
    static func composed(_ value: JSONValue, depth: Int) -> ComposedInstance {
        guard depth > 0 else { return ComposedInstance(value) }
        switch value.kind {
        case .object: return .object(value.members.map { ($0.key, composed($0.value, depth: depth - 1)) }, location: value.location)
        case .array: return .array(value.children.map { composed($0, depth: depth - 1) }, location: value.location)
        default: return ComposedInstance(value)
        }
    }

    @Test("a composed instance validates exactly as the document it was built from, at every depth of composition")
    func composedInstanceMatchesDocument() throws {
        let schema = """
            {
              "type": "object",
              "required": ["Issuer"],
              "properties": {
                "Kestrel": {"type": "object", "properties": {"Port": {"type": "integer"}, "Max": {"type": "integer", "maximum": 65535}}},
                "Hosts": {"type": "array", "items": {"type": "string", "minLength": 3}, "maxItems": 2},
                "Mode": {"anyOf": [{"const": "fast"}, {"enum": ["slow", "careful"]}]},
                "Name": {"type": "string"}
              },
              "additionalProperties": {"type": ["string", "boolean"]}
            }
            """
        let instance = #"{"Kestrel": {"Port": "eighty", "Max": 70000}, "Hosts": ["ab", "abcd", "x"], "Mode": "quick", "Name": 5, "Extra": 1.5, "Flag": true}"#
        for options in [SchemaValidationOptions(), SchemaValidationOptions(assertFormats: true, coerceScalarStrings: true, caseInsensitivePropertyNames: true)] {
            let validator = try SchemaFixtures.validator(schema, options: options)
            let document = try SchemaFixtures.document(instance)
            let expected = validator.validate(document.root).failures.map { "\($0.instancePointer) \($0.keywordLocation) \($0.message) \($0.instanceLocation.map { "\($0)" } ?? "-")" }
            #expect(expected.count >= 7)
            for depth in 0...3 {
                let result = validator.validate(Self.composed(document.root, depth: depth))
                let found = result.failures.map { "\($0.instancePointer) \($0.keywordLocation) \($0.message) \($0.instanceLocation.map { "\($0)" } ?? "-")" }
                #expect(found == expected, "depth \(depth)")
            }
        }
        // A text leaf (an environment variable's value) is a string at its own position.
        let validator = try SchemaFixtures.validator(#"{"properties": {"Port": {"type": "integer"}}}"#)
        let at = SourceLocation(file: "prod.env", line: 3, column: 6, offset: 20)
        let result = validator.validate(ComposedInstance.object([("Port", ComposedInstance(text: "eighty", location: at))], location: nil))
        #expect(result.failures.map(\.message) == ["\"Port\" must be an integer, found a string"])
        #expect(result.failures.first?.instanceLocation == at)
    }

    @Test("every failure is collected, with the instance's line and column")
    func failuresCarryLocations() throws {
        let validator = try SchemaFixtures.validator(Self.kestrelSchema)
        let document = try SchemaFixtures.document(Self.kestrelInstance)
        let result = validator.validate(document.root)
        #expect(!result.isValid)
        #expect(!validator.isValid(document.root))
        #expect(result.failures.count == 4)

        let byKeyword = Dictionary(grouping: result.failures, by: \.keyword)
        let required = try #require(byKeyword["required"]?.first)
        #expect(required.message == "required property \"Issuer\" is missing")
        #expect(required.instanceLocation?.line == 1)
        #expect(required.instanceLocation?.column == 1)
        #expect(required.instancePointer == "")

        let port = try #require(result.failures.first { $0.instancePointer == "/Kestrel/Port" })
        #expect(port.message == "\"Port\" must be an integer, found a string")
        #expect(port.instanceLocation?.line == 3)
        #expect(port.instanceLocation?.column == 13)
        #expect(port.keywordLocation == "/properties/Kestrel/properties/Port/type")
        #expect(port.absoluteKeywordLocation == "https://qsl.example/schemas/test.schema.json#/properties/Kestrel/properties/Port/type")
        #expect(port.description == "appsettings.json:3:13: error: \"Port\" must be an integer, found a string [schema]")
        #expect(port.keyPath == "Kestrel:Port")
        #expect(port.diagnostic.keyPath == "Kestrel:Port")

        let max = try #require(byKeyword["maximum"]?.first)
        #expect(max.message == "value 70000 is above the maximum 65535")
        #expect(max.instanceLocation.map { "\($0)" } == "appsettings.json:4:12")

        let name = try #require(result.failures.first { $0.instancePointer == "/Name" })
        #expect(name.message == "\"Name\" must be a string, found an integer")
        #expect(name.instanceLocation?.line == 7)
        #expect(name.instanceLocation?.column == 11)
    }

    @Test("a keyword reached through $ref reports the evaluation path and the canonical location")
    func referenceLocations() throws {
        let validator = try SchemaFixtures.validator("""
            {
              "$id": "https://qsl.example/ref.json",
              "properties": { "Port": { "$ref": "#/$defs/port" } },
              "$defs": { "port": { "type": "integer", "minimum": 1, "maximum": 65535 } }
            }
            """)
        let result = validator.validate(try SchemaFixtures.document(#"{"Port": 0}"#).root)
        let failure = try #require(result.failures.first)
        #expect(result.failures.count == 1)
        #expect(failure.keywordLocation == "/properties/Port/$ref/minimum")
        #expect(failure.absoluteKeywordLocation == "https://qsl.example/ref.json#/$defs/port/minimum")
        #expect(failure.message == "value 0 is below the minimum 1")
    }

    @Test("anyOf and oneOf report one failure with the closest alternative's reasons")
    func alternatives() throws {
        let validator = try SchemaFixtures.validator("""
            {
              "properties": {
                "Store": {
                  "anyOf": [
                    { "type": "string" },
                    { "type": "object", "required": ["Kind"], "properties": { "Port": { "type": "integer" } } }
                  ]
                },
                "Mode": { "oneOf": [ { "type": "integer" }, { "type": "number" } ] }
              }
            }
            """)
        let result = validator.validate(try SchemaFixtures.document(#"{"Store": {"Port": "x"}, "Mode": 3}"#).root)
        #expect(result.failures.count == 2)
        let anyOf = try #require(result.failures.first { $0.keyword == "anyOf" })
        #expect(anyOf.causes.count == 2)
        #expect(anyOf.message.hasPrefix("\"Store\" matches none of the 2 alternatives of anyOf; closest is alternative 1: "))
        let oneOf = try #require(result.failures.first { $0.keyword == "oneOf" })
        #expect(oneOf.message == "\"Mode\" matches 2 alternatives of oneOf (0, 1); exactly one must match")
    }

    @Test("additionalProperties: false names the property that is not allowed")
    func additionalProperties() throws {
        let validator = try SchemaFixtures.validator(#"{"properties": {"A": true}, "additionalProperties": false}"#)
        let result = validator.validate(try SchemaFixtures.document("{\"A\": 1,\n \"B\": 2}").root)
        #expect(result.failures.map(\.message) == ["property \"B\" is not allowed here (additionalProperties)"])
        #expect(result.failures.first?.instanceLocation?.line == 2)
        #expect(result.failures.first?.keywordLocation == "/additionalProperties")
    }

    @Test("messages never repeat an instance's string value")
    func noStringValuesInMessages() throws {
        let validator = try SchemaFixtures.validator("""
            {"properties": {"Secret": {"enum": ["a", "b"], "pattern": "^[a-z]+$", "maxLength": 3, "format": "uuid"}}}
            """)
        let result = validator.validate(try SchemaFixtures.document(#"{"Secret": "Hunter2-SuperSecret"}"#).root)
        #expect(result.failures.count == 4)
        for failure in result.failures {
            #expect(!failure.message.contains("Hunter2"), "\(failure.message)")
        }
    }

    @Test("unresolvable references, bad patterns and unknown meta-schemas fail to compile")
    func compileErrors() throws {
        #expect(throws: SchemaError.self) { try SchemaFixtures.validator(#"{"$ref": "other.json"}"#) }
        do {
            _ = try SchemaFixtures.validator(##"{"properties": {"a": {"$ref": "#/$defs/missing"}}}"##)
            Issue.record("expected an error")
        } catch let error as SchemaError {
            #expect(error.kind == .unresolvableReference)
            #expect(error.message.contains("#/$defs/missing"))
        }
        do {
            _ = try SchemaFixtures.validator(#"{"pattern": "(unclosed"}"#)
            Issue.record("expected an error")
        } catch let error as SchemaError {
            #expect(error.kind == .invalidPattern)
            #expect(error.schemaLocation == "qsl-schema:/anonymous.json#/pattern")
        }
        do {
            _ = try SchemaFixtures.validator(#"{"$schema": "http://json-schema.org/draft-04/schema#"}"#)
            Issue.record("expected an error")
        } catch let error as SchemaError {
            #expect(error.kind == .unsupportedDialect)
        }
        do {
            _ = try SchemaFixtures.validator(#"{"type": "integr"}"#)
            Issue.record("expected an error")
        } catch let error as SchemaError {
            #expect(error.kind == .invalidSchema)
            #expect(error.sourceLocation?.line == 1)
        }
    }

    @Test("a draft-07 schema is chosen by $schema and $ref replaces its siblings")
    func draft7() throws {
        let validator = try SchemaFixtures.validator("""
            {"$schema": "http://json-schema.org/draft-07/schema#",
             "definitions": {"n": {"type": "integer"}},
             "properties": {"a": {"$ref": "#/definitions/n", "maximum": 1}}}
            """)
        #expect(validator.isValid(try SchemaFixtures.value(#"{"a": 5}"#)))
        #expect(!validator.isValid(try SchemaFixtures.value(#"{"a": "5"}"#)))
    }

    @Test("a subschema that applies itself to the same value again is a schema error, located at the reference that closes the loop")
    func referenceLoops() throws {
        let loops = [
            ##"{"$ref": "#"}"##,
            ##"{"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"}"##,
            ##"{"properties": {"A": {"$ref": "#/$defs/a"}}, "$defs": {"a": {"anyOf": [{"type": "string"}, {"$ref": "#/$defs/b"}]}, "b": {"allOf": [{"$ref": "#/$defs/a"}]}}}"##,
            ##"{"$defs": {"a": {"not": {"$ref": "#/$defs/a"}}}, "$ref": "#/$defs/a"}"##,
            ##"{"if": {"type": "string"}, "then": {"$ref": "#"}}"##,
        ]
        for text in loops {
            do {
                _ = try SchemaFixtures.validator(text)
                Issue.record("compiled a loop: \(text)")
            } catch let error as SchemaError {
                #expect(error.kind == .invalidSchema)
                #expect(error.message.contains("without consuming it, so validating never ends"), "\(error)")
                #expect(error.sourceLocation?.line == 1, "\(error)")
            }
        }
        // Recursion through a member or an element consumes the value: not a loop.
        let tree = try SchemaFixtures.validator(##"{"type": "object", "properties": {"child": {"$ref": "#"}}, "items": {"$ref": "#"}}"##)
        #expect(tree.isValid(try SchemaFixtures.value(#"{"child": {"child": {}}}"#)))
        #expect(!tree.isValid(try SchemaFixtures.value(#"{"child": {"child": 1}}"#)))
    }

    @Test("the loop error points at the $ref's line and column in its file")
    func referenceLoopLocation() throws {
        do {
            _ = try SchemaFixtures.validator("{\n  \"$defs\": {\"a\": {\"$ref\": \"#/$defs/b\"},\n    \"b\": {\"$ref\": \"#/$defs/a\"}},\n  \"$ref\": \"#/$defs/a\"\n}")
            Issue.record("compiled a loop")
        } catch let error as SchemaError {
            let location = try #require(error.sourceLocation)
            #expect([2, 3].contains(location.line), "\(error)")
            #expect(error.schemaLocation?.hasSuffix("/$ref") == true, "\(error)")
        }
    }

    /// `{"properties": {"A": {"$ref": "#/$defs/d0"}}, "$defs": {"d0": {"$ref": "#/$defs/d1"}, ...}}`.
    private static func referenceChain(_ links: Int) -> String {
        let defs = (0..<links).map { ##""d\##($0)": {"$ref": "#/$defs/d\##($0 + 1)"}"## }.joined(separator: ", ")
        return ##"{"properties": {"A": {"$ref": "#/$defs/d0"}}, "$defs": {\##(defs), "d\##(links)": {"type": "integer"}}}"##
    }

    /// ``referenceChain(_:)`` whose last link points back at the first.
    private static func referenceLoop(_ links: Int) -> String {
        let defs = (0..<links).map { ##""d\##($0)": {"$ref": "#/$defs/d\##(($0 + 1) % links)"}"## }.joined(separator: ", ")
        return ##"{"properties": {"A": {"$ref": "#/$defs/d0"}}, "$defs": {\##(defs)}}"##
    }

    @Test("$ref targets in a large $defs are found by name, not by scanning the members")
    func indexedMembers() throws {
        let members = (0..<1_000).map { (key: "d\($0)", value: JSONTree(.bool(true))) }
        let large = JSONTree(.object(members))
        #expect(large.isIndexedByName)
        #expect(large["d999"] != nil && large["d1000"] == nil)
        let small = JSONTree(.object(Array(members.prefix(JSONTree.indexedMemberCount))))
        #expect(!small.isIndexedByName)
        #expect(small["d0"] != nil && small["d999"] == nil)
        // The first of two members of one name wins, indexed or not.
        let repeated = JSONTree(.object(members + [(key: "d0", value: JSONTree(.bool(false)))]))
        #expect(repeated["d0"]?.bool == true)
    }

    @Test("a chain of 3,000 $refs compiles without recursing per link; evaluating it stops at the depth limit")
    func longReferenceChain() throws {
        let short = try SchemaFixtures.validator(Self.referenceChain(100))
        #expect(short.isValid(try SchemaFixtures.value(#"{"A": 1}"#)))
        #expect(!short.isValid(try SchemaFixtures.value(#"{"A": "x"}"#)))
        let long = try SchemaFixtures.validator(Self.referenceChain(3_000))
        let result = long.validate(try SchemaFixtures.value(#"{"A": 1}"#))
        #expect(result.failures.count == 1)
        #expect(result.failures.first?.message.contains("recurses more than \(Evaluator<JSONValue>.maxDepth) levels") == true)
    }

    @Test("compiling and evaluating runaway schemas fit a small thread stack")
    func smallStack() {
        let outcome = SchemaFixtures.onSmallStack { () -> [Bool] in
            guard let chain = try? SchemaFixtures.validator(Self.referenceChain(3_000)), let instance = try? SchemaFixtures.value(#"{"A": 1}"#)
            else { return [] }
            var loopMessage = ""
            do { _ = try SchemaFixtures.validator(Self.referenceLoop(3_000)) } catch { loopMessage = (error as? SchemaError)?.message ?? "" }
            return [chain.isValid(instance), chain.validate(instance).isValid, loopMessage.contains("(2995 more)") && loopMessage.count < 1_000]
        }
        #expect(outcome == [false, false, true], "a 3,000-link loop is refused with a one-line message")
    }
}

@Suite("Reading schema and instance files")
struct SchemaJSONTests {
    @Test("non-object values keep their own line and column")
    func nonObjectLocations() throws {
        let value = try SchemaJSON.parse(bytes: Array("[1, \"a\",\n  true]".utf8), file: "data.json")
        #expect(value.kind == .array)
        let elements = value.arrayElements
        #expect(elements.count == 3)
        #expect(elements[1].location.line == 1)
        #expect(elements[1].location.column == 5)
        #expect(elements[2].location.line == 2)
        #expect(elements[2].location.column == 3)
        #expect(try SchemaJSON.parse(bytes: Array("true".utf8), file: "b.json").boolValue == true)
        #expect(try SchemaJSON.parse(bytes: Array("// note\n42".utf8), file: "c.json").numberText == "42")
        // Schema property names are case-sensitive: names differing only in case are both kept.
        let cased = try SchemaJSON.parse(bytes: Array(#"{"properties": {"Moonpay": {}, "MoonPay": {}}}"#.utf8), file: "d.json")
        #expect(cased.objectMembers.first?.value.objectMembers.map(\.key) == ["Moonpay", "MoonPay"])
    }

    @Test("syntax errors in non-object values point at the right column")
    func errorLocations() {
        do {
            _ = try SchemaJSON.parse(bytes: Array("[1, 2 x]".utf8), file: "bad.json")
            Issue.record("expected an error")
        } catch {
            #expect(error.location?.line == 1)
            #expect(error.location?.column == 7)
            #expect(error.location?.file == "bad.json")
        }
    }
}
