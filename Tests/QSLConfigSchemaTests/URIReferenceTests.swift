import Testing

@testable import QSLConfigSchema

/// Reference resolution against RFC 3986 section 5.4's own examples (base `http://a/b/c/d;p?q`).
@Suite("URI reference resolution")
struct URIReferenceTests {
    static let base = "http://a/b/c/d;p?q"

    @Test("RFC 3986 5.4.1 normal and 5.4.2 abnormal examples", arguments: [
        ("g:h", "g:h"), ("g", "http://a/b/c/g"), ("./g", "http://a/b/c/g"), ("g/", "http://a/b/c/g/"),
        ("/g", "http://a/g"), ("//g", "http://g"), ("?y", "http://a/b/c/d;p?y"), ("g?y", "http://a/b/c/g?y"),
        ("#s", "http://a/b/c/d;p?q#s"), ("g#s", "http://a/b/c/g#s"), ("g?y#s", "http://a/b/c/g?y#s"), (";x", "http://a/b/c/;x"),
        ("g;x", "http://a/b/c/g;x"), ("g;x?y#s", "http://a/b/c/g;x?y#s"), ("", "http://a/b/c/d;p?q"), (".", "http://a/b/c/"),
        ("./", "http://a/b/c/"), ("..", "http://a/b/"), ("../", "http://a/b/"), ("../g", "http://a/b/g"), ("../..", "http://a/"),
        ("../../", "http://a/"), ("../../g", "http://a/g"),
        ("../../../g", "http://a/g"), ("../../../../g", "http://a/g"), ("/./g", "http://a/g"), ("/../g", "http://a/g"),
        ("g.", "http://a/b/c/g."), (".g", "http://a/b/c/.g"), ("g..", "http://a/b/c/g.."), ("..g", "http://a/b/c/..g"),
        ("./../g", "http://a/b/g"), ("./g/.", "http://a/b/c/g/"), ("g/./h", "http://a/b/c/g/h"), ("g/../h", "http://a/b/c/h"),
        ("g;x=1/./y", "http://a/b/c/g;x=1/y"), ("g;x=1/../y", "http://a/b/c/y"), ("g?y/./x", "http://a/b/c/g?y/./x"),
        ("g?y/../x", "http://a/b/c/g?y/../x"), ("g#s/./x", "http://a/b/c/g#s/./x"), ("g#s/../x", "http://a/b/c/g#s/../x"),
    ])
    func rfcExamples(reference: String, expected: String) {
        #expect(URIReference.resolve(reference, against: Self.base).description == expected)
    }

    @Test("the base's last '/' is found among the code units, also before a combining mark")
    func slashBeforeCombiningMark() {
        // "/\u{301}" is one Character; the merge still cuts after that '/'.
        #expect(URIReference.resolve("x.json", against: "file:///schemas/\u{301}a/b.json").description == "file:///schemas/\u{301}a/x.json")
        #expect(URIReference.resolve("x.json", against: "file:///s/\u{301}b.json").description == "file:///s/x.json")
    }
}
