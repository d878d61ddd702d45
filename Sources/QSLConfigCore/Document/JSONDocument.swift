import Synchronization

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
    /// Counts the scalars before any offset without walking the line up to it; built on the
    /// first position asked for, so a document nobody locates in (a secret read for one key)
    /// never pays for it.
    private let scalarIndexStorage = Mutex<ScalarIndex?>(nil)
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
    /// Costs a binary search over the lines and at most one ``ScalarIndex`` block, however long
    /// the line: a minified file is one line, and every value's position is asked for.
    public func location(ofOffset offset: Int) -> SourceLocation {
        SourceLocation.locate(offset: offset, in: bytes, lineStarts: lineStarts, scalarIndex: scalarIndex, file: file)
    }

    var scalarIndex: ScalarIndex {
        scalarIndexStorage.withLock { index in
            if let index { return index }
            let built = ScalarIndex(bytes)
            index = built
            return built
        }
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
        locate(offset: offset, in: bytes, lineStarts: lineStarts, scalarIndex: nil, file: file)
    }

    /// The line and column of `offset`; the column counts Unicode scalars from the line's start.
    /// Without an index the line is walked up to `offset`.
    static func locate(offset: Int, in bytes: [UInt8], lineStarts: [Int], scalarIndex: ScalarIndex?, file: String) -> SourceLocation {
        // Last line start <= offset.
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        let lineStart = lineStarts[low]
        let limit = min(offset, bytes.count)
        var column = 1
        if let scalarIndex {
            if limit > lineStart {
                column += scalarIndex.scalars(before: limit, in: bytes) - scalarIndex.scalars(before: lineStart, in: bytes)
            }
        } else {
            var i = lineStart
            while i < limit {
                // Count scalars: skip UTF-8 continuation bytes.
                if bytes[i] & 0xC0 != 0x80 { column += 1 }
                i += 1
            }
        }
        if lineStart == 0, bytes.starts(with: [0xEF, 0xBB, 0xBF]), offset >= 3 {
            column -= 1  // the byte order mark is not a column
        }
        return SourceLocation(file: file, line: low + 1, column: column, offset: offset)
    }
}

/// The number of Unicode scalars before any byte offset of a UTF-8 text, in constant time: the
/// count is kept at the start of every block of ``blockSize`` bytes, so at most one block is
/// walked. A text that is all ASCII keeps no counts at all (a scalar per byte).
struct ScalarIndex: Sendable {
    static let blockSize = 256

    /// Scalars before the start of each block; empty when every byte is ASCII.
    private let blockCounts: [UInt32]

    init(_ bytes: [UInt8]) {
        let isASCII = bytes.withUnsafeBufferPointer { buffer in
            var high: UInt8 = 0
            for byte in buffer { high |= byte }
            return high < 0x80
        }
        guard !isASCII else {
            blockCounts = []
            return
        }
        var counts: [UInt32] = []
        counts.reserveCapacity(bytes.count / Self.blockSize + 1)
        var scalars: UInt32 = 0
        bytes.withUnsafeBufferPointer { buffer in
            var start = 0
            while start < buffer.count {
                counts.append(scalars)
                let end = min(start + Self.blockSize, buffer.count)
                var continuation: UInt32 = 0
                for i in start..<end { continuation &+= buffer[i] & 0xC0 == 0x80 ? 1 : 0 }
                scalars += UInt32(end - start) - continuation
                start = end
            }
        }
        blockCounts = counts
    }

    /// Unicode scalars that start before byte `offset` (`0...bytes.count`) of `bytes`, the text
    /// the index was built from.
    func scalars(before offset: Int, in bytes: [UInt8]) -> Int {
        guard !blockCounts.isEmpty else { return offset }
        let start = blockStart(before: offset)
        return Int(blockCounts[start / Self.blockSize]) + Self.count(bytes, from: start, to: offset)
    }

    /// Bytes ``scalars(before:in:)`` walks for `offset`: at most ``blockSize``.
    func bytesWalked(before offset: Int) -> Int {
        blockCounts.isEmpty ? 0 : offset - blockStart(before: offset)
    }

    /// The start of the block counted from: `offset == bytes.count` may start a block the index
    /// does not hold, so the last one.
    private func blockStart(before offset: Int) -> Int {
        min(offset / Self.blockSize, blockCounts.count - 1) * Self.blockSize
    }

    private static func count(_ bytes: [UInt8], from start: Int, to end: Int) -> Int {
        var scalars = 0
        var i = start
        while i < end {
            if bytes[i] & 0xC0 != 0x80 { scalars += 1 }
            i += 1
        }
        return scalars
    }
}
