import Foundation
import QSLConfigSchema

/// Times the JSON Schema Test Suite's required draft 2020-12 and draft-07 tests through
/// ``SchemaValidator``, the way `baseline_python_jsonschema.py` times python-jsonschema: reading
/// the test files and the remotes, building the validators and checking every instance, all
/// inside the measured time.
///
/// `qsl-bench schema-suite SUITE_DIR [ITERATIONS] [--compile-per-test]` prints `key=value`
/// lines (best of ITERATIONS runs, default 5). By default each case's schema is compiled once
/// and reused for its instances, as the library is meant to be used; `--compile-per-test`
/// compiles it again for every instance, like the Python baseline.
enum SchemaSuiteBench {
    static func run(_ arguments: [String]) throws {
        let positional = arguments.filter { !$0.hasPrefix("--") }
        guard let directory = positional.first else {
            throw BenchError("usage: qsl-bench schema-suite SUITE_DIR [ITERATIONS] [--compile-per-test]")
        }
        let iterations = positional.count > 1 ? max(1, Int(positional[1]) ?? 5) : 5
        let compilePerTest = arguments.contains("--compile-per-test")
        let suite = SchemaTestSuite(suiteDirectory: directory)
        let runs: [SchemaTestSuite.Run] = [.draft2020, .draft7]

        var fastest = Double.infinity
        var perRun: [SchemaTestSuite.Run: (seconds: Double, passed: Int, total: Int)] = [:]
        var failures: [SchemaTestSuite.TestResult] = []
        let clock = ContinuousClock()
        for _ in 0..<iterations {
            var total = 0.0
            failures = []
            for run in runs {
                var summary: SchemaTestSuite.Summary?
                let elapsed = clock.measure {
                    summary = try? suite.run(run, compilePerTest: compilePerTest)
                }
                guard let summary else { throw BenchError("the \(run) suite could not be run from \(directory)") }
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                total += seconds
                if seconds < perRun[run]?.seconds ?? .infinity {
                    perRun[run] = (seconds, summary.passed, summary.total)
                }
                failures += summary.failures
            }
            fastest = min(fastest, total)
        }

        print("mode=\(compilePerTest ? "compile-per-test" : "compile-per-case")")
        print("iterations=\(iterations)")
        for run in runs {
            guard let figures = perRun[run] else { continue }
            let key = run == .draft7 ? "draft7" : "draft2020_12"
            print("\(key)_passed=\(figures.passed)")
            print("\(key)_total=\(figures.total)")
            print("\(key)_seconds=\(figures.seconds)")
        }
        print("qsl_passed=\(runs.compactMap { perRun[$0]?.passed }.reduce(0, +))")
        print("qsl_total=\(runs.compactMap { perRun[$0]?.total }.reduce(0, +))")
        print("qsl_seconds=\(fastest)")
        for failure in failures.prefix(20) {
            print("failed=\(failure.name): \(failure.detail)")
        }
    }
}
