/// A view of one value inside a ``JSONDocument``: its kind, its text, its children and where it
/// sits in the file. Cheap to copy; it holds the document and an index.
public struct JSONValue: Sendable {
    public let document: JSONDocument
    /// Position of this value in the document's tape (document order).
    public let index: Int

    init(document: JSONDocument, index: Int) {
        self.document = document
        self.index = index
    }

    var node: JSONNode { document.nodes[index] }

    public var kind: JSONKind { node.kind }

    /// The byte range of the value's token, from its first to its last byte.
    public var byteRange: Range<Int> { Int(node.start)..<Int(node.end) }

    /// Where the value starts.
    public var location: SourceLocation { document.location(ofOffset: Int(node.start)) }

    /// The exact source text of the value.
    public var sourceText: String { String(decoding: document.bytes[byteRange], as: UTF8.self) }

    /// For a member of an object: the byte range of its name, quotes included.
    public var keyByteRange: Range<Int>? {
        let n = node
        guard n.keyStart != JSONNode.noKey else { return nil }
        return (Int(n.keyStart) - 1)..<(Int(n.keyEnd) + 1)
    }

    /// For a member of an object: where its name starts (the opening quote).
    public var keyLocation: SourceLocation? {
        keyByteRange.map { document.location(ofOffset: $0.lowerBound) }
    }

    /// For a member of an object: its name, unescaped.
    public var key: String? {
        let n = node
        guard n.keyStart != JSONNode.noKey else { return nil }
        return JSONStringDecoding.decode(
            document.bytes, from: Int(n.keyStart), to: Int(n.keyEnd),
            hasEscapes: n.flags & JSONNode.keyHasEscapes != 0)
    }

    /// The unescaped text of a string value; `nil` for other kinds.
    public var stringValue: String? {
        let n = node
        guard n.kind == .string else { return nil }
        return JSONStringDecoding.decode(
            document.bytes, from: Int(n.start) + 1, to: Int(n.end) - 1,
            hasEscapes: n.flags & JSONNode.valueHasEscapes != 0)
    }

    /// A scalar as ASP.NET Core's JSON provider turns it into a string: a string's text, a
    /// number's exact source text, `True`/`False`. `nil` for null and containers.
    public var scalarText: String? {
        switch kind {
        case .string: stringValue
        case .number: sourceText
        case .true: "True"
        case .false: "False"
        case .null, .object, .array: nil
        }
    }

    /// The boolean of `true`/`false`; `nil` for other kinds.
    public var boolValue: Bool? {
        switch kind {
        case .true: true
        case .false: false
        default: nil
        }
    }

    /// Number of members of an object or elements of an array.
    public var count: Int { kind.isContainer ? Int(node.count) : 0 }

    /// The children of a container in document order (members of an object carry ``key``).
    public var children: Children { Children(document: document, parent: index) }

    /// The members of an object as `(name, value)` pairs, in document order.
    public var members: [(key: String, value: JSONValue)] {
        guard kind == .object else { return [] }
        return children.map { ($0.key ?? "", $0) }
    }

    /// The first member whose name equals `name` ignoring case (as ASP.NET compares keys).
    public subscript(name: String) -> JSONValue? {
        guard kind == .object else { return nil }
        let wanted = ConfigKey.fold(name)
        var found: JSONValue?
        for child in children where ConfigKey.fold(child.key ?? "") == wanted {
            found = child
        }
        return found
    }

    /// The element at `position` of an array.
    public subscript(position: Int) -> JSONValue? {
        guard kind == .array, position >= 0, position < count else { return nil }
        var i = 0
        for child in children {
            if i == position { return child }
            i += 1
        }
        return nil
    }

    /// The children of a container, walked without allocating.
    public struct Children: Sequence, Sendable {
        let document: JSONDocument
        let parent: Int

        public func makeIterator() -> Iterator {
            let node = document.nodes[parent]
            return Iterator(document: document, position: parent + 1, remaining: node.kind.isContainer ? Int(node.count) : 0)
        }

        public var underestimatedCount: Int {
            let node = document.nodes[parent]
            return node.kind.isContainer ? Int(node.count) : 0
        }

        public struct Iterator: IteratorProtocol {
            let document: JSONDocument
            var position: Int
            var remaining: Int

            public mutating func next() -> JSONValue? {
                guard remaining > 0 else { return nil }
                remaining -= 1
                let value = JSONValue(document: document, index: position)
                position = Int(document.nodes[position].next)
                return value
            }
        }
    }
}

extension JSONValue: Equatable {
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        lhs.document === rhs.document && lhs.index == rhs.index
    }
}
