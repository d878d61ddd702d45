/// A pattern as ``ECMARegexTranslator`` read it, for the project's own backtracking matcher.
///
/// Swift's `Regex` parses its pattern text again when it is built and builds its program on the
/// first match; for the short, simple patterns schemas hold (`^[a-z][a-z0-9-]*$`) that costs far
/// more than the matching. The translator already knows the pattern's structure, so for patterns
/// made of characters, classes, anchors, word boundaries, groups, alternation and repetition it
/// hands over this tree, and ``RegexProgram`` matches it over Unicode scalars with ECMA-262's
/// semantics (`u` flag; JSON Schema sets no `m`, `i` or `s` flag). Patterns with lookaround,
/// backreferences or Unicode property escapes go to Swift's `Regex`, as do the inputs this
/// matcher declines (see ``RegexProgram/matches(_:)``).
indirect enum RegexNode: Sendable {
    case scalar(Unicode.Scalar)
    case set(ScalarSet)
    /// `^`: the start of the input.
    case inputStart
    /// `$`: the end of the input.
    case inputEnd
    /// `\b`, or `\B` when negated, with ECMA-262's ASCII word characters.
    case wordBoundary(negated: Bool)
    /// A capturing or non-capturing group: without backreferences, captures change nothing.
    case group(RegexNode)
    case sequence([RegexNode])
    case alternation([RegexNode])
    case repetition(RegexNode, min: Int, max: Int?, greedy: Bool)
    /// `[]`, which matches nothing.
    case never
}

/// A character class: the scalars in one of `ranges`, or outside all of one of `complements`
/// (`[\D]`, `[\W_]`), inverted when `negated`.
struct ScalarSet: Sendable {
    var ranges: [ClosedRange<UInt32>] = []
    var complements: [[ClosedRange<UInt32>]] = []
    var negated = false

    func contains(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        var found = ranges.contains { $0.contains(value) }
        if !found {
            found = complements.contains { list in !list.contains { $0.contains(value) } }
        }
        return found != negated
    }

    /// ECMA-262's `.`: anything but the four line terminators.
    static let dot = ScalarSet(ranges: [0x0A...0x0A, 0x0D...0x0D, 0x2028...0x2029], negated: true)
}

/// A ``RegexNode`` tree ready to match; immutable, so shared between threads.
struct RegexProgram: Sendable {
    let root: RegexNode
    /// Whether every match starts at the beginning (`^...`), so no later start is tried.
    private let anchoredAtStart: Bool
    /// Whether a group is repeated: each of its iterations recurses once, so long inputs are
    /// left to Swift's engine (``maxScalarsForGroupRepetition``).
    private let repeatsGroup: Bool

    /// Matching steps one input may take before the matcher hands the input to Swift's engine:
    /// far above what a sane pattern needs, and a bound on catastrophic backtracking here.
    static let stepBudget = 100_000
    /// The longest input matched here when the pattern repeats a group.
    static let maxScalarsForGroupRepetition = 1_000
    /// The largest repetition bound on a group this matcher runs; a larger one nests too deep.
    static let maxGroupRepetitionBound = 1_000

    /// The program for `root`, or `nil` when this matcher should not run it (a group repeated
    /// with a bound above ``maxGroupRepetitionBound``).
    init?(_ root: RegexNode) {
        guard let repeatsGroup = Self.repeatsGroup(root) else { return nil }
        self.root = root
        self.repeatsGroup = repeatsGroup
        self.anchoredAtStart = Self.startsAnchored(root)
    }

    /// Whether the pattern matches somewhere in `text`; `nil` when this matcher declines the
    /// input (too long for a repeated group, or over the step budget) and Swift's engine must
    /// answer.
    func matches(_ text: String) -> Bool? {
        let scalars = Array(text.unicodeScalars)
        if repeatsGroup && scalars.count > Self.maxScalarsForGroupRepetition { return nil }
        let run = Run(scalars)
        for start in 0...(anchoredAtStart ? 0 : scalars.count) {
            if run.match(root, start, { _ in true }) { return true }
            if run.gaveUp { return nil }
        }
        return false
    }

    /// Whether `node` repeats a group, or `nil` when this matcher should not run it.
    private static func repeatsGroup(_ node: RegexNode) -> Bool? {
        switch node {
        case .scalar, .set, .inputStart, .inputEnd, .wordBoundary, .never:
            return false
        case .group(let inner):
            return repeatsGroup(inner)
        case .sequence(let nodes), .alternation(let nodes):
            var repeats = false
            for child in nodes {
                guard let inner = repeatsGroup(child) else { return nil }
                repeats = repeats || inner
            }
            return repeats
        case .repetition(let body, let min, let max, _):
            guard let inner = repeatsGroup(body) else { return nil }
            if Run.singleScalar(body) { return inner }
            guard min <= maxGroupRepetitionBound, (max ?? 0) <= maxGroupRepetitionBound else { return nil }
            return true
        }
    }

