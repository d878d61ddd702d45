import QSLConfigCore

/// The one place the schema module turns bytes into a ``JSONValue``.
///
/// Schema files and test data may hold any top-level value (an array, `true`, a number) and
/// property names that differ only in case, which appsettings files may not; the core's
/// any-value reader accepts both and keeps exact positions.
enum SchemaJSON {
    /// Parses `bytes` holding any JSON value.
    ///
    /// - Throws: A ``Diagnostic`` at the first problem, located in the caller's file.
    static func parse(bytes: [UInt8], file: String) throws(Diagnostic) -> JSONValue {
        try JSONDocument(parsingAnyValue: bytes, file: file).root
    }

    /// Reads and parses a file holding any JSON value.
    static func parse(contentsOfFile path: String, displayName: String? = nil) throws(Diagnostic) -> JSONValue {
        let bytes = try FileBytes.read(path, displayName: displayName ?? path, maxBytes: ReaderLimits.defaultMaxBytes)
        return try parse(bytes: bytes, file: displayName ?? path)
    }
}
