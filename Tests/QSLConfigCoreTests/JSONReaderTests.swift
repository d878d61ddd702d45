import Foundation
import QSLConfigCore
import Testing

@Suite("lossless reader")
struct JSONReaderTests {
    static let fixturesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let fixtures: [String] = try! FileManager.default.contentsOfDirectory(atPath: fixturesDirectory.path).sorted()

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: fixturesDirectory.appendingPathComponent(name)))
    }

    static func parse(_ text: String, limits: ReaderLimits = .default) throws(Diagnostic) -> JSONDocument {
        try JSONDocument(parsing: Array(text.utf8), file: "t.json", limits: limits)
    }

    static func failure(_ text: String, limits: ReaderLimits = .default) -> Diagnostic? {
        do {
            _ = try parse(text, limits: limits)
            return nil
        } catch {
            return error
        }
    }

    @Test("every fixture round-trips byte for byte", arguments: fixtures)
    func roundTrip(_ name: String) throws {
        let original = try Self.bytes(name)
        let document = try JSONDocument(parsing: original, file: name)
        #expect(document.bytes == original)
        // An edit list that rewrites every scalar with its own text reproduces the file exactly.
        var edits: [JSONEdit] = []
        func collect(_ value: JSONValue) {
            if value.kind.isContainer {
                for child in value.children { collect(child) }
            } else {
                edits.append(JSONEdit(range: value.byteRange, replacement: value.sourceText))
            }
        }
        collect(document.root)
        #expect(try document.applying(edits) == original)
    }

    @Test("an edit changes only its own range", arguments: fixtures)
    func editChangesOnlyItsRange(_ name: String) throws {
        let original = try Self.bytes(name)
        let document = try JSONDocument(parsing: original, file: name)
        var strings: [JSONValue] = []
        func collect(_ value: JSONValue) {
            if value.kind == .string { strings.append(value) }
            for child in value.children { collect(child) }
        }
        collect(document.root)
        for target in strings {
            let replacement = "${aws:secrets:qsl/test/x:key}"
            let edited = try document.applying([.replacing(target, withString: replacement)])
            let range = target.byteRange
            let newText = Array(JSONStringEncoding.quoted(replacement).utf8)
            #expect(Array(edited[..<range.lowerBound]) == Array(original[..<range.lowerBound]))
            #expect(Array(edited[range.lowerBound..<(range.lowerBound + newText.count)]) == newText)
            #expect(Array(edited[(range.lowerBound + newText.count)...]) == Array(original[range.upperBound...]))
            let reread = try JSONDocument(parsing: edited, file: name)
            #expect(reread.value(atIndex: target.index).stringValue == replacement)
        }
    }

    @Test("keeps key order, comments, positions and decoded values")
    func model() throws {
        let document = try JSONDocument(parsing: try Self.bytes("apphost.appsettings.json"), file: "apphost.json")
        #expect(document.root.members.map(\.key).prefix(4) == ["Logging", "AllowedHosts", "AWS", "Security"])
        #expect(document.comments.count == 2)
        let bus = document.root["aws"]?["EventBridge"]?["BusName"]
        #expect(bus?.stringValue == "qsl-staging-core")
        #expect(bus?.location.line == 15)
        #expect(bus?.keyLocation?.line == 15)
        let numbers = document.root["Numbers"]!.children.map(\.sourceText)
        #expect(numbers == ["0", "-1", "1.50", "1e3", "12345678901234567890", "-0.0e-5"])
        #expect(document.root["Unicode"]?.stringValue == "café 😀 — naïve")
        #expect(document.root["Escapes"]?.stringValue == "quote \" backslash \\ slash / tab \t")
        #expect(document.root["Logto"]?["Scopes"]?.count == 2)
    }

    @Test("a // comment ends at a carriage return too, and one holding U+2028 or U+2029 is refused, as System.Text.Json does")
    func lineCommentEnds() throws {
        let crOnly = try JSONDocument(parsing: Array("{ // c\r \"a\": 1\r}".utf8), file: "t.json")
        #expect(crOnly.root["a"]?.scalarText == "1")
        for separator in ["\u{2028}", "\u{2029}"] {
            let refused = Self.failure("{ // c \(separator) x\n \"a\": 1}")
            #expect(refused?.message.contains(separator == "\u{2028}" ? "U+2028 (line separator)" : "U+2029 (paragraph separator)") == true, "\(String(describing: refused))")
        }
        // Elsewhere in a comment, and in a /* */ comment, they are text.
        #expect(try Self.parse("{ /* \u{2028} */ \"a\": 1}").root["a"] != nil)
        // A lone CR ends a line for positions and edits too: removing "a" keeps "b", which
        // follows a comment on a line of its own.
        let text = "{\r  \"a\": 1, // c\r  \"b\": 2\r}"
        let document = try JSONDocument(parsing: Array(text.utf8), file: "t.json")
        #expect(document.root["b"]?.location.line == 3)
        let a = try #require(document.root["a"])
        let removed = String(decoding: try document.applying([document.removingMember(a)]), as: UTF8.self)
        #expect(removed == "{\r  \"b\": 2\r}", "\(removed.debugDescription)")
        let added = String(decoding: try document.applying(try document.addingMembers([.init(path: ["c"], value: "3")])), as: UTF8.self)
        #expect(added == "{\r  \"a\": 1, // c\r  \"b\": 2,\r  \"c\": \"3\"\r}", "\(added.debugDescription)")
    }

    @Test("a file in UTF-16 or UTF-32 (a byte order mark says so) is asked to be saved as UTF-8, not misread")
    func otherEncodings() {
        for bom in [[0xFF, 0xFE], [0xFE, 0xFF], [0x00, 0x00, 0xFE, 0xFF]] as [[UInt8]] {
            do {
                _ = try JSONDocument(parsing: bom + Array("{\"a\":1}".utf8), file: "t.json")
                Issue.record("accepted a byte order mark \(bom)")
            } catch {
                #expect(error.message == "this file is UTF-16 or UTF-32 (it starts with a byte order mark); save it as UTF-8")
            }
        }
    }

    @Test("columns count characters and skip a byte order mark")
    func columns() throws {
        let bom = try JSONDocument(parsing: try Self.bytes("bom-crlf.json"), file: "bom.json")
        #expect(bom.root["Bom"]?.location.line == 2)
        #expect(bom.root["Bom"]?.location.column == 10)
        #expect(bom.root.location.column == 1)
        let wide = try Self.parse("{\"é\": \"ü\", \"x\": 1}")
        #expect(wide.root["x"]?.location.column == 17)
    }

    struct Bad: Sendable, CustomTestStringConvertible {
        var text: String
        var line: Int
        var column: Int
        var fragment: String
        var testDescription: String { fragment }
    }

    @Test("bad input is rejected at its position", arguments: [
        Bad(text: "{\n  \"a\": 1,\n  \"b\" 2\n}", line: 3, column: 7, fragment: "expected ':'"),
        Bad(text: "{\"a\": 1", line: 1, column: 1, fragment: "never closed"),
        Bad(text: "", line: 1, column: 1, fragment: "empty"),
        Bad(text: "  \n ", line: 2, column: 2, fragment: "empty"),
        // A bare word may be an unquoted secret: named by its kind and position, never echoed.
        Bad(text: "{\"a\": tru}", line: 1, column: 7, fragment: "unexpected bare word; expected a value"),
        Bad(text: "{\"a\": hunter2-unquoted}", line: 1, column: 7, fragment: "unexpected bare word; expected a value"),
        Bad(text: "{\"a\": 'x'}", line: 1, column: 7, fragment: "expected a value"),
        Bad(text: "{a: 1}", line: 1, column: 2, fragment: "double quotes"),
        Bad(text: "{\"a\": 01}", line: 1, column: 7, fragment: "leading zeros"),
        Bad(text: "{\"a\": 1.}", line: 1, column: 7, fragment: "decimal point"),
        Bad(text: "{\"a\": NaN}", line: 1, column: 7, fragment: "unexpected bare word"),
        Bad(text: "{\"a\": 0x10}", line: 1, column: 7, fragment: "invalid number"),
        Bad(text: "{\"a\": \"x\\q\"}", line: 1, column: 9, fragment: "invalid escape"),
        Bad(text: "{\"a\": \"\\ud800\"}", line: 1, column: 8, fragment: "high surrogate"),
        Bad(text: "{\"a\": \"line\nbreak\"}", line: 1, column: 12, fragment: "line break"),
        Bad(text: "{\"a\": [1,,2]}", line: 1, column: 10, fragment: "unexpected ','"),
        Bad(text: "{,}", line: 1, column: 2, fragment: "unexpected ','"),
        Bad(text: "{\"a\": 1} x", line: 1, column: 10, fragment: "found a bare word after the end"),
        Bad(text: "{} {}", line: 1, column: 4, fragment: "after the end"),
        Bad(text: "{/* open", line: 1, column: 2, fragment: "never closed"),
        Bad(text: "{\"a\": 1 / 2}", line: 1, column: 9, fragment: "unexpected '/'"),
        Bad(text: "\"text\"", line: 1, column: 1, fragment: "a string"),
        Bad(text: "42", line: 1, column: 1, fragment: "a number"),
        Bad(text: "null", line: 1, column: 1, fragment: "null"),
        Bad(text: "{\n \"Name\": \"x\",\n \"name\": \"y\"\n}", line: 3, column: 2, fragment: "duplicate key 'name'"),
        Bad(text: "{\"a\": {\"b\": 1}, \"a:b\": 2}", line: 1, column: 17, fragment: "duplicate key 'a:b'"),
        Bad(text: "{\"a\": [\"x\"], \"a:0\": \"y\"}", line: 1, column: 14, fragment: "duplicate key 'a:0'"),
    ])
    func rejects(_ bad: Bad) {
        let diagnostic = Self.failure(bad.text)
        #expect(diagnostic != nil, "accepted: \(bad.text)")
        #expect(diagnostic?.location?.line == bad.line, "\(diagnostic?.description ?? "")")
        #expect(diagnostic?.location?.column == bad.column, "\(diagnostic?.description ?? "")")
        #expect(diagnostic?.message.contains(bad.fragment) == true, "\(diagnostic?.description ?? "")")
        #expect(diagnostic?.description.hasPrefix("t.json:\(bad.line):\(bad.column): error: ") == true)
    }

    /// Inputs whose error falls on text that may be a secret: an unquoted value, a word after
    /// the top-level object, an unquoted name, letters after digits, a bad escape inside a
    /// string, the local store's base64 key file read as JSON.
    static let secretBearing: [String] = [
        "{\"Password\": Zq9Xw7Vb}",
        "{\"Password\": \"ok\"} Zq9Xw7Vb",
        "{Zq9Xw7Vb: 1}",
        "{\"Pin\": 1Zq9Xw7Vb}",
        "{\"Password\": \"x\\Zq9Xw7Vb\"}",
        "{\"Password\": \"ok\" Zq9Xw7Vb}",
        "[1, Zq9Xw7Vb]",
        "Zq9Xw7Vb/Cl39iFWEPubosUtvlB1rwrLK+5m0=\n",
        "{\"a\": nil}",
    ]

    @Test("no error quotes text from the input, not even one letter of a bare word", arguments: secretBearing)
    func errorsNeverQuoteTheInput(_ text: String) throws {
        let diagnostic = try #require(Self.failure(text), "accepted: \(text)")
        let secret = "Zq9Xw7Vb"
        let pairs = (0..<(secret.count - 1)).map { String(secret.dropFirst($0).prefix(2)) }
        for pair in pairs {
            #expect(!diagnostic.message.contains(pair), "\(diagnostic.description)")
        }
        #expect(!diagnostic.message.contains("'Z'") && !diagnostic.message.contains("nil"), "\(diagnostic.description)")
    }

    @Test("invalid UTF-8 is rejected at the first bad byte", arguments: [
        [0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x80],
    ] as [[UInt8]])
    func invalidUTF8(_ sequence: [UInt8]) {
        let bytes: [UInt8] = Array("{\n  \"k\": \"ab".utf8) + sequence + Array("\"}".utf8)
        do {
            _ = try JSONDocument(parsing: bytes, file: "u.json")
            Issue.record("accepted invalid UTF-8 \(sequence)")
        } catch {
            #expect(error.location?.line == 2)
            #expect(error.location?.column == 11)
            #expect(error.message.contains("invalid UTF-8"))
        }
        // Also inside comments.
        let comment: [UInt8] = Array("{ // x".utf8) + sequence + Array("\n}".utf8)
        #expect(throws: Diagnostic.self) { try JSONDocument(parsing: comment, file: "c.json") }
    }

    @Test("nesting is limited to 64 levels by default")
    func depth() throws {
        let ok = "{\"a\":" + String(repeating: "[", count: 63) + String(repeating: "]", count: 63) + "}"
        #expect(throws: Never.self) { try Self.parse(ok) }
        let deep = "{\"a\":" + String(repeating: "[", count: 64) + String(repeating: "]", count: 64) + "}"
        let failure = Self.failure(deep)
        #expect(failure?.message.contains("deeper than the limit of 64") == true)
        #expect(failure?.location?.column == 69)
        // A hostile depth never overflows the stack.
        let hostile = String(repeating: "[", count: 1_000_000)
        #expect(Self.failure("{\"a\":" + hostile)?.rule == "too-deep")
    }

    @Test("files above the size limit are rejected before parsing")
    func size() {
        let text = "{\"a\": \"" + String(repeating: "x", count: 200) + "\"}"
        let failure = Self.failure(text, limits: ReaderLimits(maxBytes: 100))
        #expect(failure?.message.contains("above the limit of 100 bytes") == true)
        #expect(failure?.location?.line == 1)
        #expect(ReaderLimits.default.maxBytes == 32 * 1024 * 1024)
    }

    @Test("duplicate names that do not collide on a leaf are accepted, as ASP.NET accepts them")
    func nonCollidingDuplicates() throws {
        let document = try Self.parse(#"{"Server": {"Host": "h"}, "server": {"Port": 1}, "a": "x", "a": {}}"#)
        let layer = try ConfigurationLayer.json(document)
        #expect(layer.count == 3)
    }

    @Test("objects with many members check duplicates too")
    func manyMembers() {
        var text = "{"
        for i in 0..<500 { text += "\"key\(i)\": \(i)," }
        text += "\"KEY250\": 1}"
        #expect(Self.failure(text)?.message.contains("duplicate key 'KEY250'") == true)
    }

    @Test("edits that overlap are refused and an edit producing invalid JSON is refused")
    func editSafety() throws {
        let document = try Self.parse(#"{"a": "x", "b": "y"}"#)
        let a = document.root["a"]!
        #expect(throws: Diagnostic.self) {
            try document.applying([JSONEdit(range: a.byteRange, replacement: "1"), JSONEdit(range: a.byteRange, replacement: "2")])
        }
        #expect(throws: Diagnostic.self) { try document.applying([JSONEdit(range: a.byteRange, replacement: "not json")]) }
    }

    @Test("any-value mode reads arrays, scalars and repeated names")
    func anyValue() throws {
        let array = try JSONDocument(parsingAnyValue: Array("[1, {\"a\": 1, \"a\": 2}]".utf8), file: "x.json")
        #expect(array.root.kind == .array)
        #expect(array.root[1]?.members.count == 2)
        let scalar = try JSONDocument(parsingAnyValue: Array(" \"s\" ".utf8), file: "x.json")
        #expect(scalar.root.stringValue == "s")
    }
}
