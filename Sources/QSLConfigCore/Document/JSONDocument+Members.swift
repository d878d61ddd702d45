/// Adding and removing object members byte-exactly, in the file's own style: the new member goes
/// after the object's last one at the same indentation, a trailing comma is kept a trailing
/// comma, and every other byte (comments included) stays where it was. `migrate` uses these to
/// put references into an environment's overlay and to take AWS access keys out of a file.
extension JSONDocument {
    /// One string member to add, by its path of object names from the root (`["ConnectionStrings",
    /// "cache"]`). Missing sections on the way are created.
    public struct NewMember: Sendable, Hashable {
        public var path: [String]
        public var value: String

        public init(path: [String], value: String) {
            self.path = path
            self.value = value
        }
    }

    /// The edits that add `members`, each a string, to the document. Names are matched ignoring
    /// case, as ASP.NET reads them, so a member goes into an existing section however it is
    /// spelled. Apply them with ``applying(_:limits:)``.
    ///
    /// ```swift
    /// let edits = try overlay.addingMembers([.init(path: ["ConnectionStrings", "cache"], value: "${aws:secrets:qsl/production/redis/connection}")])
    /// let bytes = try overlay.applying(edits)
    /// ```
    ///
    /// - Throws: A ``Diagnostic`` when a path is empty, names an existing member, or runs into a
    ///   value that is not an object.
    ///
    /// - Parameter removing: Members that other edits of the same batch remove
    ///   (``removingMember(_:)``): new members go after the last member that stays, so the
    ///   edits never meet.
    public func addingMembers(_ members: [NewMember], removing: [JSONValue] = []) throws(Diagnostic) -> [JSONEdit] {
        // What goes into each existing object, as a tree of new names, in the order given.
        var pending: [Int: PendingTree] = [:]
        var order: [Int] = []
        for member in members {
            guard !member.path.isEmpty else { throw Diagnostic(at: root.location, "a new member needs a name", rule: "edit") }
            var object = root
            var depth = 0
            while depth < member.path.count, let child = Self.member(of: object, named: member.path[depth]) {
                guard depth < member.path.count - 1 else {
                    throw Diagnostic(at: child.location, "'\(member.path.joined(separator: ":"))' is already set here", rule: "edit")
                }
                guard child.kind == .object else {
                    throw Diagnostic(at: child.location, "'\(member.path[...depth].joined(separator: ":"))' is \(child.kind), not a section", rule: "edit")
                }
                object = child
                depth += 1
            }
            guard object.kind == .object else { throw Diagnostic(at: object.location, "the file's top level is not an object", rule: "edit") }
            if pending[object.index] == nil { order.append(object.index) }
            pending[object.index, default: PendingTree()].insert(Array(member.path[depth...]), value: member.value)
        }
        var edits: [JSONEdit] = []
        let unit = indentUnit
        let removed = Set(removing.map(\.index))
        for index in order {
            edits += insertion(of: pending[index]!, into: value(atIndex: index), unit: unit, removed: removed)
        }
        return edits
    }

    /// The edit that removes `member` (a value whose parent is an object) with its name, its
    /// trailing comma and, when it stands on lines of its own, those lines with any comment on
    /// them. A comma left after the previous member is a trailing comma, which appsettings
    /// files allow.
    public func removingMember(_ member: JSONValue) -> JSONEdit {
        guard let keyRange = member.keyByteRange else { return JSONEdit(range: member.byteRange, replacement: "null") }
        var start = keyRange.lowerBound - 1  // the opening quote of the name
        var end = member.byteRange.upperBound
        var cursor = end
        while cursor < bytes.count, bytes[cursor] == UInt8(ascii: " ") || bytes[cursor] == UInt8(ascii: "\t") { cursor += 1 }
        if cursor < bytes.count, bytes[cursor] == UInt8(ascii: ",") { end = cursor + 1 }
        let lineStart = lineStart(of: start)
        let lineEnd = lineEnd(of: end)
        let before = bytes[lineStart..<start]
        let after = bytes[end..<lineEnd]
        if before.allSatisfy(Self.isBlank), after.allSatisfy(Self.isBlank) || Self.isComment(after) {
            start = lineStart
            end = lineEnd < bytes.count ? lineEnd + 1 : lineEnd
        }
        return JSONEdit(range: start..<end, replacement: "")
    }

