import Foundation
import QSLConfigCore
import Testing

/// One `%XX` decoder: strict where Foundation's `removingPercentEncoding` was (endpoint and
/// request paths), lenient where a malformed escape is kept as written (SigV4's canonical query,
/// schema `$ref` fragments and paths).
@Suite("percent decoding")
struct PercentDecodingTests {
    static let texts = ["", "/", "/a%20b/c", "%2F", "%c3%a9", "%C3%A9x", "%zz", "%", "%2", "%FF", "a+b", "%00", "/plain/path", "%%41", "%4", "a%2fb%2Fc", "%e2%82", "%E2%82%AC"]

    @Test("strict: what removingPercentEncoding gives, nil for a malformed escape or bytes that are not UTF-8")
    func strictMatchesFoundation() {
        for text in Self.texts { #expect(PercentDecoding.strictText(text) == text.removingPercentEncoding, "\(text)") }
        // Where they part: Foundation repairs a lone continuation byte; any bytes that are not
        // UTF-8 are nil here.
        #expect("a%A9".removingPercentEncoding == "a\u{FFFD}" && PercentDecoding.strictText("a%A9") == nil)
        // Every sequence of up to three tokens: escapes that make, break and repair UTF-8, a
        // lone `%`, plain text. Deterministic, so a failure names its input.
        let tokens = ["%c3", "%a9", "%A9", "%e2", "%82", "%AC", "%FF", "%2F", "%41", "%", "%4", "é", "x"]
        var texts = [""]
        var frontier = [""]
        for _ in 0..<3 {
            frontier = frontier.flatMap { prefix in tokens.map { prefix + $0 } }
            texts += frontier
        }
        for text in texts {
            let foundation = text.removingPercentEncoding
            if foundation?.contains("\u{FFFD}") == true {
                #expect(PercentDecoding.strictText(text) == nil, "\(text)")
            } else {
                #expect(PercentDecoding.strictText(text) == foundation, "\(text)")
            }
        }
    }

    @Test("lenient: every well-formed escape decoded, everything else kept byte for byte")
    func lenientKeepsMalformed() {
        let cases: [(String, [UInt8])] = [
            ("", []), ("a%20b", Array("a b".utf8)), ("%", Array("%".utf8)), ("%2", Array("%2".utf8)), ("%zz", Array("%zz".utf8)),
            ("%%41", Array("%A".utf8)), ("%FF", [0xFF]), ("%c3%A9", [0xC3, 0xA9]), ("100%", Array("100%".utf8)), ("%4g%41", Array("%4gA".utf8)),
        ]
        for (text, expected) in cases {
            #expect(PercentDecoding.bytes(text[...]) == expected, "\(text)")
        }
        #expect(PercentDecoding.lenientText("%7Bx%7D%zz") == "{x}%zz")
        #expect(PercentDecoding.lenientText("a%FFb") == "a\u{FFFD}b", "bytes that are not UTF-8 become U+FFFD")
        #expect(PercentDecoding.lenientText("no escapes") == "no escapes")
    }
}
