import QSLConfigCore

/// One way an instance fails its schema.
///
/// Prints compiler-style, `FILE:LINE:COL: error: MESSAGE [schema]`, pointing at the value in the
/// instance file. Messages never quote an instance's string values (they may be secrets);
/// numbers, booleans and the schema's own values are quoted, and so is a string read as a number
/// or boolean (``SchemaValidationOptions/coerceScalarStrings``). ``valueFreeMessage`` quotes
/// none of the instance, for values that must not be shown at all.
public struct SchemaValidationFailure: Sendable, Hashable, CustomStringConvertible {
    /// Where the failing value starts in its file, when the instance comes from one.
    public var instanceLocation: SourceLocation?
    /// The failing value as a JSON pointer into the instance (`/Kestrel/Endpoints/0/Port`).
    public var instancePointer: String
    /// The keyword's location along the evaluation path, `$ref`s included
    /// (`/allOf/0/$ref/properties/Port/maximum`).
    public var keywordLocation: String
    /// The keyword's canonical location: its schema resource's URI and a pointer
    /// (`https://qsl.example/schemas/appsettings.shared.schema.json#/properties/Port/maximum`).
    public var absoluteKeywordLocation: String
    /// The keyword that failed (`maximum`, `required`, `anyOf`...).
    public var keyword: String
    /// One sentence: `value 70000 is above the maximum 65535`.
    public var message: String
    /// ``message`` without any of the instance's values: `"Port" is above the maximum 65535`.
    /// The same text when the message quotes none.
    public var valueFreeMessage: String
    /// For `anyOf`/`oneOf`/`propertyNames`/`contains`: the failures of the closest alternative.
    public var causes: [SchemaValidationFailure]

    public init(
        instanceLocation: SourceLocation?, instancePointer: String, keywordLocation: String,
        absoluteKeywordLocation: String, keyword: String, message: String, valueFreeMessage: String? = nil,
        causes: [SchemaValidationFailure] = []
    ) {
        self.instanceLocation = instanceLocation
        self.instancePointer = instancePointer
        self.keywordLocation = keywordLocation
        self.absoluteKeywordLocation = absoluteKeywordLocation
        self.keyword = keyword
        self.message = message
        self.valueFreeMessage = valueFreeMessage ?? message
        self.causes = causes
    }

    /// The instance pointer as an ASP.NET configuration key path (`Kestrel:Endpoints:0:Port`).
    public var keyPath: String { SchemaAnnotation.keyPath(fromPointer: instancePointer) }

    /// The failure as a diagnostic (rule `schema`), for the CLI's text, JSON, GitHub and JUnit
    /// output.
    public var diagnostic: Diagnostic {
        Diagnostic(.error, at: instanceLocation, message, rule: "schema", keyPath: instancePointer.isEmpty ? nil : keyPath)
    }

    public var description: String {
        if instanceLocation != nil { return diagnostic.description }
        return "\(instancePointer.isEmpty ? "/" : instancePointer): error: \(message) [schema]"
    }
}
