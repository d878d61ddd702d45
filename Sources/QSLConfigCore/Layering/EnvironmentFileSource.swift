/// An environment file as a configuration layer: the `NAME=VALUE` lines `docker run --env-file`
/// reads (and `qsl-config bundle --format dotenv` writes), mapped to keys the way
/// ``EnvironmentVariablesSource`` maps process variables (`Section__Key` → `Section:Key`).
///
/// Lines are read as docker reads them: leading white space is ignored, a line starting with `#`
/// and a blank line are skipped, and the value is everything after the first `=` up to the end
/// of the line, taken literally (no quotes, no escapes; a trailing `\r` is dropped). Every entry
/// remembers the `FILE:LINE:COL` of its value.
///
/// ```swift
/// let layer = try EnvironmentFileSource().layer(contentsOfFile: "deploy/production.env")
/// ```
public struct EnvironmentFileSource: Sendable {
    public var compatibility: AspNetCompatibility
    /// The largest file read.
    public var maxBytes: Int

    public init(compatibility: AspNetCompatibility = .default, maxBytes: Int = 4 << 20) {
        self.compatibility = compatibility
        self.maxBytes = maxBytes
    }

    /// Reads and maps one file.
    ///
    /// - Throws: A ``DiagnosticList`` with every bad line: a line without `=` (docker would take
    ///   that variable from the machine's environment, which a file layer must not), an empty or
    ///   space-holding name, a name written twice.
    public func layer(contentsOfFile path: String) throws(DiagnosticList) -> ConfigurationLayer {
        let bytes: [UInt8]
        do { bytes = try FileBytes.read(path, maxBytes: maxBytes) } catch { throw DiagnosticList([error]) }
        return try layer(parsing: bytes, file: path)
    }

    /// Maps the bytes of an environment file named `file` in diagnostics.
    public func layer(parsing bytes: [UInt8], file: String) throws(DiagnosticList) -> ConfigurationLayer {
        var layer = ConfigurationLayer(name: file)
        var problems: [Diagnostic] = []
        var seen: [ConfigKey: Int] = [:]
        let mapper = EnvironmentVariablesSource(compatibility: compatibility)
        var offset = 0
        var lineNumber = 0
        for rawLine in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            defer { offset += rawLine.count + 1 }
            var line = Array(rawLine)
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            // A UTF-8 byte order mark before the first name is not part of it (docker drops it too).
            var lineOffset = offset
            if lineNumber == 1, line.starts(with: [0xEF, 0xBB, 0xBF]) {
                line.removeFirst(3)
                lineOffset += 3
            }
            let indent = line.prefix { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }.count
            let content = line[indent...]
            if content.isEmpty || content.first == UInt8(ascii: "#") { continue }
            func at(_ column: Int) -> SourceLocation {
                SourceLocation(file: file, line: lineNumber, column: column, offset: lineOffset + column - 1)
            }
            guard let equals = content.firstIndex(of: UInt8(ascii: "=")) else {
                problems.append(
                    Diagnostic(
                        at: at(indent + 1),
                        "this line has no '='; write NAME=VALUE (a bare NAME would take its value from the machine running the command)",
                        rule: "env-file"))
                continue
            }
            guard let name = String(validating: content[..<equals], as: UTF8.self),
                let value = String(validating: content[(equals + 1)...], as: UTF8.self)
            else {
                problems.append(Diagnostic(at: at(indent + 1), "this line is not valid UTF-8", rule: "env-file"))
                continue
            }
            guard !name.isEmpty, !name.contains(where: \.isWhitespace) else {
                problems.append(
                    Diagnostic(at: at(indent + 1), "the variable name before '=' is empty or holds white space", rule: "env-file"))
                continue
            }
            // Columns count Unicode scalars, as the JSON reader's do.
            let valueColumn = indent + name.unicodeScalars.count + 2
            for entry in mapper.layer(from: [name: value]).orderedEntries {
                if let first = seen[entry.key] {
                    problems.append(
                        Diagnostic(
                            at: at(indent + 1),
                            "duplicate key '\(entry.key)': line \(first) of this file already sets it; keys are compared ignoring case",
                            rule: "duplicate-key", keyPath: entry.key.spelling))
                    continue
                }
                seen[entry.key] = lineNumber
                layer.set(
                    ConfigEntry(
                        key: entry.key, value: entry.value,
                        origin: ValueOrigin(.environmentFile(variable: name, location: at(valueColumn)))))
            }
        }
        guard problems.isEmpty else { throw DiagnosticList(problems) }
        return layer
    }
}
