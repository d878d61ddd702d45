import QSLConfigCore

extension Evaluator {
    mutating func applyObject(_ keyword: SchemaKeyword, of node: SchemaNode, to view: inout InstanceView<Instance>, evaluated: inout Evaluated?) -> Bool {
        guard view.kind == .object else { return true }
        switch keyword.operation {
        case .maxProperties(let limit):
            let count = view.members().count
            if count <= limit { return true }
            if collecting {
                record(node: node, keyword: keyword.name, instance: view.instance, message: "\(subject) has \(count) properties, above the maximum \(limit)")
            }
            return false
        case .minProperties(let limit):
            let count = view.members().count
            if count >= limit { return true }
            if collecting {
                record(node: node, keyword: keyword.name, instance: view.instance, message: "\(subject) has \(count) properties, below the minimum \(limit)")
            }
            return false
        case .required(let names):
            var valid = true
            for name in names where !view.has(property: options.propertyKey(name)) {
                valid = false
                guard collecting else { return false }
                record(node: node, keyword: keyword.name, instance: view.instance, message: "required property \(JSONTree.quoted(name)) is missing")
            }
            return valid
        case .dependentRequired(let dependencies):
            var valid = true
            for (trigger, names) in dependencies where view.has(property: options.propertyKey(trigger)) {
                for name in names where !view.has(property: options.propertyKey(name)) {
                    valid = false
                    guard collecting else { return false }
                    record(node: node, keyword: keyword.name, instance: view.instance, message: "property \(JSONTree.quoted(name)) is required when \(JSONTree.quoted(trigger)) is present")
                }
            }
            return valid

        case .properties(let schemas):
            var valid = true
            var none: Evaluated?
            for (key, value) in view.members() {
                guard let schema = schemas[options.propertyKey(key)] else { continue }
                evaluated?.properties.insert(key)
                if !evaluateChild(schema, value, keywordToken: keyword.name, subToken: key, instanceToken: .key(key), evaluated: &none, keyword: keyword.name, falseMessage: { "property \(JSONTree.quoted(key)) is not allowed here" }) {
                    valid = false
                    if !collecting { return false }
                }
            }
            return valid
        case .patternProperties(let schemas):
            var valid = true
            var none: Evaluated?
            for (key, value) in view.members() {
                for (pattern, schema) in schemas {
                    // A name the pattern cannot decide within its step budget neither matches nor
                    // escapes it: the keyword fails, saying so (as `pattern` does).
                    switch pattern.answer(key) {
                    case .noMatch: continue
                    case .tooComplex:
                        valid = false
                        guard collecting else { return false }
                        recordUndecided(pattern, key: key, node: node, keyword: keyword.name, instance: view.instance)
                        continue
                    case .match: break
                    }
                    evaluated?.properties.insert(key)
                    if !evaluateChild(schema, value, keywordToken: keyword.name, subToken: pattern.source, instanceToken: .key(key), evaluated: &none, keyword: keyword.name, falseMessage: { "property \(JSONTree.quoted(key)) is not allowed here" }) {
                        valid = false
                        if !collecting { return false }
                    }
                }
            }
            return valid
        case .additionalProperties(let schema, let known, let patterns):
            var valid = true
            var none: Evaluated?
            for (key, value) in view.members() where !known.contains(options.propertyKey(key)) {
                var matched = false
                var undecided = false
                for pattern in patterns {
                    switch pattern.answer(key) {
                    case .match: matched = true
                    case .tooComplex: undecided = true
                    case .noMatch: continue
                    }
                    if matched { break }
                }
                if matched { continue }
                // An undecided name fails here too; `patternProperties`, beside it, says why.
                if undecided {
                    valid = false
                    if !collecting { return false }
                    continue
                }
                if !evaluateChild(schema, value, keywordToken: keyword.name, instanceToken: .key(key), evaluated: &none, keyword: keyword.name, falseMessage: { "property \(JSONTree.quoted(key)) is not allowed here (additionalProperties)" }) {
                    valid = false
                    if !collecting { return false }
                }
            }
            evaluated?.allProperties = true
            return valid
        case .propertyNames(let schema):
            var valid = true
            for (key, value) in view.members() {
                if !checkPropertyName(key, of: value, against: schema, node: node, keyword: keyword.name) {
                    valid = false
                    if !collecting { return false }
                }
            }
            return valid
        case .dependentSchemas(let schemas):
            var valid = true
            for (trigger, schema) in schemas where view.has(property: options.propertyKey(trigger)) {
                if !evaluateChild(schema, view.instance, keywordToken: keyword.name, subToken: trigger, instanceToken: nil, evaluated: &evaluated, keyword: keyword.name, falseMessage: { "property \(JSONTree.quoted(trigger)) is not allowed here (dependentSchemas)" }) {
                    valid = false
                    if !collecting { return false }
                }
            }
            return valid
        case .unevaluatedProperties(let schema):
            var valid = true
            var none: Evaluated?
            let seen = evaluated ?? Evaluated()
            for (key, value) in view.members() where !seen.hasEvaluated(property: key) {
                if !evaluateChild(schema, value, keywordToken: keyword.name, instanceToken: .key(key), evaluated: &none, keyword: keyword.name, falseMessage: { "property \(JSONTree.quoted(key)) is not allowed here (unevaluatedProperties)" }) {
                    valid = false
                    if !collecting { return false }
                }
            }
            evaluated?.allProperties = true
            return valid
        default:
            return true
        }
    }

    /// `propertyNames` checks each name as a string instance, which the instance type cannot
    /// hold, so a second evaluator over ``JSONTree`` runs it with the same scope and paths.
    private mutating func checkPropertyName(_ name: String, of value: Instance, against schema: Int, node: SchemaNode, keyword: String) -> Bool {
        var names = Evaluator<JSONTree>(program: program, options: options, collecting: collecting)
        names.scope = scope
        names.depth = depth
        if collecting {
            names.evaluationPath = evaluationPath + [keyword]
            names.instancePath = instancePath + [.key(name)]
        }
        var none: Evaluated?
        let valid = names.evaluate(schema, JSONTree(.string(name), location: value.sourceLocation), evaluated: &none)
        if !valid && collecting {
            instancePath.append(.key(name))
            let message = "property name \(JSONTree.quoted(name)) is not allowed"
            record(
                node: node, keyword: keyword, instance: value, message: message + (names.failures.first.map { ": " + $0.message } ?? ""),
                valueFree: message + (names.failures.first.map { ": " + $0.valueFreeMessage } ?? ""), causes: names.failures)
            instancePath.removeLast()
        }
        return valid
    }

    /// A property name `pattern` cannot decide within ``RegexProgram/stepBudget`` steps.
    private mutating func recordUndecided(_ pattern: SchemaPattern, key: String, node: SchemaNode, keyword: String, instance: Instance) {
        record(
            node: node, keyword: keyword, instance: instance,
            message: "property name \(JSONTree.quoted(key)) could not be checked against the pattern \(JSONTree.quoted(pattern.source)) within \(RegexProgram.stepBudget) matching steps (the pattern backtracks too much on this name); simplify the pattern")
    }
}
