import QSLConfigCore

/// A parsed XML element: name, text and children. Just enough to read AWS query-protocol
/// responses (`<XResponse><XResult>...</XResult><ResponseMetadata>...`) and XML error bodies.
package struct XMLNode: Sendable, Hashable {
    package var name: String
    package var text: String
    package var children: [XMLNode]

    /// The first child called `name`.
    package func child(_ name: String) -> XMLNode? {
        children.first { $0.name == name }
    }

    /// The text of the first child called `name`, or `nil`.
    package func string(_ name: String) -> String? {
        child(name)?.text
    }

    /// The first element called `name` anywhere below this one, depth first.
    package func descendant(_ name: String) -> XMLNode? {
        for child in children {
            if child.name == name { return child }
            if let found = child.descendant(name) { return found }
        }
        return nil
    }

    /// The `<member>` children of the child called `name` (the query protocol's list shape).
    package func members(_ name: String) -> [XMLNode] {
        child(name)?.children.filter { $0.name == "member" } ?? []
    }

    /// The deepest nesting of elements ``parse(_:)`` accepts (libxml2's default limit).
    package static let maxDepth = 256

    /// Parses `bytes` with qsl-config's own reader (``XMLReader``); `nil` when they are not
    /// well-formed XML, or hold what AWS never sends: bytes that are not UTF-8, a processing
    /// instruction other than the leading XML declaration, a document type declaration (and so
    /// any entity but the five predefined ones), or elements nested deeper than ``maxDepth``.
    ///
    /// An element's `text` is all the character data directly inside it (entities and character
    /// references replaced, CDATA sections as written, comments left out, line ends as `\n`);
    /// an element with children has it trimmed of surrounding whitespace. Names are kept as
    /// written, prefix included; attributes (`xmlns` among them) are checked and dropped.
    package static func parse(_ bytes: [UInt8]) -> XMLNode? {
        guard String(validating: bytes, as: UTF8.self) != nil else { return nil }
        var reader = XMLReader(bytes, maxDepth: maxDepth)
        return try? reader.document()
    }

    /// Whether `bytes` hold `<?` past a leading `<?xml ...?>` declaration, or `<!DOCTYPE`: markup
    /// ``parse(_:)`` refuses.
    static func holdsMarkupAWSNeverSends(_ bytes: [UInt8]) -> Bool {
        var start = 0
        let declaration = Array("<?xml".utf8)
        if bytes.starts(with: declaration), bytes.count > declaration.count,
            [0x20, 0x09, 0x0A, 0x0D].contains(bytes[declaration.count]),
            let end = find(Array("?>".utf8), in: bytes, from: declaration.count),
            !bytes[declaration.count..<end].contains(0x3C)  // the declaration holds no `<`
        {
            start = end + 2
        }
        return find(Array("<?".utf8), in: bytes, from: start) != nil || find(Array("<!DOCTYPE".utf8), in: bytes, from: 0) != nil
    }

    private static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= needle.count, start <= bytes.count - needle.count else { return nil }
        return (start...(bytes.count - needle.count)).first { bytes[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}

/// Why ``XMLReader`` refused a document, and where (a byte offset). ``XMLNode/parse(_:)`` turns
/// any of them into `nil`.
struct XMLReaderError: Error, Equatable {
    var offset: Int
    var reason: String
}

/// A small, strict, non-validating reader of UTF-8 XML 1.0 documents: one root element, its
/// elements, attributes, text, the five predefined entities, character references, CDATA sections
/// and comments, an optional leading XML declaration. No DTD, no processing instructions, no
/// external anything. Linear in the input; nesting bounded by `maxDepth`.
///
/// The bytes must already be valid UTF-8 (``XMLNode/parse(_:)`` checks): markup is ASCII, so
/// every slice cut at a markup byte is valid UTF-8 too.
struct XMLReader {
    private let bytes: [UInt8]
    private let maxDepth: Int
    private var position = 0

    init(_ bytes: [UInt8], maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    /// The document's root element.
    mutating func document() throws(XMLReaderError) -> XMLNode {
        // A UTF-8 byte order mark may come first.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
        if starts(with: "<?xml"), position + 5 < bytes.count, Self.isSpace(bytes[position + 5]) {
            try declaration()
        }
        try misc()
        guard starts(with: "<"), !starts(with: "</") else { throw failure("no root element") }
        let root = try element()
        try misc()
        guard position == bytes.count else { throw failure("content after the root element") }
        return root
    }

    // MARK: Prolog and epilog

    /// `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`: the version first, an encoding
    /// that is UTF-8 (or its ASCII subset), `standalone` yes or no; nothing else.
    private mutating func declaration() throws(XMLReaderError) {
        position += 5
        var seen: [String] = []
        while true {
            let hadSpace = skipSpace()
            if starts(with: "?>") {
                position += 2
                break
            }
            guard hadSpace else { throw failure("a malformed XML declaration") }
            let (name, value) = try attribute(expandingReferences: false)
            switch (name, seen) {
            case ("version", []):
                guard value.hasPrefix("1."), value.count > 2, value.dropFirst(2).allSatisfy({ $0.isASCII && $0.isNumber }) else {
                    throw failure("XML version \(value)")
                }
            case ("encoding", ["version"]):
                guard ["utf-8", "utf8", "us-ascii", "ascii"].contains(value.lowercased()) else { throw failure("encoding \(value)") }
            case ("standalone", ["version"]), ("standalone", ["version", "encoding"]):
                guard value == "yes" || value == "no" else { throw failure("standalone \(value)") }
            default:
                throw failure("a malformed XML declaration")
            }
            seen.append(name)
        }
        guard seen.first == "version" else { throw failure("an XML declaration without a version") }
    }

    /// Whitespace and comments, before or after the root element.
    private mutating func misc() throws(XMLReaderError) {
        while true {
            skipSpace()
            if starts(with: "<!--") {
                var ignored: [UInt8] = []
                try comment(into: &ignored)
            } else if starts(with: "<?") {
                throw failure("a processing instruction")
            } else if starts(with: "<!") {
                throw failure("a document type declaration")
            } else {
                return
            }
        }
    }

    // MARK: Elements

    /// One element and everything in it, `position` at its `<`. Iterative: nesting costs heap,
    /// not stack, and stops at `maxDepth`.
    private mutating func element() throws(XMLReaderError) -> XMLNode {
        // The open elements, innermost last, each with its name as written and its text so far.
        var stack: [(node: XMLNode, nameBytes: ArraySlice<UInt8>, text: [UInt8])] = []
        while true {
            if starts(with: "</") {
                guard var open = stack.popLast() else { throw failure("an end tag without a start tag") }
                position += 2
                let nameStart = position
                try skipName()
                guard bytes[nameStart..<position].elementsEqual(open.nameBytes) else {
                    throw failure("</\(String(decoding: bytes[nameStart..<position], as: UTF8.self))> closes <\(open.node.name)>")
                }
                skipSpace()
                guard starts(with: ">") else { throw failure("a malformed end tag") }
                position += 1
                open.node.text = Self.finish(open.text, hasChildren: !open.node.children.isEmpty)
                guard !stack.isEmpty else { return open.node }
                stack[stack.count - 1].node.children.append(open.node)
            } else if starts(with: "<!--") {
                guard !stack.isEmpty else { throw failure("markup outside the root element") }
                var ignored: [UInt8] = []
                try comment(into: &ignored)
            } else if starts(with: "<![CDATA[") {
                guard !stack.isEmpty else { throw failure("markup outside the root element") }
                position += 9
                guard let end = find("]]>") else { throw failure("an unterminated CDATA section") }
                try appendCharacters(bytes[position..<end], to: &stack[stack.count - 1].text)
                position = end + 3
            } else if starts(with: "<?") {
                throw failure("a processing instruction")
            } else if starts(with: "<!") {
                throw failure("a declaration inside an element")
            } else if starts(with: "<") {
                guard stack.count < maxDepth else { throw failure("elements nested deeper than \(maxDepth)") }
                position += 1
                let nameStart = position
                try skipName()
                let nameBytes = bytes[nameStart..<position]
                let closed = try attributes()
                let node = XMLNode(name: String(decoding: nameBytes, as: UTF8.self), text: "", children: [])
                if !closed {
                    stack.append((node, nameBytes, []))
                } else if stack.isEmpty {
                    return node
                } else {
                    stack[stack.count - 1].node.children.append(node)
                }
            } else if position >= bytes.count {
                throw failure("the document ends inside <\(stack.last?.node.name ?? "")>")
            } else {
                guard !stack.isEmpty else { throw failure("text outside the root element") }
                try characterData(into: &stack[stack.count - 1].text)
            }
        }
    }

    /// The attributes of a start tag, through its `>` or `/>`; `true` for an empty-element tag.
    /// Checked (well-formed, no name twice) and dropped.
    private mutating func attributes() throws(XMLReaderError) -> Bool {
        var names: Set<String> = []
        while true {
            let hadSpace = skipSpace()
            if starts(with: "/>") {
                position += 2
                return true
            }
            if starts(with: ">") {
                position += 1
                return false
            }
            guard hadSpace, position < bytes.count else { throw failure("a malformed start tag") }
            let (name, _) = try attribute(expandingReferences: true)
            guard names.insert(name).inserted else { throw failure("attribute \(name) given twice") }
        }
    }

    /// `name = "value"` or `name = 'value'`.
    private mutating func attribute(expandingReferences: Bool) throws(XMLReaderError) -> (String, String) {
        let nameStart = position
        try skipName()
        let name = String(decoding: bytes[nameStart..<position], as: UTF8.self)
        skipSpace()
        guard starts(with: "=") else { throw failure("attribute \(name) without a value") }
        position += 1
        skipSpace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") || bytes[position] == UInt8(ascii: "'") else {
            throw failure("attribute \(name) without a quoted value")
        }
        let quote = bytes[position]
        position += 1
        var value: [UInt8] = []
        while true {
            guard position < bytes.count else { throw failure("an unterminated attribute value") }
            let byte = bytes[position]
            if byte == quote {
                position += 1
                break
            }
            switch byte {
            case UInt8(ascii: "<"):
                throw failure("< in an attribute value")
            case UInt8(ascii: "&"):
                guard expandingReferences else { throw failure("& in the XML declaration") }
                try reference(into: &value)
            default:
                let start = position
                while position < bytes.count, bytes[position] != quote, bytes[position] != UInt8(ascii: "<"),
                    bytes[position] != UInt8(ascii: "&")
                {
                    position += 1
                }
                try appendCharacters(bytes[start..<position], to: &value)
            }
        }
        return (name, String(decoding: value, as: UTF8.self))
    }

    /// Text up to the next `<`, references replaced.
    private mutating func characterData(into text: inout [UInt8]) throws(XMLReaderError) {
        while position < bytes.count, bytes[position] != UInt8(ascii: "<") {
            if bytes[position] == UInt8(ascii: "&") {
                try reference(into: &text)
                continue
            }
            let start = position
            while position < bytes.count, bytes[position] != UInt8(ascii: "<"), bytes[position] != UInt8(ascii: "&") {
                if bytes[position] == UInt8(ascii: ">"), position >= 2, bytes[position - 1] == UInt8(ascii: "]"),
                    bytes[position - 2] == UInt8(ascii: "]"), position - 2 >= start
                {
                    throw failure("]]> in text")
                }
                position += 1
            }
            try appendCharacters(bytes[start..<position], to: &text)
        }
    }

    /// `&lt;` `&gt;` `&amp;` `&apos;` `&quot;`, `&#NNN;` and `&#xHHH;` (of a character XML allows);
    /// anything else is refused, as no DTD can declare it.
    private mutating func reference(into text: inout [UInt8]) throws(XMLReaderError) {
        let start = position
        position += 1
        guard let end = bytes[position...].prefix(12).firstIndex(of: UInt8(ascii: ";")) else {
            throw failure("an unterminated or unknown reference")
        }
        let body = bytes[position..<end]
        position = end + 1
        switch String(decoding: body, as: UTF8.self) {
        case "lt": text.append(UInt8(ascii: "<"))
        case "gt": text.append(UInt8(ascii: ">"))
        case "amp": text.append(UInt8(ascii: "&"))
        case "apos": text.append(UInt8(ascii: "'"))
        case "quot": text.append(UInt8(ascii: "\""))
        case let name where name.hasPrefix("#"):
            let hex = name.hasPrefix("#x")
            let digits = name.dropFirst(hex ? 2 : 1)
            guard !digits.isEmpty, digits.allSatisfy({ hex ? $0.isHexDigit && $0.isASCII : $0.isASCII && $0.isNumber }),
                let value = UInt32(digits, radix: hex ? 16 : 10), let scalar = Unicode.Scalar(value), Self.isXMLCharacter(scalar)
            else {
                throw XMLReaderError(offset: start, reason: "character reference &\(name); is not a character XML allows")
            }
            text.append(contentsOf: String(Character(scalar)).utf8)
        default:
            throw XMLReaderError(offset: start, reason: "an unknown entity")
        }
    }

    /// `<!-- ... -->`, with no `--` inside; its text (checked) goes to `text`.
    private mutating func comment(into text: inout [UInt8]) throws(XMLReaderError) {
        position += 4
        guard let end = find("--") else { throw failure("an unterminated comment") }
        guard end + 2 < bytes.count, bytes[end + 2] == UInt8(ascii: ">") else { throw failure("-- inside a comment") }
        try appendCharacters(bytes[position..<end], to: &text)
        position = end + 3
    }

    // MARK: Pieces

    /// Appends `slice` (valid UTF-8) to `text` with line ends as `\n`, refusing characters XML
    /// does not allow (controls other than tab, line feed and carriage return; U+FFFE, U+FFFF).
    private func appendCharacters(_ slice: ArraySlice<UInt8>, to text: inout [UInt8]) throws(XMLReaderError) {
        var index = slice.startIndex
        while index < slice.endIndex {
            let byte = slice[index]
            if byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D {
                throw XMLReaderError(offset: index, reason: "control character \(byte)")
            }
            // U+FFFE and U+FFFF: EF BF BE, EF BF BF.
            if byte == 0xEF, index + 2 < slice.endIndex, slice[index + 1] == 0xBF, slice[index + 2] >= 0xBE {
                throw XMLReaderError(offset: index, reason: "a noncharacter")
            }
            if byte == 0x0D {
                text.append(0x0A)
                if index + 1 < slice.endIndex, slice[index + 1] == 0x0A { index += 1 }
            } else {
                text.append(byte)
            }
            index += 1
        }
    }

    /// Skips an XML name (`Name` of XML 1.0 fifth edition), refusing an empty or malformed one.
    private mutating func skipName() throws(XMLReaderError) {
        let start = position
        while position < bytes.count {
            let byte = bytes[position]
            if byte < 0x80 {
                guard Self.isASCIINameByte(byte) else { break }
                position += 1
            } else {
                position += 1
                while position < bytes.count, bytes[position] & 0xC0 == 0x80 { position += 1 }
            }
        }
        let name = String(decoding: bytes[start..<position], as: UTF8.self)
        guard let first = name.unicodeScalars.first, Self.isNameStart(first), name.unicodeScalars.allSatisfy(Self.isNameCharacter) else {
            throw XMLReaderError(offset: start, reason: "a malformed name")
        }
    }

    /// Skips whitespace; whether there was any.
    @discardableResult
    private mutating func skipSpace() -> Bool {
        let start = position
        while position < bytes.count, Self.isSpace(bytes[position]) { position += 1 }
        return position > start
    }

    private func starts(with literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard position + count <= bytes.count else { return false }
        return literal.withUTF8Buffer { buffer in bytes[position..<(position + count)].elementsEqual(buffer) }
    }

    /// Where `literal` next starts, from `position`.
    private func find(_ literal: StaticString) -> Int? {
        literal.withUTF8Buffer { needle -> Int? in
            guard let first = needle.first, bytes.count >= needle.count else { return nil }
            var index = position
            while index <= bytes.count - needle.count {
                if bytes[index] == first, bytes[index..<(index + needle.count)].elementsEqual(needle) { return index }
                index += 1
            }
            return nil
        }
    }

    private func failure(_ reason: String) -> XMLReaderError {
        XMLReaderError(offset: position, reason: reason)
    }

    /// An element's text: trimmed when it has children (the indentation between them).
    private static func finish(_ text: [UInt8], hasChildren: Bool) -> String {
        let string = String(decoding: text, as: UTF8.self)
        return hasChildren ? string.trimmingWhitespaceAndNewlines() : string
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    private static func isASCIINameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "_"), UInt8(ascii: ":"), UInt8(ascii: "-"), UInt8(ascii: "."):
            true
        default:
            false
        }
    }

    private static func isNameStart(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3A, 0x5F, 0x41...0x5A, 0x61...0x7A, 0xC0...0xD6, 0xD8...0xF6, 0xF8...0x2FF, 0x370...0x37D, 0x37F...0x1FFF,
            0x200C...0x200D, 0x2070...0x218F, 0x2C00...0x2FEF, 0x3001...0xD7FF, 0xF900...0xFDCF, 0xFDF0...0xFFFD,
            0x10000...0xEFFFF:
            true
        default:
            false
        }
    }

    private static func isNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x2D, 0x2E, 0x30...0x39, 0xB7, 0x300...0x36F, 0x203F...0x2040: true
        default: isNameStart(scalar)
        }
    }

    /// `Char` of XML 1.0: tab, line feed, carriage return, and U+0020 up, less the surrogates,
    /// U+FFFE and U+FFFF.
    private static func isXMLCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }
}
