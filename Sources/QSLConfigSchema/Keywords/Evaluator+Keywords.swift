import QSLConfigCore

extension Evaluator {
    /// Applies one keyword; false when it fails.
    mutating func apply(_ keyword: SchemaKeyword, of node: SchemaNode, to view: inout InstanceView<Instance>, evaluated: inout Evaluated?) -> Bool {
        switch keyword.operation {
        case .ref(let target):
            return evaluateChild(target, view.instance, keywordToken: keyword.name, instanceToken: nil, evaluated: &evaluated, keyword: keyword.name)
        case .dynamicRef(let fallback, let anchor):
            var target = fallback
            for resource in scope {
                if let found = program.resources[resource].dynamicAnchors[anchor] {
                    target = found
                    break
                }
            }
            return evaluateChild(target, view.instance, keywordToken: keyword.name, instanceToken: nil, evaluated: &evaluated, keyword: keyword.name)

        case .type(let types):
            if matches(types, &view) { return true }
            if collecting {
                record(node: node, keyword: keyword.name, instance: view.instance, message: "\(subject) must be \(types.phrase), found \(describe(&view))")
            }
            return false
        case .enumeration(let values):
            if values.contains(where: { equals(&view, $0) }) { return true }
            if collecting {
                let shown = values.prefix(12).map(\.jsonText).joined(separator: ", ") + (values.count > 12 ? ", …" : "")
                let expected = "\(subject) must be one of \(shown)"
                record(node: node, keyword: keyword.name, instance: view.instance, message: "\(expected); found \(describeValue(&view))", valueFree: expected)
            }
            return false
        case .constant(let value):
            if equals(&view, value) { return true }
            if collecting {
                let expected = "\(subject) must be exactly \(value.jsonText)"
                record(node: node, keyword: keyword.name, instance: view.instance, message: "\(expected); found \(describeValue(&view))", valueFree: expected)
            }
            return false

        case .multipleOf, .maximum, .exclusiveMaximum, .minimum, .exclusiveMinimum:
            return applyNumeric(keyword, of: node, to: &view)
        case .maxLength, .minLength, .pattern, .format:
            return applyString(keyword, of: node, to: &view)
        case .maxItems, .minItems, .uniqueItems, .prefixItems, .items, .contains, .unevaluatedItems:
            return applyArray(keyword, of: node, to: &view, evaluated: &evaluated)
        case .maxProperties, .minProperties, .required, .dependentRequired, .properties, .patternProperties,
            .additionalProperties, .propertyNames, .dependentSchemas, .unevaluatedProperties:
            return applyObject(keyword, of: node, to: &view, evaluated: &evaluated)
        case .allOf, .anyOf, .oneOf, .not, .conditional:
            return applyCombination(keyword, of: node, to: &view, evaluated: &evaluated)
        }
    }

    func matches(_ types: TypeSet, _ view: inout InstanceView<Instance>) -> Bool {
        switch view.kind {
        case .null: return types.contains(.null)
        case .true, .false: return types.contains(.boolean)
        case .object: return types.contains(.object)
        case .array: return types.contains(.array)
        case .string: return types.contains(.string)
        case .number:
            if types.contains(.number) { return true }
            return types.contains(.integer) && (view.number()?.isInteger ?? false)
        }
    }

    func equals(_ view: inout InstanceView<Instance>, _ value: JSONTree) -> Bool {
        if let coerced = view.coerced { return JSONEquality.equal(coerced, value) }
        return JSONEquality.equal(view.instance, value)
    }

    /// "a string", "an integer", "an array"... for type messages.
    func describe(_ view: inout InstanceView<Instance>) -> String {
        switch view.kind {
        case .number: (view.number()?.isInteger ?? false) ? "an integer" : "a number"
        case .true, .false: "a boolean"
        default: view.kind.description
        }
    }

    /// The value for messages: numbers, booleans and null verbatim; strings, objects and arrays
    /// by kind only, because a configuration string may be a secret.
    func describeValue(_ view: inout InstanceView<Instance>) -> String {
        switch view.kind {
        case .number: view.number()?.description ?? "a number"
        case .true: "true"
        case .false: "false"
        case .null: "null"
        case .string: "a string"
        case .object: "an object"
        case .array: "an array"
        }
    }

    // MARK: Numbers

    private mutating func applyNumeric(_ keyword: SchemaKeyword, of node: SchemaNode, to view: inout InstanceView<Instance>) -> Bool {
        guard view.kind == .number, let number = view.number() else { return true }
        let ok: Bool
        // What the message says after "value N" (or the subject, without the value); built
        // only for a failure.
        let predicate: () -> String
        switch keyword.operation {
        case .multipleOf(let divisor, let text):
            ok = number.isMultiple(of: divisor)
            predicate = { "is not a multiple of \(text)" }
        case .maximum(let limit, let text):
            ok = !(limit < number)
            predicate = { "is above the maximum \(text)" }
        case .exclusiveMaximum(let limit, let text):
            ok = number < limit
            predicate = { "must be below \(text) (exclusiveMaximum)" }
        case .minimum(let limit, let text):
            ok = !(number < limit)
            predicate = { "is below the minimum \(text)" }
        case .exclusiveMinimum(let limit, let text):
            ok = limit < number
            predicate = { "must be above \(text) (exclusiveMinimum)" }
        default:
            return true
        }
        if !ok && collecting {
            let predicate = predicate()
            record(node: node, keyword: keyword.name, instance: view.instance, message: "value \(number) \(predicate)", valueFree: "\(subject) \(predicate)")
        }
        return ok
    }

    // MARK: Strings

    private mutating func applyString(_ keyword: SchemaKeyword, of node: SchemaNode, to view: inout InstanceView<Instance>) -> Bool {
        guard view.kind == .string, let text = view.instance.stringValue else { return true }
        switch keyword.operation {
        case .maxLength(let limit):
            // Lengths count Unicode scalars, as JSON Schema specifies (not UTF-16 units, not
            // grapheme clusters); the UTF-8 count bounds the scalar count from above.
            if text.utf8.count <= limit { return true }
            let length = text.unicodeScalars.count
            if length <= limit { return true }
            if collecting {
                record(node: node, keyword: keyword.name, instance: view.instance, message: "\(subject) is \(length) characters long, above the maximum length \(limit)")
            }
            return false
        case .minLength(let limit):
            if text.utf8.count < limit || text.unicodeScalars.count < limit {
                if collecting {
                    record(node: node, keyword: keyword.name, instance: view.instance, message: "\(subject) is \(text.unicodeScalars.count) characters long, below the minimum length \(limit)")
                }
                return false
            }
            return true
        case .pattern(let pattern):
            let answer = pattern.answer(text)
            if answer == .match { return true }
            if collecting {
                let message =
                    answer == .tooComplex
                    ? "\(subject) could not be checked against the pattern \(JSONTree.quoted(pattern.source)) within \(RegexProgram.stepBudget) matching steps (the pattern backtracks too much on this value); simplify the pattern"
                    : "\(subject) does not match the pattern \(JSONTree.quoted(pattern.source))"
                record(node: node, keyword: keyword.name, instance: view.instance, message: message)
            }
            return false
        case .format(let format):
            if FormatChecker.isValid(text, as: format) { return true }
            if collecting {
                record(node: node, keyword: keyword.name, instance: view.instance, message: "\(subject) is not \(format.phrase)")
            }
            return false
        default:
            return true
        }
    }
}
