extension SchemaCompiler {
    /// The node for the subschema at `position`. Its id is handed out at once and its keywords
    /// are built by ``buildPending()``: building here would recurse once per subschema and per
    /// `$ref` link, and a chain of `$ref`s can be as long as the schema likes.
    /// `known` is the subschema at `position` when the caller holds it already, which saves
    /// walking the document down the pointer again.
    mutating func node(at position: Position, tree known: JSONTree? = nil) throws(SchemaError) -> Int {
        if let existing = nodeByPosition[position] { return existing }
        let info = try locationInfo(at: position)
        guard let tree = known ?? tree(at: position) else {
            throw SchemaError(.unresolvableReference, "no schema at \(position.pointer)")
        }
        let id = nodes.count
        nodes.append(.placeholder())
        nodeByPosition[position] = id
        let resource = resourceID(for: info.base)
        let relative = position.pointer.hasPrefix(info.resourceRoot) ? String(position.pointer.dropFirst(info.resourceRoot.count)) : position.pointer
        let location = info.base + "#" + relative
        if let flag = tree.bool {
            nodes[id] = SchemaNode(constant: flag, resource: resource, location: location, keywords: [], types: nil, annotations: [], hasUnevaluated: false)
            return id
        }
        guard tree.isObject else {
            throw SchemaError(.invalidSchema, "a schema must be an object or a boolean, found \(tree.instanceKind)", schemaLocation: location, sourceLocation: tree.location)
        }
        pending.append((id, resource, NodeBuilder(position: position, info: info, location: location, tree: tree)))
        return id
    }

    /// Builds every node handed out and not built yet, and those that building them reaches.
    mutating func buildPending() throws(SchemaError) {
        while var next = pending.popLast() {
            try build(&next.builder)
            let b = next.builder
            nodes[next.id] = SchemaNode(
                constant: nil, resource: next.resource, location: b.location, keywords: b.keywords + b.late,
                types: b.types, annotations: b.annotations, hasUnevaluated: !b.late.isEmpty)
        }
    }

    /// The keywords of one subschema as they are compiled.
    struct NodeBuilder {
        var position: Position
        var info: LocationInfo
        var location: String
        var tree: JSONTree
        var keywords: [SchemaKeyword] = []
        /// `unevaluated*`, which must run after every other keyword.
        var late: [SchemaKeyword] = []
        var types: TypeSet?
        var annotations: [(keyword: String, value: String)] = []

        func child(_ tokens: String...) -> Position {
            var pointer = position.pointer
            for token in tokens { pointer = JSONPointer.appending(pointer, token) }
            return Position(document: position.document, pointer: pointer)
        }

        func invalid(_ keyword: String, _ message: String) -> SchemaError {
            SchemaError(.invalidSchema, "\(keyword) \(message)", schemaLocation: location + "/" + JSONPointer.escape(keyword), sourceLocation: tree[keyword]?.location)
        }

        mutating func add(_ name: String, _ operation: SchemaKeyword.Operation) {
            keywords.append(SchemaKeyword(name: name, operation: operation))
        }
    }

