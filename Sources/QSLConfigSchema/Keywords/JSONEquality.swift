import QSLConfigCore

/// JSON equality as `enum`, `const` and `uniqueItems` define it: numbers by mathematical value
/// (`1.0 == 1`), strings and keys by Unicode scalars (not Swift's canonical equivalence),
/// objects regardless of member order.
enum JSONEquality {
    static func equal<A: JSONInstance, B: JSONInstance>(_ a: A, _ b: B) -> Bool {
        let kind = a.instanceKind
        guard kind == b.instanceKind else { return false }
        switch kind {
        case .null, .true, .false:
            return true
        case .number:
            guard let x = a.numberText, let y = b.numberText else { return false }
            if x == y { return true }
            return SchemaNumber(jsonText: x) == SchemaNumber(jsonText: y)
        case .string:
            return sameScalars(a.stringValue ?? "", b.stringValue ?? "")
        case .array:
            let x = a.arrayElements
            let y = b.arrayElements
            guard x.count == y.count else { return false }
            for i in x.indices where !equal(x[i], y[i]) { return false }
            return true
        case .object:
            let x = a.objectMembers
            let y = b.objectMembers
            guard x.count == y.count else { return false }
            for member in x {
                guard let other = y.first(where: { sameScalars($0.key, member.key) }), equal(member.value, other.value) else {
                    return false
                }
            }
            return true
        }
    }

    static func sameScalars(_ a: String, _ b: String) -> Bool {
        a.utf8.elementsEqual(b.utf8)
    }
}
