import Foundation

#if canImport(FoundationXML)
import FoundationXML
#endif

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

    /// Parses `bytes`; `nil` when they are not well-formed XML, or hold what AWS never sends and
    /// FoundationXML cannot be trusted with: bytes that are not UTF-8 (an element name that is not
    /// crashes it), a processing instruction other than the leading XML declaration (one without
    /// data, `<?x?>`, crashes it) or a document type declaration (entities).
    package static func parse(_ bytes: [UInt8]) -> XMLNode? {
        guard String(validating: bytes, as: UTF8.self) != nil, !holdsMarkupAWSNeverSends(bytes) else { return nil }
        let builder = Builder()
        let parser = XMLParser(data: Data(bytes))
        parser.delegate = builder
        parser.shouldProcessNamespaces = false
        guard parser.parse(), let root = builder.root else { return nil }
        return root
    }

    /// Whether `bytes` hold `<?` past a leading `<?xml ...?>` declaration, or `<!DOCTYPE`.
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

    private final class Builder: NSObject, XMLParserDelegate {
        var stack: [XMLNode] = []
        var root: XMLNode?

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
            stack.append(XMLNode(name: elementName, text: "", children: []))
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if !stack.isEmpty { stack[stack.count - 1].text += string }
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
            guard var node = stack.popLast() else { return }
            if !node.children.isEmpty { node.text = node.text.trimmingCharacters(in: .whitespacesAndNewlines) }
            if stack.isEmpty {
                root = node
            } else {
                stack[stack.count - 1].children.append(node)
            }
        }
    }
}
