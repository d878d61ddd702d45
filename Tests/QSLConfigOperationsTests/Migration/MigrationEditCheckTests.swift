import QSLConfigCore
@testable import QSLConfigOperations
import Testing

/// The planner applies each file's edits in memory before a run writes anything.
@Suite("migrate: the planned rewrite of a file is tried first")
struct MigrationEditCheckTests {
    static let text = "{\n  \"A\": {\n    \"x\": \"1\" /* a note\n    over two lines */\n  }\n}\n"

    static func document() throws -> JSONDocument {
        try JSONDocument(parsing: Array(text.utf8), file: "services/a/appsettings.Production.json")
    }

    static func problem(_ result: Result<[UInt8], Diagnostic>) -> Diagnostic? {
        if case .failure(let problem) = result { return problem }
        return nil
    }

    @Test("edits that apply and add what they say: no problem, and the rewritten bytes are the edits applied")
    func clean() throws {
        let document = try Self.document()
        let member = JSONDocument.NewMember(path: ["A", "y"], value: "${aws:secrets:qsl/production/a:y}")
        let edits = try document.addingMembers([member])
        let after = try MigrationPlanner.rewritten(document, edits: edits, adding: [member]).get()
        #expect(after == (try document.applying(edits)))
    }

    @Test("edits that meet, and a member the file would not read back, are problems naming the file, before any write")
    func refused() throws {
        let document = try Self.document()
        let overlapping = [JSONEdit(range: 10..<20, replacement: ""), JSONEdit(range: 15..<25, replacement: "")]
        let overlap = Self.problem(MigrationPlanner.rewritten(document, edits: overlapping, adding: []))
        #expect(overlap?.location?.file == "services/a/appsettings.Production.json")
        #expect(overlap?.message.contains("does not apply") == true, "\(String(describing: overlap))")

        // Text put inside the comment: the file still parses, but does not hold the member.
        let inside = Array(Self.text.utf8).firstIndex(of: UInt8(ascii: "o"))!
        let member = JSONDocument.NewMember(path: ["A", "y"], value: "${aws:secrets:qsl/production/a:y}")
        let hidden = [JSONEdit(range: inside..<inside, replacement: "\"y\": \"${aws:secrets:qsl/production/a:y}\",")]
        let lost = Self.problem(MigrationPlanner.rewritten(document, edits: hidden, adding: [member]))
        #expect(lost?.message.contains("'A:y' would be added to this file, but the file would not read it back") == true, "\(String(describing: lost))")
        #expect(lost?.keyPath == "A:y")
    }
}