    private static func startsAnchored(_ node: RegexNode) -> Bool {
        switch node {
        case .inputStart: true
        case .group(let inner): startsAnchored(inner)
        case .sequence(let nodes): nodes.first.map(startsAnchored) ?? false
        case .alternation(let nodes): !nodes.isEmpty && nodes.allSatisfy(startsAnchored)
        default: false
        }
    }

    /// One input being matched: its scalars and the steps taken so far.
    private final class Run {
        let scalars: [Unicode.Scalar]
        var steps = 0
        var gaveUp = false

        init(_ scalars: [Unicode.Scalar]) {
            self.scalars = scalars
        }

        /// Whether `node` matches at `i` such that the rest of the pattern, `next` (given where
        /// this match ends), matches too: backtracking in continuation-passing form.
        func match(_ node: RegexNode, _ i: Int, _ next: (Int) -> Bool) -> Bool {
            steps += 1
            if steps > RegexProgram.stepBudget { gaveUp = true }
            if gaveUp { return false }
            switch node {
            case .scalar(let scalar):
                return i < scalars.count && scalars[i] == scalar && next(i + 1)
            case .set(let set):
                return i < scalars.count && set.contains(scalars[i]) && next(i + 1)
            case .inputStart:
                return i == 0 && next(i)
            case .inputEnd:
                return i == scalars.count && next(i)
            case .wordBoundary(let negated):
                let before = i > 0 && Self.isWord(scalars[i - 1])
                let after = i < scalars.count && Self.isWord(scalars[i])
                return ((before != after) != negated) && next(i)
            case .group(let inner):
                return match(inner, i, next)
            case .sequence(let nodes):
                return sequence(nodes, 0, i, next)
            case .alternation(let nodes):
                for branch in nodes where match(branch, i, next) { return true }
                return false
            case .repetition(let body, let min, let max, let greedy):
                if Self.singleScalar(body) { return repeatScalar(body, min: min, max: max, greedy: greedy, i, next) }
                return repeatGroup(body, min: min, max: max, greedy: greedy, count: 0, i, next)
            case .never:
                return false
            }
        }

        private func sequence(_ nodes: [RegexNode], _ index: Int, _ i: Int, _ next: (Int) -> Bool) -> Bool {
            if index == nodes.count { return next(i) }
            return match(nodes[index], i) { j in self.sequence(nodes, index + 1, j, next) }
        }

        /// A repeated character or class: measures the run of matching scalars once, then tries
        /// the rest of the pattern after each length, longest first when greedy.
        private func repeatScalar(_ body: RegexNode, min: Int, max: Int?, greedy: Bool, _ i: Int, _ next: (Int) -> Bool) -> Bool {
            let limit = Swift.min(max ?? Int.max, scalars.count - i)
            var run = 0
            while run < limit, Self.matchesOne(body, scalars[i + run]) { run += 1 }
            guard run >= min else { return false }
            // The scan counts too, a little: a pattern that rescans a long run at every step
            // (`a*a*a*b`) still meets the budget, while one long run (`^a+$`) fits.
            steps += run >> 5
            if greedy {
                for length in stride(from: run, through: min, by: -1) where next(i + length) { return true }
            } else {
                for length in min...run where next(i + length) { return true }
            }
            return false
        }

        /// A repeated group, one iteration per recursion. As ECMA-262's RepeatMatcher has it,
        /// once the minimum is reached an iteration that matches the empty string fails.
        private func repeatGroup(_ body: RegexNode, min: Int, max: Int?, greedy: Bool, count: Int, _ i: Int, _ next: (Int) -> Bool) -> Bool {
            if count < min {
                return match(body, i) { j in self.repeatGroup(body, min: min, max: max, greedy: greedy, count: count + 1, j, next) }
            }
            let mayRepeat = max.map { count < $0 } ?? true
            func again() -> Bool {
                mayRepeat && match(body, i) { j in j != i && self.repeatGroup(body, min: min, max: max, greedy: greedy, count: count + 1, j, next) }
            }
            return greedy ? (again() || next(i)) : (next(i) || again())
        }

        static func singleScalar(_ node: RegexNode) -> Bool {
            switch node {
            case .scalar, .set: true
            case .group(let inner): singleScalar(inner)
            default: false
            }
        }

        private static func matchesOne(_ node: RegexNode, _ scalar: Unicode.Scalar) -> Bool {
            switch node {
            case .scalar(let expected): scalar == expected
            case .set(let set): set.contains(scalar)
            case .group(let inner): matchesOne(inner, scalar)
            default: false
            }
        }

        private static func isWord(_ scalar: Unicode.Scalar) -> Bool {
            switch scalar.value {
            case 0x30...0x39, 0x41...0x5A, 0x5F, 0x61...0x7A: true
            default: false
            }
        }
    }
}
