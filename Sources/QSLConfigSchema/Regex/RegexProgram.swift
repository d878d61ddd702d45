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
    /// Stack frames a match nests apart from the iterations of repeated groups.
    private let staticFrames: Int
    /// For a pattern that repeats a group: the frames one iteration nests, and the sum of the
    /// repetitions' minimums (iterations past a minimum each consume a scalar). `nil` otherwise.
    private let groupIterations: (frames: Int, minimums: Int)?

    /// Matching steps one input may take before the matcher hands the input to Swift's engine:
    /// far above what a sane pattern needs, and a bound on catastrophic backtracking here.
    static let stepBudget = 100_000
    /// The deepest a match may nest, in frames of the matcher's recursion: the matcher runs on
    /// whatever thread validates, whose stack may be 512 KiB. A pattern nesting deeper, or an
    /// input whose repeated group would, is left to Swift's engine.
    static let frameBudget = 1_000
    /// The largest repetition bound on a group this matcher runs.
    static let maxGroupRepetitionBound = 1_000

    /// The program for `root`, or `nil` when this matcher should not run it: a group repeated
    /// with a bound above ``maxGroupRepetitionBound``, or a pattern that nests past
    /// ``frameBudget`` whatever the input.
    init?(_ root: RegexNode) {
        guard let shape = Self.shape(of: root), shape.frames <= Self.frameBudget / 2 else { return nil }
        self.root = root
        self.staticFrames = shape.frames
        self.groupIterations = shape.iteration.map { ($0, shape.minimums) }
        self.anchoredAtStart = Self.startsAnchored(root)
    }

    /// Whether an input of `count` scalars can nest past ``frameBudget``.
    func nestsTooDeep(forInputOf count: Int) -> Bool {
        guard let groupIterations else { return false }
        return staticFrames + (count + groupIterations.minimums) * groupIterations.frames > Self.frameBudget
    }

    /// What matching a text came to.
    enum Outcome: Equatable {
        case match
        case noMatch
        /// The step budget ran out: the pattern backtracks too much on this text.
        case overBudget
        /// The text would nest past ``frameBudget`` through a repeated group; not tried.
        case tooDeep
    }

    /// Matches `text` anywhere, within the step and frame budgets.
    func outcome(_ text: String) -> Outcome {
        let scalars = Array(text.unicodeScalars)
        if nestsTooDeep(forInputOf: scalars.count) { return .tooDeep }
        let run = Run(scalars)
        for start in 0...(anchoredAtStart ? 0 : scalars.count) {
            if run.match(root, start, { _ in true }) { return .match }
            if run.gaveUp { return .overBudget }
        }
        return .noMatch
    }

    /// Whether the pattern matches somewhere in `text`; `nil` when this matcher did not decide
    /// (over its step budget, or an input that would nest too deep).
    func matches(_ text: String) -> Bool? {
        switch outcome(text) {
        case .match: true
        case .noMatch: false
        case .overBudget, .tooDeep: nil
        }
    }

    /// What nesting a match of `node` can reach: its frames apart from group iterations, the
    /// frames of one iteration of its deepest repeated group (`nil` without one), and the sum of
    /// its group repetitions' minimums; `nil` when this matcher should not run it.
    private static func shape(of node: RegexNode) -> (frames: Int, iteration: Int?, minimums: Int)? {
        switch node {
        case .scalar, .set, .inputStart, .inputEnd, .wordBoundary, .never:
            return (1, nil, 0)
        case .group(let inner):
            return shape(of: inner).map { (1 + $0.frames, $0.iteration, $0.minimums) }
        case .sequence(let nodes), .alternation(let nodes):
            var frames = 0
            var iteration: Int?
            var minimums = 0
            for child in nodes {
                guard let inner = shape(of: child) else { return nil }
                if case .sequence = node {
                    // Each element's frames stay on the stack while the rest of the sequence
                    // matches (the continuation runs inside it); atoms are matched in line.
                    frames += Run.inline(child) ? 0 : 3 + inner.frames
                } else {
                    frames = max(frames, inner.frames)
                }
                iteration = [iteration, inner.iteration].compactMap { $0 }.max()
                minimums += inner.minimums
            }
            return (1 + frames, iteration, minimums)
        case .repetition(let body, let min, let max, _):
            guard let inner = shape(of: body) else { return nil }
            if Run.singleScalar(body) { return (2, inner.iteration, inner.minimums) }
            guard min <= maxGroupRepetitionBound, (max ?? 0) <= maxGroupRepetitionBound else { return nil }
            let iteration = 4 + inner.frames
            return (3 + inner.frames, Swift.max(iteration, inner.iteration ?? 0), inner.minimums + min)
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
                return (isBoundary(at: i) != negated) && next(i)
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

        /// The elements of a sequence from `index`: characters, classes and assertions are
        /// matched in line (a 5,000-character literal does not recurse 5,000 times); any other
        /// element matches with the rest of the sequence as its continuation.
        private func sequence(_ nodes: [RegexNode], _ index: Int, _ i: Int, _ next: (Int) -> Bool) -> Bool {
            var index = index
            var i = i
            while index < nodes.count, Self.inline(nodes[index]) {
                switch nodes[index] {
                case .scalar(let scalar):
                    guard i < scalars.count, scalars[i] == scalar else { return false }
                    i += 1
                case .set(let set):
                    guard i < scalars.count, set.contains(scalars[i]) else { return false }
                    i += 1
                case .inputStart:
                    guard i == 0 else { return false }
                case .inputEnd:
                    guard i == scalars.count else { return false }
                case .wordBoundary(let negated):
                    guard isBoundary(at: i) != negated else { return false }
                default:
                    preconditionFailure("only atoms are matched in line")
                }
                index += 1
            }
            steps += 1
            if index == nodes.count { return next(i) }
            return match(nodes[index], i) { j in self.sequence(nodes, index + 1, j, next) }
        }

        private func isBoundary(at i: Int) -> Bool {
            let before = i > 0 && Self.isWord(scalars[i - 1])
            let after = i < scalars.count && Self.isWord(scalars[i])
            return before != after
        }

        /// Whether a sequence matches `node` in line, without recursing.
        static func inline(_ node: RegexNode) -> Bool {
            switch node {
            case .scalar, .set, .inputStart, .inputEnd, .wordBoundary: true
            default: false
            }
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
