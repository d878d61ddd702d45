import QSLConfigCore
import Testing

/// `ConfigKey`'s order (ASP.NET's child order) walks keys in place; it must agree with the plain
/// split-and-compare definition on every pair.
@Suite("configuration key order")
struct ConfigKeyOrderTests {
    /// The order as specified: segment by segment, integers first in numeric order, then
    /// ordinal ignoring case; a key that is a prefix of another comes first.
    static func specifiedOrder(_ lhs: ConfigKey, _ rhs: ConfigKey) -> Bool {
        let a = lhs.folded.split(separator: ":", omittingEmptySubsequences: false)
        let b = rhs.folded.split(separator: ":", omittingEmptySubsequences: false)
        for (x, y) in zip(a, b) where x != y {
            switch (Int(x), Int(y)) {
            case (let i?, let j?): if i != j { return i < j }
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): break
            }
            return x.utf8.lexicographicallyPrecedes(y.utf8)
        }
        return a.count < b.count
    }

    static let keys: [ConfigKey] = {
        let segments = ["", "a", "A", "b", "ab", "aB", "0", "1", "2", "10", "01", "-1", "+1", "x1", "é", "e\u{301}", "Ü", "ß", "z:"]
        var keys: [ConfigKey] = []
        for first in segments {
            keys.append(ConfigKey(first))
            for second in segments.prefix(12) { keys.append(ConfigKey(first + ":" + second)) }
        }
        keys += ["Logging:LogLevel:Default", "logging:loglevel", "ConnectionStrings:postgres-userservice", "a::b", ":", "::"]
        return keys
    }()

    @Test("agrees with the specified order on every pair")
    func agreesWithSpecification() {
        var disagreements: [String] = []
        for x in Self.keys {
            for y in Self.keys where (x < y) != Self.specifiedOrder(x, y) {
                disagreements.append("\(x.spelling) < \(y.spelling)")
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(10))")
        #expect(Self.keys.count > 200)
    }

    @Test("integers first and in numeric order, then case-insensitive text")
    func examples() {
        let sorted = ["b", "10", "A", "2", "a:1", "B:0"].map { ConfigKey($0) }.sorted()
        #expect(sorted.map(\.spelling) == ["2", "10", "A", "a:1", "b", "B:0"])
        #expect(ConfigKey("a:2") < ConfigKey("a:10"))
        #expect(!(ConfigKey("A") < ConfigKey("a")) && !(ConfigKey("a") < ConfigKey("A")))
    }

    /// Regression: segments were split by Character, so a `:` after U+0600 (a prepended mark,
    /// which joins the next character into its grapheme) did not split, unlike ASP.NET's split
    /// and every byte scan of keys (the tree, the order, `writeOnly` prefixes).
    @Test("segments split at every colon, whatever comes before it")
    func segmentsSplitAtEveryColon() {
        #expect(ConfigKey("Sha256\u{0600}:Secret").segments == ["Sha256\u{0600}", "Secret"])
        #expect(ConfigKey("a::b:").segments == ["a", "", "b", ""])
        #expect(ConfigKey("").segments == [""])
        #expect(!CredentialClassifier.isHashKey(ConfigKey("Sha256\u{0600}:Secret")))
        #expect(CredentialClassifier.keyKind(of: ConfigKey("Secrets\u{0600}:Name")) == nil)
    }

    @Test("every colon-separated name splits at each ':' code unit, a ':' after U+0600 included: keys, secret references")
    func colonSeparatedNames() throws {
        #expect(ConfigKey.colonSeparated("Jwt\u{0600}:Secret:Key", maxSplits: 1) == ["Jwt\u{0600}", "Secret:Key"])
        #expect(ConfigKey.colonSeparated("a::b:", omittingEmpty: true) == ["a", "b"])
        #expect(ConfigKey.colonSeparated("") == [""])

        // `${aws:secrets:NAME:KEY}` splits its fields the same way.
        let template = try PlaceholderTemplate(parsing: "${aws:secrets:qsl/prod/jwt:signing\u{0600}:AWSPREVIOUS}")
        guard case .secret(let reference)? = template.references.first else {
            Issue.record("no secret reference in \(template.references)")
            return
        }
        #expect(reference.secretId == "qsl/prod/jwt" && reference.jsonKey == "signing\u{0600}" && reference.versionStage == "AWSPREVIOUS")
    }
}

@Suite("key segment ends")
struct ConfigKeySegmentEndTests {
    /// Every segment end, found from every segment start, against a split of the code units.
    @Test("segmentEnd stops at each ':' code unit, marks and non-ASCII included", arguments: [
        "", ":", "::", "a", "Logging:LogLevel:Default", ":a:", "e\u{301}:x", "a:\u{301}b", "\u{600}:x", "日本:語:", "k:0:1:10",
    ])
    func everySegment(_ text: String) {
        var starts = [text.startIndex]
        var expectedEnds: [String.Index] = []
        var index = text.utf8.startIndex
        while index != text.utf8.endIndex {
            if text.utf8[index] == UInt8(ascii: ":") {
                expectedEnds.append(index)
                starts.append(text.utf8.index(after: index))
            }
            index = text.utf8.index(after: index)
        }
        expectedEnds.append(text.endIndex)
        #expect(starts.map { ConfigKey.segmentEnd(in: text, from: $0) } == expectedEnds)
    }
}
