import QSLConfigCore

/// How a ``SchemaValidator`` checks instances.
///
/// ```swift
/// // ASP.NET binds "8080" to an int property, so accept numeric strings where numbers are due.
/// let options = SchemaValidationOptions(coerceScalarStrings: true)
/// let validator = try SchemaValidator(schemaFile: "schemas/services/userservice.schema.json", options: options)
/// ```
public struct SchemaValidationOptions: Sendable, Hashable {
    /// Check `format` (date-time, date, time, duration, email, hostname, ipv4, ipv6, uri,
    /// uri-reference, uuid, regex) as an assertion, not only an annotation. Default `true`;
    /// unknown formats always pass. A 2020-12 meta-schema that requires the format-assertion
    /// vocabulary turns assertion on regardless.
    public var assertFormats: Bool

    /// Accept a string where the schema's `type` asks for integer, number or boolean, when the
    /// string reads as one, the way ASP.NET's binder turns configuration strings into values
    /// (`"8080"` → 8080, `"true"`/`"False"` → a boolean; surrounding spaces are ignored). The
    /// string is then checked as that value by the same schema's numeric keywords, `enum` and
    /// `const`. Only schemas whose `type` excludes `string` coerce. Default `false`.
    public var coerceScalarStrings: Bool

    /// Match property names ignoring case, as ASP.NET Core compares configuration keys
    /// (`OrdinalIgnoreCase`): `properties`, `required`, `dependentRequired`,
    /// `dependentSchemas` and the names `additionalProperties` skips then treat `logging` as
    /// `Logging`. `patternProperties` and `propertyNames` still see the name as written.
    /// Default `false` (JSON Schema compares names exactly).
    public var caseInsensitivePropertyNames: Bool

    /// The draft for schemas without `$schema`. Default 2020-12.
    public var defaultDraft: SchemaDraft

    public init(
        assertFormats: Bool = true, coerceScalarStrings: Bool = false, caseInsensitivePropertyNames: Bool = false,
        defaultDraft: SchemaDraft = .draft2020_12
    ) {
        self.assertFormats = assertFormats
        self.coerceScalarStrings = coerceScalarStrings
        self.caseInsensitivePropertyNames = caseInsensitivePropertyNames
        self.defaultDraft = defaultDraft
    }

    /// The name properties are looked up by.
    func propertyKey(_ name: String) -> String {
        caseInsensitivePropertyNames ? ConfigKey.fold(name) : name
    }
}
