/// A position in a source file: 1-based line and column, plus the 0-based byte offset.
///
/// Columns count Unicode scalars from the start of the line, so a column matches what an editor
/// shows for files with non-ASCII text.
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The file as the user named it (used verbatim in diagnostics).
    public var file: String
    public var line: Int
    public var column: Int
    public var offset: Int

    public init(file: String, line: Int, column: Int, offset: Int) {
        self.file = file
        self.line = line
        self.column = column
        self.offset = offset
    }

    /// `FILE:LINE:COL`, the prefix compilers and CI systems recognise.
    public var description: String { "\(file):\(line):\(column)" }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.file, lhs.offset) < (rhs.file, rhs.offset)
    }
}