    private mutating func build(_ b: inout NodeBuilder) throws(SchemaError) {
        let tree = b.tree
        let dialect = b.info.dialect
        let is2020 = dialect.draft == .draft2020_12
        func live(_ vocabulary: Vocabularies) -> Bool { !is2020 || dialect.vocabularies.contains(vocabulary) }

        // draft-07: "$ref" replaces every sibling keyword.
        if !is2020, tree["$ref"] != nil {
            b.add("$ref", .ref(try node(at: try reference("$ref", in: b).target)))
            return
        }

        if live(.validation) { try buildValidation(&b, is2020: is2020) }
        if let format = tree["format"]?.string, !is2020 || live(.formatAnnotation) || live(.formatAssertion),
            options.assertFormats || (is2020 && dialect.vocabularies.contains(.formatAssertion)),
            let checked = FormatChecker.Format(rawValue: format)
        {
            b.add("format", .format(checked))
        }

        if tree["$ref"] != nil {
            b.add("$ref", .ref(try node(at: try reference("$ref", in: b).target)))
        }
        if is2020, tree["$dynamicRef"] != nil {
            let (target, resourceURI, fragment) = try reference("$dynamicRef", in: b)
            let targetNode = try node(at: target)
            // Dynamic only when the initial target is itself a $dynamicAnchor of that name
            // (the "bookend"); otherwise it behaves exactly like $ref.
            if !fragment.isEmpty, !fragment.hasPrefix("/"), dynamicAnchorsByResource[resourceURI]?[fragment] == target {
                b.add("$dynamicRef", .dynamicRef(targetNode, anchor: fragment))
            } else {
                b.add("$dynamicRef", .ref(targetNode))
            }
        }

        if live(.applicator) { try buildApplicators(&b, is2020: is2020) }

        if is2020 && live(.unevaluated) {
            if tree["unevaluatedItems"] != nil {
                b.late.append(SchemaKeyword(name: "unevaluatedItems", operation: .unevaluatedItems(try node(at: b.child("unevaluatedItems")))))
            }
            if tree["unevaluatedProperties"] != nil {
                b.late.append(SchemaKeyword(name: "unevaluatedProperties", operation: .unevaluatedProperties(try node(at: b.child("unevaluatedProperties")))))
            }
        }

        if live(.metaData) {
            if tree["writeOnly"]?.bool == true { b.annotations.append(("writeOnly", "true")) }
            if tree["deprecated"]?.bool == true { b.annotations.append(("deprecated", "true")) }
        }
        for (name, value) in tree.members ?? [] where name.hasPrefix("x-qsl-") {
            b.annotations.append((name, value.jsonText))
        }
    }

    /// Resolves the reference held by `keyword` (`$ref` or `$dynamicRef`).
    private mutating func reference(_ keyword: String, in b: NodeBuilder) throws(SchemaError) -> (target: Position, resource: String, fragment: String) {
        guard let text = b.tree[keyword]?.string else { throw b.invalid(keyword, "must be a string") }
        let (target, resource, fragment) = try resolve(text, from: b.info, at: b.location + "/" + keyword)
        return (target, resource, fragment)
    }

    // MARK: Validation vocabulary

