import QSLConfigCore

/// An instance with the facts keywords ask about, each computed at most once per subschema,
/// and with a string already coerced when ``SchemaValidationOptions/coerceScalarStrings`` says
/// so.
struct InstanceView<Instance: JSONInstance> {
    let instance: Instance
    /// The kind keywords see (a coerced string reports `.number` or `.true`/`.false`).
    let kind: JSONKind
    /// Set when the string was coerced: the value `enum`/`const` compare.
    let coerced: JSONTree?
    private var cachedNumber: SchemaNumber??
    private var cachedMembers: [(key: String, value: Instance)]?
    private var cachedElements: [Instance]?
    private var cachedKeys: Set<String>?
    private let foldsNames: Bool

    init(_ instance: Instance, types: TypeSet?, options: SchemaValidationOptions) {
        self.instance = instance
        self.foldsNames = options.caseInsensitivePropertyNames
        let kind = instance.instanceKind
        if options.coerceScalarStrings, kind == .string, let types, !types.contains(.string),
            !types.isDisjoint(with: [.integer, .number, .boolean]), let text = instance.stringValue
        {
            let trimmed = InstanceView.trimmed(text)
            // As .NET's binder parses the text: an `int` takes digits and a sign only (`8080.0`
            // and `1e3` do not bind), a `double` also a fraction and an exponent.
            let integerOnly = !types.contains(.number)
            let bindable = !integerOnly || !trimmed.contains(where: { $0 == "." || $0 == "e" || $0 == "E" })
            if !types.isDisjoint(with: [.integer, .number]), bindable, let number = SchemaNumber(lenientText: trimmed) {
                self.kind = .number
                self.coerced = JSONTree(.number(number.description), location: instance.sourceLocation)
                self.cachedNumber = .some(number)
                return
            }
            if types.contains(.boolean) {
                switch trimmed.lowercased() {
                case "true":
                    self.kind = .true
                    self.coerced = JSONTree(.bool(true), location: instance.sourceLocation)
                    return
                case "false":
                    self.kind = .false
                    self.coerced = JSONTree(.bool(false), location: instance.sourceLocation)
                    return
                default: break
                }
            }
        }
        self.kind = kind
        self.coerced = nil
    }

    private static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[first...last])
    }

    /// The number, for `.number` kinds.
    mutating func number() -> SchemaNumber? {
        if let cachedNumber { return cachedNumber }
        let value = instance.numberText.flatMap { SchemaNumber(jsonText: $0) }
        cachedNumber = .some(value)
        return value
    }

    mutating func members() -> [(key: String, value: Instance)] {
        if let cachedMembers { return cachedMembers }
        let value = instance.objectMembers
        cachedMembers = value
        return value
    }

    mutating func elements() -> [Instance] {
        if let cachedElements { return cachedElements }
        let value = instance.arrayElements
        cachedElements = value
        return value
    }

    /// Whether the object has a member called `name` (already folded when names are compared
    /// ignoring case).
    mutating func has(property name: String) -> Bool {
        if let cachedKeys { return cachedKeys.contains(name) }
        let list = members()
        if list.count <= 8 && !foldsNames { return list.contains { $0.key == name } }
        let keys = Set(list.map { foldsNames ? ConfigKey.fold($0.key) : $0.key })
        cachedKeys = keys
        return keys.contains(name)
    }
}