    /// A new appsettings file holding `members`, in the style of `model`.
    ///
    /// - Parameter model: A file of the same folder whose style the new one takes: its
    ///   indentation unit, and the line break of the line its root opens on. Without one, two
    ///   spaces and `\n`.
    public static func newFile(with members: [NewMember], styledLike model: JSONDocument? = nil) -> String {
        var tree = PendingTree()
        for member in members { tree.insert(member.path, value: member.value) }
        let unit = model?.indentUnit ?? "  "
        // Names and values are rendered quoted, so every `\n` here is a line break.
        let text = "{\n" + tree.render(indent: unit, unit: unit, trailingCommas: false) + "\n}\n"
        guard let model else { return text }
        let lineBreak = model.lineBreak(near: model.root.byteRange.lowerBound)
        return lineBreak == "\n" ? text : text.replacing("\n", with: lineBreak)
    }

    // MARK: Style

    /// The indentation one level adds: that of the first indented member line under the root,
    /// else two spaces.
    var indentUnit: String {
        for child in root.children {
            let start = lineStart(of: (child.keyByteRange?.lowerBound ?? child.byteRange.lowerBound))
            let indent = indentation(ofLineStartingAt: start)
            if !indent.isEmpty && start > 0 { return indent }
        }
        return "  "
    }

    func lineStart(of offset: Int) -> Int {
        var index = min(offset, bytes.count)
        while index > 0, !isLineBreak(at: index - 1) { index -= 1 }
        return index
    }

    /// The offset of the line break ending the line that holds `offset` (its line feed, or a
    /// carriage return that no line feed follows), or the file's end.
    func lineEnd(of offset: Int) -> Int {
        var index = offset
        while index < bytes.count, !isLineBreak(at: index) { index += 1 }
        return index
    }

    func isLineBreak(at index: Int) -> Bool { Self.isLineBreak(bytes, at: index) }

