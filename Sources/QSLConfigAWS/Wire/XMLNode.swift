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

    /// Parses `bytes`; `nil` when they are not well-formed XML or not UTF-8 (AWS sends UTF-8, and
    /// FoundationXML traps on an element name that is not: `<\u{C0}\u{8C}a>` crashed the process).
    package static func parse(_ bytes: [UInt8]) -> XMLNode? {
        guard String(validating: bytes, as: UTF8.self) != nil else { return nil }
        let builder = Builder()
        let parser = XMLParser(data: Data(bytes))
        parser.delegate = builder
        parser.shouldProcessNamespaces = false
        guard parser.parse(), let root = builder.root else { return nil }
        return root
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
