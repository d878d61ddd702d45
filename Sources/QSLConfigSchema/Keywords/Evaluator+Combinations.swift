import QSLConfigCore

extension Evaluator {
    /// The failing branch (of `failed`) that came closest, its failures collected now: a
    /// combination's branches are first only probed, so this runs once the whole keyword fails.
    mutating func closestFailure(_ keyword: SchemaKeyword, _ schemas: [Int], _ failed: [Int], _ instance: Instance, tracking: Bool) -> Closest? {
        var closest: Closest?
        for i in failed {
            var branch: Evaluated? = tracking ? Evaluated() : nil
            let outcome = alternative { evaluator in
                evaluator.evaluateChild(schemas[i], instance, keywordToken: keyword.name, subToken: String(i), instanceToken: nil, evaluated: &branch, keyword: keyword.name)
            }
            closest = Closest.better(closest, Closest(index: i, failures: Array(outcome.failures), pointer: instancePointer))
        }
        return closest
    }

    /// The `writeOnly` marks of the schema under `not` that did not match: it was only probed,
    /// so it is evaluated once more, collecting, for its marks alone (it fails again, so nothing
    /// else it collects is kept). Only when it can reach a `writeOnly` at all. (Branches of
    /// `anyOf` and `oneOf` that can are evaluated in full in the first place.)
    mutating func collectSecretMarks(_ keyword: SchemaKeyword, _ schema: Int, _ instance: Instance) {
        guard collecting, program.nodes[schema].reachesSecret else { return }
        var none: Evaluated?
        _ = alternative { evaluator in
            evaluator.evaluateChild(schema, instance, keywordToken: keyword.name, instanceToken: nil, evaluated: &none, keyword: keyword.name)
        }
    }