    /// Whether the byte at `index` ends a line: a line feed, or a lone carriage return (which
    /// ends a `//` comment), for positions and edits alike.
    static func isLineBreak<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, at index: Int) -> Bool where Bytes.Index == Int {
        bytes[index] == 0x0A || (bytes[index] == 0x0D && (index + 1 == bytes.endIndex || bytes[index + 1] != 0x0A))
    }

    func indentation(ofLineStartingAt start: Int) -> String {
        var end = start
        while end < bytes.count, bytes[end] == UInt8(ascii: " ") || bytes[end] == UInt8(ascii: "\t") { end += 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
    }

    /// Whether `text` is blanks then a `//` comment.
    static func isComment(_ text: ArraySlice<UInt8>) -> Bool {
        guard let first = text.firstIndex(where: { !isBlank($0) }) else { return true }
        return text[first...].starts(with: [UInt8(ascii: "/"), UInt8(ascii: "/")])
    }

    /// The member of `object` named `name`, ignoring case.
    public static func member(of object: JSONValue, named name: String) -> JSONValue? {
        guard object.kind == .object else { return nil }
        let folded = ConfigKey.fold(name)
        return object.children.first { $0.key.map(ConfigKey.fold) == folded }
    }

    /// The line break of the line holding `offset` (`\r\n` or `\n`); on the last line, which
    /// has none, that of the line before; `\n` in a file of one line. A file that mixes the two
    /// gets, at each place, the break of the lines around it.
    func lineBreak(near offset: Int) -> String {
        let offset = min(max(offset, 0), bytes.count)
        var end = lineEnd(of: offset)
        if end == bytes.count {
            let start = lineStart(of: offset)
            guard start > 0 else { return "\n" }
            end = start - 1
        }
        if bytes[end] == UInt8(ascii: "\r") { return "\r" }
        return end > 0 && bytes[end - 1] == UInt8(ascii: "\r") ? "\r\n" : "\n"
    }

    /// The edits that put `tree` into `object`, with the line break of the lines they go
    /// between: those of the last member, or of the object's opening brace when it is empty.
    func insertion(of tree: PendingTree, into object: JSONValue, unit: String, removed: Set<Int> = []) -> [JSONEdit] {
        let last = object.children.reduce(nil as JSONValue?, { kept, child in removed.contains(child.index) ? kept : child })
        let lineBreak = lineBreak(near: last?.byteRange.upperBound ?? object.byteRange.lowerBound)
        guard lineBreak != "\n" else { return insertionLF(of: tree, into: object, after: last, unit: unit) }
        return insertionLF(of: tree, into: object, after: last, unit: unit).map { edit in
            JSONEdit(range: edit.range, replacement: edit.replacement.replacing("\n", with: lineBreak))
        }
    }

    /// The edits that put `tree` into `object`, new lines ended by `\n`. A line's end is taken
    /// before its `\r`, so that on a CRLF file the new text goes between the value (or its
    /// comment) and the line's `\r\n`.
    ///
    /// `last` is the last member that stays; members after it are removed by other edits of the
    /// batch. The file's trailing-comma style is read from its real last member, so a comma that
    /// only separated `last` from a removed member is not taken for one.
    private func insertionLF(of tree: PendingTree, into object: JSONValue, after last: JSONValue?, unit: String) -> [JSONEdit] {
        let closing = object.byteRange.upperBound - 1  // the closing brace
        let objectIndent = indentation(ofLineStartingAt: lineStart(of: object.byteRange.lowerBound))
        let realLast = object.children.reduce(nil as JSONValue?, { _, child in child })
        if last == nil, let first = object.children.first(where: { _ in true }) {
            // Every member is removed: the new ones go on lines of their own before the closing
            // brace's line, at the removed members' indentation, where the removals leave no line.
            let braceLine = lineStart(of: closing)
            if braceLine > first.byteRange.upperBound, bytes[braceLine..<closing].allSatisfy(Self.isBlank) {
                let memberIndent = indentation(ofLineStartingAt: lineStart(of: first.keyByteRange.map { $0.lowerBound - 1 } ?? first.byteRange.lowerBound))
                let text = tree.render(indent: memberIndent, unit: unit, trailingCommas: false) + "\n"
                return [JSONEdit(range: braceLine..<braceLine, replacement: text)]
            }
        }
        guard let last else {
            // An empty object: the members on lines of their own, the brace on the next.
            let text = "\n" + tree.render(indent: objectIndent + unit, unit: unit, trailingCommas: false) + "\n" + objectIndent
            let inner = (object.byteRange.lowerBound + 1)..<closing
            let replacesBlanks = bytes[inner].allSatisfy { Self.isBlank($0) || $0 == UInt8(ascii: "\n") }
            return [JSONEdit(range: replacesBlanks ? inner : (inner.lowerBound..<inner.lowerBound), replacement: text)]
        }
        let lastStart = last.keyByteRange.map { $0.lowerBound - 1 } ?? last.byteRange.lowerBound
        var afterValue = last.byteRange.upperBound
        while afterValue < closing, Self.isBlank(bytes[afterValue]) { afterValue += 1 }
        let hasTrailingComma = afterValue < closing && bytes[afterValue] == UInt8(ascii: ",")
        // Whether the file ends its members with a comma: its real last member's, which is `last`
        // unless the members after `last` are removed (then `last`'s comma only separated them).
        let trailingStyle: Bool
        if let realLast, realLast.index != last.index {
            var after = realLast.byteRange.upperBound
            while after < closing, Self.isBlank(bytes[after]) { after += 1 }
            trailingStyle = after < closing && bytes[after] == UInt8(ascii: ",")
        } else {
            trailingStyle = hasTrailingComma
        }
        // The new lines go after the line on which what follows the value ends: a block comment
        // opened there may run over several lines, and text put inside it would be lost.
        let trailing = endOfTrailingComments(after: last.byteRange.upperBound, before: closing)
        var lineEnd = lineEnd(of: trailing)
        if lineEnd < closing, lineEnd > trailing, bytes[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
        guard lineEnd < closing else {
            // The object closes on the last member's line (`{"a": 1}`): continue on that line.
            let text = (hasTrailingComma ? " " : ", ") + tree.renderInline()
            let at = hasTrailingComma ? afterValue + 1 : last.byteRange.upperBound
            return [JSONEdit(range: at..<at, replacement: text)]
        }
        let memberIndent = indentation(ofLineStartingAt: lineStart(of: lastStart))
        var text = "\n" + tree.render(indent: memberIndent, unit: unit, trailingCommas: trailingStyle)
        if trailingStyle { text += "," }
        // The new lines go after the last member's line, comment included; a missing comma goes
        // right after its value.
        var edits = [JSONEdit(range: lineEnd..<lineEnd, replacement: text)]
        if !hasTrailingComma {
            let at = last.byteRange.upperBound
            if at == lineEnd {
                edits = [JSONEdit(range: at..<at, replacement: "," + text)]
            } else {
                edits.insert(JSONEdit(range: at..<at, replacement: ","), at: 0)
            }
        }
        return edits
    }

    /// Where the blanks, commas and block comments after offset `start` end (before `limit`):
    /// a block comment is skipped to its close, even over line breaks.
    func endOfTrailingComments(after start: Int, before limit: Int) -> Int {
        var index = start
        while index < limit {
            let byte = bytes[index]
            // Spaces, tabs and commas; a `\r` is left to the line-end rules.
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: ",") {
                index += 1
            } else if byte == UInt8(ascii: "/"), index + 1 < limit, bytes[index + 1] == UInt8(ascii: "*") {
                var end = index + 2
                while end + 1 < limit, !(bytes[end] == UInt8(ascii: "*") && bytes[end + 1] == UInt8(ascii: "/")) { end += 1 }
                index = min(end + 2, limit)
            } else {
                break
            }
        }
        return index
    }
}

