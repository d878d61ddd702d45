import Testing

@testable import QSLConfigAWS

/// qsl-config's own XML reader behind ``XMLNode/parse(_:)``: what AWS query-protocol responses
/// hold is read, anything malformed (or beyond what AWS sends) is refused with `nil`.
@Suite("XML reader")
struct XMLReaderTests {
    static func parse(_ text: String) -> XMLNode? { XMLNode.parse(Array(text.utf8)) }

    /// A leaf's text, as read.
    static let texts: [(xml: String, text: String)] = [
        ("<a>plain</a>", "plain"),
        ("<a></a>", ""),
        ("<a/>", ""),
        ("<a>  kept as is  </a>", "  kept as is  "),
        ("<a>&lt;&gt;&amp;&apos;&quot;</a>", "<>&'\""),
        ("<a>x &amp;amp; y</a>", "x &amp; y"),
        ("<a>&#65;&#x42;&#0067;</a>", "ABC"),
        ("<a>&#233;&#xE9;&#x1F600;&#x9;</a>", "éé\u{1F600}\t"),
        ("<a><![CDATA[<not> &markup;]]></a>", "<not> &markup;"),
        ("<a>one<![CDATA[ two ]]>three</a>", "one two three"),
        ("<a>be<!-- a comment -->fore</a>", "before"),
        ("<a>line\r\nend\rnext</a>", "line\nend\nnext"),
        ("<a>a > b ]] c</a>", "a > b ]] c"),
        ("<a>naïve ☃ 𝄞</a>", "naïve ☃ 𝄞"),
        ("<a attr=\"v\" other='w &amp; &#34;'>t</a>", "t"),
        ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a>t</a>\n", "t"),
        ("<?xml version='1.0' standalone='yes'?><a>t</a>", "t"),
        ("\u{FEFF}<a>bom</a>", "bom"),
        ("<!-- before --> <a>t</a> <!-- after -->\n", "t"),
        ("<a\n  x = \"1\"\n>t</a >", "t"),
    ]

    @Test("text: entities, character references, CDATA, comments, line ends, attributes, the declaration")
    func leafText() {
        for (xml, text) in Self.texts {
            let node = Self.parse(xml)
            #expect(node?.name == "a", "\(xml)")
            #expect(node?.text == text, "\(xml): \(String(describing: node?.text))")
            #expect(node?.children.isEmpty == true, "\(xml)")
        }
    }

    @Test("an IAM ErrorResponse and an STS result with a namespace, indentation and members")
    func awsShapes() throws {
        let error = try #require(
            Self.parse(
                """
                <?xml version="1.0" encoding="UTF-8"?>
                <ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
                  <Error>
                    <Type>Sender</Type>
                    <Code>NoSuchEntity</Code>
                    <Message>The user with name u cannot be found &amp; that&apos;s that.</Message>
                  </Error>
                  <RequestId>1d5c3b9e-1111-2222-3333-444455556666</RequestId>
                </ErrorResponse>
                """))
        #expect(error.name == "ErrorResponse" && error.text == "")
        #expect(error.descendant("Code")?.text == "NoSuchEntity")
        #expect(error.child("Error")?.string("Message") == "The user with name u cannot be found & that's that.")
        #expect(error.string("RequestId") == "1d5c3b9e-1111-2222-3333-444455556666")