    mutating func applyCombination(_ keyword: SchemaKeyword, of node: SchemaNode, to view: inout InstanceView<Instance>, evaluated: inout Evaluated?) -> Bool {
        let instance = view.instance
        switch keyword.operation {
        case .allOf(let schemas):
            var valid = true
            for (i, schema) in schemas.enumerated() {
                if !evaluateChild(schema, instance, keywordToken: keyword.name, subToken: String(i), instanceToken: nil, evaluated: &evaluated, keyword: keyword.name) {
                    valid = false
                    if !collecting { return false }
                }
            }
            return valid

        case .anyOf(let schemas):
            var anyValid = false
            var failed: [Int] = []
            for (i, schema) in schemas.enumerated() {
                // Once one branch passes, the others matter only for annotations.
                if anyValid && !collecting && evaluated == nil { break }
                // A failing branch's messages matter only when every branch fails: find out
                // cheaply first, and collect them below if it comes to that.
                // A branch that can reach a `writeOnly` is evaluated in full at once: its marks
                // must be collected even when it fails.
                if collecting && !program.nodes[schema].reachesSecret && !probe(schema, instance) {
                    failed.append(i)
                    continue
                }
                var branch: Evaluated? = evaluated == nil ? nil : Evaluated()
                let outcome = alternative { evaluator in
                    evaluator.evaluateChild(schema, instance, keywordToken: keyword.name, subToken: String(i), instanceToken: nil, evaluated: &branch, keyword: keyword.name)
                }
                if outcome.valid {
                    anyValid = true
                    if let branch { evaluated?.merge(branch) }
                } else if collecting {
                    failed.append(i)
                }
            }
            if anyValid { return true }
            if collecting {
                let closest = closestFailure(keyword, schemas, failed, instance, tracking: evaluated != nil)
                recordNoMatch(keyword, schemas.count, closest, node: node, instance: instance)
            }
            return false

        case .oneOf(let schemas):
            var passing: [Int] = []
            var passingEvaluated: Evaluated?
            var closest: Closest?
            var failed: [Int] = []
            for (i, schema) in schemas.enumerated() {
                // As for anyOf: failing branches' messages are collected only if none passes.
                // A branch that can reach a `writeOnly` is evaluated in full at once: its marks
                // must be collected even when it fails.
                if collecting && !program.nodes[schema].reachesSecret && !probe(schema, instance) {
                    failed.append(i)
                    continue
                }
                var branch: Evaluated? = evaluated == nil ? nil : Evaluated()
                let outcome = alternative { evaluator in
                    evaluator.evaluateChild(schema, instance, keywordToken: keyword.name, subToken: String(i), instanceToken: nil, evaluated: &branch, keyword: keyword.name)
                }
                if outcome.valid {
                    passing.append(i)
                    if passing.count == 1 { passingEvaluated = branch }
                    if passing.count > 1 && !collecting { return false }
                } else if collecting {
                    failed.append(i)
                }
            }
            if passing.count == 1 {
                if let passingEvaluated { evaluated?.merge(passingEvaluated) }
                return true
            }
            if collecting {
                if passing.isEmpty {
                    closest = closestFailure(keyword, schemas, failed, instance, tracking: evaluated != nil)
                    recordNoMatch(keyword, schemas.count, closest, node: node, instance: instance)
                } else {
                    let list = passing.map(String.init).joined(separator: ", ")
                    record(node: node, keyword: keyword.name, instance: instance, message: "\(subject) matches \(passing.count) alternatives of oneOf (\(list)); exactly one must match")
                }
            }
            return false

        case .not(let schema):
            if collecting { evaluationPath.append(keyword.name) }
            let matched = probe(schema, instance)
            if collecting { evaluationPath.removeLast() }
            if !matched {
                collectSecretMarks(keyword, schema, instance)
                return true
            }
            if collecting {
                record(node: node, keyword: keyword.name, instance: instance, message: "\(subject) must not match the schema under not")
            }
            return false

        case .conditional(let condition, let then, let otherwise):
            var conditionEvaluated: Evaluated? = evaluated == nil ? nil : Evaluated()
            let outcome = alternative { evaluator in
                evaluator.evaluateChild(condition, instance, keywordToken: "if", instanceToken: nil, evaluated: &conditionEvaluated, keyword: "if")
            }
            if outcome.valid {
                if let conditionEvaluated { evaluated?.merge(conditionEvaluated) }
                guard let then else { return true }
                return evaluateChild(then, instance, keywordToken: "then", instanceToken: nil, evaluated: &evaluated, keyword: "then")
            }
            guard let otherwise else { return true }
            return evaluateChild(otherwise, instance, keywordToken: "else", instanceToken: nil, evaluated: &evaluated, keyword: "else")

        default:
            return true
        }
    }

    private mutating func recordNoMatch(_ keyword: SchemaKeyword, _ count: Int, _ closest: Closest?, node: SchemaNode, instance: Instance) {
        func message(_ reason: (SchemaValidationFailure) -> String) -> String {
            var message = "\(subject) matches none of the \(count) alternatives of \(keyword.name)"
            if let closest, let first = closest.failures.first {
                message += "; closest is alternative \(closest.index): \(reason(first))"
                if closest.failures.count > 1 { message += " (and \(closest.failures.count - 1) more)" }
            }
            return message
        }
        record(node: node, keyword: keyword.name, instance: instance, message: message(\.message), valueFree: message(\.valueFreeMessage), causes: closest?.failures ?? [])
    }
}

/// The failed alternative reported for a failed `anyOf`/`oneOf`: the one with the fewest
/// failures, not counting as close a branch whose `type` already rejects the value.
struct Closest {
    var index: Int
    var failures: [SchemaValidationFailure]
    var score: Int

    init(index: Int, failures: [SchemaValidationFailure], pointer: String) {
        self.index = index
        self.failures = failures
        let wrongType = failures.contains { $0.keyword == "type" && $0.instancePointer == pointer }
        self.score = failures.count + (wrongType ? 1_000 : 0)
    }

    static func better(_ current: Closest?, _ candidate: Closest) -> Closest {
        guard let current else { return candidate }
        return candidate.score < current.score ? candidate : current
    }
}