    private mutating func buildValidation(_ b: inout NodeBuilder, is2020: Bool) throws(SchemaError) {
        let tree = b.tree
        if let type = tree["type"] {
            var set: TypeSet = []
            let names = type.elements?.compactMap(\.string) ?? type.string.map { [$0] } ?? []
            guard !names.isEmpty || type.elements?.isEmpty == true else { throw b.invalid("type", "must be a type name or an array of them") }
            for name in names {
                guard let one = TypeSet.named(name) else { throw b.invalid("type", "names an unknown type \(JSONTree.quoted(name))") }
                set.insert(one)
            }
            b.types = set
            b.add("type", .type(set))
        }
        if let values = tree["enum"] {
            guard let elements = values.elements else { throw b.invalid("enum", "must be an array") }
            b.add("enum", .enumeration(elements))
        }
        if let value = tree["const"] { b.add("const", .constant(value)) }

        for name in ["multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum"] {
            guard let value = tree[name] else { continue }
            guard let text = value.numberText, let number = SchemaNumber(jsonText: text) else {
                throw b.invalid(name, "must be a number")
            }
            switch name {
            case "multipleOf":
                guard !number.negative, !number.isZero else { throw b.invalid(name, "must be above zero") }
                b.add(name, .multipleOf(number, text))
            case "maximum": b.add(name, .maximum(number, text))
            case "exclusiveMaximum": b.add(name, .exclusiveMaximum(number, text))
            case "minimum": b.add(name, .minimum(number, text))
            default: b.add(name, .exclusiveMinimum(number, text))
            }
        }
        func count(_ name: String) throws(SchemaError) -> Int? {
            guard let value = tree[name] else { return nil }
            guard let text = value.numberText, let number = SchemaNumber(jsonText: text), number.isInteger, !number.negative else {
                throw b.invalid(name, "must be a non-negative integer")
            }
            return number.clampedInt
        }
        if let n = try count("maxLength") { b.add("maxLength", .maxLength(n)) }
        if let n = try count("minLength") { b.add("minLength", .minLength(n)) }
        if let value = tree["pattern"] {
            guard let source = value.string else { throw b.invalid("pattern", "must be a string") }
            b.add("pattern", .pattern(try pattern(source, at: b.location + "/pattern")))
        }
        if let n = try count("maxItems") { b.add("maxItems", .maxItems(n)) }
        if let n = try count("minItems") { b.add("minItems", .minItems(n)) }
        if tree["uniqueItems"]?.bool == true { b.add("uniqueItems", .uniqueItems) }
        if let n = try count("maxProperties") { b.add("maxProperties", .maxProperties(n)) }
        if let n = try count("minProperties") { b.add("minProperties", .minProperties(n)) }
        if let value = tree["required"] {
            guard let names = value.elements?.compactMap(\.string), names.count == value.elements?.count else {
                throw b.invalid("required", "must be an array of property names")
            }
            if !names.isEmpty { b.add("required", .required(names)) }
        }
        if is2020, let value = tree["dependentRequired"] {
            guard let members = value.members else { throw b.invalid("dependentRequired", "must be an object") }
            var pairs: [(String, [String])] = []
            for (name, list) in members {
                guard let names = list.elements?.compactMap(\.string), names.count == list.elements?.count else {
                    throw b.invalid("dependentRequired", "must map names to arrays of property names")
                }
                pairs.append((name, names))
            }
            b.add("dependentRequired", .dependentRequired(pairs))
        }
    }

    mutating func pattern(_ source: String, at location: String) throws(SchemaError) -> SchemaPattern {
        if let cached = patternCache[source] { return cached }
        do {
            let compiled = try SchemaPattern(source)
            patternCache[source] = compiled
            return compiled
        } catch {
            throw SchemaError(.invalidPattern, error.message, schemaLocation: location)
        }
    }

    // MARK: Applicator vocabulary