        let list = try #require(
            Self.parse(
                """
                <ListAccessKeysResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
                  <ListAccessKeysResult>
                    <AccessKeyMetadata>
                      <member><AccessKeyId>AKID1</AccessKeyId><Status>Active</Status></member>
                      <member><AccessKeyId>AKID2</AccessKeyId><Status>Inactive</Status></member>
                    </AccessKeyMetadata>
                    <IsTruncated>false</IsTruncated>
                  </ListAccessKeysResult>
                </ListAccessKeysResponse>
                """))
        let members = try #require(list.child("ListAccessKeysResult")).members("AccessKeyMetadata")
        #expect(members.map { $0.string("AccessKeyId") } == ["AKID1", "AKID2"])
        #expect(list.child("ListAccessKeysResult")?.string("IsTruncated") == "false")

        // A prefixed name is kept as written.
        let prefixed = try #require(Self.parse(#"<s:Envelope xmlns:s="urn:x"><s:Body>b</s:Body></s:Envelope>"#))
        #expect(prefixed.name == "s:Envelope" && prefixed.string("s:Body") == "b")
        // Mixed content: the text directly inside, trimmed once there are children.
        let mixed = try #require(Self.parse("<a>\n  head <b>x</b> tail \n</a>"))
        #expect(mixed.text == "head  tail" && mixed.string("b") == "x")
    }

    /// Documents refused, each with why.
    static let malformed: [(xml: String, why: String)] = [
        ("", "empty"),
        ("   ", "only whitespace"),
        ("text", "no element"),
        ("<a>", "unclosed"),
        ("<a><b></a>", "unbalanced"),
        ("<a></b>", "wrong end tag"),
        ("<a></a></a>", "extra end tag"),
        ("<a/><b/>", "two roots"),
        ("<a/>trailing", "text after the root"),
        ("</a>", "end tag first"),
        ("<a>&unknown;</a>", "unknown entity"),
        ("<a>&amp</a>", "unterminated reference"),
        ("<a>& </a>", "bare ampersand"),
        ("<a>&#;</a>", "empty character reference"),
        ("<a>&#x;</a>", "empty hex reference"),
        ("<a>&#0;</a>", "NUL reference"),
        ("<a>&#1;</a>", "control character reference"),
        ("<a>&#xD800;</a>", "surrogate reference"),
        ("<a>&#xFFFE;</a>", "noncharacter reference"),
        ("<a>&#x110000;</a>", "reference past Unicode"),
        ("<a>&#12a;</a>", "decimal reference with a letter"),
        ("<a>&#xG1;</a>", "hex reference with a non-digit"),
        ("<a>&#X41;</a>", "hex reference with a capital X"),
        ("<a>\u{01}</a>", "raw control character"),
        ("<a>]]></a>", "]]> in text"),
        ("<a><![CDATA[open</a>", "unterminated CDATA"),
        ("<a><!-- open</a>", "unterminated comment"),
        ("<a><!-- a -- b --></a>", "-- in a comment"),
        ("<a><?pi data?></a>", "processing instruction"),
        ("<?xml version=\"1.0\"?><?pi?><a/>", "processing instruction after the declaration"),
        ("<!DOCTYPE a><a/>", "doctype"),
        ("<a><!ELEMENT b ANY></a>", "declaration in content"),
        (" <?xml version=\"1.0\"?><a/>", "declaration not first"),
        ("<?xml?><a/>", "declaration without a version"),
        ("<?xml encoding=\"UTF-8\"?><a/>", "declaration without a version first"),
        ("<?xml version=\"2.0\"?><a/>", "XML 2.0"),
        ("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a/>", "another encoding"),
        ("<?xml version=\"1.0\"", "unterminated declaration"),
        ("<a b=\"1\" b=\"2\"/>", "attribute twice"),
        ("<a b=1/>", "unquoted attribute"),
        ("<a b/>", "attribute without a value"),
        ("<a b=\"<\"/>", "< in an attribute"),
        ("<a b=\"&nope;\"/>", "unknown entity in an attribute"),
        ("<a b=\"1\"c=\"2\"/>", "attributes without space between"),
        ("<a b=\"1/>", "unterminated attribute"),
        ("<1a/>", "name starting with a digit"),
        ("<-a/>", "name starting with a hyphen"),
        ("< a/>", "space before the name"),
        ("<a", "unterminated start tag"),
        ("<a></a", "unterminated end tag"),
        ("<a>t</a x>", "attribute in an end tag"),
        ("<a/ >", "space inside />"),
    ]

    @Test("malformed documents are refused")
    func malformedInput() {
        for (xml, why) in Self.malformed {
            #expect(Self.parse(xml) == nil, "\(why): \(xml)")
        }
    }

    @Test("bytes that are not UTF-8 are refused: overlong, a lone continuation byte, a surrogate, cut short")
    func invalidUTF8() {
        for bytes: [UInt8] in [[0xC0, 0x80], [0x80], [0xED, 0xA0, 0x80], [0xE2, 0x98], [0xFF]] {
            let document = Array("<a>".utf8) + bytes + Array("</a>".utf8)
            #expect(XMLNode.parse(document) == nil, "\(bytes)")
        }
    }

    @Test("nesting is bounded: the limit is read, one deeper is refused, and neither exhausts the stack")
    func depthLimit() {
        func nested(_ depth: Int) -> [UInt8] {
            Array((String(repeating: "<e>", count: depth) + "x" + String(repeating: "</e>", count: depth)).utf8)
        }
        var node = XMLNode.parse(nested(XMLNode.maxDepth))
        #expect(node != nil)
        var depth = 0
        while let current = node {
            depth += 1
            node = current.children.first
        }
        #expect(depth == XMLNode.maxDepth)
        #expect(XMLNode.parse(nested(XMLNode.maxDepth + 1)) == nil)
        #expect(XMLNode.parse(nested(100_000)) == nil)
        #expect(XMLNode.parse(Array(String(repeating: "<e>", count: 100_000).utf8)) == nil)
    }

    @Test("a large flat response is read in one pass")
    func wideDocument() throws {
        let members = String(repeating: "<member><Id>k</Id></member>\n", count: 20_000)
        let node = try #require(Self.parse("<R><L>\(members)</L></R>"))
        #expect(node.members("L").count == 20_000)
    }
}
