import QSLConfigCore

/// Runs a ``CompiledSchema`` over one instance.
///
/// In *collecting* mode (``SchemaValidator/validate(_:)``) every keyword runs, failures carry
/// both locations and a message, and annotations are gathered. Otherwise
/// (``SchemaValidator/isValid(_:)``) evaluation stops at the first failure and builds no
/// strings at all.
///
/// Alternatives that are allowed to fail (`anyOf`/`oneOf` branches, `if`, `not`, `contains`
/// probes) are evaluated with marks on the failure and annotation buffers, and what a failed
/// alternative left behind is cut off again.
struct Evaluator<Instance: JSONInstance> {
    let program: CompiledSchema
    let options: SchemaValidationOptions
    var collecting: Bool

    var failures: [SchemaValidationFailure] = []
    var annotations: [SchemaAnnotation] = []
    /// Instance pointers of values a `writeOnly` marks secret, from passing and failing
    /// subschemas alike (collecting mode only); never cut back by ``alternative(_:)``.
    var secretPointers: Set<String> = []
    /// The dynamic scope: resources entered on the way to the current subschema, outermost first.
    var scope: [Int] = []
    /// Unescaped keyword-location tokens (collecting mode only).
    var evaluationPath: [String] = []
    /// Instance-location tokens (collecting mode only).
    var instancePath: [InstancePathToken] = []
    var depth = 0

    /// Nested subschema evaluations allowed before the schema is taken to loop forever
    /// (`{"$ref": "#"}`); above what real schemas and instances need (the reader caps instance
    /// nesting at 64), and low enough for a 512 KiB thread stack in a release build.
    static var maxDepth: Int { 128 }

    init(program: CompiledSchema, options: SchemaValidationOptions, collecting: Bool) {
        self.program = program
        self.options = options
        self.collecting = collecting
    }

    // MARK: Subschemas

    /// Evaluates node `id` against `instance`. When `evaluated` is non-nil, what the node
    /// evaluated of the instance is merged into it.
    mutating func evaluate(_ id: Int, _ instance: Instance, evaluated: inout Evaluated?) -> Bool {
        let node = program.nodes[id]
        if let constant = node.constant {
            if !constant && collecting {
                record(node: node, keyword: nil, instance: instance, message: "no value is allowed here (the schema is false)")
            }
            return constant
        }
        guard depth < Self.maxDepth else {
            if collecting {
                record(node: node, keyword: nil, instance: instance, message: "the schema recurses more than \(Self.maxDepth) levels without consuming the instance; it probably loops")
            }
            return false
        }
        depth += 1
        let entered = scope.last != node.resource
        if entered { scope.append(node.resource) }
        defer {
            depth -= 1
            if entered { scope.removeLast() }
        }
        if collecting && node.marksSecret { secretPointers.insert(instancePointer) }
        if collecting && !node.annotations.isEmpty {
            let pointer = instancePointer
            for annotation in node.annotations {
                annotations.append(SchemaAnnotation(
                    instancePointer: pointer, instanceLocation: instance.sourceLocation, keyword: annotation.keyword,
                    valueText: annotation.value, schemaLocation: node.location + "/" + JSONPointer.escape(annotation.keyword)))
            }
        }

        var view = InstanceView(instance, types: node.types, options: options)
        var local: Evaluated? = (evaluated != nil || node.hasUnevaluated) ? Evaluated() : nil
        var valid = true
        for keyword in node.keywords {
            if !apply(keyword, of: node, to: &view, evaluated: &local) {
                valid = false
                if !collecting { break }
            }
        }
        if let local, evaluated != nil { evaluated!.merge(local) }
        return valid
    }

    /// Evaluates a subschema at a child location: `keywordToken` (and `subToken`, a member name
    /// or an index under it) is appended to the evaluation path and `instanceToken` (if the
    /// instance is a member or element) to the instance path. A `false` subschema fails with
    /// `falseMessage`, which says more than "false schema". The tokens are passed one by one,
    /// not as an array: this runs for every member of every object a schema looks at.
    mutating func evaluateChild(
        _ id: Int, _ instance: Instance, keywordToken: String, subToken: String? = nil, instanceToken: InstancePathToken?,
        evaluated: inout Evaluated?, keyword: String, falseMessage: (() -> String)? = nil
    ) -> Bool {
        if collecting {
            evaluationPath.append(keywordToken)
            if let subToken { evaluationPath.append(subToken) }
            if let instanceToken { instancePath.append(instanceToken) }
        }
        defer {
            if collecting {
                evaluationPath.removeLast(subToken == nil ? 1 : 2)
                if instanceToken != nil { instancePath.removeLast() }
            }
        }
        if let falseMessage, program.nodes[id].constant == false {
            if collecting {
                let node = program.nodes[id]
                record(node: node, keyword: nil, instance: instance, message: falseMessage(), keywordName: keyword)
            }
            return false
        }
        return evaluate(id, instance, evaluated: &evaluated)
    }

    /// Runs `body` as an alternative that may fail: its failures are returned (and removed),
    /// and on failure its annotations are removed too.
    mutating func alternative(_ body: (inout Self) -> Bool) -> (valid: Bool, failures: ArraySlice<SchemaValidationFailure>) {
        let failureMark = failures.count
        let annotationMark = annotations.count
        let valid = body(&self)
        let left = failures[failureMark...]
        failures.removeSubrange(failureMark...)
        if !valid { annotations.removeSubrange(annotationMark...) }
        return (valid, left)
    }

    /// Evaluates with failure collection off, for subschemas whose result alone matters (`not`).
    mutating func probe(_ id: Int, _ instance: Instance) -> Bool {
        let saved = collecting
        collecting = false
        defer { collecting = saved }
        var none: Evaluated?
        return evaluate(id, instance, evaluated: &none)
    }

    // MARK: Failures

    var instancePointer: String {
        var pointer = ""
        for token in instancePath {
            switch token {
            case .key(let key): pointer += "/" + JSONPointer.escape(key)
            case .index(let index): pointer += "/" + String(index)
            }
        }
        return pointer
    }

    /// What messages call the current value: `"Port"`, `item 3`, or `value` at the root.
    var subject: String {
        switch instancePath.last {
        case .key(let key)?: JSONTree.quoted(key)
        case .index(let index)?: "item \(index)"
        case nil: "value"
        }
    }

    /// Records a failure of `keyword` (nil for the subschema itself, as for `false`);
    /// `valueFree` is the message without the instance's values, when it quotes any.
    mutating func record(
        node: SchemaNode, keyword: String?, instance: Instance, message: String, valueFree: String? = nil,
        causes: [SchemaValidationFailure] = [], keywordName: String? = nil
    ) {
        var keywordLocation = ""
        for token in evaluationPath { keywordLocation += "/" + JSONPointer.escape(token) }
        var absolute = node.location
        if let keyword {
            keywordLocation += "/" + JSONPointer.escape(keyword)
            absolute += "/" + JSONPointer.escape(keyword)
        }
        failures.append(SchemaValidationFailure(
            instanceLocation: instance.sourceLocation, instancePointer: instancePointer, keywordLocation: keywordLocation,
            absoluteKeywordLocation: absolute, keyword: keyword ?? keywordName ?? evaluationPath.last ?? "false",
            message: message, valueFreeMessage: valueFree, causes: causes))
    }
}
