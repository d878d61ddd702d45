/// Which .NET release's configuration semantics to follow where releases differ.
///
/// The platform runs .NET 9, so ``dotnet9`` is the default. The differences:
///
/// | input | .NET 9 | .NET 10 |
/// |---|---|---|
/// | JSON `null` | `""` | `null` |
/// | JSON `[]` | `null` | `""` |
/// | `POSTGRESQLCONNSTR_`, `APIHUBCONNSTR_`, `DOCDBCONNSTR_`, `EVENTHUBCONNSTR_`, `NOTIFICATIONHUBCONNSTR_`, `REDISCACHECONNSTR_`, `SERVICEBUSCONNSTR_` | plain variables | connection strings |
public enum AspNetCompatibility: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case dotnet9 = "net9"
    case dotnet10 = "net10"

    public static let `default`: AspNetCompatibility = .dotnet9

    public var description: String { rawValue }

    /// The flattened value of a JSON `null`.
    var jsonNullValue: String? { self == .dotnet9 ? "" : nil }
    /// The flattened value of an empty JSON array.
    var emptyArrayValue: String? { self == .dotnet9 ? nil : "" }
}
