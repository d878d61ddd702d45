import QSLConfigCore
import Testing

/// Environment variables as a layer: the prefix and the connection-string prefixes are matched
/// ignoring case, scalar by scalar, and removed exactly.
@Suite("environment variables as a layer")
struct EnvironmentVariablesSourceTests {
    static func keys(_ variables: [String: String], prefix: String? = nil, compatibility: AspNetCompatibility = .dotnet10) -> [String: String] {
        let layer = EnvironmentVariablesSource(prefix: prefix, compatibility: compatibility).layer(from: variables)
        return Dictionary(uniqueKeysWithValues: layer.orderedEntries.map { ($0.key.spelling, $0.value ?? "") })
    }

    @Test("a name whose prefix folds to fewer bytes than it has (ſ, ı) is stripped by scalars, not bytes, and does not stop the process")
    func foldedPrefixOfOtherLength() {
        // ſ (2 bytes) and ı (2 bytes) fold to the one-byte S and I.
        let found = Self.keys(["\u{17F}ERV\u{131}CEBU\u{17F}CONN\u{17F}TR_X": "1", "\u{17F}vc__Port": "2"], prefix: "SVC__")
        #expect(found == ["Port": "2"], "\(found)")
        let connection = Self.keys(["\u{17F}ERV\u{131}CEBU\u{17F}CONN\u{17F}TR_X": "1"])
        #expect(connection == ["ConnectionStrings:X": "1"], "\(connection)")
    }

    @Test("what follows a prefix keeps every byte, non-ASCII included; a prefix ends only on a whole scalar")
    func remainderKept() {
        #expect(Self.keys(["CUSTOMCONNSTR_Ünïcode": "v"]) == ["ConnectionStrings:Ünïcode": "v"])
        #expect(Self.keys(["customconnstr_db": "v"]) == ["ConnectionStrings:db": "v"])
        #expect(Self.keys(["APP__Ä__B": "v", "Other": "w"], prefix: "app__") == ["Ä:B": "v"])
        // An E with a combining accent after it: the E is the prefix's, the accent stays.
        #expect(Self.keys(["E\u{301}X": "v"], prefix: "E") == ["\u{301}X": "v"])
        #expect(Self.keys(["SV": "v"], prefix: "SVC") == [:])
    }
}
