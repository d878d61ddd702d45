/// One replacement of a value's bytes.
public struct JSONEdit: Sendable, Hashable {
    /// The bytes to replace (a value's ``JSONValue/byteRange``).
    public var range: Range<Int>
    /// The JSON text that takes their place.
    public var replacement: String

    public init(range: Range<Int>, replacement: String) {
        self.range = range
        self.replacement = replacement
    }

    /// Replaces `value` with the JSON string literal of `text`.
    public static func replacing(_ value: JSONValue, withString text: String) -> JSONEdit {
        JSONEdit(range: value.byteRange, replacement: JSONStringEncoding.quoted(text))
    }
}

extension JSONDocument {
    /// The file's bytes with `edits` applied; every byte outside the edited ranges is unchanged.
    ///
    /// The result is read back before it is returned, so an edit can never produce a file the
    /// reader rejects.
    ///
    /// ```swift
    /// let secret = document.root["Logto"]!["ClientSecret"]!
    /// let bytes = try document.applying([.replacing(secret, withString: "${aws:secrets:qsl/production/logto:clientSecret}")])
    /// ```
    ///
    /// - Throws: A ``Diagnostic`` when edits overlap, fall outside the file, or the result does
    ///   not read back as a valid appsettings file.
    public func applying(_ edits: [JSONEdit], limits: ReaderLimits = .default) throws(Diagnostic) -> [UInt8] {
        let ordered = edits.sorted { $0.range.lowerBound < $1.range.lowerBound }
        var previousEnd = 0
        for edit in ordered {
            guard edit.range.lowerBound >= previousEnd, edit.range.upperBound <= bytes.count else {
                throw Diagnostic(at: location(ofOffset: min(edit.range.lowerBound, bytes.count)), "edits overlap or fall outside the file", rule: "edit")
            }
            previousEnd = edit.range.upperBound
        }
        var out = [UInt8]()
        out.reserveCapacity(bytes.count + ordered.reduce(0) { $0 + $1.replacement.utf8.count })
        var cursor = 0
        for edit in ordered {
            out.append(contentsOf: bytes[cursor..<edit.range.lowerBound])
            out.append(contentsOf: edit.replacement.utf8)
            cursor = edit.range.upperBound
        }
        out.append(contentsOf: bytes[cursor...])
        _ = try JSONDocument(parsing: out, file: file, limits: limits)
        return out
    }
}
