import QSLConfigCore

extension Evaluator {
    mutating func applyArray(_ keyword: SchemaKeyword, of node: SchemaNode, to view: inout InstanceView<Instance>, evaluated: inout Evaluated?) -> Bool {
        guard view.kind == .array else { return true }
        let elements = view.elements()
        switch keyword.operation {
        case .maxItems(let limit):
            if elements.count <= limit { return true }
            if collecting {
                record(node: node, keyword: keyword.name, instance: view.instance, message: "\(subject) has \(elements.count) items, above the maximum \(limit)")
            }
            return false
        case .minItems(let limit):
            if elements.count >= limit { return true }
            if collecting {
                record(node: node, keyword: keyword.name, instance: view.instance, message: "\(subject) has \(elements.count) items, below the minimum \(limit)")
            }
            return false
        case .uniqueItems:
            for i in elements.indices {
                for j in elements.indices where j > i && JSONEquality.equal(elements[i], elements[j]) {
                    if collecting {
                        record(node: node, keyword: keyword.name, instance: view.instance, message: "items \(i) and \(j) of \(subject) are equal; items must be unique")
                    }
                    return false
                }
            }
            return true

        case .prefixItems(let schemas):
            var valid = true
            var none: Evaluated?
            for (i, schema) in schemas.enumerated() where i < elements.count {
                if !evaluateChild(schema, elements[i], keywordToken: keyword.name, subToken: String(i), instanceToken: .index(i), evaluated: &none, keyword: keyword.name, falseMessage: { "item \(i) is not allowed here" }) {
                    valid = false
                    if !collecting { return false }
                }
            }
            if let prefix = evaluated?.itemPrefix { evaluated?.itemPrefix = max(prefix, min(schemas.count, elements.count)) }
            return valid
        case .items(let schema, let start):
            var valid = true
            var none: Evaluated?
            if start < elements.count {
                for i in start..<elements.count {
                    if !evaluateChild(schema, elements[i], keywordToken: keyword.name, instanceToken: .index(i), evaluated: &none, keyword: keyword.name, falseMessage: { "item \(i) is not allowed here (\(keyword.name))" }) {
                        valid = false
                        if !collecting { return false }
                    }
                }
            }
            evaluated?.allItems = true
            return valid
        case .contains(let schema, let minimum, let maximum):
            var matched = 0
            var matchedIndices: [Int] = []
            let mustSeeAll = evaluated != nil || maximum != nil
            for (i, element) in elements.enumerated() {
                let outcome = alternative { evaluator in
                    var none: Evaluated?
                    return evaluator.evaluateChild(schema, element, keywordToken: keyword.name, instanceToken: .index(i), evaluated: &none, keyword: keyword.name)
                }
                if outcome.valid {
                    matched += 1
                    matchedIndices.append(i)
                    if matched >= minimum && !mustSeeAll { break }
                }
            }
            evaluated?.itemIndices.formUnion(matchedIndices)
            if matched < minimum {
                if collecting {
                    let message = minimum == 1
                        ? "\(subject) has no item matching the contains schema"
                        : "\(subject) has \(matched) items matching the contains schema, below minContains \(minimum)"
                    record(node: node, keyword: keyword.name, instance: view.instance, message: message)
                }
                return false
            }
            if let maximum, matched > maximum {
                if collecting {
                    record(node: node, keyword: keyword.name, instance: view.instance, message: "\(subject) has \(matched) items matching the contains schema, above maxContains \(maximum)")
                }
                return false
            }
            return true
        case .unevaluatedItems(let schema):
            var valid = true
            var none: Evaluated?
            let seen = evaluated ?? Evaluated()
            for i in elements.indices where !seen.hasEvaluated(item: i) {
                if !evaluateChild(schema, elements[i], keywordToken: keyword.name, instanceToken: .index(i), evaluated: &none, keyword: keyword.name, falseMessage: { "item \(i) is not allowed here (unevaluatedItems)" }) {
                    valid = false
                    if !collecting { return false }
                }
            }
            evaluated?.allItems = true
            return valid
        default:
            return true
        }
    }
}
