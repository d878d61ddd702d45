import QSLConfigCore

extension SchemaCompiler {
    /// Refuses a schema in which a subschema applies itself to the same instance again without
    /// going down into a member or an element first (`{"$ref": "#"}`, or `a` → `b` → `a` through
    /// `$ref`, `allOf`, `anyOf`, `oneOf`, `not`, `if`/`then`/`else` or `dependentSchemas`).
    /// Evaluating such a loop never ends whatever the instance, so it is the schema's fault and
    /// is reported at the schema, naming the file and the reference that closes the loop.
    ///
    /// One depth-first walk over the in-place edges, with an explicit stack: linear in the
    /// number of nodes and edges, however long a chain of `$ref`s is.
    ///
    /// - Returns: Every node, each after all the nodes it applies in place.
    func checkInPlaceCycles() throws(SchemaError) -> [Int] {
        enum Mark { case unvisited, open, done }
        var marks = [Mark](repeating: .unvisited, count: nodes.count)
        var order: [Int] = []
        order.reserveCapacity(nodes.count)
        let edges: [[Int]] = nodes.map { Self.inPlaceTargets(of: $0) }
        for start in nodes.indices where marks[start] == .unvisited {
            // (node, next edge to follow)
            var stack: [(node: Int, edge: Int)] = [(start, 0)]
            marks[start] = .open
            while let top = stack.last {
                let targets = edges[top.node]
                guard top.edge < targets.count else {
                    marks[top.node] = .done
                    order.append(top.node)
                    stack.removeLast()
                    continue
                }
                stack[stack.count - 1].edge += 1
                let target = targets[top.edge]
                switch marks[target] {
                case .done: continue
                case .unvisited:
                    marks[target] = .open
                    stack.append((target, 0))
                case .open:
                    let loop = stack.drop { $0.node != target }.map(\.node)
                    throw loopError(loop)
                }
            }
        }
        return order
    }

    /// Sets ``SchemaNode/marksSecret`` on every node that declares `writeOnly: true` or applies,
    /// in place, one that does, whether or not that subschema passes: a `writeOnly` inside a
    /// failing `anyOf` branch still says the value is secret, and reports must not quote it.
    ///
    /// - Parameter order: Every node after those it applies in place (``checkInPlaceCycles()``).
    mutating func markSecretValues(in order: [Int]) {
        for id in order {
            nodes[id].marksSecret =
                nodes[id].annotations.contains { $0.keyword == "writeOnly" && $0.value == "true" }
                || Self.inPlaceTargets(of: nodes[id]).contains { nodes[$0].marksSecret }
        }
    }

    /// Sets ``SchemaNode/reachesSecret``: a node marks a value secret, or a subschema it applies
    /// (to the same value or to a member or element) reaches one, however the subschemas refer
    /// back up (`{"items": {"$ref": "#"}}`).
    mutating func markSecretReach() {
        // From every node that marks a value secret, back along the edges that lead to it: each
        // node and edge is visited once.
        var parents = [[Int]](repeating: [], count: nodes.count)
        for id in nodes.indices {
            for target in nodes[id].keywords.flatMap(Self.subschemas(of:)) { parents[target].append(id) }
        }
        var work = nodes.indices.filter { nodes[$0].marksSecret }
        for id in work { nodes[id].reachesSecret = true }
        while let id = work.popLast() {
            for parent in parents[id] where !nodes[parent].reachesSecret {
                nodes[parent].reachesSecret = true
                work.append(parent)
            }
        }
    }

    /// Every subschema `keyword` applies, in place or below.
    private static func subschemas(of keyword: SchemaKeyword) -> [Int] {
        switch keyword.operation {
        case .prefixItems(let schemas): schemas
        case .items(let schema, _), .contains(let schema, _, _), .propertyNames(let schema), .unevaluatedItems(let schema),
            .unevaluatedProperties(let schema), .additionalProperties(let schema, _, _):
            [schema]
        case .properties(let schemas): Array(schemas.values)
        case .patternProperties(let schemas): schemas.map(\.1)
        default: inPlaceTargets(of: keyword)
        }
    }

    /// The subschemas `node` applies to the very instance it is given.
    private static func inPlaceTargets(of node: SchemaNode) -> [Int] {
        node.keywords.flatMap(inPlaceTargets(of:))
    }

    /// The subschemas `keyword` applies to the very instance its schema is given.
    private static func inPlaceTargets(of keyword: SchemaKeyword) -> [Int] {
        switch keyword.operation {
        case .ref(let target), .dynamicRef(let target, _), .not(let target):
            [target]
        case .allOf(let schemas), .anyOf(let schemas), .oneOf(let schemas):
            schemas
        case .conditional(let condition, let then, let otherwise):
            [condition] + [then, otherwise].compactMap { $0 }
        case .dependentSchemas(let schemas):
            schemas.map(\.1)
        default:
            []
        }
    }

    /// The error for the loop `nodes` (each applies the next, the last the first), located at
    /// the last one's keyword in its file.
    private func loopError(_ loop: [Int]) -> SchemaError {
        let last = nodes[loop[loop.count - 1]]
        let keyword = last.keywords.first { Self.inPlaceTargets(of: $0).contains(loop[0]) }?.name ?? "$ref"
        // A long loop is named by its ends, so the message stays one readable line.
        let shown = loop.count <= 6 ? loop.map { nodes[$0].location } : loop.prefix(3).map { nodes[$0].location } + ["… (\(loop.count - 5) more)"] + loop.suffix(2).map { nodes[$0].location }
        let path = (shown + [nodes[loop[0]].location]).joined(separator: " -> ")
        var sourceLocation: SourceLocation?
        if let position = nodeByPosition.first(where: { $0.value == loop[loop.count - 1] })?.key, let tree = tree(at: position) {
            sourceLocation = tree[keyword]?.location ?? tree.location
        }
        let message =
            loop.count == 1
            ? "the schema applies itself to the same value through \(keyword) without consuming it, so validating never ends: \(path)"
            : "these schemas apply each other to the same value without consuming it, so validating never ends: \(path)"
        return SchemaError(.invalidSchema, message, schemaLocation: last.location + "/" + JSONPointer.escape(keyword), sourceLocation: sourceLocation)
    }
}
