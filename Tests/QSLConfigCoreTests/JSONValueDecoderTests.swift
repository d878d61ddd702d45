@testable import QSLConfigCore
import Testing

@Suite("Decoding from the reader's document")
struct JSONValueDecoderTests {
    struct Definition: Decodable, Equatable {
        struct Policy: Decodable, Equatable {
            var intervalDays: Int
            var enabled: Bool?
        }

        var name: String
        var description: String?
        var replicas: UInt8
        var ratio: Double
        var tags: [String: String]?
        var services: [String]
        var rotation: [String: Policy]
    }

    /// Two integers written as a two-element array.
    struct Pair: Decodable, Equatable {
        var low: Int
        var high: Int

        init(low: Int, high: Int) {
            self.low = low
            self.high = high
        }

        init(from decoder: any Decoder) throws {
            var elements = try decoder.unkeyedContainer()
            low = try elements.decode(Int.self)
            high = try elements.decode(Int.self)
        }
    }

    @Test("an array with too few elements is reported at the array, naming its key path")
    func tooFewElements() throws {
        let text = "{\n  \"ranges\": [[1, 2], [3]]\n}"
        let root = try document(text).root
        do {
            _ = try JSONValueDecoder().decode([String: [Pair]].self, from: root)
            Issue.record("decoded")
        } catch {
            #expect(error.message == "ranges[1] has too few elements")
            #expect(error.location?.line == 2 && error.location?.column == 22, "\(String(describing: error.location))")
        }
        #expect(try JSONValueDecoder().decode([String: [Pair]].self, from: try document(#"{"ranges": [[1, 2]]}"#).root) == ["ranges": [Pair(low: 1, high: 2)]])
    }

    private func document(_ text: String) throws -> JSONDocument {
        try JSONDocument(parsingAnyValue: Array(text.utf8), file: "environments/production.json")
    }

    @Test("a document with comments, trailing commas, nesting, optionals and exponents decodes as written")
    func decodes() throws {
        let text = """
            {
              // the environment
              "name": "production",
              "replicas": 3,
              "ratio": 0.25,
              "services": ["userservice", "feeservice",],
              "rotation": { "jwt": { "intervalDays": 3e1, "enabled": true }, "neon": { "intervalDays": 90 } },
              "description": null,
            }
            """
        let decoded = try JSONValueDecoder().decode(Definition.self, from: try document(text).root)
        #expect(decoded == Definition(
            name: "production", description: nil, replicas: 3, ratio: 0.25, tags: nil, services: ["userservice", "feeservice"],
            rotation: ["jwt": .init(intervalDays: 30, enabled: true), "neon": .init(intervalDays: 90, enabled: nil)]))
    }

    @Test("a wrong type, a missing key, a fraction or an out-of-range integer is one diagnostic at its line and column, naming the key path")
    func failures() throws {
        let cases: [(String, String, Int, Int)] = [
            (#"{"name": 1, "replicas": 1, "ratio": 1, "services": [], "rotation": {}}"#, "name must be a string, not a number", 1, 10),
            (#"{"name": "p", "replicas": 1, "ratio": 1, "services": [], "rotation": {"jwt": {"enabled": true}}}"#, "missing required key rotation.jwt.intervalDays", 1, 78),
            (#"{"name": "p", "replicas": 1, "ratio": 1, "services": ["a", 2], "rotation": {}}"#, "services[1] must be a string, not a number", 1, 60),
            (#"{"name": "p", "replicas": 1.5, "ratio": 1, "services": [], "rotation": {}}"#, "replicas must be an integer from 0 to 255, not 1.5", 1, 27),
            (#"{"name": "p", "replicas": 300, "ratio": 1, "services": [], "rotation": {}}"#, "replicas must be an integer from 0 to 255, not 300", 1, 27),
            (#"{"name": "p", "replicas": 1, "ratio": 1, "services": {}, "rotation": {}}"#, "services must be an array, not an object", 1, 54),
            (#"["p"]"#, "the top level must be an object, not an array", 1, 1),
        ]
        for (text, message, line, column) in cases {
            let root = try document(text).root
            do {
                _ = try JSONValueDecoder().decode(Definition.self, from: root)
                Issue.record("\(text) decoded")
            } catch {
                #expect(error.message == message, "\(text)")
                #expect(error.location?.file == "environments/production.json")
                #expect(error.location?.line == line && error.location?.column == column, "\(text): \(String(describing: error.location))")
                #expect(error.rule == "schema")
            }
        }
    }
}
