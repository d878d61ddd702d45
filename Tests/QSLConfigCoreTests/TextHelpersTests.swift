import Foundation
@testable import QSLConfigCore
import Testing

/// The Foundation-free text helpers the CLI uses against the Foundation calls they replace.
@Suite("text helpers against Foundation")
struct TextHelpersTests {
    @Test("the three trimming sets are exactly CharacterSet's whitespaces, newlines and whitespacesAndNewlines")
    func trimmingSets() {
        var differing: [String] = []
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let whitespace = TextTrimming.isWhitespace(scalar)
            let newline = TextTrimming.isNewline(scalar)
            if whitespace != CharacterSet.whitespaces.contains(scalar) { differing.append("whitespaces U+\(String(value, radix: 16))") }
            if newline != CharacterSet.newlines.contains(scalar) { differing.append("newlines U+\(String(value, radix: 16))") }
            if (whitespace || newline) != CharacterSet.whitespacesAndNewlines.contains(scalar) {
                differing.append("whitespacesAndNewlines U+\(String(value, radix: 16))")
            }
        }
        #expect(differing.isEmpty, "\(differing.prefix(20))")
    }

    static let trimmingSamples = [
        "", " ", "\t\n", "a", " a ", "\u{A0}a b\u{3000}", " \u{301}a ", "a\u{301} ", "\r\n", "\r\nline\r\n", "x\u{2028}", "\u{85}x\u{85}",
        "\u{200B}zero\u{200B}", "\u{FEFF}bom", "é ", " 😀 ", "\u{1680}\u{2000}\u{200A}\u{202F}\u{205F}", "\u{0B}\u{0C}v",
    ]

    @Test("trimming gives what trimmingCharacters(in:) gave, combining marks after a blank included", arguments: trimmingSamples)
    func trimming(_ text: String) {
        #expect(text.trimmingWhitespace() == text.trimmingCharacters(in: .whitespaces))
        #expect(text.trimmingWhitespaceAndNewlines() == text.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(text.trimmingNewlines() == text.trimmingCharacters(in: .newlines))
        let substring = ("<" + text + ">").dropFirst().dropLast()
        #expect(substring.trimmingWhitespace() == substring.trimmingCharacters(in: .whitespaces))
        #expect(Array(text.trimmingWhitespaceAndNewlines().unicodeScalars) == Array(text.trimmingCharacters(in: .whitespacesAndNewlines).unicodeScalars))
    }

    @Test("literal search and replacement find what range(of:) and replacingOccurrences(of:with:) found")
    func literalSearch() {
        let cases: [(String, String)] = [
            ("line\r\nnext\r", "\r"), ("line\r\nnext", "\n"), ("a%b%%c", "%"), ("abcabc", "bc"), ("aaaa", "aa"), ("xyz", "q"), ("", "a"),
            ("key: \u{301}value", "\u{301}"), ("User: arn is not authorized to perform: x", "to perform: "), ("é and é", "é"),
            (".name.tmp-abc.tmp-XYZ123", ".tmp-"), ("{prefix}{service}/{prefix}", "{prefix}"),
        ]
        for (text, target) in cases {
            let first = text.range(of: target).map { text.utf8.distance(from: text.startIndex, to: $0.lowerBound) }
            let last = text.range(of: target, options: .backwards).map { text.utf8.distance(from: text.startIndex, to: $0.lowerBound) }
            #expect(text.firstRange(ofLiteral: target).map { text.utf8.distance(from: text.startIndex, to: $0.lowerBound) } == first, "\(text.debugDescription)")
            #expect(text.lastRange(ofLiteral: target).map { text.utf8.distance(from: text.startIndex, to: $0.lowerBound) } == last, "\(text.debugDescription)")
            #expect(text.replacingEvery(target, with: "<%>") == text.replacingOccurrences(of: target, with: "<%>"), "\(text.debugDescription)")
        }
        #expect("abc".firstRange(ofLiteral: "") == nil && "abc".replacingEvery("", with: "x") == "abc")
    }

    @Test("padding to a UTF-16 width gives what padding(toLength:withPad:startingAt:) gave")
    func padding() {
        for text in ["", "a", "secrets", "service-name-long", "é", "😀", "a😀b"] {
            for width in [0, 1, 2, 3, 7, 16] {
                #expect(text.padded(toUTF16Width: width) == text.padding(toLength: width, withPad: " ", startingAt: 0), "\(text) \(width)")
            }
        }
    }
}
