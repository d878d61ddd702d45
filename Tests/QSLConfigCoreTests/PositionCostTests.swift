@testable import QSLConfigCore
import Testing

/// Positions are asked for every value (validation points each leaf at its file), so working one
/// out must not cost the length of its line: a minified file is a single line.
@Suite("position cost")
struct PositionCostTests {
    /// `{"K0":"é0","K1":"é1",...}` on one line: non-ASCII, so columns count scalars, not bytes.
    static func oneLine(_ count: Int) -> String {
        "{" + (0..<count).map { #""K\#($0)":"é\#($0)""# }.joined(separator: ",") + "}"
    }

    @Test("every value of a one-line file gets its scalar column")
    func columnsOnOneLine() throws {
        let text = Self.oneLine(3_000)
        let document = try JSONDocument(parsing: Array(text.utf8), file: "one-line.json")
        let scalars = Array(text.unicodeScalars)
        var column = 1
        var expected: [Int: Int] = [:]  // byte offset -> column
        var offset = 0
        for scalar in scalars {
            expected[offset] = column
            offset += String(scalar).utf8.count
            column += 1
        }
        for member in document.root.children {
            let location = member.location
            #expect(location.line == 1)
            #expect(location.column == expected[location.offset], "\(member.key ?? "")")
        }
    }

    @Test("the scalar index walks at most one block for any offset")
    func scalarIndexWalk() {
        let bytes = Array(Self.oneLine(1_500).utf8)
        let index = ScalarIndex(bytes)
        var naive = 0
        for offset in 0...bytes.count {
            #expect(index.scalars(before: offset, in: bytes) == naive)
            #expect(index.bytesWalked(before: offset) <= ScalarIndex.blockSize)
            if offset < bytes.count, bytes[offset] & 0xC0 != 0x80 { naive += 1 }
        }
        let ascii = Array("{\"a\":1}".utf8)
        #expect(ScalarIndex(ascii).bytesWalked(before: ascii.count) == 0, "an ASCII text needs no walk")
    }
}
