import QSLConfigCore
import Testing

/// Adding and removing members byte-exactly, in the file's own style.
@Suite("member edits")
struct JSONMemberEditTests {
    static func edited(_ text: String, _ members: [JSONDocument.NewMember]) throws -> String {
        let document = try JSONDocument(parsing: Array(text.utf8), file: "appsettings.Production.json")
        return String(decoding: try document.applying(try document.addingMembers(members)), as: UTF8.self)
    }

    @Test("a member goes after the last one at its indentation; comments, trailing commas and every other byte stay")
    func afterLastMember() throws {
        let text = """
            {
                // production overrides
                "ConnectionStrings": {
                    "postgres-a": "${aws:secrets:qsl/production/neon/a}",  // kept
                    "postgres-b": "${aws:secrets:qsl/production/neon/b}",
                },
                "Logging": { "LogLevel": { "Default": "Warning" } }
            }
            """
        let result = try Self.edited(text, [.init(path: ["connectionstrings", "cache"], value: "${aws:secrets:qsl/production/redis/connection}")])
        #expect(
            result == """
                {
                    // production overrides
                    "ConnectionStrings": {
                        "postgres-a": "${aws:secrets:qsl/production/neon/a}",  // kept
                        "postgres-b": "${aws:secrets:qsl/production/neon/b}",
                        "cache": "${aws:secrets:qsl/production/redis/connection}",
                    },
                    "Logging": { "LogLevel": { "Default": "Warning" } }
                }
                """)
    }

    @Test("a member added after a value whose block comment runs over lines goes after the comment, where the file reads it")
    func afterMultiLineComment() throws {
        let text = "{\n  \"Settlement\": {\n    \"Currency\": \"EUR\" /* line one\n    line two */\n  }\n}\n"
        let result = try Self.edited(text, [.init(path: ["Settlement", "BankPin"], value: "${aws:secrets:qsl/production/payments:bankPin}")])
        #expect(result == "{\n  \"Settlement\": {\n    \"Currency\": \"EUR\", /* line one\n    line two */\n    \"BankPin\": \"${aws:secrets:qsl/production/payments:bankPin}\"\n  }\n}\n")
        let layer = try ConfigurationLayer.json(try JSONDocument(parsing: Array(result.utf8), file: "f"))
        #expect(layer[ConfigKey("Settlement:BankPin")]?.value == "${aws:secrets:qsl/production/payments:bankPin}")
    }

    @Test("members added to a section whose last members are removed in the same batch go after the last one that stays")
    func besideRemovedLastMembers() throws {
        let text = "{\n  \"AWS\": {\n    \"Region\": \"us-east-1\",\n    \"AccessKeyId\": \"AKIAEXAMPLE\",\n    \"SecretAccessKey\": \"example\"\n  }\n}\n"
        let result = try Self.prefixAdded(text) { $0.key == "AccessKeyId" || $0.key == "SecretAccessKey" }
        #expect(result == "{\n  \"AWS\": {\n    \"Region\": \"us-east-1\",\n    \"SecretsManagerPrefix\": \"qsl/production/\"\n  }\n}\n")
    }

    /// `text` with the members of its `AWS` section that `removing` picks removed and
    /// `AWS:SecretsManagerPrefix` added, in one batch of edits, as migrate plans them.
    static func prefixAdded(_ text: String, removing: (JSONValue) -> Bool) throws -> String {
        let document = try JSONDocument(parsing: Array(text.utf8), file: "appsettings.json")
        let removed = try #require(document.root["AWS"]).children.filter(removing)
        #expect(removed.count == 2)
        let edits = removed.map { document.removingMember($0) }
            + (try document.addingMembers([.init(path: ["AWS", "SecretsManagerPrefix"], value: "qsl/production/")], removing: removed))
        return String(decoding: try document.applying(edits), as: UTF8.self)
    }

    @Test("members added to a section whose every member is removed in the same batch take the removed members' lines")
    func besideAllRemovedMembers() throws {
        let text = "{\n  \"Region\": \"eu\",\n  \"AWS\": {\n    \"AccessKeyId\": \"AKIAEXAMPLE\",\n    \"SecretAccessKey\": \"example\"\n  }\n}\n"
        let result = try Self.prefixAdded(text) { _ in true }
        #expect(result == "{\n  \"Region\": \"eu\",\n  \"AWS\": {\n    \"SecretsManagerPrefix\": \"qsl/production/\"\n  }\n}\n")
    }

    @Test("without a trailing comma the comma goes after the value, before a comment on its line")
    func commaBeforeComment() throws {
        let text = "{\n  \"Kestra\": {\n    \"BaseUrl\": \"http://k\"  // the UI\n  }\n}\n"
        let result = try Self.edited(text, [.init(path: ["Kestra", "Password"], value: "${aws:secrets:qsl/production/kestra:password}")])
        #expect(result == "{\n  \"Kestra\": {\n    \"BaseUrl\": \"http://k\",  // the UI\n    \"Password\": \"${aws:secrets:qsl/production/kestra:password}\"\n  }\n}\n")
    }

    @Test("missing sections are created, nested, at the file's indentation unit")
    func nestedSections() throws {
        let text = "{\n    \"Logging\": {}\n}"
        let result = try Self.edited(
            text,
            [.init(path: ["Security", "JWT", "Secret"], value: "${aws:secrets:qsl/production/jwt:secret}"), .init(path: ["Security", "JWT", "Key"], value: "k")])
        #expect(
            result
                == "{\n    \"Logging\": {},\n    \"Security\": {\n        \"JWT\": {\n            \"Secret\": \"${aws:secrets:qsl/production/jwt:secret}\",\n            \"Key\": \"k\"\n        }\n    }\n}")
    }

    @Test("a file with CRLF line ends gets CRLF on every line a member adds")
    func crlfLineEnds() throws {
        func crlf(_ text: String) -> String { text.replacing("\n", with: "\r\n") }
        let cases: [(String, [JSONDocument.NewMember], String)] = [
            (
                "{\n  \"Kestra\": {\n    \"BaseUrl\": \"http://k\"  // the UI\n  }\n}\n", [.init(path: ["Kestra", "Password"], value: "p")],
                "{\n  \"Kestra\": {\n    \"BaseUrl\": \"http://k\",  // the UI\n    \"Password\": \"p\"\n  }\n}\n"
            ),
            ("{\n  \"A\": \"x\",\n}\n", [.init(path: ["B"], value: "y")], "{\n  \"A\": \"x\",\n  \"B\": \"y\",\n}\n"),
            ("{\n  \"A\": \"x\"\n}", [.init(path: ["B", "C"], value: "y")], "{\n  \"A\": \"x\",\n  \"B\": {\n    \"C\": \"y\"\n  }\n}"),
            ("{\n  \"A\": {}\n}", [.init(path: ["A", "b"], value: "v")], "{\n  \"A\": {\n    \"b\": \"v\"\n  }\n}"),
        ]
        for (text, members, expected) in cases {
            #expect(try Self.edited(text, members) == expected, "LF: \(text)")
            let result = try Self.edited(crlf(text), members)
            #expect(result == crlf(expected), "CRLF: \(result.debugDescription)")
        }
    }

    @Test("an empty object and a one-line object take members in their own shape")
    func emptyAndInline() throws {
        #expect(try Self.edited("{\n  \"A\": {}\n}", [.init(path: ["A", "b"], value: "v")]) == "{\n  \"A\": {\n    \"b\": \"v\"\n  }\n}")
        #expect(try Self.edited("{\"A\": {\"x\": 1}}", [.init(path: ["A", "b"], value: "v")]) == "{\"A\": {\"x\": 1, \"b\": \"v\"}}")
    }

    @Test("adding a member that is already set, or under a value that is not a section, is refused")
    func refusals() throws {
        #expect(throws: Diagnostic.self) { try Self.edited("{\"A\": {\"b\": \"x\"}}", [.init(path: ["a", "B"], value: "v")]) }
        #expect(throws: Diagnostic.self) { try Self.edited("{\"A\": \"x\"}", [.init(path: ["A", "b"], value: "v")]) }
    }

    @Test("a removed member takes its line and its comment; the rest is untouched")
    func removal() throws {
        let text = "{\n  \"AWS\": {\n    \"AccessKey\": \"AKIAFAKE\",  // temporary\n    \"Region\": \"us-east-1\"\n  }\n}\n"
        let document = try JSONDocument(parsing: Array(text.utf8), file: "a.json")
        let key = try #require(document.root["AWS"]?["AccessKey"])
        let result = String(decoding: try document.applying([document.removingMember(key)]), as: UTF8.self)
        #expect(result == "{\n  \"AWS\": {\n    \"Region\": \"us-east-1\"\n  }\n}\n")
        let last = try #require(document.root["AWS"]?["Region"])
        let withoutLast = String(decoding: try document.applying([document.removingMember(last)]), as: UTF8.self)
        #expect(withoutLast == "{\n  \"AWS\": {\n    \"AccessKey\": \"AKIAFAKE\",  // temporary\n  }\n}\n", "the comma left is a trailing comma")
    }

    @Test("a new file holds the members, two-space indented")
    func newFile() throws {
        let text = JSONDocument.newFile(with: [.init(path: ["ConnectionStrings", "cache"], value: "${aws:secrets:x}")])
        #expect(text == "{\n  \"ConnectionStrings\": {\n    \"cache\": \"${aws:secrets:x}\"\n  }\n}\n")
        _ = try JSONDocument(parsing: Array(text.utf8), file: "new.json")
    }

    @Test("a new file takes the style of the file it is modelled on: its indentation and its line break")
    func newFileStyledLikeItsModel() throws {
        let members: [JSONDocument.NewMember] = [.init(path: ["ConnectionStrings", "cache"], value: "${aws:secrets:x}")]
        let crlfModel = try JSONDocument(parsing: Array("{\r\n    \"Logging\": {}\r\n}\r\n".utf8), file: "appsettings.json")
        let text = JSONDocument.newFile(with: members, styledLike: crlfModel)
        #expect(text == "{\r\n    \"ConnectionStrings\": {\r\n        \"cache\": \"${aws:secrets:x}\"\r\n    }\r\n}\r\n")
        _ = try JSONDocument(parsing: Array(text.utf8), file: "new.json")
        let tabModel = try JSONDocument(parsing: Array("{\n\t\"Logging\": {}\n}".utf8), file: "appsettings.json")
        #expect(JSONDocument.newFile(with: members, styledLike: tabModel) == "{\n\t\"ConnectionStrings\": {\n\t\t\"cache\": \"${aws:secrets:x}\"\n\t}\n}\n")
    }

    @Test("in a file that mixes line breaks, added lines take the break of the lines around them")
    func mixedLineEnds() throws {
        // The first line ends in LF, the section the member goes into in CRLF.
        let lfFirst = "{\n  \"A\": {\r\n    \"x\": \"1\"\r\n  }\r\n}\r\n"
        #expect(
            try Self.edited(lfFirst, [.init(path: ["A", "y"], value: "2")])
                == "{\n  \"A\": {\r\n    \"x\": \"1\",\r\n    \"y\": \"2\"\r\n  }\r\n}\r\n")
        // The reverse: the first line in CRLF, the rest in LF.
        let crlfFirst = "{\r\n  \"A\": {\n    \"x\": \"1\"\n  }\n}\n"
        #expect(
            try Self.edited(crlfFirst, [.init(path: ["A", "y"], value: "2")])
                == "{\r\n  \"A\": {\n    \"x\": \"1\",\n    \"y\": \"2\"\n  }\n}\n")
        // The last line of a file has no break of its own: the one before it counts.
        #expect(try Self.edited("{\"A\": \"x\",\r\n\"B\": {}}", [.init(path: ["B", "c"], value: "v")]) == "{\"A\": \"x\",\r\n\"B\": {\r\n  \"c\": \"v\"\r\n}}")
    }
}