/// New members to insert, as a tree of names in the order they were given.
struct PendingTree: Sendable {
    var names: [String] = []
    var children: [String: PendingTree] = [:]
    var values: [String: String] = [:]

    mutating func insert(_ path: [String], value: String) {
        guard let first = path.first else { return }
        let folded = ConfigKey.fold(first)
        let existing = names.first { ConfigKey.fold($0) == folded }
        let name = existing ?? first
        if existing == nil { names.append(name) }
        if path.count == 1 {
            values[name] = value
        } else {
            children[name, default: PendingTree()].insert(Array(path.dropFirst()), value: value)
        }
    }

    func render(indent: String, unit: String, trailingCommas: Bool) -> String {
        names.map { name in
            let key = JSONStringEncoding.quoted(name)
            if let value = values[name] { return indent + key + ": " + JSONStringEncoding.quoted(value) }
            let inner = children[name]!.render(indent: indent + unit, unit: unit, trailingCommas: trailingCommas)
            return indent + key + ": {\n" + inner + (trailingCommas ? "," : "") + "\n" + indent + "}"
        }.joined(separator: ",\n")
    }

    func renderInline() -> String {
        names.map { name in
            let key = JSONStringEncoding.quoted(name)
            if let value = values[name] { return key + ": " + JSONStringEncoding.quoted(value) }
            return key + ": {" + children[name]!.renderInline() + "}"
        }.joined(separator: ", ")
    }
}
