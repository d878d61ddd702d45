/// Where a configuration value came from: a position in a file, an environment variable, a
/// command-line argument or another source. Diagnostics use it to point at the layer that
/// supplied a value.
public struct ValueOrigin: Sendable, CustomStringConvertible, CustomReflectable {
    public enum Source: Sendable {
        /// A value in an appsettings file.
        case file(JSONValue)
        /// A process environment variable.
        case environment(variable: String)
        /// A `NAME=VALUE` line of an environment file (`docker --env-file`), at the value.
        /// Boxed: the location is large, and every configuration value carries an origin.
        indirect case environmentFile(variable: String, location: SourceLocation)
        /// A command-line argument: the switch (`--Db:Password`), never its value.
        case commandLine(argument: String)
        /// An SSM parameter loaded as a configuration layer; `isList` for a `StringList` listed by
        /// name only (the `ecs` bundle), which stands whole for its items.
        case parameterStore(name: String, isList: Bool = false)
        /// Anything else, described by a label.
        case other(String)
    }

    public var source: Source

    public init(_ source: Source) { self.source = source }

    /// The file position of the value, for values that came from a file.
    public var location: SourceLocation? {
        switch source {
        case .file(let value): value.location
        case .environmentFile(_, let location): location
        default: nil
        }
    }

    /// The file position of the key that holds the value (its name), or of the value itself for
    /// an array element.
    public var keyLocation: SourceLocation? {
        switch source {
        case .file(let value): value.keyLocation ?? value.location
        case .environmentFile(_, let location): location
        default: nil
        }
    }

    /// The JSON value, for values that came from a file.
    public var jsonValue: JSONValue? {
        if case .file(let value) = source { return value }
        return nil
    }

    public var description: String {
        switch source {
        case .file(let value): value.location.description
        case .environment(let name): "environment variable \(name)"
        case .environmentFile(let name, let location): "\(name) at \(location)"
        case .commandLine(let argument): "command-line argument \(argument)"
        case .parameterStore(let name, _): "SSM parameter \(name)"
        case .other(let label): label
        }
    }
}

extension ValueOrigin {
    /// Its description alone: a file origin holds the whole document (its bytes), which `dump`
    /// would otherwise print.
    public var customMirror: Mirror { Mirror(self, children: ["origin": description], displayStyle: .struct) }
}
