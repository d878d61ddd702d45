extension StringProtocol {
    /// The text padded with spaces, or cut, to `width` UTF-16 code units: what Foundation's
    /// `padding(toLength: width, withPad: " ", startingAt: 0)` returned, for table columns.
    package func padded(toUTF16Width width: Int) -> String {
        let length = utf16.count
        if length < width { return String(self) + String(repeating: " ", count: width - length) }
        return length == width ? String(self) : String(decoding: Array(utf16.prefix(width)), as: UTF16.self)
    }
}