    private mutating func buildApplicators(_ b: inout NodeBuilder, is2020: Bool) throws(SchemaError) {
        let tree = b.tree
        for name in ["allOf", "anyOf", "oneOf"] {
            guard let value = tree[name] else { continue }
            guard let elements = value.elements, !elements.isEmpty else { throw b.invalid(name, "must be a non-empty array of schemas") }
            var ids: [Int] = []
            for (i, element) in elements.enumerated() { ids.append(try node(at: b.child(name, String(i)), tree: element)) }
            switch name {
            case "allOf": b.add(name, .allOf(ids))
            case "anyOf": b.add(name, .anyOf(ids))
            default: b.add(name, .oneOf(ids))
            }
        }
        if let not = tree["not"] { b.add("not", .not(try node(at: b.child("not"), tree: not))) }
        if let condition = tree["if"] {
            let condition = try node(at: b.child("if"), tree: condition)
            let then = try tree["then"].map { (then) throws(SchemaError) in try node(at: b.child("then"), tree: then) }
            let otherwise = try tree["else"].map { (otherwise) throws(SchemaError) in try node(at: b.child("else"), tree: otherwise) }
            // Alone, "if" still contributes annotations (evaluated properties/items).
            b.add("if", .conditional(if: condition, then: then, else: otherwise))
        }

        // Arrays.
        if is2020 {
            var prefixCount = 0
            if let value = tree["prefixItems"] {
                guard let elements = value.elements, !elements.isEmpty else { throw b.invalid("prefixItems", "must be a non-empty array of schemas") }
                var ids: [Int] = []
                for (i, element) in elements.enumerated() { ids.append(try node(at: b.child("prefixItems", String(i)), tree: element)) }
                prefixCount = ids.count
                b.add("prefixItems", .prefixItems(ids))
            }
            if let items = tree["items"] { b.add("items", .items(try node(at: b.child("items"), tree: items), from: prefixCount)) }
        } else if let items = tree["items"] {
            if let elements = items.elements {
                var ids: [Int] = []
                for (i, element) in elements.enumerated() { ids.append(try node(at: b.child("items", String(i)), tree: element)) }
                b.add("items", .prefixItems(ids))
                if tree["additionalItems"] != nil {
                    b.add("additionalItems", .items(try node(at: b.child("additionalItems")), from: ids.count))
                }
            } else {
                b.add("items", .items(try node(at: b.child("items"), tree: items), from: 0))
            }
        }
        if tree["contains"] != nil {
            var minimum = 1
            var maximum: Int?
            if is2020, b.info.dialect.vocabularies.contains(.validation) {
                for name in ["minContains", "maxContains"] {
                    guard let value = tree[name] else { continue }
                    guard let text = value.numberText, let number = SchemaNumber(jsonText: text), number.isInteger, !number.negative else {
                        throw b.invalid(name, "must be a non-negative integer")
                    }
                    if name == "minContains" { minimum = number.clampedInt } else { maximum = number.clampedInt }
                }
            }
            b.add("contains", .contains(try node(at: b.child("contains")), min: minimum, max: maximum))
        }

        // Objects.
        var known: Set<String> = []
        var patterns: [SchemaPattern] = []
        if let value = tree["properties"] {
            guard let members = value.members else { throw b.invalid("properties", "must be an object") }
            var map: [String: Int] = [:]
            for (name, subschema) in members {
                let key = options.propertyKey(name)
                let child = try node(at: b.child("properties", name), tree: subschema)
                if map[key] == nil { map[key] = child }
                known.insert(key)
            }
            b.add("properties", .properties(map))
        }
        if let value = tree["patternProperties"] {
            guard let members = value.members else { throw b.invalid("patternProperties", "must be an object") }
            var list: [(SchemaPattern, Int)] = []
            for (source, subschema) in members {
                let compiled = try pattern(source, at: b.location + "/patternProperties")
                patterns.append(compiled)
                list.append((compiled, try node(at: b.child("patternProperties", source), tree: subschema)))
            }
            b.add("patternProperties", .patternProperties(list))
        }
        if let additional = tree["additionalProperties"] {
            b.add("additionalProperties", .additionalProperties(try node(at: b.child("additionalProperties"), tree: additional), known: known, patterns: patterns))
        }
        if let names = tree["propertyNames"] { b.add("propertyNames", .propertyNames(try node(at: b.child("propertyNames"), tree: names))) }
        if is2020, let value = tree["dependentSchemas"] {
            guard let members = value.members else { throw b.invalid("dependentSchemas", "must be an object") }
            var list: [(String, Int)] = []
            for (name, subschema) in members { list.append((name, try node(at: b.child("dependentSchemas", name), tree: subschema))) }
            b.add("dependentSchemas", .dependentSchemas(list))
        }
        if !is2020, let value = tree["dependencies"] {
            guard let members = value.members else { throw b.invalid("dependencies", "must be an object") }
            var names: [(String, [String])] = []
            var schemas: [(String, Int)] = []
            for (name, dependency) in members {
                if let list = dependency.elements {
                    let strings = list.compactMap(\.string)
                    guard strings.count == list.count else { throw b.invalid("dependencies", "arrays must hold property names") }
                    names.append((name, strings))
                } else {
                    schemas.append((name, try node(at: b.child("dependencies", name), tree: dependency)))
                }
            }
            if !names.isEmpty { b.add("dependencies", .dependentRequired(names)) }
            if !schemas.isEmpty { b.add("dependencies", .dependentSchemas(schemas)) }
        }
    }
}
