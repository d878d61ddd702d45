/// An appsettings file read losslessly: its exact bytes, every value's byte range, key order and
/// comments, so that diagnostics can point at `file:line:col` and edits can replace one value
/// leaving every other byte untouched.
///
/// The tree is stored as a flat tape of nodes in document order; ``JSONValue`` is a cheap view of
/// one node. Strings are decoded only when asked for.
///
/// ```swift
/// let document = try JSONDocument(parsing: bytes, file: "appsettings.json")
/// let level = document.root["Logging"]?["LogLevel"]?["Default"]?.stringValue
/// ```
public final class JSONDocument: Sendable {
    /// The file name used in diagnostics.
    public let file: String
    /// The file's bytes, exactly as read (a UTF-8 byte order mark included).
    public let bytes: [UInt8]
    /// Byte ranges of every `//` and `/* */` comment, in document order.
    public let comments: [Range<Int>]

    let nodes: [JSONNode]
    /// Byte offsets where each line starts; `lineStarts[0] == 0`.
    let lineStarts: [Int]
    /// Set when the document may hold a key path written twice in ways a per-object check cannot
    /// see (a `:` inside a name, or one section name repeated); those documents get the full
    /// path-level duplicate check.
    let needsPathLevelDuplicateCheck: Bool

    init(file: String, bytes: [UInt8], nodes: [JSONNode], comments: [Range<Int>], lineStarts: [Int], needsPathLevelDuplicateCheck: Bool) {
        self.file = file
        self.bytes = bytes
        self.nodes = nodes
        self.comments = comments
        self.lineStarts = lineStarts
        self.needsPathLevelDuplicateCheck = needsPathLevelDuplicateCheck
    }

    /// The top-level value (an object for appsettings files; any kind with `parsingAnyValue`).
    public var root: JSONValue { JSONValue(document: self, index: 0) }

    /// Number of values in the document, containers included.
    public var valueCount: Int { nodes.count }

    /// The line and column of a byte offset.
    public func location(ofOffset offset: Int) -> SourceLocation {
        SourceLocation.locate(offset: offset, in: bytes, lineStarts: lineStarts, file: file)
    }

    /// The value whose node index is `index` (indices come from ``JSONValue/index``).
    public func value(atIndex index: Int) -> JSONValue {
        precondition(index >= 0 && index < nodes.count, "node index out of range")
        return JSONValue(document: self, index: index)
    }
}

/// The kinds of JSON value.
public enum JSONKind: UInt8, Sendable, Hashable, CustomStringConvertible {
    case object
    case array
    case string
    case number
    case `true`
    case `false`
    case null

    /// The name used in messages: "an object", "a string"...
    public var description: String {
        switch self {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .number: "a number"
        case .true: "true"
        case .false: "false"
        case .null: "null"
        }
    }

    public var isContainer: Bool { self == .object || self == .array }
}

/// One node of the tape. Offsets are byte offsets into ``JSONDocument/bytes``.
struct JSONNode: Sendable {
    /// Start of the value's token (the opening quote, brace or bracket, or first number byte).
    var start: UInt32
    /// One past the last byte of the value.
    var end: UInt32
    /// For a member of an object: the first byte of the name's text, after the opening quote.
    var keyStart: UInt32
    /// For a member of an object: one past the name's text, before the closing quote.
    var keyEnd: UInt32
    /// Number of children of a container.
    var count: UInt32
    /// Index of the first node after this node's subtree.
    var next: UInt32
    var kind: JSONKind
    var flags: UInt8

    static let noKey = UInt32.max
    static let valueHasEscapes: UInt8 = 1
    static let keyHasEscapes: UInt8 = 2
}

extension SourceLocation {
    static func locate(offset: Int, in bytes: [UInt8], lineStarts: [Int], file: String) -> SourceLocation {
        // Last line start <= offset.
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        let lineStart = lineStarts[low]
        var column = 1
        var i = lineStart
        let limit = min(offset, bytes.count)
        while i < limit {
            // Count scalars: skip UTF-8 continuation bytes.
            if bytes[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        if lineStart == 0, bytes.starts(with: [0xEF, 0xBB, 0xBF]), offset >= 3 {
            column -= 1  // the byte order mark is not a column
        }
        return SourceLocation(file: file, line: low + 1, column: column, offset: offset)
    }
}
